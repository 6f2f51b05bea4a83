/**
 * kafkit's error hierarchy. Every error kafkit throws or rejects with is a {@link KafkaError}
 * (or a subclass), so `instanceof KafkaError` and the literal `code` are all a caller needs.
 *
 * @module
 */
import type { KafkaErrorCode } from './codes.js'
import type { RdkafkaErrorName } from './codes.generated.js'

/** Options accepted by every kafkit error constructor. */
export interface KafkaErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown
  /** Whether retrying the same operation may succeed. @default false */
  retriable?: boolean
  /** Whether the client that raised it can no longer be used. @default false */
  fatal?: boolean
  /** Whether the current transaction must be aborted (transactional producers). @default false */
  abortable?: boolean
  /** librdkafka's numeric error code (`rd_kafka_resp_err_t`), when the error came from librdkafka. */
  rdkafkaCode?: number
  /** librdkafka's symbolic error name without the `RD_KAFKA_RESP_ERR_` prefix, e.g. `MSG_SIZE_TOO_LARGE`. */
  rdkafkaName?: RdkafkaErrorName
  /** The topic concerned, when there is one. */
  topic?: string
  /** The partition concerned, when there is one. */
  partition?: number
  /** The offset concerned, when there is one. */
  offset?: string
}

/** Marks kafkit's errors, shared through `Symbol.for` by every copy of kafkit loaded in one process. */
const BRAND = Symbol.for('kafkit.error')

/**
 * Base class of every kafkit error.
 *
 * `code` is a stable string literal (e.g. `'ERR_KAFKA_MSG_SIZE_TOO_LARGE'`, `'ERR_CONFIG'`) suitable for `switch`.
 * The flags say what a caller can do about it: retry (`retriable`), abort the transaction (`abortable`) or
 * discard the client (`fatal`).
 */
export class KafkaError extends Error {
  /**
   * `error instanceof KafkaError` holds for every error kafkit throws, {@link KafkaAggregateError} included, and for
   * errors of another copy of kafkit in the same process (two installs of different versions): it checks a brand
   * shared through `Symbol.for`, as undici does. Subclasses (`instanceof ConfigError`, ...) keep the usual
   * prototype check; across copies, compare `code`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== KafkaError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  }

  override name = 'KafkaError'
  /** Stable, machine-readable error code: one of {@link KafkaErrorCode}, documented in docs/errors.md. */
  readonly code: KafkaErrorCode
  /** Whether retrying the same operation may succeed. */
  readonly retriable: boolean
  /** Whether the client that raised it can no longer be used and must be recreated. */
  readonly fatal: boolean
  /** Whether the current transaction must be aborted before the producer can go on. */
  readonly abortable: boolean
  /** librdkafka's numeric error code, when the error came from librdkafka. */
  readonly rdkafkaCode: number | undefined
  /** librdkafka's symbolic error name (without prefix), when the error came from librdkafka. */
  readonly rdkafkaName: RdkafkaErrorName | undefined
  /** The topic concerned, when there is one. */
  readonly topic: string | undefined
  /** The partition concerned, when there is one. */
  readonly partition: number | undefined
  /** The offset concerned (a decimal string, offsets being 64-bit), when there is one. */
  readonly offset: string | undefined
  /**
   * For a failed send: `true` when the record may have been written nonetheless (the broker did not answer in time
   * after the request left; librdkafka's `RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED`). Retrying it may then duplicate it.
   */
  possiblyPersisted = false

  /**
   * Creates an error with its stable code; kafkit's own subclasses set the code themselves.
   * @param code - stable error code
   * @param message - what went wrong and what to do about it
   * @param options - cause, flags and librdkafka details
   */
  constructor(code: KafkaErrorCode, message: string, options: KafkaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? false
    this.fatal = options.fatal ?? false
    this.abortable = options.abortable ?? false
    this.rdkafkaCode = options.rdkafkaCode
    this.rdkafkaName = options.rdkafkaName
    this.topic = options.topic
    this.partition = options.partition
    this.offset = options.offset
  }
}

/** An option was missing, unknown or of the wrong type. Thrown by constructors, before any connection. */
export class ConfigError extends KafkaError {
  override name = 'ConfigError'
  /** Dotted path of the offending option, e.g. `sasl.mechanism` or `rdkafka['linger.ms']`. */
  readonly path: string

  /**
   * Creates a configuration error for one option.
   * @param path - dotted path of the offending option
   * @param message - what was expected
   * @param options - cause
   */
  constructor(path: string, message: string, options: KafkaErrorOptions = {}) {
    super('ERR_CONFIG', `Invalid option \`${path}\`: ${message}`, options)
    this.path = path
  }
}

/** A method was called in a lifecycle state that does not allow it (e.g. `send()` before `connect()`). */
export class StateError extends KafkaError {
  override name = 'StateError'
  /**
   * Creates a lifecycle error (code `ERR_STATE`).
   * @param message - which call was refused, in which state, and what to call first
   * @param options - cause, and whether the client is unusable for good (`fatal`)
   */
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super('ERR_STATE', message, options)
  }
}

