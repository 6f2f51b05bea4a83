/**
 * Errors of the schema registry: one class with a literal `reason`, mapped from the registry's HTTP status and
 * `error_code` (never from message text).
 * @module
 */
import { KafkaError, type KafkaErrorOptions } from '../errors/kafka-error.js'

/**
 * Why a registry request failed. Confluent Schema Registry and Apicurio's Confluent-compatible API report the same
 * `error_code`s for these (checked against Apicurio 2.6): 40401, 40402, 40403, 409, 42201, 42202, 42203.
 */
export const SchemaRegistryErrorReason = {
  /** The subject does not exist (40401). */
  SUBJECT_NOT_FOUND: 'SUBJECT_NOT_FOUND',
  /** The subject has no such version (40402). */
  VERSION_NOT_FOUND: 'VERSION_NOT_FOUND',
  /** No schema with that id, or the schema is not registered under the subject (40403). */
  SCHEMA_NOT_FOUND: 'SCHEMA_NOT_FOUND',
  /** The schema breaks the subject's compatibility rule (409). */
  INCOMPATIBLE_SCHEMA: 'INCOMPATIBLE_SCHEMA',
  /** The registry refused the schema as invalid (42201). */
  INVALID_SCHEMA: 'INVALID_SCHEMA',
  /** Another request the registry refused as invalid (422: bad version, bad compatibility level...). */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** Authentication failed or access was denied (401, 403). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The registry could not be reached or answered 408, 429 or 5xx after the configured retries. Retriable. */
  UNAVAILABLE: 'UNAVAILABLE',
  /**
   * The TLS handshake failed: the registry's certificate is not trusted (missing or wrong `tls.ca`, host name
   * mismatch, expired) or the registry refused the client's certificate. Not retriable: the settings must change.
   */
  TLS_FAILED: 'TLS_FAILED',
  /** The registry does not implement the endpoint (e.g. Apicurio's `/mode`). */
  UNSUPPORTED: 'UNSUPPORTED',
  /** Any other failure. */
  REQUEST_FAILED: 'REQUEST_FAILED',
} as const

/** One of {@link SchemaRegistryErrorReason}. */
export type SchemaRegistryErrorReason = (typeof SchemaRegistryErrorReason)[keyof typeof SchemaRegistryErrorReason]

/** What a {@link SchemaRegistryError} is about. */
export interface SchemaRegistryErrorOptions extends KafkaErrorOptions {
  /** HTTP status of the response, when there was one. */
  status?: number
  /** The registry's `error_code` (e.g. 40403), when its response carried one. */
  registryCode?: number
  /** The subject concerned. */
  subject?: string
  /** The schema id concerned. */
  schemaId?: number
}

/**
 * A schema registry request failed. `code` is `ERR_SCHEMA_REGISTRY_<reason>`, e.g.
 * `ERR_SCHEMA_REGISTRY_INCOMPATIBLE_SCHEMA`.
 */
export class SchemaRegistryError extends KafkaError {
  override name = 'SchemaRegistryError'
  /** Why it failed. */
  readonly reason: SchemaRegistryErrorReason
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined
  /** The registry's `error_code`, when its response carried one. */
  readonly registryCode: number | undefined
  /** The subject concerned, when there is one. */
  readonly subject: string | undefined
  /** The schema id concerned, when there is one. */
  readonly schemaId: number | undefined

  /**
   * Creates a Schema Registry error.
   * @param reason - why it failed
   * @param message - what was asked and what the registry said
   * @param options - HTTP status, registry error code, subject, schema id, cause
   */
  constructor(reason: SchemaRegistryErrorReason, message: string, options: SchemaRegistryErrorOptions = {}) {
    super(`ERR_SCHEMA_REGISTRY_${reason}`, message, {
      retriable: reason === SchemaRegistryErrorReason.UNAVAILABLE,
      ...options,
    })
    this.reason = reason
    this.status = options.status
    this.registryCode = options.registryCode
    this.subject = options.subject
    this.schemaId = options.schemaId
  }
}

/** The shape of `@confluentinc/schemaregistry`'s `RestError` and of axios errors, read defensively. */
interface HttpErrorLike {
  readonly message?: unknown
  readonly status?: unknown
  readonly errorCode?: unknown
  readonly code?: unknown
  readonly isAxiosError?: unknown
  readonly response?: { readonly status?: unknown } | undefined
}

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

/** Node's certificate verification codes (`X509_V_ERR_*` without the prefix). OpenSSL alerts start with ERR_SSL_. */
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

function isTlsFailure(code: unknown): boolean {
  return typeof code === 'string' && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_'))
}

