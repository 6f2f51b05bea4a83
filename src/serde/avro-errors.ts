/**
 * The error the Avro serde throws: a {@link SerializationError} (so consumers route it through their error policy
 * and producers reject only the record concerned) with a literal reason and the subject and schema id involved.
 * @module
 */
import { SerializationError, type KafkaErrorOptions } from '../errors/kafka-error.js'

/** Why an Avro key or value could not be (de)serialized. */
export const AvroErrorReason = {
  /** The bytes are not in Confluent's wire format (no magic byte 0 or 1, or shorter than a header). */
  NOT_WIRE_FORMAT: 'NOT_WIRE_FORMAT',
  /** The schema id in the header is unknown to the registry. */
  UNKNOWN_SCHEMA_ID: 'UNKNOWN_SCHEMA_ID',
  /** The bytes do not decode with their writer schema (truncated, corrupt), or not into the reader schema. */
  DECODE_FAILED: 'DECODE_FAILED',
  /** The value to write does not match the schema (a missing field, a wrong type, an unknown enum symbol...). */
  INVALID_RECORD: 'INVALID_RECORD',
  /** The registry refused to register the schema under the subject: it breaks the compatibility rule. */
  INCOMPATIBLE_SCHEMA: 'INCOMPATIBLE_SCHEMA',
  /** With `autoRegister: false` or `useLatestVersion`, the subject has no such schema or no versions. */
  SCHEMA_NOT_REGISTERED: 'SCHEMA_NOT_REGISTERED',
  /** The serde has nothing to write with: it was built without `schema` and without `useLatestVersion`. */
  NO_WRITER_SCHEMA: 'NO_WRITER_SCHEMA',
  /** Any other registry failure; `retriable` when the registry was unreachable. The cause is a `SchemaRegistryError`. */
  REGISTRY_ERROR: 'REGISTRY_ERROR',
} as const

/** One of {@link AvroErrorReason}. */
export type AvroErrorReason = (typeof AvroErrorReason)[keyof typeof AvroErrorReason]

/** What an {@link AvroSerializationError} is about. */
export interface AvroSerializationErrorOptions extends KafkaErrorOptions {
  /** Which part of the record. */
  field?: 'key' | 'value'
  /** The registry subject involved, when known. */
  subject?: string
  /** The schema id involved, when known. */
  schemaId?: number
}

/**
 * An Avro key or value could not be (de)serialized. `code` is `ERR_SERIALIZATION` like every serialization error;
 * `reason` says which of the Avro failures it was. `topic`, `partition` and `offset` are set where known (always on
 * the consumer side).
 */
export class AvroSerializationError extends SerializationError {
  override name = 'AvroSerializationError'
  /** Why it failed. */
  readonly reason: AvroErrorReason
  /** The registry subject involved, when known. */
  readonly subject: string | undefined
  /** The schema id involved, when known. */
  readonly schemaId: number | undefined

  /**
   * Creates an Avro serialization error.
   * @param reason - why it failed
   * @param message - what failed, where, and what to do about it
   * @param options - topic/partition/offset, field, subject, schema id, cause
   */
  constructor(reason: AvroErrorReason, message: string, options: AvroSerializationErrorOptions = {}) {
    super(message, options)
    this.reason = reason
    this.subject = options.subject
    this.schemaId = options.schemaId
  }
}