/** The client could not reach or lost the brokers. */
export class ConnectionError extends KafkaError {
  override name = 'ConnectionError'
  /**
   * Creates a connection error.
   * @param message - what failed
   * @param options - cause and librdkafka details
   * @param code - the specific code @default 'ERR_CONNECTION'
   */
  constructor(message: string, options: KafkaErrorOptions = {}, code: KafkaErrorCode = 'ERR_CONNECTION') {
    super(code, message, { retriable: true, ...options })
  }
}

/** An operation did not complete in the allowed time. */
export class TimeoutError extends KafkaError {
  override name = 'TimeoutError'
  /**
   * Creates a timeout error.
   * @param message - what timed out and after how long
   * @param options - cause and librdkafka details
   * @param code - the specific code @default 'ERR_TIMEOUT'
   */
  constructor(message: string, options: KafkaErrorOptions = {}, code: KafkaErrorCode = 'ERR_TIMEOUT') {
    super(code, message, { retriable: true, ...options })
  }
}

/** A key or value could not be serialized or deserialized. Names topic, partition and offset where known. */
export class SerializationError extends KafkaError {
  override name = 'SerializationError'
  /** Which part of the record failed. */
  readonly field: 'key' | 'value' | 'headers' | undefined

  /**
   * Creates a serialization error (code `ERR_SERIALIZATION`).
   * @param message - what failed to (de)serialize and why
   * @param options - cause, topic and the part of the record (`field`)
   */
  constructor(message: string, options: KafkaErrorOptions & { field?: 'key' | 'value' | 'headers' } = {}) {
    super('ERR_SERIALIZATION', message, options)
    this.field = options.field
  }
}

/**
 * The brokers refused the client's credentials (SASL authentication failed, or the mechanism is not enabled).
 * Not retriable: the same credentials fail the same way; fix the configuration (or rotate the secret) and create a
 * new client.
 */
export class AuthenticationError extends KafkaError {
  override name = 'AuthenticationError'
  /**
   * Creates an authentication error (never retriable).
   * @param code - the specific code, e.g. `ERR_KAFKA_SASL_AUTHENTICATION_FAILED`
   * @param message - who refused what, and what to check
   * @param options - cause and librdkafka details
   */
  constructor(code: KafkaErrorCode, message: string, options: KafkaErrorOptions = {}) {
    super(code, message, { ...options, retriable: false })
  }
}

/** The broker refused the operation for lack of permission (ACLs, SASL). */
export class AuthorizationError extends KafkaError {
  override name = 'AuthorizationError'
  /**
   * Creates an authorization error.
   * @param code - the specific code, e.g. `ERR_KAFKA_TOPIC_AUTHORIZATION_FAILED`
   * @param message - what was denied
   * @param options - cause and librdkafka details
   */
  constructor(code: KafkaErrorCode, message: string, options: KafkaErrorOptions = {}) {
    super(code, message, options)
  }
}

/**
 * Several items of one batch call failed. `errors` holds one entry per failed item, in input order,
 * each naming its item; items not listed succeeded. It extends `AggregateError` and is also a
 * {@link KafkaError} (`instanceof KafkaError` holds, and it carries the same fields): `retriable` when every
 * failure is, `fatal`, `abortable` and `possiblyPersisted` when any is.
 */
export class KafkaAggregateError extends AggregateError {
  override name = 'KafkaAggregateError'
  /** Always `ERR_AGGREGATE`. */
  readonly code: 'ERR_AGGREGATE' = 'ERR_AGGREGATE'
  /** Each failed item's index in the call's input and its error. */
  readonly failures: ReadonlyArray<{ readonly index: number; readonly error: KafkaError }>
  /** Whether retrying may succeed: true when every failure is retriable. */
  readonly retriable: boolean
  /** Whether a failure left its client unusable. */
  readonly fatal: boolean
  /** Whether a failure requires aborting the current transaction. */
  readonly abortable: boolean
  /** Whether a failed record may have been written nonetheless. */
  readonly possiblyPersisted: boolean
  /** Not set on an aggregate: see each failure. */
  readonly rdkafkaCode: number | undefined = undefined
  /** Not set on an aggregate: see each failure. */
  readonly rdkafkaName: RdkafkaErrorName | undefined = undefined
  /** Not set on an aggregate: see each failure. */
  readonly topic: string | undefined = undefined
  /** Not set on an aggregate: see each failure. */
  readonly partition: number | undefined = undefined
  /** Not set on an aggregate: see each failure. */
  readonly offset: string | undefined = undefined

  /**
   * Creates an error listing several failures (code `ERR_AGGREGATE`).
   * @param failures - failed items with their input index
   * @param message - summary of what failed
   */
  constructor(failures: ReadonlyArray<{ index: number; error: KafkaError }>, message: string) {
    super(
      failures.map((f) => f.error),
      message,
    )
    this.failures = failures
    this.retriable = failures.length > 0 && failures.every((f) => f.error.retriable)
    this.fatal = failures.some((f) => f.error.fatal)
    this.abortable = failures.some((f) => f.error.abortable)
    this.possiblyPersisted = failures.some((f) => f.error.possiblyPersisted)
  }
}

for (const type of [KafkaError, KafkaAggregateError]) Object.defineProperty(type.prototype, BRAND, { value: true })
