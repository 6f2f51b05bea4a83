/**
 * vitest globalSetup: gives the test run a real Kafka broker and schema registry.
 * - KAFKA_BROKERS set: that cluster is used; SCHEMA_REGISTRY_URL too if set, else a registry alone is started.
 * - otherwise: a single-node cluster plus registry is started in a fresh temp dir and stopped after the run.
 * A cluster that cannot start fails the run with the reason (and log tails): tests are never skipped for it.
 * Tests read the addresses through `inject(...)` or process.env (forked workers inherit the env set here).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { down, up } from '../scripts/cluster-lib.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers, `127.0.0.1:port[,...]`. */
    kafkaBrokers: string
    /** Base URL of the registry; the Confluent-compatible API is under `/apis/ccompat/v7`. */
    schemaRegistryUrl: string
    /** State dir of the cluster this setup started, or '' when everything came from the environment. */
    clusterDir: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.KAFKA_BROKERS
  const externalRegistry = process.env.SCHEMA_REGISTRY_URL
  let dir = ''
  let teardown = async (): Promise<void> => {}

  if (!external || !externalRegistry) {
    dir = await mkdtemp(join(tmpdir(), 'kafkit-test-cluster-'))
    const started = Date.now()
    try {
      // With external Kafka but no registry URL, nodes: 0 starts the registry alone.
      const state = await up({ nodes: external ? 0 : 1, registry: true, dir })
      if (!external) process.env.KAFKA_BROKERS = state.bootstrap
      process.env.SCHEMA_REGISTRY_URL = state.registry?.url ?? ''
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => {})
      throw new Error(`test cluster could not be started: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      })
    }
    process.env.KAFKIT_CLUSTER_DIR = dir
    console.log(
      `[global-setup] ${external ? 'registry' : 'Kafka + registry'} ready in ${Date.now() - started} ms ` +
        `(brokers ${process.env.KAFKA_BROKERS}, registry ${process.env.SCHEMA_REGISTRY_URL}, dir ${dir})`,
    )
    teardown = async () => {
      await down({ dir })
      await rm(dir, { recursive: true, force: true })
    }
  }

  project.provide('kafkaBrokers', process.env.KAFKA_BROKERS ?? '')
  project.provide('schemaRegistryUrl', process.env.SCHEMA_REGISTRY_URL ?? '')
  project.provide('clusterDir', dir)
  return teardown
}
