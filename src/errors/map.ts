import type { KafkaErrorCode } from './codes.js'
import {
  RDKAFKA_ERROR_CODES,
  RESP_ERR,
  type RdkafkaErrorCode,
  type RdkafkaErrorName,
  type RdkafkaKafkitCode,
} from './codes.generated.js'
import {
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  ConnectionError,
  KafkaError,
  type KafkaErrorOptions,
  TimeoutError,
} from './kafka-error.js'

const byCode = new Map<number, RdkafkaErrorCode>(RDKAFKA_ERROR_CODES.map((entry) => [entry.code, entry]))
// An Error carrying only rd_kafka_err2str()'s text (nothing else) gets its code back by an exact lookup of that text
// in librdkafka's own table, without parsing anything.
const byDescription = new Map<string, RdkafkaErrorCode>(RDKAFKA_ERROR_CODES.map((entry) => [entry.description, entry]))

// Broker errors the Kafka protocol marks retriable (see Kafka's Errors.java: RetriableException subclasses),
// plus librdkafka's local transient conditions. Used when the error object itself carries no flag.
const RETRIABLE = new Set<RdkafkaErrorName>([
  '_TRANSPORT',
  '_ALL_BROKERS_DOWN',
  '_TIMED_OUT',
  '_MSG_TIMED_OUT',
  '_QUEUE_FULL',
  '_WAIT_COORD',
  '_RESOLVE',
  '_NODE_UPDATE',
  '_ISR_INSUFF',
  '_IN_PROGRESS',
  '_PREV_IN_PROGRESS',
  '_TIMED_OUT_QUEUE',
  '_OUTDATED',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'UNKNOWN_TOPIC_OR_PART',
  'KAFKA_STORAGE_ERROR',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'UNSTABLE_OFFSET_COMMIT',
  'THROTTLING_QUOTA_EXCEEDED',
  'CONCURRENT_TRANSACTIONS',
  'UNKNOWN_LEADER_EPOCH',
  'FENCED_LEADER_EPOCH',
  'REBALANCE_IN_PROGRESS',
  'ELECTION_NOT_NEEDED',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
])

const FATAL = new Set<RdkafkaErrorName>([
  '_FATAL',
  '_FENCED',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'FENCED_INSTANCE_ID',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
])

const CONNECTION = new Set<RdkafkaErrorName>([
  '_TRANSPORT',
  '_ALL_BROKERS_DOWN',
  '_RESOLVE',
  '_SSL',
  'NETWORK_EXCEPTION',
])

/** The brokers refused the credentials: retrying with the same ones cannot help. */
const AUTHENTICATION = new Set<RdkafkaErrorName>([
  '_AUTHENTICATION',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
])

const TIMEOUT = new Set<RdkafkaErrorName>(['_TIMED_OUT', '_MSG_TIMED_OUT', 'REQUEST_TIMED_OUT', '_TIMED_OUT_QUEUE'])

/** The shape of an error as kafkit's addon reports it. All fields optional: we never assume. */
export interface NativeErrorLike {
  readonly code?: unknown
  readonly message?: unknown
  readonly isFatal?: unknown
  readonly isRetriable?: unknown
  readonly isTxnRequiresAbort?: unknown
}

/** Looks a librdkafka error code up in the generated table. */
export function describeRdkafkaCode(code: number): RdkafkaErrorCode | undefined {
  return byCode.get(code)
}

/**
 * The kafkit error code for a librdkafka error name: `ERR_KAFKA_` + the name without its leading underscore,
 * e.g. `_QUEUE_FULL` → `ERR_KAFKA_QUEUE_FULL`, `MSG_SIZE_TOO_LARGE` → `ERR_KAFKA_MSG_SIZE_TOO_LARGE`.
 */
export function kafkitCodeFor(rdkafkaName: RdkafkaErrorName): RdkafkaKafkitCode {
  return `ERR_KAFKA_${rdkafkaName.replace(/^_/, '')}` as RdkafkaKafkitCode
}

/**
 * Maps any error from librdkafka (an addon error `{ code, message, isFatal, ... }` or a bare numeric code) to the
 * matching {@link KafkaError} subclass. The numeric code decides; an error without one is looked up by its whole
 * text in librdkafka's own table, never parsed. A number librdkafka's table does not know maps to
 * `ERR_KAFKA_UNKNOWN` and keeps the number in `rdkafkaCode`.
 *
 * @param error - the native error, or a bare librdkafka error code (anything else maps to `ERR_KAFKA_UNKNOWN`)
 * @param context - what kafkit was doing (prefixed to the message) and the topic/partition/offset concerned
 */
