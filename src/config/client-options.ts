/**
 * Options shared by every kafkit client (producer, consumer, admin) and their translation into librdkafka
 * configuration.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import {
  RDKAFKA_PROPERTIES,
  type RdkafkaConsumerGlobalConfig,
  type RdkafkaConsumerTopicConfig,
  type RdkafkaGlobalConfig,
  type RdkafkaProducerGlobalConfig,
  type RdkafkaProducerTopicConfig,
  type RdkafkaProperty,
} from './rdkafka-properties.generated.js'
import {
  describeKind,
  expectBoolean,
  expectObject,
  expectOneOf,
  expectSecret,
  expectString,
  rejectUnknownKeys,
} from './validate.js'

/** librdkafka properties accepted by a producer's `rdkafka` block (typed from librdkafka's CONFIGURATION.md). */
export type ProducerRdkafkaConfig = RdkafkaProducerGlobalConfig & RdkafkaProducerTopicConfig
/** librdkafka properties accepted by a consumer's `rdkafka` block (typed from librdkafka's CONFIGURATION.md). */
export type ConsumerRdkafkaConfig = RdkafkaConsumerGlobalConfig & RdkafkaConsumerTopicConfig
/** librdkafka properties accepted by an admin client's `rdkafka` block. */
export type AdminRdkafkaConfig = RdkafkaGlobalConfig

/** TLS settings. PEM strings or Buffers; files can be read by the caller with `fs.readFileSync`. */
export interface SslOptions {
  /** CA certificate(s) that sign the brokers' certificates, PEM. @default the system's CA store */
  ca?: string | Buffer
  /** Client certificate for mutual TLS, PEM. */
  cert?: string | Buffer
  /** Client private key for mutual TLS, PEM. */
  key?: string | Buffer
  /** Passphrase of `key`. */
  passphrase?: string
  /** Verify the brokers' certificates and hostnames. Turn off only in tests. @default true */
  rejectUnauthorized?: boolean
}

/** SASL/PLAIN or SASL/SCRAM credentials. */
export interface SaslPasswordOptions {
  /** The SASL mechanism. */
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'
  /** User name. */
  username: string
  /** Password. */
  password: string
}

/** SASL/OAUTHBEARER through OIDC client credentials, handled by librdkafka itself (tokens refreshed natively). */
export interface SaslOauthbearerOptions {
  /** The SASL mechanism. */
  mechanism: 'oauthbearer'
  /** OIDC client id. */
  clientId: string
  /** OIDC client secret. */
  clientSecret: string
  /** The identity provider's token endpoint. */
  tokenEndpointUrl: string
  /** Space-separated scopes to request. */
  scope?: string
  /** Extra SASL extensions, `key=value` pairs. */
  extensions?: Record<string, string>
}

/** An OAUTHBEARER token as a {@link OAuthBearerTokenProvider} returns it. */
export interface OAuthBearerToken {
  /** The token (e.g. a JWT), sent to the brokers as it is. */
  tokenValue: string
  /** How long the token is valid, ms from now; librdkafka asks for a new one at 80% of it. */
  lifetimeMs: number
  /** The principal the token names (e.g. its `sub` claim). */
  principal: string
  /** SASL extensions sent with the token (e.g. `logicalCluster` for Confluent Cloud). */
  extensions?: Record<string, string>
}

/**
 * Returns a fresh OAUTHBEARER token; called when the client starts and again before each token expires. `config` is
 * librdkafka's `sasl.oauthbearer.config` string (empty unless set through `rdkafka`). A rejection (or a throw) is
 * reported to librdkafka, which retries after a while and fails authentication meanwhile.
 */
export type OAuthBearerTokenProvider = (context: { config: string }) => OAuthBearerToken | Promise<OAuthBearerToken>

/**
 * SASL/OAUTHBEARER with tokens from your own code (AWS MSK IAM, Azure Event Hubs, any identity provider): kafkit calls
 * `tokenProvider` whenever librdkafka needs a token. Supported by the Producer, the Consumer and the Admin.
 */
