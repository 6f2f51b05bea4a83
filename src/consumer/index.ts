export { Consumer } from './consumer.js'
export { DEAD_LETTER_HEADERS } from './dead-letter.js'
export type { IteratorOptions } from './iterator.js'
export { CONSUMER_DEFAULTS, type ConsumerOptions, type RebalanceHook } from './options.js'
export {
  type DeadLetterOptions,
  type DeadLetterProducer,
  type EachBatchRunOptions,
  type EachMessageRunOptions,
  type ErrorPolicy,
  RETRY_DEFAULTS,
  type RetryOptions,
  type RunOptions,
} from './run-options.js'
export type {
  AnyConsumerMessage,
  Batch,
  ConsumerEvents,
  ConsumerMessage,
  ConsumerPartitionStats,
  ConsumerStats,
  EachBatchPayload,
  EachMessagePayload,
  MessageFor,
  PartitionLag,
  RebalanceEvent,
  TopicNameFor,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js'
