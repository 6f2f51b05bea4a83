/**
 * Processor options: types, defaults and validation.
 * @module
 */
import {
  type ClientOptions,
  expectBoolean,
  expectFunction,
  expectInteger,
  expectObject,
  expectOneOf,
  expectString,
  rejectUnknownKeys,
} from '../config/index.js'
import { ConfigError } from '../errors/kafka-error.js'
import type { MessageFor, TopicPartition } from '../consumer/types.js'
import type { ConsumerOptions } from '../consumer/options.js'
import type { RetryOptions } from '../consumer/run-options.js'
import type { ProducerOptions } from '../producer/options.js'
import type { ProducerRecord } from '../producer/types.js'
import type { KeyOf, TopicSerdeMap, ValueOf } from '../serde/types.js'

/** A message of one of the processor's input topics; checking `topic` narrows key and value. */
export type ProcessorInput<I extends TopicSerdeMap> = MessageFor<unknown, unknown, I>

/** A record for one of the processor's output topics, typed by that topic's serdes. */
export type ProcessorOutput<O extends TopicSerdeMap> = {
  [T in keyof O & string]: ProducerRecord<KeyOf<O[T]>, ValueOf<O[T]>, T>
}[keyof O & string]

/** What a processor handler gets besides the message. */
export interface ProcessorContext<O extends TopicSerdeMap> {
  /**
   * Adds a record to the current transaction. It becomes visible to `read_committed` readers only when the
   * transaction, which also commits this message's input offset, commits. No need to await anything.
   */
  send(record: ProcessorOutput<O>): void
  /** Aborted when kafkit stopped waiting for this handler (revoke or stop timed out): the transaction will abort. */
  readonly signal: AbortSignal
  /**
   * Runs `callback` once the current transaction committed, never when it aborts: the place to apply in-memory
   * state changes that must match what Kafka holds.
   */
  onCommit(callback: () => void): void
}

/** The consumer options a processor passes through (the group, offsets and isolation level are its own). */
export const PROCESSOR_CONSUMER_KEYS = [
  'rdkafka',
  'logger',
  'groupInstanceId',
  'rebalanceTimeoutMs',
  'maxBufferedMessagesPerPartition',
  'maxBufferedBytesPerPartition',
  'fetchBatchSize',
  'maxPollWaitMs',
  'statsIntervalMs',
  'connectTimeoutMs',
  'requestTimeoutMs',
] as const satisfies ReadonlyArray<keyof ConsumerOptions<unknown, unknown, undefined>>

/** The empty TopicSerdeMap: the producer options picked below do not depend on serdes. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the empty map here, not "any object"
type NoSerdes = {}

/** The producer options a processor passes through (idempotence, acks and the transaction are its own). */
export const PROCESSOR_PRODUCER_KEYS = [
  'rdkafka',
  'logger',
  'compression',
  'lingerMs',
  'maxQueuedMessages',
  'maxQueuedKBytes',
  'maxBlockMs',
  'statsIntervalMs',
  'connectTimeoutMs',
  'disconnectTimeoutMs',
] as const satisfies ReadonlyArray<keyof ProducerOptions<unknown, unknown, NoSerdes>>

/** Settings of the processor's consumer it does not set itself. */
export type ProcessorConsumerOptions = Pick<
  ConsumerOptions<unknown, unknown, undefined>,
  (typeof PROCESSOR_CONSUMER_KEYS)[number]
>

/** Settings of the processor's transactional producer it does not set itself. */
export type ProcessorProducerOptions = Pick<
  ProducerOptions<unknown, unknown, NoSerdes>,
  (typeof PROCESSOR_PRODUCER_KEYS)[number]
>

/** Handles one input message; resolve once every output was passed to `ctx.send()`. */
export type ProcessorHandler<I extends TopicSerdeMap, O extends TopicSerdeMap> = (
  message: ProcessorInput<I>,
  ctx: ProcessorContext<O>,
) => void | Promise<void>

/**
 * Processor options.
 *
 * @typeParam I - serdes of the input topics
 * @typeParam O - serdes of the output topics
 */
export interface ProcessorOptions<I extends TopicSerdeMap, O extends TopicSerdeMap> extends Omit<
  ClientOptions,
  'rdkafka'
