/**
 * The error the Protobuf and JSON Schema serdes throw: a {@link SerializationError} (consumers route it through
 * their error policy, producers reject only the record concerned) with a literal reason, the schema format and the
 * subject and schema id involved. The reasons are the Avro serde's, so one `switch` handles every registry serde.
 * @module
 */
import { type KafkaErrorOptions, SerializationError } from '../errors/kafka-error.js'

/** Why a Protobuf or JSON Schema key or value could not be (de)serialized. */
export const SchemaSerdeErrorReason = {
  /** The bytes are not in Confluent's wire format (no magic byte 0 or 1, or shorter than a header). */
  NOT_WIRE_FORMAT: 'NOT_WIRE_FORMAT',
  /** The schema id in the header is unknown to the registry. */
  UNKNOWN_SCHEMA_ID: 'UNKNOWN_SCHEMA_ID',
  /** The bytes do not decode with their writer schema, or (JSON Schema) the value read does not validate against it. */
  DECODE_FAILED: 'DECODE_FAILED',
  /** The value to write does not match the schema (JSON Schema: fails validation; Protobuf: not a message of it). */
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

/** One of {@link SchemaSerdeErrorReason}. */
export type SchemaSerdeErrorReason = (typeof SchemaSerdeErrorReason)[keyof typeof SchemaSerdeErrorReason]

/** The schema formats of the registry serdes other than Avro. */
export type SchemaSerdeFormat = 'PROTOBUF' | 'JSON'

/** What a {@link SchemaSerializationError} is about. */
export interface SchemaSerializationErrorOptions extends KafkaErrorOptions {
  /** Which part of the record. */
  field?: 'key' | 'value'
  /** The registry subject involved, when known. */
  subject?: string
  /** The schema id involved, when known. */
  schemaId?: number
}

/**
 * A Protobuf or JSON Schema key or value could not be (de)serialized. `code` is `ERR_SERIALIZATION` like every
 * serialization error; `reason` says which failure it was and `format` which serde. `topic`, `partition` and
 * `offset` are set where known (always on the consumer side).
 */
export class SchemaSerializationError extends SerializationError {
  override name = 'SchemaSerializationError'
  /** Which serde: `PROTOBUF` or `JSON` (JSON Schema). */
  readonly format: SchemaSerdeFormat
  /** Why it failed. */
  readonly reason: SchemaSerdeErrorReason
  /** The registry subject involved, when known. */
  readonly subject: string | undefined
  /** The schema id involved, when known. */
  readonly schemaId: number | undefined

  /**
   * Creates a registry serde error.
   * @param format - the serde's schema format
   * @param reason - why it failed
   * @param message - what failed, where, and what to do about it
   * @param options - topic/partition/offset, field, subject, schema id, cause
   */
  constructor(format: SchemaSerdeFormat, reason: SchemaSerdeErrorReason, message: string, options: SchemaSerializationErrorOptions = {}) {
    super(message, options)
    this.format = format
    this.reason = reason
    this.subject = options.subject
    this.schemaId = options.schemaId
  }
}
