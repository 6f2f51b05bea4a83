import { expectSerde, resolveTopicSerdes } from '../serde/validate.js'
import {
  buildClientConfig,
  type ClientOptions,
  expectBoolean,
  expectInteger,
  expectOneOf,
  expectString,
  type ProducerRdkafkaConfig,
} from '../config/index.js'
import { ConfigError } from '../errors/kafka-error.js'
import type { Serde, TopicSerdeMap } from '../serde/types.js'
import { type Logger, resolveLogger } from '../internal/log.js'

/** Compression codecs librdkafka supports. */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Producer options. Everything not listed here goes through `rdkafka`. */
export interface ProducerOptions<K, V, T extends TopicSerdeMap> extends ClientOptions<ProducerRdkafkaConfig> {
  /** Serde of keys for topics not in `topics`. @default Buffer or string (UTF-8) */
  key?: Serde<K>
  /** Serde of values for topics not in `topics`. @default Buffer or string (UTF-8) */
  value?: Serde<V>
  /** Serdes per topic; `send()` is then typed per topic. */
  topics?: T
  /** Idempotent delivery: no duplicates from retries, order kept per partition. @default true */
  idempotent?: boolean
  /** How many replicas must acknowledge: `'all'` (the in-sync replicas), `1` (the leader) or `0` (none). @default 'all' */
  acks?: 'all' | 0 | 1
  /** Compression of record batches. @default 'none' */
  compression?: Compression
  /** How long `send()` records wait for more records before a batch is sent, ms (`sendBatch()` does not wait). @default 5 */
  lingerMs?: number
  /** Most records librdkafka holds in its local queue (`queue.buffering.max.messages`). @default 100000 */
  maxQueuedMessages?: number
  /** Most kilobytes librdkafka holds in its local queue (`queue.buffering.max.kbytes`). @default 65536 */
  maxQueuedKBytes?: number
  /** How long `send()` waits for room in a full local queue before rejecting with `TimeoutError`, ms. @default 60000 */
  maxBlockMs?: number
  /** How long librdkafka tries to deliver a record, retries included (`message.timeout.ms`). @default 120000 */
  deliveryTimeoutMs?: number
  /** Transactional id: enables `transaction()`. Must be stable per producer instance and unique in the cluster. */
  transactionalId?: string
  /** Transaction timeout, ms (`transaction.timeout.ms`). @default 60000 */
  transactionTimeoutMs?: number
  /** Interval of the `stats` event and `kafkit:producer:stats` channel, ms; 0 turns statistics off. @default 0 */
  statsIntervalMs?: number
  /** How long `connect()` waits for the brokers, ms. @default 30000 */
  connectTimeoutMs?: number
  /** How long `disconnect()` waits for queued records to be delivered, ms. @default 30000 */
  disconnectTimeoutMs?: number
  /**
   * Ignored since delivery reports reach JavaScript as soon as librdkafka has them (no polling); accepted so that
   * existing configurations keep working. @deprecated @default 1
   */
  pollIntervalMs?: number
  /**
   * Receives librdkafka's log lines (with the facility and the client's name). Without one, warnings and errors are
   * emitted as process warnings (`process.on('warning')`), at most one per facility every 10 s.
   */
  logger?: Logger
}

/** Producer defaults, applied once in the constructor. */
export const PRODUCER_DEFAULTS = Object.freeze({
  idempotent: true,
  acks: 'all',
  compression: 'none',
  lingerMs: 5,
  maxQueuedMessages: 100_000,
  maxQueuedKBytes: 65_536,
  maxBlockMs: 60_000,
  deliveryTimeoutMs: 120_000,
  transactionTimeoutMs: 60_000,
  statsIntervalMs: 0,
  connectTimeoutMs: 30_000,
  disconnectTimeoutMs: 30_000,
  pollIntervalMs: 1,
} as const)

const PRODUCER_KEYS = [
  'key',
  'value',
  'topics',
  ...Object.keys(PRODUCER_DEFAULTS),
  'transactionalId',
  'logger',
] as const

/** Validated producer settings. */
export interface ResolvedProducerOptions {
  readonly rdkafkaConfig: Record<string, unknown>
  readonly key: Serde<unknown> | undefined
  readonly value: Serde<unknown> | undefined
  readonly topics: Readonly<Record<string, { key?: Serde<unknown>; value?: Serde<unknown> }>>
  readonly transactional: boolean
  readonly maxBlockMs: number
  readonly transactionTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly disconnectTimeoutMs: number
  readonly pollIntervalMs: number
  readonly logger: Logger | undefined
}

