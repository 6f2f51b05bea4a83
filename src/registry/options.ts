/**
 * Options of {@link SchemaRegistry}, their defaults and their validation.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import {
  expectBoolean,
  expectInteger,
  expectObject,
  expectSecret,
  expectString,
  rejectUnknownKeys,
} from '../config/validate.js'

/** HTTP basic authentication. */
export interface SchemaRegistryBasicAuth {
  /** User name (Confluent Cloud: the API key). */
  username: string
  /** Password (Confluent Cloud: the API secret). */
  password: string
}

/** A static bearer token, sent as `Authorization: Bearer <token>`. */
export interface SchemaRegistryBearerAuth {
  /** The token. */
  token: string
}

/**
 * TLS settings of the HTTPS connections to the registry. Without them the HTTP client trusts what Node trusts (its
 * bundled CAs and `NODE_EXTRA_CA_CERTS`).
 */
export interface SchemaRegistryTlsOptions {
  /** CA certificate(s) that sign the registry's certificate, PEM. Replaces Node's CA list. @default Node's CAs */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /** Client certificate for mutual TLS, PEM (with `key`). @default none */
  cert?: string | Buffer
  /** Client private key for mutual TLS, PEM (with `cert`). @default none */
  key?: string | Buffer
  /** Passphrase of an encrypted `key`. @default none */
  passphrase?: string
  /** Verify the registry's certificate and host name. Turn off only in tests. @default true */
  rejectUnauthorized?: boolean
}

/** Options of {@link SchemaRegistry}. */
export interface SchemaRegistryOptions {
  /**
   * Base URL of a Confluent-compatible Schema Registry REST API, or several for failover (tried in order).
   * Confluent: `http://host:8081`. Apicurio: the URL must include its compatibility API path,
   * `http://host:8080/apis/ccompat/v7`. `mock://name` gives an in-memory registry for unit tests.
   */
  url: string | readonly string[]
  /** Credentials. @default none */
  auth?: SchemaRegistryBasicAuth | SchemaRegistryBearerAuth
  /** Extra HTTP headers sent with every request. @default none */
  headers?: Readonly<Record<string, string>>
  /** CA, client certificate (mutual TLS) and verification of `https` URLs. @default Node's defaults */
  tls?: SchemaRegistryTlsOptions
  /** Time allowed for one HTTP request, in milliseconds. @default 10000 */
  requestTimeoutMs?: number
  /** Retries of a request that failed on the network or with 408, 429 or 5xx. @default 2 */
  maxRetries?: number
  /** First retry delay in milliseconds (full jitter, doubling each retry). @default 200 */
  retryBackoffMs?: number
  /** Largest retry delay in milliseconds. @default 5000 */
  retryBackoffMaxMs?: number
  /** Entries kept in each of the client's caches (ids, schemas, versions, latest versions). @default 1000 */
  cacheCapacity?: number
  /**
   * How long cached answers live, in milliseconds. The underlying client has one lifetime for all its caches, so
   * this also bounds how long `useLatestVersion` keeps using a version after a newer one is registered. Without it
   * nothing expires: a registry outage never affects schemas already seen.
   * @default undefined (never expire)
   */
  cacheTtlMs?: number
}

/** Defaults of {@link SchemaRegistryOptions}. */
export const SCHEMA_REGISTRY_DEFAULTS = Object.freeze({
  requestTimeoutMs: 10_000,
  maxRetries: 2,
  retryBackoffMs: 200,
  retryBackoffMaxMs: 5_000,
  cacheCapacity: 1_000,
} as const)

const OPTION_KEYS = [
  'url',
  'auth',
  'headers',
  'tls',
  'requestTimeoutMs',
  'maxRetries',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'cacheCapacity',
  'cacheTtlMs',
] as const

/** {@link SchemaRegistryOptions} validated and merged with the defaults. */
export interface ResolvedSchemaRegistryOptions {
  readonly urls: readonly string[]
  readonly auth: SchemaRegistryBasicAuth | SchemaRegistryBearerAuth | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly tls: Readonly<SchemaRegistryTlsOptions> | undefined
  readonly requestTimeoutMs: number
  readonly maxRetries: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly cacheCapacity: number
  readonly cacheTtlMs: number | undefined
}

