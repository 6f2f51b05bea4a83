/**
 * The one place that loads node-rdkafka. Everything above `src/native/` speaks kafkit's own types.
 * @module
 */
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'

const require = createRequire(import.meta.url)

/** The node-rdkafka module, loaded once. */
export const rdkafka: typeof NodeRdkafka = require('node-rdkafka') as typeof NodeRdkafka

export type {
  Assignment,
  ConsumerGlobalConfig,
  ConsumerTopicConfig,
  DeliveryReport,
  GlobalConfig,
  KafkaConsumer as NativeConsumer,
  LibrdKafkaError,
  Message as NativeMessage,
  Metadata as NativeMetadata,
  MessageHeader as NativeMessageHeader,
  Producer as NativeProducer,
  ProducerGlobalConfig,
  ProducerTopicConfig,
  TopicPartition as NativeTopicPartition,
  TopicPartitionOffset as NativeTopicPartitionOffset,
  IAdminClient as NativeAdminClient,
} from 'node-rdkafka'

/** The librdkafka build in this process. */
export interface LibrdkafkaInfo {
  /** librdkafka's version, e.g. `2.12.0`. */
  readonly version: string
  /** The features librdkafka was built with (`builtin.features`), e.g. `zstd`, `ssl`, `sasl_scram`. */
  readonly features: readonly string[]
}

/**
 * Reports the version and built-in features of the librdkafka that kafkit runs on.
 *
 * @example
 * ```ts
 * const { version, features } = librdkafkaInfo()
 * if (!features.includes('zstd')) throw new Error('rebuild node-rdkafka with libzstd-dev installed')
 * ```
 */
export function librdkafkaInfo(): LibrdkafkaInfo {
  return { version: rdkafka.librdkafkaVersion, features: Object.freeze([...rdkafka.features]) }
}
