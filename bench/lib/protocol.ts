/**
 * What the orchestrator and a runner child process say to each other over the IPC channel.
 * @module
 */

/** The scenarios, by id. */
export const SCENARIO_IDS = [
  'produce',
  'produce-awaited',
  'produce-batch',
  'consume',
  'avro',
  'latency',
  'backpressure',
  'pipeline',
] as const
/** A scenario id. */
export type ScenarioId = (typeof SCENARIO_IDS)[number]

/** The Node clients, each run in its own child process. */
export const NODE_CLIENTS = ['kafkit', 'rdkafka', 'ckjs-rdkafka', 'ckjs-kafkajs', 'kafkajs', 'platformatic'] as const
/** A Node client id. */
export type NodeClientId = (typeof NODE_CLIENTS)[number]
/** The limits: librdkafka's C tool and Kafka's Java tools. */
export const LIMIT_CLIENTS = ['c', 'java'] as const
/** Any client id. */
export type ClientId = NodeClientId | (typeof LIMIT_CLIENTS)[number]

/** Producer settings every client is given, translated into its own option names. */
export interface ProducerSettings {
  /** `-1`/`all`, `0` or `1`. */
  readonly acks: -1 | 0 | 1
  /** Idempotent producer. */
  readonly idempotent: boolean
  /** `none`, `gzip`, `snappy`, `lz4` or `zstd`. */
  readonly compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /** How long a batch waits for more messages, ms. */
  readonly lingerMs: number
}

/** Everything a runner needs for one run. Sent by the orchestrator as the first IPC message. */
export interface RunSpec {
  readonly scenario: ScenarioId
  /** Which API of the client, e.g. `eachBatch` for a consumer or `send` / `sendBatch` for a producer. */
  readonly variant: string
  readonly brokers: string
  /** Extra librdkafka-style properties for SASL/SSL (`security.protocol`, `sasl.*`, `ssl.*`). */
  readonly security: Readonly<Record<string, string>>
  readonly topic: string
  /** Where the pipeline scenario writes its outputs (`topic` holds its inputs). */
  readonly outputTopic?: string | undefined
  /** Consumer group, fresh for each run. */
  readonly groupId: string
  /** Client id; the backpressure scenario's quota is keyed on it. */
  readonly clientId: string
  readonly messages: number
  readonly messageSize: number
  readonly producer: ProducerSettings
  /** Sends in flight for the awaited scenarios. */
  readonly concurrency: number
  /** Messages per call in the batch scenario. */
  readonly batchSize: number
  /** Messages per second in the latency scenario. */
  readonly rate: number
  /** Schema Registry URL for the Avro scenario. */
  readonly registryUrl?: string | undefined
  /** The run stops and reports what it has done by then. */
  readonly deadlineMs: number
}

/** A runner's progress, sent at most a few times a second. */
export interface ProgressMessage {
  readonly type: 'progress'
  readonly done: number
}

/** A runner's final figures. */
export interface RunnerReport {
  readonly type: 'result'
  /** Messages acknowledged (producer), handed to the application (consumer) or carried through (pipeline). */
  readonly messages: number
  /** Payload bytes of those messages (values only). */
  readonly bytes: number
  /** The measured window in ms: first send to last acknowledgement, or first message to last message. */
  readonly elapsedMs: number
  /** False when the deadline stopped the run. */
  readonly completed: boolean
  /** Failed deliveries or errors seen. */
  readonly errors: number
  /** Produce-to-handler latencies (ms) for the latency scenario, warm-up already dropped. */
  readonly latencyMs?: readonly number[] | undefined
  /** Highest resident set size of the process, bytes. */
  readonly peakRssBytes: number
  /** CPU time in user mode, ms. */
  readonly cpuUserMs: number
  /** CPU time in kernel mode, ms. */
  readonly cpuSystemMs: number
  /** What the reader should know about this run. */
  readonly note?: string | undefined
}

/** A runner's fatal error. */
export interface RunnerFailure {
  readonly type: 'error'
  readonly message: string
}

/** Any message from a runner. */
export type RunnerMessage = ProgressMessage | RunnerReport | RunnerFailure
