export {
  type AdminRdkafkaConfig,
  buildClientConfig,
  CLIENT_OPTION_KEYS,
  globalRdkafka,
  type ClientOptions,
  type ClientRole,
  type ConsumerRdkafkaConfig,
  parseBrokers,
  type ProducerRdkafkaConfig,
  type OAuthBearerToken,
  type OAuthBearerTokenProvider,
  type SaslOauthbearerOptions,
  type SaslOauthbearerProviderOptions,
  type SaslOptions,
  type SaslPasswordOptions,
  type SslOptions,
  tokenProviderOf,
  validateRdkafka,
} from './client-options.js'
export type {
  RdkafkaConsumerGlobalConfig,
  RdkafkaConsumerTopicConfig,
  RdkafkaGlobalConfig,
  RdkafkaProducerGlobalConfig,
  RdkafkaProducerTopicConfig,
  RdkafkaTopicConfig,
} from './rdkafka-properties.generated.js'
export * from './validate.js'