> {
  /** The consumer group reading the inputs; its offsets are committed only inside the processor's transactions. */
  groupId: string
  /**
   * The producer's transactional id. Give each running instance its own stable id (e.g. `enricher-<host>`):
   * KIP-447 fences zombies through the consumer group's metadata, the id only fences a restart of the same instance.
   */
  transactionalId: string
  /** The input topics and their serdes. */
  input: I
  /** The output topics and their serdes; `ctx.send()` accepts only these topics. */
  output: O
  /** Handles one input message. Throwing aborts the transaction; the message is retried per `retry`, then `errorPolicy`. */
  handle: ProcessorHandler<I, O>
  /**
   * Most input messages of one partition per transaction. Each transaction costs a few round trips to the
   * coordinators whatever its size: measured on one local broker with one partition per transaction, 38k msgs/s
   * through a processor at 500 and 99k at 2000. @default 2000
   */
  maxBatchSize?: number
  /**
   * Longest time a transaction keeps taking more input messages, ms: a bound on the extra latency batching adds
   * before outputs become visible. @default 100
   */
  maxBatchMs?: number
  /**
   * Most partitions whose messages share one transaction. Partitions handled at about the same time commit
   * together (their outputs and every one's next input offset), so the round trips of a commit are paid once per
   * wave of partitions. A failing handler or a revoked partition aborts the whole transaction: the other partitions'
   * messages then run again in the next one. `1` gives each partition transactions of its own: a failure then
   * re-runs nothing of the other partitions, at the cost of a commit's round trips per partition (measured on one
   * local broker, one run: 185k msgs/s shared against 135k with `1`). Kafka Streams' exactly-once (v2) shares the
   * same way, one transaction per thread for all its partitions. @default 32
   */
  partitionsPerTransaction?: number
  /** Where a group without committed offsets starts: the oldest record (`true`) or new records only. @default false */
  fromBeginning?: boolean
  /** The broker-side transaction timeout, ms (`transaction.timeout.ms`). @default 60000 */
  transactionTimeoutMs?: number
  /** Consumer group session timeout, ms: how soon a crashed instance's partitions move. @default 45000 */
  sessionTimeoutMs?: number
  /** Consumer group heartbeat interval, ms. @default 3000 */
  heartbeatIntervalMs?: number
  /** How long a revoke waits for the open transaction of the revoked partitions, ms. @default 30000 */
  revokeTimeoutMs?: number
  /** Retries of a failing handler (each attempt in a new transaction). */
  retry?: RetryOptions
  /**
   * What happens to a message still failing after the retries: `stop` the processor (`stopped()` rejects) or
   * `skip` it (its offset is committed with the next transaction, without outputs). @default 'stop'
   */
  errorPolicy?: 'stop' | 'skip'
  /**
   * Called after partitions were assigned to this instance, before any of their messages is handled (e.g. to load
   * state). Transactions the previous owner left open were already fenced: the producer initialized first.
   */
  onAssign?: (partitions: readonly TopicPartition[]) => void | Promise<void>
  /**
   * Tuning of the processor's consumer, e.g. `{ rdkafka: { 'client.rack': 'eu-1a' } }`. The group, offsets and
   * isolation level are the processor's own and cannot be set here.
   */
  consumer?: ProcessorConsumerOptions
  /**
   * Tuning of the processor's producer, e.g. `{ compression: 'zstd', lingerMs: 10 }`. Idempotence, acks and the
   * transaction settings are the processor's own and cannot be set here.
   */
  producer?: ProcessorProducerOptions
}

/** Processor defaults, applied once in the constructor. */
export const PROCESSOR_DEFAULTS = Object.freeze({
  maxBatchSize: 2000,
  maxBatchMs: 100,
  partitionsPerTransaction: 32,
  fromBeginning: false,
  transactionTimeoutMs: 60_000,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  revokeTimeoutMs: 30_000,
  errorPolicy: 'stop',
} as const)

/** Validated processor settings. */
export interface ResolvedProcessorOptions {
  readonly connection: Readonly<Record<string, unknown>>
  readonly groupId: string
  readonly transactionalId: string
  readonly input: TopicSerdeMap
  readonly output: TopicSerdeMap
  readonly handle: ProcessorHandler<TopicSerdeMap, TopicSerdeMap>
  readonly maxBatchSize: number
  readonly maxBatchMs: number
  readonly partitionsPerTransaction: number
  readonly fromBeginning: boolean
  readonly transactionTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly revokeTimeoutMs: number
  readonly retry: RetryOptions | undefined
  readonly errorPolicy: 'stop' | 'skip'
  readonly onAssign: ((partitions: readonly TopicPartition[]) => void | Promise<void>) | undefined
  readonly consumer: Readonly<Record<string, unknown>>
  readonly producer: Readonly<Record<string, unknown>>
}

const CONNECTION_KEYS = ['brokers', 'clientId', 'ssl', 'sasl'] as const
const KNOWN_KEYS = [
  ...CONNECTION_KEYS,
  'groupId',
  'transactionalId',
  'input',
  'output',
  'handle',
  'retry',
  'onAssign',
  'consumer',
  'producer',
  ...Object.keys(PROCESSOR_DEFAULTS),
]

