export { Producer } from './producer.js'
export { PendingDelivery } from './pending-delivery.js'
export { type Compression, PRODUCER_DEFAULTS, type ProducerOptions } from './options.js'
export type { Transaction, TransactionOffsets } from './transaction.js'
export type {
  AnyRecord,
  DeliveryReport,
  Headers,
  ProducerEvents,
  ProducerRecord,
  RawData,
  RdkafkaStats,
  RecordFor,
} from './types.js'
export { TransactionStuckError } from './stuck-call.js'
