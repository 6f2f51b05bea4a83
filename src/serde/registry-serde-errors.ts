/**
 * The errors the registry serdes throw: {@link SerializationError}s (consumers route them through their error
 * policy, producers reject only the record concerned) with a literal reason and the subject and schema id involved.
 * Avro, Protobuf and JSON Schema share the reasons, so one `switch` handles every registry serde;
 * {@link AvroSerializationError} comes from `serdes.avro()`, {@link SchemaSerializationError} (with its `format`)
 * from `serdes.protobuf()` and `serdes.jsonSchema()`.
 * @module
 */
import { type KafkaErrorOptions, SerializationError } from '../errors/kafka-error.js'

/** Why a registry serde's key or value could not be (de)serialized. */
export const RegistrySerdeErrorReason = {
  /** The bytes are not in Confluent's wire format (no magic byte 0 or 1, or shorter than a header). */
  NOT_WIRE_FORMAT: 'NOT_WIRE_FORMAT',
  /** The schema id in the header is unknown to the registry. */
  UNKNOWN_SCHEMA_ID: 'UNKNOWN_SCHEMA_ID',
  /**
   * The bytes do not decode with their writer schema (truncated, corrupt), or not into the reader schema (Avro), or
   * the value read does not validate against it (JSON Schema).
   */
  DECODE_FAILED: 'DECODE_FAILED',
  /**
   * The value to write does not match the schema (Avro: a missing field, a wrong type, an unknown enum symbol...;
   * JSON Schema: fails validation; Protobuf: not a message of it).
   */
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

/** One of {@link RegistrySerdeErrorReason}. */
export type RegistrySerdeErrorReason = (typeof RegistrySerdeErrorReason)[keyof typeof RegistrySerdeErrorReason]

/** Why an Avro key or value could not be (de)serialized (the reasons every registry serde shares). */
export const AvroErrorReason = RegistrySerdeErrorReason
/** One of {@link AvroErrorReason}. */
export type AvroErrorReason = RegistrySerdeErrorReason

/** Why a Protobuf or JSON Schema key or value could not be (de)serialized (the reasons every registry serde shares). */
export const SchemaSerdeErrorReason = RegistrySerdeErrorReason
/** One of {@link SchemaSerdeErrorReason}. */
export type SchemaSerdeErrorReason = RegistrySerdeErrorReason

/** The schema formats of the registry serdes other than Avro. */
export type SchemaSerdeFormat = 'PROTOBUF' | 'JSON'

/** What a registry serde error is about. */
export interface RegistrySerializationErrorOptions extends KafkaErrorOptions {
  /** Which part of the record. */
  field?: 'key' | 'value'
  /** The registry subject involved, when known. */
  subject?: string
  /** The schema id involved, when known. */
  schemaId?: number
}

/** What an {@link AvroSerializationError} is about. */
export type AvroSerializationErrorOptions = RegistrySerializationErrorOptions
/** What a {@link SchemaSerializationError} is about. */
export type SchemaSerializationErrorOptions = RegistrySerializationErrorOptions

/**
 * What every registry serde error carries: `code` is `ERR_SERIALIZATION` like every serialization error; `reason`
 * says which failure it was. `topic`, `partition` and `offset` are set where known (always on the consumer side).
 */
export abstract class RegistrySerializationError extends SerializationError {
  /** Why it failed. */
  readonly reason: RegistrySerdeErrorReason
  /** The registry subject involved, when known. */
  readonly subject: string | undefined
  /** The schema id involved, when known. */
  readonly schemaId: number | undefined

  /**
   * Creates a registry serde error.
   * @param reason - why it failed
   * @param message - what failed, where, and what to do about it
   * @param options - topic/partition/offset, field, subject, schema id, cause
   */
  constructor(reason: RegistrySerdeErrorReason, message: string, options: RegistrySerializationErrorOptions = {}) {
    super(message, options)
    this.reason = reason
    this.subject = options.subject
    this.schemaId = options.schemaId
  }
}

/** An Avro key or value could not be (de)serialized; `reason` says which of the failures it was. */
export class AvroSerializationError extends RegistrySerializationError {
  override name = 'AvroSerializationError'
}

/** A Protobuf or JSON Schema key or value could not be (de)serialized; `format` says which serde. */
export class SchemaSerializationError extends RegistrySerializationError {
  override name = 'SchemaSerializationError'
  /** Which serde: `PROTOBUF` or `JSON` (JSON Schema). */
  readonly format: SchemaSerdeFormat

  /**
   * Creates a registry serde error.
   * @param format - the serde's schema format
   * @param reason - why it failed
   * @param message - what failed, where, and what to do about it
   * @param options - topic/partition/offset, field, subject, schema id, cause
   */
  constructor(
    format: SchemaSerdeFormat,
    reason: SchemaSerdeErrorReason,
    message: string,
    options: SchemaSerializationErrorOptions = {},
  ) {
    super(reason, message, options)
    this.format = format
  }
}