export interface SaslOauthbearerProviderOptions {
  /** The SASL mechanism. */
  mechanism: 'oauthbearer'
  /** Produces tokens. */
  tokenProvider: OAuthBearerTokenProvider
}

/** Authentication. */
export type SaslOptions = SaslPasswordOptions | SaslOauthbearerOptions | SaslOauthbearerProviderOptions

/** Options every kafkit client takes. */
export interface ClientOptions<Rdkafka extends object = RdkafkaGlobalConfig> {
  /** Bootstrap brokers: `'host:port'`, a comma-separated list, or an array of them. */
  brokers: string | readonly string[]
  /** Client id reported to the brokers (logs, quotas). @default 'kafkit' */
  clientId?: string
  /** TLS: `true` for the system CA store, or explicit certificates. @default false */
  ssl?: boolean | SslOptions
  /** SASL authentication. @default none */
  sasl?: SaslOptions
  /**
   * Any other librdkafka property, typed from librdkafka's CONFIGURATION.md. Applied last, so it overrides what
   * kafkit derived from the options above. Unknown keys are rejected.
   */
  rdkafka?: Rdkafka
}

/** The keys of {@link ClientOptions}: roles add their own to this list when they reject unknown options. */
export const CLIENT_OPTION_KEYS = ['brokers', 'clientId', 'ssl', 'sasl', 'rdkafka'] as const

/** Which librdkafka scopes each role accepts in its `rdkafka` block. */
const ROLE_SCOPES = {
  producer: ['global', 'producer', 'topic', 'producer-topic'],
  consumer: ['global', 'consumer', 'topic', 'consumer-topic'],
  admin: ['global'],
} as const

/** A client role. */
export type ClientRole = keyof typeof ROLE_SCOPES

// librdkafka owns these through kafkit's own options or callbacks; setting them raw would break kafkit's guarantees.
const RESERVED: Partial<Record<string, string>> = {
  dr_cb: 'kafkit handles delivery reports itself',
  dr_msg_cb: 'kafkit handles delivery reports itself',
  rebalance_cb: "use the consumer's onAssign/onRevoke hooks",
  offset_commit_cb: 'kafkit commits offsets itself',
  'enable.auto.offset.store': 'kafkit stores only processed offsets',
}

const propertyIndex = new Map<string, RdkafkaProperty[]>()
/** librdkafka properties that hold secrets: a ConfigError about them never shows their value. */
const SECRET_PROPERTY = /password|secret|\.pem$|^ssl_key$|token|jaas|oauthbearer\.config/
for (const property of RDKAFKA_PROPERTIES) {
  const list = propertyIndex.get(property.name) ?? []
  list.push(property)
  propertyIndex.set(property.name, list)
}

/** Parses `brokers` into a librdkafka `bootstrap.servers` string. */
export function parseBrokers(value: unknown, path = 'brokers'): string {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined
  if (!list) {
    throw new ConfigError(
      path,
      `expected 'host:port' or an array of them, got ${value === null ? 'null' : typeof value === 'number' ? `the number ${value}` : `a ${typeof value}`}`,
    )
  }
  if (list.length === 0) throw new ConfigError(path, 'expected at least one broker')
  const brokers = list.map((entry: unknown, index) => {
    const broker = typeof entry === 'string' ? entry.trim() : ''
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:,/]+):\d{1,5}$/.test(broker)) {
      throw new ConfigError(
        Array.isArray(value) ? `${path}[${index}]` : path,
        `expected 'host:port', got ${JSON.stringify(entry)}`,
      )
    }
    return broker
  })
  return brokers.join(',')
}

/**
 * Validates the `rdkafka` passthrough block against librdkafka's documented properties for the role.
 * Unknown keys, keys of another role and ill-typed values throw {@link ConfigError}.
 */
