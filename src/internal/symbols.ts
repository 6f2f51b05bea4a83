/**
 * Symbols through which kafkit's clients reach each other's native handles without exposing them publicly.
 * The consumer exposes its native KafkaConsumer under {@link NATIVE_CONSUMER} so that a transactional producer
 * can send offsets with the consumer's group metadata (KIP-447).
 */
export const NATIVE_CONSUMER: unique symbol = Symbol.for('kafkit.nativeConsumer')
