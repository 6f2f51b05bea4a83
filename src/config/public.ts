// The configuration types that kafkit's package root exports (src/index.ts re-exports this module whole);
// src/config/index.ts re-exports it too, next to the helpers the clients use internally.
export type {
  AdminRdkafkaConfig,
  ClientOptions,
  ConsumerRdkafkaConfig,
  OAuthBearerToken,
  OAuthBearerTokenProvider,
  ProducerRdkafkaConfig,
  SaslOptions,
  SslOptions,
} from './client-options.js'
export type {
  RdkafkaConsumerGlobalConfig,
  RdkafkaConsumerTopicConfig,
  RdkafkaGlobalConfig,
  RdkafkaProducerGlobalConfig,
  RdkafkaProducerTopicConfig,
  RdkafkaTopicConfig,
} from './rdkafka-properties.generated.js'