/** `retry.backoff.ms` of a transactional producer unless `rdkafka` sets it. */
export const TRANSACTIONAL_RETRY_BACKOFF_MS = 10

/** Validates producer options and derives the librdkafka configuration. Throws {@link ConfigError}. */
export function resolveProducerOptions(options: unknown): ResolvedProducerOptions {
  const base = buildClientConfig(options, 'producer', PRODUCER_KEYS)
  const opts = options as Record<string, unknown>
  const pick = <Key extends keyof typeof PRODUCER_DEFAULTS>(key: Key): unknown => opts[key] ?? PRODUCER_DEFAULTS[key]
  const idempotent = expectBoolean(pick('idempotent'), 'idempotent')
  const acksValue = pick('acks')
  if (acksValue !== 'all' && acksValue !== 0 && acksValue !== 1) {
    throw new ConfigError('acks', `expected 'all', 0 or 1, got ${JSON.stringify(acksValue)}`)
  }
  if (idempotent && acksValue !== 'all') {
    throw new ConfigError('acks', "idempotence needs acks 'all'; set idempotent: false to use acks 0 or 1")
  }
  const transactionalId =
    opts.transactionalId === undefined ? undefined : expectString(opts.transactionalId, 'transactionalId')
  if (transactionalId !== undefined && !idempotent) {
    throw new ConfigError('idempotent', 'a transactional producer is always idempotent; remove idempotent: false')
  }
  const topics = opts.topics === undefined ? {} : resolveTopicSerdes(opts.topics)
  const config: Record<string, unknown> = {
    'enable.idempotence': idempotent,
    acks: acksValue === 'all' ? -1 : acksValue,
    'compression.codec': expectOneOf(pick('compression'), ['none', 'gzip', 'snappy', 'lz4', 'zstd'], 'compression'),
    'linger.ms': expectInteger(pick('lingerMs'), 'lingerMs', 0, 900_000),
    'queue.buffering.max.messages': expectInteger(pick('maxQueuedMessages'), 'maxQueuedMessages', 1, 2_147_483_647),
    'queue.buffering.max.kbytes': expectInteger(pick('maxQueuedKBytes'), 'maxQueuedKBytes', 1, 2_147_483_647),
    'message.timeout.ms': expectInteger(pick('deliveryTimeoutMs'), 'deliveryTimeoutMs', 1, 2_147_483_647),
    'statistics.interval.ms': expectInteger(pick('statsIntervalMs'), 'statsIntervalMs', 0, 86_400_000),
  }
  const transactionTimeoutMs = expectInteger(pick('transactionTimeoutMs'), 'transactionTimeoutMs', 1000, 900_000)
  if (transactionalId !== undefined) {
    config['transactional.id'] = transactionalId
    config['transaction.timeout.ms'] = transactionTimeoutMs
    // librdkafka requires message.timeout.ms <= transaction.timeout.ms.
    config['message.timeout.ms'] = Math.min(config['message.timeout.ms'] as number, transactionTimeoutMs)
    // Right after a commit the coordinator is still writing its markers and answers the next transaction's first
    // request with CONCURRENT_TRANSACTIONS; librdkafka retries after retry.backoff.ms (100 ms by default), which
    // measured as most of a short transaction's time. 10 ms (still backing off exponentially to
    // retry.backoff.max.ms) took a 500-record processor transaction from a median of 93 ms to 14 ms.
    config['retry.backoff.ms'] = TRANSACTIONAL_RETRY_BACKOFF_MS
  }
  return {
    // The rdkafka block is applied last by buildClientConfig; our derived values must not override it.
    rdkafkaConfig: { ...config, ...base, ...(opts.rdkafka as object | undefined) },
    key: opts.key === undefined ? undefined : expectSerde(opts.key, 'key'),
    value: opts.value === undefined ? undefined : expectSerde(opts.value, 'value'),
    topics,
    transactional: transactionalId !== undefined,
    maxBlockMs: expectInteger(pick('maxBlockMs'), 'maxBlockMs', 0, 2_147_483_647),
    transactionTimeoutMs,
    connectTimeoutMs: expectInteger(pick('connectTimeoutMs'), 'connectTimeoutMs', 1, 2_147_483_647),
    disconnectTimeoutMs: expectInteger(pick('disconnectTimeoutMs'), 'disconnectTimeoutMs', 0, 2_147_483_647),
    pollIntervalMs: expectInteger(pick('pollIntervalMs'), 'pollIntervalMs', 1, 1000),
    logger: resolveLogger(opts.logger),
  }
}
