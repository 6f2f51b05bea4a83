export {
  CompatibilityLevel,
  type RegisteredSchema,
  type SchemaDefinition,
  type SchemaReference,
  type SchemaType,
  type StoredSchema,
  type SubjectVersion,
} from './schema-model.js'
export { SchemaRegistry } from './schema-registry.js'
export { SchemaRegistryError, type SchemaRegistryErrorOptions, SchemaRegistryErrorReason } from './errors.js'
export {
  SCHEMA_REGISTRY_DEFAULTS,
  type SchemaRegistryBasicAuth,
  type SchemaRegistryBearerAuth,
  type SchemaRegistryOptions,
  type SchemaRegistryTlsOptions,
} from './options.js'