/** librdkafka properties exactly-once depends on: the processor sets them and a tuning block may not. */
const OWN_RDKAFKA_KEYS: Readonly<Record<'consumer' | 'producer', readonly string[]>> = {
  consumer: [
    'group.id',
    'isolation.level',
    'enable.auto.commit',
    'enable.auto.offset.store',
    'auto.offset.reset',
    'group.protocol',
  ],
  producer: [
    'transactional.id',
    'enable.idempotence',
    'acks',
    'request.required.acks',
    'transaction.timeout.ms',
    'max.in.flight',
    'max.in.flight.requests.per.connection',
  ],
}

/** A tuning block: an object of known keys (their values are checked by the client that takes them). */
function tuning(value: unknown, keys: readonly string[], path: 'consumer' | 'producer'): Record<string, unknown> {
  if (value === undefined) return {}
  const block = expectObject(value, path)
  rejectUnknownKeys(block, keys, path)
  if (block.rdkafka !== undefined) {
    const rdkafka = expectObject(block.rdkafka, `${path}.rdkafka`)
    const own = OWN_RDKAFKA_KEYS[path].find((key) => Object.hasOwn(rdkafka, key))
    if (own !== undefined)
      throw new ConfigError(
        `${path}.rdkafka['${own}']`,
        'is set by the Processor (exactly-once depends on it) and cannot be overridden',
      )
  }
  return { ...block }
}

function topicMap(value: unknown, path: string): TopicSerdeMap {
  const map = expectObject(value, path)
  if (Object.keys(map).length === 0) throw new ConfigError(path, 'expected at least one topic')
  return map as TopicSerdeMap
}

/**
 * Validates what the processor itself owns. Connection options and serdes are validated again, in detail, by the
 * Consumer and Producer it creates (still in the constructor, before any connection).
 */
export function resolveProcessorOptions(options: unknown): ResolvedProcessorOptions {
  const opts = expectObject(options, 'options')
  rejectUnknownKeys(opts, KNOWN_KEYS, 'options')
  const pick = <Key extends keyof typeof PROCESSOR_DEFAULTS>(key: Key): unknown => opts[key] ?? PROCESSOR_DEFAULTS[key]
  const connection: Record<string, unknown> = {}
  for (const key of CONNECTION_KEYS) if (opts[key] !== undefined) connection[key] = opts[key]
  const input = topicMap(opts.input, 'input')
  const output = topicMap(opts.output, 'output')
  const overlap = Object.keys(input).find((topic) => Object.hasOwn(output, topic))
  if (overlap !== undefined)
    throw new ConfigError(
      `output.${overlap}`,
      'is also an input topic: a processor reading its own outputs loops forever',
    )
  return {
    connection,
    groupId: expectString(opts.groupId, 'groupId'),
    transactionalId: expectString(opts.transactionalId, 'transactionalId'),
    input,
    output,
    handle: expectFunction(opts.handle, 'handle') as ProcessorHandler<TopicSerdeMap, TopicSerdeMap>,
    maxBatchSize: expectInteger(pick('maxBatchSize'), 'maxBatchSize', 1, 100_000),
    maxBatchMs: expectInteger(pick('maxBatchMs'), 'maxBatchMs', 0, 3_600_000),
    partitionsPerTransaction: expectInteger(pick('partitionsPerTransaction'), 'partitionsPerTransaction', 1, 10_000),
    fromBeginning: expectBoolean(pick('fromBeginning'), 'fromBeginning'),
    transactionTimeoutMs: expectInteger(pick('transactionTimeoutMs'), 'transactionTimeoutMs', 1_000, 3_600_000),
    sessionTimeoutMs: expectInteger(pick('sessionTimeoutMs'), 'sessionTimeoutMs', 1, 3_600_000),
    heartbeatIntervalMs: expectInteger(pick('heartbeatIntervalMs'), 'heartbeatIntervalMs', 1, 3_600_000),
    revokeTimeoutMs: expectInteger(pick('revokeTimeoutMs'), 'revokeTimeoutMs', 0, 86_400_000),
    retry: opts.retry === undefined ? undefined : expectObject(opts.retry, 'retry'),
    errorPolicy: expectOneOf(pick('errorPolicy'), ['stop', 'skip'], 'errorPolicy'),
    onAssign:
      opts.onAssign === undefined
        ? undefined
        : (expectFunction(opts.onAssign, 'onAssign') as ResolvedProcessorOptions['onAssign']),
    consumer: tuning(opts.consumer, PROCESSOR_CONSUMER_KEYS, 'consumer'),
    producer: tuning(opts.producer, PROCESSOR_PRODUCER_KEYS, 'producer'),
  }
}
