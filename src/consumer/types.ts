/**
 * The consumer's public data types: messages, handler payloads, partition descriptions and events.
 * @module
 */
import type { TopicPartition } from '../common/topic-partition.js'
import type { KafkaError } from '../errors/kafka-error.js'
import type { KeyOf, TopicSerdeMap, ValueOf } from '../serde/types.js'

/**
 * One record as a handler sees it, keys and values already deserialized.
 *
 * @typeParam K - the key type (from the `key` serde; `Buffer` without one)
 * @typeParam V - the value type (from the `value` serde; `Buffer` without one)
 * @typeParam T - the topic name type; a literal when the consumer has a `topics` serde map
 */
export interface ConsumerMessage<K = Buffer, V = Buffer, T extends string = string> {
  /** The record's topic. With a `topics` serde map, checking it narrows `key` and `value`. */
  readonly topic: T
  /** The record's partition. */
  readonly partition: number
  /** The record's offset, as a decimal string (offsets are 64-bit). */
  readonly offset: string
  /** The deserialized key, or `null` when the record has none. */
  readonly key: K | null
  /** The deserialized value, or `null` for a tombstone. */
  readonly value: V | null
  /** The record's timestamp, ms since the epoch (create or log-append time, per the topic's configuration). */
  readonly timestamp: number
  /**
   * The record's headers by name. A header repeated in the record keeps its last value; a header without a value
   * is an empty Buffer. {@link ConsumerMessage.headerList} has them all.
   */
  readonly headers: Readonly<Record<string, Buffer>>
  /** Every header in record order: repeated names kept, `null` for a header without a value. */
  readonly headerList: ReadonlyArray<readonly [name: string, value: Buffer | null]>
}

/**
 * The message type of a consumer: with a `topics` serde map, a union discriminated by `topic` (checking
 * `message.topic === 'orders'` narrows `message.value` to that topic's value type); otherwise one message type
 * for every topic.
 */
export type MessageFor<K, V, TM extends TopicSerdeMap | undefined> = [TM] extends [TopicSerdeMap]
  ? { [T in keyof TM & string]: ConsumerMessage<KeyOf<TM[T]>, ValueOf<TM[T]>, T> }[keyof TM & string]
  : ConsumerMessage<K, V>

/** Any consumer message, whatever its key and value types. */
export type AnyConsumerMessage = ConsumerMessage<unknown, unknown, string>

/** The topic names a consumer may subscribe to: any name, or only the `topics` map's keys when there is one. */
export type TopicNameFor<TM extends TopicSerdeMap | undefined> = [TM] extends [TopicSerdeMap]
  ? keyof TM & string
  : string

export type { TopicPartition } from '../common/topic-partition.js'

/** A partition with an offset (decimal string), or `null` when there is none (e.g. nothing committed yet). */
export interface TopicPartitionOffset extends TopicPartition {
  /** The offset as a decimal string, or `null` when there is none. */
  readonly offset: string | null
}

/** How far behind the end of a partition this consumer is. */
export interface PartitionLag extends TopicPartition {
  /** The partition's high watermark (offset of the next record to be written), as last seen by the fetcher. */
  readonly highWatermark: string | null
  /** The offset of the next record this consumer will hand to a handler, or `null` before the first fetch. */
  readonly position: string | null
  /** `highWatermark - position`, or `null` when either is not known yet. */
  readonly lag: number | null
  /** Messages fetched but not handled yet, held in kafkit's buffer for this partition. */
  readonly buffered: number
}

/** Selects topics or some of their partitions, for `pause()` and `resume()`. */
export interface TopicPartitions {
  /** The topic. */
  readonly topic: string
  /** The partitions; all partitions of the topic (also those assigned later) when absent. */
  readonly partitions?: readonly number[]
}

/** What `eachMessage` receives. */
export interface EachMessagePayload<M> {
  /** The message. */
  readonly message: M
  /**
   * Aborted when kafkit stopped waiting for this handler (a revoke or `stop()` timed out). Whatever the handler
   * does afterwards, this message's offset will not be committed by this consumer and it will be handled again.
   */
  readonly signal: AbortSignal
}

