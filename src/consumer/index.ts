export { Consumer } from './consumer.js'
export { DEAD_LETTER_HEADERS } from './dead-letter.js'
export type { IteratorOptions } from './iterator.js'
export {
  CONSUMER_DEFAULTS,
  type ConsumerOptions,
  type DeadLetterOptions,
  type DeadLetterProducer,
  type EachBatchRunOptions,
  type EachMessageRunOptions,
  type ErrorPolicy,
  type RebalanceHook,
  RETRY_DEFAULTS,
  type RetryOptions,
  type RunOptions,
} from './options.js'
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
