export {
  type AdminRdkafkaConfig,
  buildClientConfig,
  CLIENT_OPTION_KEYS,
  type ClientOptions,
  type ClientRole,
  type ConsumerRdkafkaConfig,
  parseBrokers,
  type ProducerRdkafkaConfig,
  type SaslOauthbearerOptions,
  type SaslOptions,
  type SaslPasswordOptions,
  type SslOptions,
  validateRdkafka,
} from './client-options.js'
export * from './validate.js'
