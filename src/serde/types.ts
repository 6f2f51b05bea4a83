/**
 * The serializer/deserializer contract. A serde turns a typed key or value into bytes and back; producers and
 * consumers infer their key and value types from the serdes they are given.
 * @module
 */

/** Where a key or value is being (de)serialized. */
export interface SerdeContext {
  /** The record's topic. */
  readonly topic: string
  /** Whether the key or the value is being (de)serialized. */
  readonly field: 'key' | 'value'
  /** The record's headers (as sent, or as received). */
  readonly headers?:
    Readonly<Record<string, string | Buffer | null | ReadonlyArray<string | Buffer | null>>> | undefined
  /** The partition, when known (always on the consumer side). */
  readonly partition?: number | undefined
  /** The offset, when known (always on the consumer side). */
  readonly offset?: string | undefined
}

/**
 * Serializes values of type `T` to bytes and back. Either method may be synchronous or return a promise; kafkit
 * keeps record order either way. `null` keys and values (tombstones) never reach a serde.
 *
 * @typeParam T - the JavaScript type of the key or value
 */
export interface Serde<T> {
  /** Turns a value into the bytes written to Kafka. Throw to reject the record. */
  serialize(value: T, context: SerdeContext): Buffer | Promise<Buffer>
  /** Turns the bytes read from Kafka back into a value. Throw to mark the record undecodable. */
  deserialize(data: Buffer, context: SerdeContext): T | Promise<T>
}

/** The type a serde produces: `SerdeType<Serde<Order>>` is `Order`. */
export type SerdeType<S> = S extends Serde<infer T> ? T : never

/** Key and value serdes of one topic. A missing serde means raw `Buffer`. */
export interface TopicSerdes<K = unknown, V = unknown> {
  /** Serde of the record key. @default buffer */
  key?: Serde<K>
  /** Serde of the record value. @default buffer */
  value?: Serde<V>
}

/** Serdes per topic name, for clients typed per topic. */
export type TopicSerdeMap = Record<string, TopicSerdes<any, any>>

/** The key type of a topic's serdes (`Buffer` when it has no key serde). */
export type KeyOf<T> = T extends { key: Serde<infer K> } ? K : Buffer
/** The value type of a topic's serdes (`Buffer` when it has no value serde). */
export type ValueOf<T> = T extends { value: Serde<infer V> } ? V : Buffer