/** Maps a status and `error_code` to a reason. Unknown codes fall back on the HTTP status class. */
function reasonFor(
  status: number | undefined,
  registryCode: number | undefined,
  notFound: SchemaRegistryErrorReason,
): SchemaRegistryErrorReason {
  switch (registryCode) {
    case 40401:
      return SchemaRegistryErrorReason.SUBJECT_NOT_FOUND
    case 40402:
      return SchemaRegistryErrorReason.VERSION_NOT_FOUND
    case 40403:
      return SchemaRegistryErrorReason.SCHEMA_NOT_FOUND
    case 409:
      return SchemaRegistryErrorReason.INCOMPATIBLE_SCHEMA
    case 42201:
      return SchemaRegistryErrorReason.INVALID_SCHEMA
    case 42202:
    case 42203:
      return SchemaRegistryErrorReason.INVALID_REQUEST
    default:
      break // other codes, or none: the HTTP status decides below
  }
  if (status === undefined) return SchemaRegistryErrorReason.UNAVAILABLE
  if (status === 401 || status === 403) return SchemaRegistryErrorReason.UNAUTHORIZED
  if (RETRIABLE_STATUS.has(status)) return SchemaRegistryErrorReason.UNAVAILABLE
  // Apicurio answers unimplemented endpoints with 404 and error_code 0.
  if (status === 404 && registryCode === 0) return SchemaRegistryErrorReason.UNSUPPORTED
  if (status === 404) return notFound
  if (status === 409) return SchemaRegistryErrorReason.INCOMPATIBLE_SCHEMA
  if (status === 422) return SchemaRegistryErrorReason.INVALID_REQUEST
  return SchemaRegistryErrorReason.REQUEST_FAILED
}

/** What the failed call was, for the error message and for 404s without a specific `error_code`. */
export interface RegistryCallContext {
  /** What kafkit asked, e.g. `register schema`. */
  readonly operation: string
  /** The subject concerned. */
  readonly subject?: string | undefined
  /** The schema id concerned. */
  readonly schemaId?: number | undefined
  /** The reason of a bare 404 for this call. @default SUBJECT_NOT_FOUND */
  readonly notFound?: SchemaRegistryErrorReason
  /** The registry URLs the call went to, named in the message (they never hold credentials: see `options.ts`). */
  readonly urls?: readonly string[] | undefined
}

/** Network error codes of Node and axios, in words. */
const NETWORK_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'timed out',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
}

/** A URL as shown in messages: without query or fragment, which might carry tokens. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '')
  } catch {
    return url
  }
}

/**
 * Maps anything `@confluentinc/schemaregistry`'s client throws (its `RestError`, an axios network error) to a
 * {@link SchemaRegistryError}.
 */
export function toSchemaRegistryError(error: unknown, context: RegistryCallContext): SchemaRegistryError {
  if (error instanceof SchemaRegistryError) return error
  const like = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike
  const status =
    typeof like.status === 'number'
      ? like.status
      : typeof like.response?.status === 'number'
        ? like.response.status
        : undefined
  const registryCode = typeof like.errorCode === 'number' && like.errorCode >= 0 ? like.errorCode : undefined
  const reason =
    status === undefined && isTlsFailure(like.code)
      ? SchemaRegistryErrorReason.TLS_FAILED
      : reasonFor(status, registryCode, context.notFound ?? SchemaRegistryErrorReason.SUBJECT_NOT_FOUND)
  const detail = typeof like.message === 'string' && like.message !== '' ? like.message : String(error)
  const about = [
    context.subject === undefined ? undefined : `subject "${context.subject}"`,
    context.schemaId === undefined ? undefined : `schema id ${context.schemaId}`,
  ]
    .filter(Boolean)
    .join(', ')
  const failure =
    typeof like.code === 'string'
      ? (NETWORK_FAILURES[like.code] ?? (isTlsFailure(like.code) ? 'TLS handshake failed' : undefined))
      : undefined
  const answered =
    status === undefined
      ? `no answer${failure === undefined ? '' : `: ${failure}`} (${typeof like.code === 'string' ? `${like.code}: ` : ''}${detail})`
      : `HTTP ${status}${registryCode === undefined ? '' : ` error_code ${registryCode}`}: ${detail}`
  const at =
    context.urls === undefined || context.urls.length === 0 ? '' : ` at ${context.urls.map(shownUrl).join(', ')}`
  return new SchemaRegistryError(
    reason,
    `Schema registry${at}: ${context.operation}${about === '' ? '' : ` (${about})`} failed with ${answered}`,
    {
      cause: redactedCause(error, detail),
      ...(status === undefined ? {} : { status }),
      ...(registryCode === undefined ? {} : { registryCode }),
      ...(context.subject === undefined ? {} : { subject: context.subject }),
      ...(context.schemaId === undefined ? {} : { schemaId: context.schemaId }),
    },
  )
}

/**
 * The HTTP client's error without its request: axios errors carry the request config, whose headers hold the
 * `Authorization` header (basic credentials or bearer token), and anything that serializes the cause chain (loggers,
 * `util.inspect`) would print it. Only the message and the codes are kept.
 */
function redactedCause(error: unknown, detail: string): Error {
  const like = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike & { readonly name?: unknown }
  const cause = new Error(detail)
  if (typeof like.name === 'string') cause.name = like.name
  const codes: Record<string, unknown> = {}
  if (typeof like.code === 'string' || typeof like.code === 'number') codes.code = like.code
  if (typeof like.status === 'number') codes.status = like.status
  else if (typeof like.response?.status === 'number') codes.status = like.response.status
  if (typeof like.errorCode === 'number') codes.errorCode = like.errorCode
  return Object.assign(cause, codes)
}
