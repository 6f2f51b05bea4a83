/**
 * The command line: `npm run bench -- [--full] [--scenarios a,b] [--clients x,y] [--messages N] ...`.
 * @module
 */
import { parseArgs } from 'node:util'
import {
  LIMIT_CLIENTS,
  NODE_CLIENTS,
  SCENARIO_IDS,
  type ClientId,
  type ProducerSettings,
  type ScenarioId,
} from './protocol.js'
import { defaultSweepBytes, parseSweepList, SWEEP_AXES, type SweepAxis } from './sweep.js'

/** Everything a benchmark run is configured with. */
export interface BenchOptions {
  /** `quick` (the default, a few minutes) or `full` (the committed comparison). */
  readonly mode: 'quick' | 'full'
  readonly scenarios: readonly ScenarioId[]
  readonly clients: readonly ClientId[]
  /** Rounds of every scenario but back-pressure (6), which runs once; the median round is reported. */
  readonly rounds: number
  /** Messages per run in the throughput scenarios (1, 3). */
  readonly messages: number
  /** Messages per run in the awaited and batch scenarios (2). */
  readonly awaitedMessages: number
  /** Messages per run in the Avro scenario (4). */
  readonly avroMessages: number
  /** Input messages per run in the consume-transform-produce scenario (7). */
  readonly pipelineMessages: number
  readonly messageSize: number
  readonly partitions: number
  readonly producer: ProducerSettings
  /** Sends in flight in the awaited scenarios. */
  readonly concurrency: number
  /** Messages per call in the batch scenario. */
  readonly batchSize: number
  /** Messages per second in the latency scenario. */
  readonly rate: number
  /** Seconds of traffic in the latency scenario. */
  readonly latencySeconds: number
  /** Messages sent without awaiting in the back-pressure scenario. */
  readonly backpressureMessages: number
  /** Produce quota (bytes/s) on the back-pressure scenario's client id. */
  readonly quotaBytesPerSecond: number
  /** A run is stopped after this many seconds and reports what it did (marked "timed out"). */
  readonly deadlineSeconds: number
  /** Bootstrap brokers; a local cluster is started when absent. */
  readonly brokers?: string | undefined
  /** Schema Registry URL; the local cluster's when absent. */
  readonly registryUrl?: string | undefined
  /** librdkafka security properties (`security.protocol`, `sasl.*`, `ssl.*`) for every client. */
  readonly security: Readonly<Record<string, string>>
  /** Node binary for clients that need Node >= 22 (@platformatic/kafka). */
  readonly node22?: string | undefined
  /** Write V8 CPU profiles of kafkit's runs under the results dir. */
  readonly profile: boolean
  /** Rewrite BENCHMARKS.md's results section from this run. */
  readonly updateDocs: boolean
  /** Where results (JSON, charts) are written. */
  readonly resultsDir: string
  /** Axes to sweep scenarios 1 and 3 along (`--sweep`); empty for no sweep. */
  readonly sweep: readonly SweepAxis[]
  /** The most value bytes one sweep point moves; `--messages` x 100 bytes unless `--sweep-bytes` says otherwise. */
  readonly sweepBytes: number
  /** The clients `--clients` named, for the sweeps; undefined means each sweep's default four. */
  readonly sweepClients?: readonly ClientId[] | undefined
  /**
   * Brokers in the cluster: the local cluster is started with this many nodes, and topics get replication factor
   * min(3, nodes) and, from 3 nodes, `min.insync.replicas=2`.
   */
  readonly nodes: number
}

/** Mode presets: quick must finish in under 5 minutes on a 2-core machine, full in about 15. */
export const MODE_DEFAULTS = Object.freeze({
  quick: Object.freeze({
    rounds: 1,
    messages: 100_000,
    awaitedMessages: 20_000,
    avroMessages: 10_000,
    pipelineMessages: 50_000,
    latencySeconds: 3,
    backpressureMessages: 150_000,
    // Kafka lets about 10 s worth of quota through before it throttles (it measures over 11 one-second windows):
    // 1 MB/s throttles the last third of a quick run's 15 MB.
    quotaBytesPerSecond: 1_000_000,
    deadlineSeconds: 8,
  }),
  full: Object.freeze({
    rounds: 3,
    messages: 1_000_000,
    awaitedMessages: 200_000,
    avroMessages: 50_000,
    pipelineMessages: 200_000,
    latencySeconds: 10,
    backpressureMessages: 5_000_000,
    // Under what the librdkafka clients reach unthrottled here (~30 MB/s); after the first ~200 MB (10 s of quota)
    // their queues fill and stay full.
    quotaBytesPerSecond: 20_000_000,
    deadlineSeconds: 25,
  }),
})

/** Defaults shared by both modes. */
export const BENCH_DEFAULTS = Object.freeze({
  messageSize: 100,
  partitions: 6,
  acks: 'all',
  compression: 'none',
  lingerMs: 5,
  concurrency: 1000,
  batchSize: 100,
  rate: 5000,
  resultsDir: 'bench/results',
  nodes: 1,
})

