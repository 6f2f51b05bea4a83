export {
  CompatibilityLevel,
  type RegisteredSchema,
  type SchemaDefinition,
  type SchemaReference,
  SchemaRegistry,
  type SchemaType,
  type StoredSchema,
  type SubjectVersion,
} from './schema-registry.js'
export { SchemaRegistryError, type SchemaRegistryErrorOptions, SchemaRegistryErrorReason } from './errors.js'
export {
  SCHEMA_REGISTRY_DEFAULTS,
  type SchemaRegistryBasicAuth,
  type SchemaRegistryBearerAuth,
  type SchemaRegistryOptions,
  type SchemaRegistryTlsOptions,
} from './options.js'