export function validateRdkafka(value: unknown, role: ClientRole, path = 'rdkafka'): Record<string, unknown> {
  const block = expectObject(value, path)
  const scopes: readonly string[] = ROLE_SCOPES[role]
  for (const [key, entry] of Object.entries(block)) {
    const keyPath = `${path}['${key}']`
    const reserved = RESERVED[key]
    if (reserved) throw new ConfigError(keyPath, `cannot be set: ${reserved}`)
    const candidates = propertyIndex.get(key)
    if (!candidates) throw new ConfigError(keyPath, 'not a librdkafka property (see librdkafka CONFIGURATION.md)')
    const property = candidates.find((candidate) => scopes.includes(candidate.scope))
    if (!property) {
      throw new ConfigError(keyPath, `is a ${candidates[0]!.scope} property and does not apply to a ${role}`)
    }
    checkKind(entry, property, keyPath)
  }
  return block
}

function checkKind(value: unknown, property: RdkafkaProperty, path: string): void {
  const ok = (() => {
    switch (property.kind) {
      case 'number':
        // librdkafka also parses strings (e.g. acks: 'all'); it rejects bad ones at creation.
        return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string'
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false'
      case 'string':
        return typeof value === 'string' || typeof value === 'number'
      case 'enum':
        return typeof value === 'string' && (property.values ?? []).includes(value)
      case 'function':
        return typeof value === 'function' || typeof value === 'boolean'
      default:
        return value !== undefined && value !== null && typeof value !== 'object'
    }
  })()
  if (!ok) {
    const expected =
      property.kind === 'enum'
        ? `one of ${(property.values ?? []).map((v) => `'${v}'`).join(', ')}`
        : `a ${property.kind}`
    // Secrets (passwords, keys, tokens) are described by kind only: errors end up in logs.
    const got = SECRET_PROPERTY.test(property.name)
      ? `${describeKind(value)} (not shown: the property holds a secret)`
      : (JSON.stringify(value) ?? typeof value)
    throw new ConfigError(path, `expected ${expected}, got ${got}`)
  }
}

/**
 * The global-scope properties of a validated `rdkafka` block (security, sockets, client id...): what another role's
 * client created on the same cluster must share, e.g. the dead-letter producer of a consumer or the Admin of a saga
 * mediator. Role-specific properties (fetch, queueing, group) are left out: the other role would refuse them.
 * @returns `undefined` when nothing global is set
 */