/** The scenarios and clients a multi-broker run (`--nodes 3`) has when `--scenarios` / `--clients` are not given. */
export const MULTI_BROKER_DEFAULTS = Object.freeze({
  scenarios: Object.freeze(['produce', 'consume'] as const satisfies readonly ScenarioId[]),
  clients: Object.freeze(['kafkit', 'rdkafka', 'c'] as const satisfies readonly ClientId[]),
})

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
const ALL_CLIENTS: readonly ClientId[] = [...NODE_CLIENTS, ...LIMIT_CLIENTS]

/** The usage text. */
export const USAGE = `Usage: npm run bench -- [options]

  --quick                 a short run (the default): 100k messages, 1 round, under 5 minutes
  --full                  the committed comparison: 1M messages, 3 rounds, about 15 minutes
  --scenarios LIST        ${SCENARIO_IDS.join(',')}
  --clients LIST          ${ALL_CLIENTS.join(',')}
  --rounds N              rounds of every scenario but 6 (median reported)
  --messages N            messages per run in scenarios 1 and 3
  --awaited-messages N    messages per run in scenario 2
  --avro-messages N       records per run in scenario 4
  --pipeline-messages N   input messages per run in scenario 7
  --size BYTES            value size (${BENCH_DEFAULTS.messageSize})
  --partitions N          partitions per topic (${BENCH_DEFAULTS.partitions})
  --acks all|1|0          producer acks (${BENCH_DEFAULTS.acks})
  --no-idempotence        plain producer instead of idempotent
  --compression CODEC     ${COMPRESSIONS.join('|')} (${BENCH_DEFAULTS.compression})
  --linger MS             linger.ms for every client (${BENCH_DEFAULTS.lingerMs})
  --concurrency N         awaited sends in flight (${BENCH_DEFAULTS.concurrency})
  --batch-size N          messages per batch call (${BENCH_DEFAULTS.batchSize})
  --rate N                msgs/s in the latency scenario (${BENCH_DEFAULTS.rate})
  --latency-seconds S     duration of the latency scenario
  --backpressure-messages N
  --quota BYTES_PER_SEC   produce quota in the back-pressure scenario (quick 1 MB/s, full 20 MB/s)
  --deadline S            seconds before a run is stopped and marked "timed out"
  --brokers HOST:PORT     use this cluster (or KAFKA_BROKERS) instead of starting one
  --registry URL          Schema Registry (or SCHEMA_REGISTRY_URL); an Apicurio base URL gets /apis/ccompat/v7
  -X key=value            librdkafka security property for every client (security.protocol, sasl.*, ssl.*)
  --node22 PATH           node >= 22 binary for @platformatic/kafka (or KAFKIT_BENCH_NODE22)
  --profile               write V8 CPU profiles of kafkit's runs
  --update-docs           rewrite BENCHMARKS.md's section of this run (results, sweeps or three brokers)
  --out DIR               results directory (${BENCH_DEFAULTS.resultsDir})

Sweeps and several brokers (only when asked; they replace the scenarios unless --scenarios is given):
  --sweep LIST            ${SWEEP_AXES.join(',')} or all: scenarios 1 and 3 at each value (sizes 10 B-100 KB;
                          1, 6, 32, 128 partitions; none, lz4, zstd) with kafkit, raw node-rdkafka, the fastest
                          other Node client and the C tool (or the --clients given)
  --sweep-bytes BYTES     the most value bytes a sweep run moves (--messages x 100); at least 20000 messages
  --nodes N               brokers: start the local cluster with N nodes; topics get replication min(3, N) and,
                          from 3 nodes, min.insync.replicas=2 (default scenarios produce,consume, clients
                          kafkit,rdkafka,c); with --brokers, how many brokers that cluster has
`

function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (value === undefined) return undefined
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new Error(`--${what}: unknown '${item}' (one of ${allowed.join(', ')})`)
  }
  return items as T[]
}

function positive(value: string | undefined, what: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback
  const number = Number(value.replaceAll('_', ''))
  if (!Number.isFinite(number) || number < 0 || (!allowZero && number === 0))
    throw new Error(`--${what}: expected a positive number, got '${value}'`)
  return number
}

const SECURITY_KEY = /^(security\.protocol|sasl\.[a-z.]+|ssl\.[a-z.]+|enable\.ssl\.certificate\.verification)$/

