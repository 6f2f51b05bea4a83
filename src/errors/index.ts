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
export { RDKAFKA_ERROR_CODES, type RdkafkaErrorCode } from './codes.generated.js'