export function globalRdkafka(block: unknown): Record<string, unknown> | undefined {
  if (typeof block !== 'object' || block === null) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(block)) {
    if (propertyIndex.get(key)?.some((property) => property.scope === 'global')) out[key] = value
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/**
 * Validates the shared client options and returns the librdkafka configuration they stand for, `rdkafka`
 * applied last. Role options are validated by the role; pass their keys in `roleKeys` so that every other key is
 * rejected as unknown.
 */
export function buildClientConfig(
  options: unknown,
  role: ClientRole,
  roleKeys: readonly string[],
): Record<string, unknown> {
  const opts = expectObject(options, 'options')
  rejectUnknownKeys(opts, [...CLIENT_OPTION_KEYS, ...roleKeys], '')
  if (opts.brokers === undefined)
    throw new ConfigError('brokers', "required: pass the bootstrap brokers, e.g. 'localhost:9092'")
  const config: Record<string, unknown> = {
    'bootstrap.servers': parseBrokers(opts.brokers),
    'client.id': opts.clientId === undefined ? 'kafkit' : expectString(opts.clientId, 'clientId'),
  }
  const ssl = opts.ssl === undefined ? false : opts.ssl
  const useSsl = ssl !== false
  if (typeof ssl === 'object' && ssl !== null) {
    const sslOptions = expectObject(ssl, 'ssl')
    rejectUnknownKeys(sslOptions, ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized'], 'ssl')
    for (const [key, property] of [
      ['ca', 'ssl.ca.pem'],
      ['cert', 'ssl.certificate.pem'],
      ['key', 'ssl.key.pem'],
    ] as const) {
      const pem = sslOptions[key]
      if (pem === undefined) continue
      if (typeof pem !== 'string' && !Buffer.isBuffer(pem))
        throw new ConfigError(`ssl.${key}`, 'expected a PEM string or Buffer')
      config[property] = pem.toString()
    }
    if (sslOptions.passphrase !== undefined)
      config['ssl.key.password'] = expectSecret(sslOptions.passphrase, 'ssl.passphrase')
    if (sslOptions.rejectUnauthorized !== undefined) {
      const verify = expectBoolean(sslOptions.rejectUnauthorized, 'ssl.rejectUnauthorized')
      config['enable.ssl.certificate.verification'] = verify
      if (!verify) config['ssl.endpoint.identification.algorithm'] = 'none'
    }
  } else if (typeof ssl !== 'boolean') {
    throw new ConfigError('ssl', 'expected true, false or an object with ca/cert/key')
  }
  if (opts.sasl !== undefined) {
    const sasl = expectObject(opts.sasl, 'sasl')
    const mechanism = expectOneOf(
      sasl.mechanism,
      ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'],
      'sasl.mechanism',
    )
    config['security.protocol'] = useSsl ? 'sasl_ssl' : 'sasl_plaintext'
    config['sasl.mechanisms'] = mechanism.toUpperCase()
    if (mechanism === 'oauthbearer' && sasl.tokenProvider !== undefined) {
      rejectUnknownKeys(sasl, ['mechanism', 'tokenProvider'], 'sasl')
      if (typeof sasl.tokenProvider !== 'function') {
        throw new ConfigError(
          'sasl.tokenProvider',
          'expected a function returning { tokenValue, lifetimeMs, principal, extensions? }',
        )
      }
    } else if (mechanism === 'oauthbearer') {
      rejectUnknownKeys(
        sasl,
        ['mechanism', 'clientId', 'clientSecret', 'tokenEndpointUrl', 'scope', 'extensions'],
        'sasl',
      )
      config['sasl.oauthbearer.method'] = 'oidc'
      config['sasl.oauthbearer.client.id'] = expectString(sasl.clientId, 'sasl.clientId')
      config['sasl.oauthbearer.client.secret'] = expectSecret(sasl.clientSecret, 'sasl.clientSecret')
      config['sasl.oauthbearer.token.endpoint.url'] = expectString(sasl.tokenEndpointUrl, 'sasl.tokenEndpointUrl')
      if (sasl.scope !== undefined) config['sasl.oauthbearer.scope'] = expectString(sasl.scope, 'sasl.scope')
      if (sasl.extensions !== undefined) {
        const extensions = expectObject(sasl.extensions, 'sasl.extensions')
        config['sasl.oauthbearer.extensions'] = Object.entries(extensions)
          .map(([key, value]) => `${key}=${expectSecret(value, `sasl.extensions.${key}`)}`)
          .join(',')
      }
    } else {
      rejectUnknownKeys(sasl, ['mechanism', 'username', 'password'], 'sasl')
      config['sasl.username'] = expectString(sasl.username, 'sasl.username')
      config['sasl.password'] = expectSecret(sasl.password, 'sasl.password')
    }
  } else if (useSsl) {
    config['security.protocol'] = 'ssl'
  }
  if (opts.rdkafka !== undefined) Object.assign(config, validateRdkafka(opts.rdkafka, role))
  return config
}

/** The OAUTHBEARER token provider of validated client options, if they have one. */
export function tokenProviderOf(options: unknown): OAuthBearerTokenProvider | undefined {
  const sasl = (options as { sasl?: { tokenProvider?: unknown } } | undefined)?.sasl
  return typeof sasl?.tokenProvider === 'function' ? (sasl.tokenProvider as OAuthBearerTokenProvider) : undefined
}
