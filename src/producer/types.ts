import type { KafkaError } from '../errors/kafka-error.js'
import type { KeyOf, TopicSerdeMap, ValueOf } from '../serde/types.js'

/** One header value: text (sent as UTF-8), bytes (sent as they are, binary included), or null for no value. */
type HeaderValue = string | Buffer | null

/** Record headers. A name with an array of values is sent as that many headers with the same name, in order. */
export type Headers = Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>

/** One record to send. */
export interface ProducerRecord<K, V, Topic extends string = string> {
  /** Destination topic. */
  readonly topic: Topic
  /** Record key; `null`/absent for none. Records with the same key go to the same partition. */
  readonly key?: K | null
  /** Record value; `null` is a tombstone (deletes the key in a compacted topic). */
  readonly value: V | null
  /** Explicit partition; absent to let the partitioner choose (by key hash, or sticky for null keys). */
  readonly partition?: number
  /** Timestamp in ms since the epoch. @default the time of send() */
  readonly timestamp?: number
  /** Record headers. */
  readonly headers?: Headers
}

/** What the broker acknowledged. */
export interface DeliveryReport {
  /** The record's topic. */
  readonly topic: string
  /** The partition it was written to. */
  readonly partition: number
  /** Its offset in that partition, as a decimal string (offsets are 64-bit). */
  readonly offset: string
  /** The record's timestamp (ms since the epoch), as stored. */
  readonly timestamp: number
}

/** Default key/value types when no serde is given: raw bytes, or strings sent as UTF-8. */
export type RawData = Buffer | string

/**
 * The record type `send()` accepts for `Topic`: that topic's serde types when it is in the `topics` map,
 * otherwise the producer-wide `K`/`V`.
 */
export type RecordFor<K, V, T extends TopicSerdeMap, Topic extends string> = Topic extends keyof T
  ? ProducerRecord<
      KeyOf<T[Topic]> extends Buffer ? RawData : KeyOf<T[Topic]>,
      ValueOf<T[Topic]> extends Buffer ? RawData : ValueOf<T[Topic]>,
      Topic
    >
  : ProducerRecord<K, V, Topic>

/** Any record this producer accepts, for batches that mix topics. */
export type AnyRecord<K, V, T extends TopicSerdeMap> =
  { [Topic in keyof T & string]: RecordFor<K, V, T, Topic> }[keyof T & string] | ProducerRecord<K, V, string>

/** librdkafka statistics (`statistics.interval.ms`), parsed. See librdkafka's STATISTICS.md for every field. */
export interface RdkafkaStats {
  /** Client instance name. */
  readonly name: string
  /** Client type (`producer` or `consumer`). */
  readonly type: string
  /** Time since the client started, µs. */
  readonly age: number
  /** Messages currently in the producer queue. */
  readonly msg_cnt: number
  /** Bytes currently in the producer queue. */
  readonly msg_size: number
  /** Total requests sent to brokers. */
  readonly tx: number
  /** Total responses received. */
  readonly rx: number
  /** Per-broker and per-topic details and everything else librdkafka reports. */
  readonly [field: string]: unknown
}

/** Events a producer emits. */
export interface ProducerEvents {
  /** librdkafka statistics every `statsIntervalMs`. */
  stats: [stats: RdkafkaStats]
  /** A client-level error (connection trouble, fatal errors). Sends report their own errors. */
  error: [error: KafkaError]
}
