/**
 * The cluster the benchmark runs against: `--brokers` / `KAFKA_BROKERS` if given, otherwise a local Kafka of
 * `--nodes` nodes (one by default; and a Schema Registry when the Avro scenario runs) started with the project's
 * cluster script in a private directory, and stopped at the end.
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './paths.js'

/** The part of scripts/cluster-lib.mjs the benchmark uses. */
interface ClusterLib {
  readonly KAFKA_VERSION: string
  up(options: { nodes: number; registry: boolean; dir: string }): Promise<{
    bootstrap: string
    registry: { url: string } | null
    kafkaVersion: string
    nodes: readonly { logDir: string }[]
  }>
  down(options: { dir: string }): Promise<unknown>
  ensureKafka(version?: string): Promise<string>
}

/** A cluster in use. */
export interface BenchCluster {
  readonly brokers: string
  readonly registryUrl?: string | undefined
  /** Kafka's version, or `external` when the cluster was given. */
  readonly kafkaVersion: string
  /** Kafka's jars, for the Java tools and the quota command; undefined when they cannot be had. */
  readonly kafkaLibs?: string | undefined
  /** Where each broker writes its GC log (a cluster the benchmark started; empty for a given one). */
  readonly gcLogDirs: readonly string[]
  /** Stops what the benchmark started (nothing for a given cluster). */
  stop(): Promise<void>
}

async function loadClusterLib(): Promise<ClusterLib> {
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'cluster-lib.mjs')).href)) as ClusterLib
}

/** How the benchmark's topics are replicated on a cluster of `nodes` brokers. */
export interface TopicReplication {
  readonly replicationFactor: number
  /** `min.insync.replicas` set on each topic; undefined leaves the broker's default (one broker). */
  readonly minInsyncReplicas?: number | undefined
}

/**
 * Replication of the benchmark's topics: factor min(3, nodes), and from 3 nodes `min.insync.replicas=2` (with
 * `acks=all`, an acknowledgement then means two copies), as the cluster script sets for its internal topics.
 */
export function topicReplication(nodes: number): TopicReplication {
  if (nodes <= 1) return { replicationFactor: 1 }
  return { replicationFactor: Math.min(3, nodes), minInsyncReplicas: nodes >= 3 ? 2 : 1 }
}

/** Apicurio's Confluent-compatible API, under its base URL. */
const APICURIO_CCOMPAT = '/apis/ccompat/v7'

/** Whether `GET <url>/subjects` answers 200 within 5 s. */
async function servesSubjects(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(5_000) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

/**
 * The Confluent-compatible URL of a given registry. `npm run cluster` and the tests export Apicurio's base URL as
 * `SCHEMA_REGISTRY_URL`, where the compatible API is under `/apis/ccompat/v7`: a URL that does not serve
 * `/subjects` but whose compatible path does is taken with that path. Any other URL is kept as given (scenario 4
 * then reports what the registry answered).
 */
export async function confluentRegistryUrl(given: string, log: (line: string) => void): Promise<string> {
  const url = given.replace(/\/+$/, '')
  if (url.endsWith(APICURIO_CCOMPAT) || (await servesSubjects(url))) return url
  if (await servesSubjects(`${url}${APICURIO_CCOMPAT}`)) {
    log(`registry: ${url} serves the Confluent-compatible API under ${APICURIO_CCOMPAT} (Apicurio); using that`)
    return `${url}${APICURIO_CCOMPAT}`
  }
  return url
}

/** Uses the given cluster or starts one. `log` receives one-line status messages. */
export async function ensureCluster(options: {
  brokers?: string | undefined
  registryUrl?: string | undefined
  /** Nodes of the local cluster. @default 1 */
  nodes?: number | undefined
  needRegistry: boolean
  log: (line: string) => void
}): Promise<BenchCluster> {
  const lib = await loadClusterLib()
  if (options.brokers) {
    // The Java tools still need Kafka's jars; resolving them needs Maven (cached after the first time).
    const libs = await lib.ensureKafka().catch((error: unknown) => {
      options.log(`Kafka's jars are unavailable (${String(error).split('\n')[0]}): Java rows and the quota are skipped`)
      return undefined
    })
    return {
      brokers: options.brokers,
      registryUrl: options.registryUrl && (await confluentRegistryUrl(options.registryUrl, options.log)),
      kafkaVersion: 'external',
      kafkaLibs: libs,
      gcLogDirs: [],
      stop: async () => {},
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-bench-cluster-'))
  const nodes = options.nodes ?? 1
  options.log(
    `starting a local Kafka ${lib.KAFKA_VERSION}${nodes > 1 ? ` (${nodes} nodes)` : ''}${options.needRegistry ? ' + Schema Registry' : ''} in ${dir} ...`,
  )
  const startedAt = Date.now()
  const state = await lib.up({ nodes, registry: options.needRegistry, dir })
  options.log(
    `cluster up in ${((Date.now() - startedAt) / 1000).toFixed(1)}s: ${state.bootstrap}${state.registry ? `, registry ${state.registry.url}` : ''}`,
  )
  const libs = join(ROOT, '.cache', 'kafka', state.kafkaVersion, 'libs')
  let stopped = false
  return {
    brokers: state.bootstrap,
    registryUrl: options.registryUrl
      ? await confluentRegistryUrl(options.registryUrl, options.log)
      : state.registry
        ? `${state.registry.url}${APICURIO_CCOMPAT}`
        : undefined,
    kafkaVersion: state.kafkaVersion,
    kafkaLibs: existsSync(libs) ? libs : undefined,
    gcLogDirs: state.nodes.map((node) => node.logDir),
    async stop() {
      if (stopped) return
      stopped = true
      await lib.down({ dir })
    },
  }
}
