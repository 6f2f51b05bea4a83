export {
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  ConnectionError,
  KafkaAggregateError,
  KafkaError,
  type KafkaErrorOptions,
  SerializationError,
  StateError,
  TimeoutError,
} from './kafka-error.js'
export { describeRdkafkaCode, fromRdkafkaError, kafkitCodeFor, type NativeErrorLike } from './map.js'
export { KAFKIT_ERROR_CODES, type KafkaErrorCode, type KafkitErrorCode, SCHEMA_REGISTRY_REASONS } from './codes.js'
export * from './codes.generated.js'
