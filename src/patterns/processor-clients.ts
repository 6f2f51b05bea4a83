/**
 * The clients of a {@link Processor}: its consumer and transactional producer built from the processor's options,
 * and the replacement of a producer that failed with a transaction's outcome unknown (see {@link replaceableCause}).
 * @module
 */
import { Consumer } from '../consumer/consumer.js'
import { ConfigError, KafkaError, StateError } from '../errors/kafka-error.js'
import { Producer } from '../producer/producer.js'
import type { TopicSerdeMap } from '../serde/types.js'
import {
  PROCESSOR_CONSUMER_KEYS,
  PROCESSOR_PRODUCER_KEYS,
  type ProcessorOptions,
  type ResolvedProcessorOptions,
} from './processor-options.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc above
import type { Processor } from './processor.js'

/** The consumer a processor reads its input with (raw bytes; the input serdes decode per topic). */
export type ProcessorConsumer = Consumer<Buffer, Buffer, TopicSerdeMap>

/** The transactional producer a processor writes its outputs and input offsets with. */
export type ProcessorProducer = Producer<Buffer, Buffer, TopicSerdeMap>

/**
 * The processor consumer's `maxBufferedMessagesPerPartition` unless its tuning block says otherwise. Measured on one
 * local broker with 6 partitions: 140-160k msgs/s at the consumer's default (5000), 175-190k at 20000.
 */
const PROCESSOR_BUFFERED_MESSAGES = 20_000

/** The options every client of a processor starts from: the processor's connection options. */
type ConnectionOptions = Pick<ProcessorOptions<TopicSerdeMap, TopicSerdeMap>, 'brokers'>

/**
 * Creates one of the processor's clients with `create(base)`: `base` is the `block` tuning block's options over
 * `defaults`, the processor's connection options over them. A {@link ConfigError} of an option of the tuning block is
 * thrown naming it `consumer.…` / `producer.…`.
 */
function createClient<C>(
  options: ResolvedProcessorOptions,
  block: 'consumer' | 'producer',
  defaults: object,
  create: (base: ConnectionOptions) => C,
): C {
  const keys: readonly string[] = block === 'consumer' ? PROCESSOR_CONSUMER_KEYS : PROCESSOR_PRODUCER_KEYS
  try {
    return create({ ...defaults, ...(options[block] as object), ...(options.connection as ConnectionOptions) })
  } catch (error) {
    if (error instanceof ConfigError && keys.includes(error.path.split(/[.[]/)[0]!)) {
      throw new ConfigError(`${block}.${error.path}`, error.message.replace(/^Invalid option `[^`]*`: /, ''), {
        cause: error,
      })
    }
    throw error
  }
}

/**
 * Creates the processor's consumer: `read_committed`, offsets committed only through the processor's transactions.
 * Throws a {@link ConfigError} naming a bad option of the `consumer` tuning block as `consumer.…`.
 */
export function createProcessorConsumer(options: ResolvedProcessorOptions): ProcessorConsumer {
  // A round's commit leaves the handlers idle for a few round trips: a deeper buffer keeps the partitions fetched
  // meanwhile instead of paused (pausing drops librdkafka's prefetch; the fetch after resuming lags).
  const defaults = { maxBufferedMessagesPerPartition: PROCESSOR_BUFFERED_MESSAGES }
  return createClient(
    options,
    'consumer',
    defaults,
    (base) =>
      new Consumer({
        ...base,
        groupId: options.groupId,
        topics: options.input,
        fromBeginning: options.fromBeginning,
        commitOffsets: false,
        isolationLevel: 'read_committed',
        sessionTimeoutMs: options.sessionTimeoutMs,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        revokeTimeoutMs: options.revokeTimeoutMs,
        ...(options.onAssign === undefined ? {} : { onAssign: options.onAssign }),
      }),
  )
}

/**
 * Creates the processor's transactional producer. Throws a {@link ConfigError} naming a bad option of the `producer`
 * tuning block as `producer.…`.
 */
export function createProcessorProducer(options: ResolvedProcessorOptions): ProcessorProducer {
  return createClient(
    options,
    'producer',
    {},
    (base) =>
      new Producer({
        ...base,
        transactionalId: options.transactionalId,
        topics: options.output,
        transactionTimeoutMs: options.transactionTimeoutMs,
      }),
  )
}

/**
 * Connects `next`, the replacement of a failed producer: its connect() fences the old one
 * and completes or aborts its open transaction. Rejects with a fatal {@link StateError} when it cannot connect.
 */
export async function connectReplacement(next: ProcessorProducer): Promise<void> {
  try {
    await next.connect()
  } catch (error) {
    throw new StateError(
      `the processor's producer failed and its replacement could not connect (${(error as Error).message}); the processor stops`,
      { cause: error, fatal: true },
    )
  }
}

/**
 * Fatal codes a new producer does not cure: another instance took the transactionalId (fenced), or the principal
 * may not use it.
 */
const INCURABLE = new Set<string>([
  'ERR_KAFKA_PRODUCER_FENCED',
  'ERR_KAFKA_INVALID_PRODUCER_EPOCH',
  'ERR_KAFKA_FENCED',
  'ERR_KAFKA_TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'ERR_KAFKA_CLUSTER_AUTHORIZATION_FAILED',
])

/**
 * The producer failure behind `error` that a new producer cures: a fatal failure other than being fenced or refused
 * authorization. Examples: a transactional call stuck in librdkafka (`ERR_TRANSACTION_STUCK`), or an abort the
 * coordinator refused (`INVALID_TXN_STATE`) because the commit before it had completed although its answer was lost
 * in a coordinator failover. The transaction's outcome is then unknown: the replacement's connect() completes or
 * aborts it, and the group's committed offsets say which.
 */
export function replaceableCause(error: unknown): KafkaError | undefined {
  if (!(error instanceof KafkaError) || !error.fatal) return undefined
  for (let current: unknown = error, depth = 0; current instanceof KafkaError && depth < 4; depth++) {
    if (INCURABLE.has(current.code)) return undefined
    current = current.cause
  }
  return error
}