function expectUrl(value: unknown, path: string): string {
  const text = expectString(value, path)
  if (/^mock:\/\//.test(text)) return text
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(path, `expected an http(s) URL, got ${JSON.stringify(text)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(path, `expected an http(s) URL, got ${JSON.stringify(text)}`)
  }
  // Credentials in the URL would be sent by nobody (the client takes them from `auth`) and leak into error messages.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(path, 'put credentials in `auth`, not in the URL')
  }
  return text.replace(/\/+$/, '')
}

function validateAuth(value: unknown): SchemaRegistryBasicAuth | SchemaRegistryBearerAuth {
  const auth = expectObject(value, 'auth')
  if ('token' in auth) {
    rejectUnknownKeys(auth, ['token'], 'auth')
    return { token: expectSecret(auth.token, 'auth.token') }
  }
  rejectUnknownKeys(auth, ['username', 'password'], 'auth')
  return {
    username: expectString(auth.username, 'auth.username'),
    password: expectSecret(auth.password, 'auth.password'),
  }
}

function expectPem(value: unknown, path: string): string | Buffer {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  throw new ConfigError(path, 'expected a PEM string or Buffer')
}

function validateTls(value: unknown, urls: readonly string[]): Readonly<SchemaRegistryTlsOptions> {
  const tls = expectObject(value, 'tls')
  rejectUnknownKeys(tls, ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized'], 'tls')
  if (!urls.some((url) => url.startsWith('https:'))) {
    throw new ConfigError('tls', 'applies to https URLs, and `url` has none')
  }
  const resolved: SchemaRegistryTlsOptions = {}
  if (tls.ca !== undefined) {
    resolved.ca = Array.isArray(tls.ca)
      ? tls.ca.map((pem, index) => expectPem(pem, `tls.ca[${index}]`))
      : expectPem(tls.ca, 'tls.ca')
  }
  if (tls.cert !== undefined) resolved.cert = expectPem(tls.cert, 'tls.cert')
  // A key is a secret: its value is never echoed (expectPem names only the kind).
  if (tls.key !== undefined) resolved.key = expectPem(tls.key, 'tls.key')
  if ((resolved.cert === undefined) !== (resolved.key === undefined)) {
    throw new ConfigError(
      resolved.cert === undefined ? 'tls.cert' : 'tls.key',
      'mutual TLS needs both `cert` and `key`',
    )
  }
  if (tls.passphrase !== undefined) resolved.passphrase = expectSecret(tls.passphrase, 'tls.passphrase')
  if (tls.rejectUnauthorized !== undefined)
    resolved.rejectUnauthorized = expectBoolean(tls.rejectUnauthorized, 'tls.rejectUnauthorized')
  return Object.freeze(resolved)
}

/** Validates options at construction; throws {@link ConfigError} naming the offending option. */
export function resolveSchemaRegistryOptions(options: unknown): ResolvedSchemaRegistryOptions {
  const object = expectObject(options, 'options')
  rejectUnknownKeys(object, OPTION_KEYS, 'options')
  const urlValue = object.url
  const urls = Array.isArray(urlValue)
    ? urlValue.map((entry, index) => expectUrl(entry, `url[${index}]`))
    : [expectUrl(urlValue, 'url')]
  if (urls.length === 0) throw new ConfigError('url', 'expected at least one URL')
  const headers: Record<string, string> = {}
  if (object.headers !== undefined) {
    for (const [name, value] of Object.entries(expectObject(object.headers, 'headers'))) {
      headers[name] = expectString(value, `headers['${name}']`)
    }
  }
  const integer = (key: keyof typeof SCHEMA_REGISTRY_DEFAULTS, min: number): number =>
    object[key] === undefined ? SCHEMA_REGISTRY_DEFAULTS[key] : expectInteger(object[key], key, min)
  const resolved: ResolvedSchemaRegistryOptions = {
    urls,
    auth: object.auth === undefined ? undefined : validateAuth(object.auth),
    headers,
    tls: object.tls === undefined ? undefined : validateTls(object.tls, urls),
    requestTimeoutMs: integer('requestTimeoutMs', 1),
    maxRetries: integer('maxRetries', 0),
    retryBackoffMs: integer('retryBackoffMs', 0),
    retryBackoffMaxMs: integer('retryBackoffMaxMs', 0),
    cacheCapacity: integer('cacheCapacity', 1),
    cacheTtlMs: object.cacheTtlMs === undefined ? undefined : expectInteger(object.cacheTtlMs, 'cacheTtlMs', 1),
  }
  return resolved
}
