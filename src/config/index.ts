export type * from './public.js'
export {
  buildClientConfig,
  CLIENT_OPTION_KEYS,
  globalRdkafka,
  type ClientRole,
  parseBrokers,
  type SaslOauthbearerOptions,
  type SaslOauthbearerProviderOptions,
  type SaslPasswordOptions,
  tokenProviderOf,
  validateRdkafka,
} from './client-options.js'
export * from './validate.js'
