/**
 * What a failed registry call means to a registry serde (Avro, Protobuf, JSON Schema share the reasons): which
 * reason it is and a hint that names the subject.
 * @module
 */
import { type SchemaRegistryError, SchemaRegistryErrorReason } from '../registry/errors.js'

/** The serde reasons a registry call can end in. */
export type RegistryFailureReason = 'INCOMPATIBLE_SCHEMA' | 'SCHEMA_NOT_REGISTERED' | 'REGISTRY_ERROR'

/**
 * Classifies a registry call's failure while writing under `subject`.
 * @param error - the registry client's error
 * @param subject - the subject written under
 * @param useLatestVersion - whether the serde writes with the subject's latest version (changes the hint)
 */
export function registryFailure(
  error: SchemaRegistryError,
  subject: string,
  useLatestVersion: boolean,
): { reason: RegistryFailureReason; hint: string } {
  if (error.reason === SchemaRegistryErrorReason.INCOMPATIBLE_SCHEMA) {
    return {
      reason: 'INCOMPATIBLE_SCHEMA',
      hint: `the registry refused the schema under subject "${subject}" as incompatible with the versions already there (check the subject's compatibility level)`,
    }
  }
  if (
    error.reason === SchemaRegistryErrorReason.SUBJECT_NOT_FOUND ||
    error.reason === SchemaRegistryErrorReason.SCHEMA_NOT_FOUND ||
    error.reason === SchemaRegistryErrorReason.VERSION_NOT_FOUND
  ) {
    return {
      reason: 'SCHEMA_NOT_REGISTERED',
      hint: useLatestVersion
        ? `subject "${subject}" has no registered version to write with (useLatestVersion)`
        : `the schema is not registered under subject "${subject}" and autoRegister is off`,
    }
  }
  return { reason: 'REGISTRY_ERROR', hint: `the schema registry failed for subject "${subject}"` }
}
