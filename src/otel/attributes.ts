/**
 * The OpenTelemetry attribute names kafkit's spans carry: the messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/), kept here as constants so that kafkit does not
 * depend on `@opentelemetry/semantic-conventions`.
 * @module
 */

/** Attribute names of the messaging semantic conventions, plus kafkit's own (`kafkit.*`). */
export const MESSAGING_ATTRIBUTES = Object.freeze({
  /** Always `kafka`. */
  system: 'messaging.system',
  /** `send` or `process`. */
  operationName: 'messaging.operation.name',
  /** `send` or `process`. */
  operationType: 'messaging.operation.type',
  /** The topic. */
  destinationName: 'messaging.destination.name',
  /** The partition, as a string (current conventions). */
  destinationPartitionId: 'messaging.destination.partition.id',
  /** The partition, as a number (the Kafka-specific name of earlier conventions, still read by many backends). */
  kafkaDestinationPartition: 'messaging.kafka.destination.partition',
  /** The record key, when it is text. */
  kafkaMessageKey: 'messaging.kafka.message.key',
  /** The record offset. */
  kafkaMessageOffset: 'messaging.kafka.message.offset',
  /** Whether the record is a tombstone (null value). */
  kafkaMessageTombstone: 'messaging.kafka.message.tombstone',
  /** The consumer group. */
  consumerGroupName: 'messaging.consumer.group.name',
  /** How many records one span covers, when more than one (sendBatch, eachBatch). */
  batchMessageCount: 'messaging.batch.message_count',
  /** The client's `client.id`. */
  clientId: 'messaging.client.id',
  /** The class of error an operation failed with: a `KafkaError`'s code, else the error's name. */
  errorType: 'error.type',
  /** The producer's transactional id (kafkit's own attribute). */
  transactionalId: 'kafkit.transactional_id',
  /** The Admin method (kafkit's own attribute). */
  adminOperation: 'kafkit.admin.operation',
  /** How many attempts an Admin call took (kafkit's own attribute). */
  adminAttempts: 'kafkit.admin.attempts',
  /** How a consumed message's handling ended: processed, skipped or unprocessed (kafkit's own attribute). */
  handlingOutcome: 'kafkit.consumer.outcome',
} as const)