export function fromRdkafkaError(
  error: unknown,
  context: { operation?: string } & Pick<KafkaErrorOptions, 'topic' | 'partition' | 'offset'> = {},
): KafkaError {
  if (error instanceof KafkaError) return error
  const native: NativeErrorLike = typeof error === 'object' && error !== null ? error : {}
  let numeric = typeof error === 'number' ? error : typeof native.code === 'number' ? native.code : undefined
  if ((numeric === undefined || numeric === RESP_ERR.UNKNOWN) && typeof native.message === 'string') {
    numeric = byDescription.get(native.message)?.code ?? numeric
  }
  const entry = numeric === undefined ? undefined : byCode.get(numeric)
  const name: RdkafkaErrorName = entry?.name ?? 'UNKNOWN'
  const nativeMessage =
    typeof native.message === 'string' && native.message !== ''
      ? native.message
      : (entry?.description ??
        (numeric === undefined ? 'unknown librdkafka error' : `librdkafka error code ${numeric}`))
  const where = [
    context.topic === undefined ? undefined : `topic ${context.topic}`,
    context.partition === undefined ? undefined : `partition ${context.partition}`,
    context.offset === undefined ? undefined : `offset ${context.offset}`,
  ]
    .filter(Boolean)
    .join(', ')
  const message = `${context.operation ? `${context.operation} failed` : 'Kafka error'}${where ? ` (${where})` : ''}: ${nativeMessage} [${name}]`
  const options: KafkaErrorOptions = {
    cause: error,
    rdkafkaName: name,
    retriable: native.isRetriable === true || RETRIABLE.has(name),
    fatal: native.isFatal === true || FATAL.has(name),
    abortable: native.isTxnRequiresAbort === true,
    ...(numeric === undefined ? {} : { rdkafkaCode: numeric }),
    ...(context.topic === undefined ? {} : { topic: context.topic }),
    ...(context.partition === undefined ? {} : { partition: context.partition }),
    ...(context.offset === undefined ? {} : { offset: context.offset }),
  }
  const code: KafkaErrorCode = kafkitCodeFor(name)
  if (name.endsWith('AUTHORIZATION_FAILED')) return new AuthorizationError(code, message, options)
  if (AUTHENTICATION.has(name)) return new AuthenticationError(code, message, options)
  if (TIMEOUT.has(name)) return new TimeoutError(message, options, code)
  if (CONNECTION.has(name)) return new ConnectionError(message, options, code)
  return new KafkaError(code, message, options)
}

/** A ConfigError for the properties kafkit's addon refused when creating a client (each refused one named). */
export function configErrorFrom(error: unknown): ConfigError {
  const refused = (error as { properties?: Array<{ property: string; message: string }> } | undefined)?.properties
  if (Array.isArray(refused) && refused.length > 0) {
    const message = refused.map((item) => `${item.property}: ${item.message}`).join('; ')
    return new ConfigError(`rdkafka['${refused[0]!.property}']`, message, { cause: error })
  }
  return new ConfigError('rdkafka', error instanceof Error ? error.message : String(error), { cause: error })
}

/**
 * What a client's `connect()` rejects with when the brokers refused its credentials: the same code and flags, with
 * a message that says which client and what to check.
 * @param client - the client's role, e.g. `Producer`
 * @param cause - the authentication failure librdkafka reported
 */
export function authenticationFailed(client: string, cause: AuthenticationError): AuthenticationError {
  return new AuthenticationError(
    cause.code,
    `${client}.connect() failed: the brokers refused the client's credentials; check sasl (mechanism, username, password or token) (${cause.message})`,
    {
      cause,
      ...(cause.rdkafkaName ? { rdkafkaName: cause.rdkafkaName } : {}),
      ...(cause.rdkafkaCode === undefined ? {} : { rdkafkaCode: cause.rdkafkaCode }),
    },
  )
}

/** How long a failed connect waits for the client error that says the credentials were refused, ms. */
const AUTH_EVENT_GRACE_MS = 500

/**
 * After a connect that failed as a connection error, waits briefly (up to 500 ms) until `reported()` holds: the
 * client error librdkafka raises for refused credentials reaches JS on its own schedule, sometimes just after the
 * connect failed.
 */
export async function authFailureReported(reported: () => boolean): Promise<void> {
  const deadline = Date.now() + AUTH_EVENT_GRACE_MS
  while (!reported() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Client-level errors that retrying cannot cure: a client's connect() fails on them at once. */
const HOPELESS = new Set<string>([
  '_AUTHENTICATION',
  'SASL_AUTHENTICATION_FAILED',
  '_SSL',
  '_FATAL',
  'UNSUPPORTED_SASL_MECHANISM',
])

/** Whether a client error means connecting cannot succeed (refused credentials, a refused TLS certificate, fatal). */
export function isHopeless(error: KafkaError): boolean {
  return error instanceof AuthenticationError || HOPELESS.has(error.rdkafkaName ?? '')
}

/**
 * What a client's `connect()` rejects with for a hopeless client error: refused credentials as an
 * {@link AuthenticationError}, a failed TLS handshake as a non-retriable {@link ConnectionError} saying what to check.
 * @param client - the client's role, e.g. `Producer`
 * @param cause - the error librdkafka reported
 */
export function hopelessConnect(client: string, cause: KafkaError): KafkaError {
  if (cause instanceof AuthenticationError) return authenticationFailed(client, cause)
  if (cause.rdkafkaName === '_SSL') {
    return new ConnectionError(
      `${client}.connect() failed: the TLS handshake with the brokers failed; check ssl (ca, and cert/key for mutual TLS) (${cause.message})`,
      {
        cause,
        retriable: false,
        rdkafkaName: cause.rdkafkaName,
        ...(cause.rdkafkaCode === undefined ? {} : { rdkafkaCode: cause.rdkafkaCode }),
      },
    )
  }
  return cause
}
