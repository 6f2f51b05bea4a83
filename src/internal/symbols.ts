/**
 * Symbols through which kafkit's clients reach each other's native state without exposing it publicly.
 * The consumer exposes its group metadata (serialized by librdkafka) under {@link CONSUMER_GROUP_METADATA} so that a
 * transactional producer can send offsets with it (KIP-447).
 */
export const CONSUMER_GROUP_METADATA: unique symbol = Symbol.for('kafkit.consumerGroupMetadata')
