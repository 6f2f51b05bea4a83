// kafkit's public API, grouped by layer. Named exports only.

// Clients
export * from './producer/index.js'

// Serialization
export { serdes, type KeyOf, type Serde, type SerdeContext, type SerdeType, type TopicSerdeMap, type TopicSerdes, type ValueOf } from './serde/index.js'

// Configuration
export type { ClientOptions, ConsumerRdkafkaConfig, ProducerRdkafkaConfig, AdminRdkafkaConfig, SaslOptions, SslOptions } from './config/index.js'
export type { ClientState } from './internal/lifecycle.js'

// Errors
export * from './errors/index.js'

// Runtime
export { librdkafkaInfo, type LibrdkafkaInfo } from './native/binding.js'