/** A run of consecutive messages of one partition, in offset order. */
export interface Batch<M> {
  /** The partition's topic. */
  readonly topic: string
  /** The partition. */
  readonly partition: number
  /** The messages, in offset order; never empty. */
  readonly messages: readonly M[]
  /** The partition's high watermark when the batch was built, or `null` when not known yet. */
  readonly highWatermark: string | null
  /** Offset of the first message. */
  firstOffset(): string
  /** Offset of the last message. */
  lastOffset(): string
}

/** What `eachBatch` receives. Its functions do not use `this`: destructure them freely. */
export interface EachBatchPayload<M> {
  /** The batch. */
  readonly batch: Batch<M>
  /**
   * Marks the message at `offset` as processed. When the handler returns normally the whole batch counts as
   * processed; when it throws, only the resolved messages from the start of the batch up to the first unresolved
   * one do, and the rest is retried. Unlike KafkaJS, resolving a message does not resolve the earlier ones: a
   * handler working on several messages at once cannot commit past one that failed. Resolve each message.
   */
  resolveOffset(this: void, offset: string): void
  /** Kept for KafkaJS familiarity: librdkafka heartbeats on its own thread, so this resolves at once. */
  heartbeat(this: void): Promise<void>
  /** Whether the consumer is still running (false once `stop()` began). */
  isRunning(this: void): boolean
  /** Whether this batch's partition was revoked or seeked since the batch was built: its results are moot. */
  isStale(this: void): boolean
  /** Aborted when kafkit stopped waiting for this handler (a revoke or `stop()` timed out). */
  readonly signal: AbortSignal
}

/** Why partitions moved. */
export interface RebalanceEvent {
  /** `assign`: partitions added; `revoke`: partitions released in an orderly way; `lost`: taken away without notice. */
  readonly type: 'assign' | 'revoke' | 'lost'
  /** The partitions concerned. */
  readonly partitions: readonly TopicPartition[]
}

/** Events a consumer emits. */
export interface ConsumerEvents {
  /** librdkafka statistics every `statsIntervalMs`. */
  stats: [stats: ConsumerStats]
  /** A client-level error (connection trouble, fatal errors, failed commits); handler failures use the error policy. */
  error: [error: KafkaError]
  /** Partitions were assigned, revoked or lost (after kafkit handled it). */
  rebalance: [event: RebalanceEvent]
}

/** Per-partition consumer statistics from librdkafka (STATISTICS.md, `topics.*.partitions.*`). */
export interface ConsumerPartitionStats {
  /** Partition id. */
  readonly partition: number
  /** Messages waiting in librdkafka's fetch queue. */
  readonly fetchq_cnt: number
  /** Bytes in librdkafka's fetch queue. */
  readonly fetchq_size: number
  /** Next offset to fetch. */
  readonly fetch_offset: number
  /** Last committed offset. */
  readonly committed_offset: number
  /** Partition's high watermark. */
  readonly hi_offset: number
  /** Consumer lag as librdkafka computes it (from the committed offset). */
  readonly consumer_lag: number
  /** Everything else librdkafka reports. */
  readonly [field: string]: unknown
}

/** librdkafka statistics of a consumer (`statistics.interval.ms`), parsed. See librdkafka's STATISTICS.md. */
export interface ConsumerStats {
  /** Client instance name. */
  readonly name: string
  /** Client type (`consumer`). */
  readonly type: string
  /** Time since the client started, µs. */
  readonly age: number
  /** Messages received from brokers in total. */
  readonly rxmsgs: number
  /** Bytes of messages received in total. */
  readonly rxmsg_bytes: number
  /** Consumer group state. */
  readonly cgrp?: {
    readonly state: string
    readonly join_state: string
    readonly rebalance_cnt: number
    readonly assignment_size: number
    readonly [field: string]: unknown
  }
  /** Per-topic statistics with per-partition details. */
  readonly topics?: Readonly<
    Record<string, { readonly topic: string; readonly partitions: Readonly<Record<string, ConsumerPartitionStats>> }>
  >
  /** Everything else librdkafka reports. */
  readonly [field: string]: unknown
}
