// kafkit's public API, grouped by layer. Named exports only.

// Clients
export * from './producer/index.js'
export * from './consumer/index.js'
export * from './admin/index.js'

// Event-driven building blocks: exactly-once processor, event router (choreography), sagas (orchestration)
export * from './patterns/index.js'

// Serialization
export {
  serdes,
  type JsonSerdeOptions,
  type JsonValidator,
  type KeyOf,
  type Serde,
  type SerdeContext,
  type SerdeType,
  type TopicSerdeMap,
  type TopicSerdes,
  type ValueOf,
} from './serde/index.js'

// Schema Registry serdes: Avro, Protobuf, JSON Schema
export * from './registry/index.js'
export {
  AVRO_SERDE_DEFAULTS,
  AvroSubjectStrategy,
  type AvroSerdeOptions,
  type SubjectNameContext,
  type SubjectNameFunction,
} from './serde/avro.js'
export type { AvroSchemaInput, AvroSchemaObject, TypedAvroSchema, UntypedAvroSchema } from './serde/avro-schema.js'
export { REGISTRY_SERDE_DEFAULTS, type RegistrySerdeOptions } from './serde/registry-serde.js'
export { type ProtobufMessage, type ProtobufMessageSchema, type ProtobufSerdeOptions } from './serde/protobuf.js'
export {
  JSON_SCHEMA_SERDE_DEFAULTS,
  type JsonSchemaObject,
  type JsonSchemaSerdeOptions,
  type TypedJsonSchema,
} from './serde/json-schema.js'
export {
  AvroErrorReason,
  AvroSerializationError,
  type AvroSerializationErrorOptions,
  SchemaSerdeErrorReason,
  type SchemaSerdeFormat,
  SchemaSerializationError,
  type SchemaSerializationErrorOptions,
} from './serde/registry-serde-errors.js'
export {
  AvroCodegenError,
  type AvroCodegenOptions,
  type AvroSourceFile,
  generateAvroTypes,
  type GeneratedFile,
} from './serde/avro-codegen.js'

// Configuration
export type * from './config/public.js'
export type { Logger, LogFields } from './internal/log.js'
export type { ClientState } from './internal/lifecycle.js'

// Diagnostics channels and tracing channels (node:diagnostics_channel); OpenTelemetry spans are in kafkit/otel
export * from './diagnostics/index.js'
export * from './tracing/index.js'

// Errors
export * from './errors/index.js'

// Metrics
export {
  statsSnapshot,
  type BrokerSnapshot,
  type GroupSnapshot,
  type PartitionSnapshot,
  type StatsSnapshot,
} from './metrics/snapshot.js'

// Runtime
export { librdkafkaInfo, type LibrdkafkaInfo } from './native/binding.js'