/** Parses the command line (and KAFKA_BROKERS / SCHEMA_REGISTRY_URL / KAFKIT_BENCH_NODE22). */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      scenarios: { type: 'string' },
      clients: { type: 'string' },
      rounds: { type: 'string' },
      messages: { type: 'string' },
      'awaited-messages': { type: 'string' },
      'avro-messages': { type: 'string' },
      'pipeline-messages': { type: 'string' },
      size: { type: 'string' },
      partitions: { type: 'string' },
      acks: { type: 'string' },
      'no-idempotence': { type: 'boolean' },
      compression: { type: 'string' },
      linger: { type: 'string' },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      rate: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'backpressure-messages': { type: 'string' },
      quota: { type: 'string' },
      deadline: { type: 'string' },
      brokers: { type: 'string' },
      registry: { type: 'string' },
      X: { type: 'string', short: 'X', multiple: true },
      node22: { type: 'string' },
      profile: { type: 'boolean' },
      'update-docs': { type: 'boolean' },
      out: { type: 'string' },
      sweep: { type: 'string' },
      'sweep-bytes': { type: 'string' },
      nodes: { type: 'string' },
    },
  })
  if (values.help) return 'help'
  if (values.quick && values.full) throw new Error('--quick and --full exclude each other')
  const mode = values.full ? 'full' : 'quick'
  const preset = MODE_DEFAULTS[mode]
  const acksText = values.acks ?? BENCH_DEFAULTS.acks
  const acks = acksText === 'all' || acksText === '-1' ? -1 : acksText === '1' ? 1 : acksText === '0' ? 0 : undefined
  if (acks === undefined) throw new Error(`--acks: expected all, 1 or 0, got '${acksText}'`)
  const compression = values.compression ?? BENCH_DEFAULTS.compression
  if (!(COMPRESSIONS as readonly string[]).includes(compression))
    throw new Error(`--compression: expected one of ${COMPRESSIONS.join(', ')}`)
  const security: Record<string, string> = {}
  for (const pair of values.X ?? []) {
    const at = pair.indexOf('=')
    const key = pair.slice(0, at)
    if (at < 1 || !SECURITY_KEY.test(key))
      throw new Error(`-X ${pair}: expected a security property key=value (security.protocol, sasl.*, ssl.*)`)
    security[key] = pair.slice(at + 1)
  }
  const sweep = values.sweep === undefined ? [] : parseSweepList(values.sweep)
  const nodes = positive(values.nodes, 'nodes', BENCH_DEFAULTS.nodes)
  if (!Number.isInteger(nodes)) throw new Error(`--nodes: expected a whole number, got '${values.nodes}'`)
  const clients = list(values.clients, ALL_CLIENTS, 'clients')
  const messages = positive(values.messages, 'messages', preset.messages)
  // Sweeps and multi-broker runs are runs of their own: the eight scenarios run with them only when asked.
  const defaultScenarios: readonly ScenarioId[] =
    sweep.length > 0 ? [] : nodes > 1 ? MULTI_BROKER_DEFAULTS.scenarios : SCENARIO_IDS
  const defaultClients: readonly ClientId[] = nodes > 1 ? MULTI_BROKER_DEFAULTS.clients : ALL_CLIENTS
  const idempotent = !values['no-idempotence']
  if (idempotent && acks !== -1) throw new Error('an idempotent producer needs --acks all (or pass --no-idempotence)')
  return {
    mode,
    scenarios: list(values.scenarios, SCENARIO_IDS, 'scenarios') ?? [...defaultScenarios],
    clients: clients ?? [...defaultClients],
    rounds: positive(values.rounds, 'rounds', preset.rounds),
    messages,
    awaitedMessages: positive(values['awaited-messages'], 'awaited-messages', preset.awaitedMessages),
    avroMessages: positive(values['avro-messages'], 'avro-messages', preset.avroMessages),
    pipelineMessages: positive(values['pipeline-messages'], 'pipeline-messages', preset.pipelineMessages),
    messageSize: positive(values.size, 'size', BENCH_DEFAULTS.messageSize),
    partitions: positive(values.partitions, 'partitions', BENCH_DEFAULTS.partitions),
    producer: {
      acks,
      idempotent,
      compression: compression as ProducerSettings['compression'],
      lingerMs: positive(values.linger, 'linger', BENCH_DEFAULTS.lingerMs, true),
    },
    concurrency: positive(values.concurrency, 'concurrency', BENCH_DEFAULTS.concurrency),
    batchSize: positive(values['batch-size'], 'batch-size', BENCH_DEFAULTS.batchSize),
    rate: positive(values.rate, 'rate', BENCH_DEFAULTS.rate),
    latencySeconds: positive(values['latency-seconds'], 'latency-seconds', preset.latencySeconds),
    backpressureMessages: positive(
      values['backpressure-messages'],
      'backpressure-messages',
      preset.backpressureMessages,
    ),
    quotaBytesPerSecond: positive(values.quota, 'quota', preset.quotaBytesPerSecond),
    deadlineSeconds: positive(values.deadline, 'deadline', preset.deadlineSeconds),
    brokers: values.brokers ?? env.KAFKA_BROKERS,
    registryUrl: values.registry ?? env.SCHEMA_REGISTRY_URL,
    security,
    node22: values.node22 ?? env.KAFKIT_BENCH_NODE22,
    profile: values.profile ?? false,
    updateDocs: values['update-docs'] ?? false,
    resultsDir: values.out ?? BENCH_DEFAULTS.resultsDir,
    sweep,
    sweepBytes: positive(values['sweep-bytes'], 'sweep-bytes', defaultSweepBytes(messages)),
    sweepClients: clients,
    nodes,
  }
}
