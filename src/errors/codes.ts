/**
 * Every `code` a kafkit error can carry: kafkit's own codes (listed here) and one `ERR_KAFKA_*` code per librdkafka
 * error (generated from librdkafka's own table). docs/errors.md documents each; a unit test keeps the two in step.
 * @module
 */
import type { RdkafkaKafkitCode } from './codes.generated.js'

/** Why a Schema Registry call failed; the suffix of an `ERR_SCHEMA_REGISTRY_*` code. */
export const SCHEMA_REGISTRY_REASONS = [
  'SUBJECT_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'SCHEMA_NOT_FOUND',
  'INCOMPATIBLE_SCHEMA',
  'INVALID_SCHEMA',
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'TLS_FAILED',
  'UNSUPPORTED',
  'REQUEST_FAILED',
] as const

/** The codes kafkit raises itself, outside librdkafka. */
export const KAFKIT_ERROR_CODES = [
  'ERR_CONFIG',
  'ERR_STATE',
  'ERR_CONNECTION',
  'ERR_TIMEOUT',
  'ERR_SERIALIZATION',
  'ERR_AGGREGATE',
  'ERR_ADDON',
  'ERR_HANDLER',
  'ERR_DEAD_LETTER',
  'ERR_HOOK',
  'ERR_UNKNOWN_OUTPUT',
  'ERR_UNKNOWN_EVENT',
  'ERR_ADMIN',
  'ERR_MISSING_DEPENDENCY',
  'ERR_AVRO_CODEGEN',
  'ERR_TRANSACTION_STUCK',
  ...SCHEMA_REGISTRY_REASONS.map((reason) => `ERR_SCHEMA_REGISTRY_${reason}` as const),
] as const

/** One of kafkit's own codes ({@link KAFKIT_ERROR_CODES}). */
export type KafkitErrorCode = (typeof KAFKIT_ERROR_CODES)[number]

/**
 * The `code` of a kafkit error: one of kafkit's own codes or `ERR_KAFKA_<librdkafka name>`. A literal union, so a
 * `switch (error.code)` is checked by the compiler.
 */
export type KafkaErrorCode = KafkitErrorCode | RdkafkaKafkitCode
