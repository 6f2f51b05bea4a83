/**
 * The Admin client's options, their defaults and their validation.
 * @module
 */
import { type AdminRdkafkaConfig, buildClientConfig, type ClientOptions, expectInteger } from '../config/index.js'
import { ConfigError } from '../errors/kafka-error.js'

/** Admin client options. Everything not listed here goes through `rdkafka` (global librdkafka properties). */
export interface AdminOptions extends ClientOptions<AdminRdkafkaConfig> {
  /** How long one admin call may take, retries of transient errors included, ms. Overridable per call. @default 30000 */
  requestTimeoutMs?: number
  /** How long `connect()` waits for the cluster to answer, ms. @default 30000 */
  connectTimeoutMs?: number
  /** First wait before retrying a transient error (no coordinator yet, leader moving), ms; doubles up to 1 s. @default 100 */
  retryBackoffMs?: number
}

/** Admin defaults, applied once in the constructor. */
export const ADMIN_DEFAULTS = Object.freeze({
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 30_000,
  retryBackoffMs: 100,
} as const)

const ADMIN_KEYS = Object.keys(ADMIN_DEFAULTS)

/**
 * The consumer group librdkafka's handle is created with. It is never joined: its only purpose is to exist, because
 * librdkafka (2.12) crashes when an OffsetFetch answer asks an admin handle without a group to refresh its
 * coordinator (confluentinc/librdkafka#5040). The handle looks this group's coordinator up, so a cluster with ACLs
 * should allow DESCRIBE on it to the admin principal.
 */
export const ADMIN_GUARD_GROUP = 'kafkit-admin'

/**
 * How often the admin handle refreshes the cluster's metadata, ms (`topic.metadata.refresh.interval.ms`; librdkafka's
 * default is 5 minutes). Calls that go to the controller (creating topics, describing the cluster, ...) wait for the
 * controller librdkafka last saw in metadata: after that broker dies, they would wait until the next refresh names
 * another. A brokers-only metadata request every 10 s costs an admin client nothing. The `rdkafka` option overrides it.
 */
export const ADMIN_METADATA_REFRESH_MS = 10_000

/** Validated admin settings. */
export interface ResolvedAdminOptions {
  /** librdkafka properties as strings, ready for the addon. */
  readonly rdkafkaConfig: Readonly<Record<string, string>>
  readonly requestTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly retryBackoffMs: number
}

/** Validates admin options and derives the librdkafka configuration. Throws {@link ConfigError}. */
export function resolveAdminOptions(options: unknown): ResolvedAdminOptions {
  const config = buildClientConfig(options, 'admin', ADMIN_KEYS)
  const opts = options as Record<string, unknown>
  const pick = <Key extends keyof typeof ADMIN_DEFAULTS>(key: Key): unknown => opts[key] ?? ADMIN_DEFAULTS[key]
  const rdkafkaConfig: Record<string, string> = {
    'group.id': ADMIN_GUARD_GROUP,
    'topic.metadata.refresh.interval.ms': String(ADMIN_METADATA_REFRESH_MS),
  }
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue
    if (typeof value === 'function' || typeof value === 'object') {
      throw new ConfigError(`rdkafka['${key}']`, 'the admin client accepts only string, number and boolean properties')
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and functions were rejected above (TypeScript does not narrow `unknown` by that check)
    rdkafkaConfig[key] = String(value)
  }
  return {
    rdkafkaConfig: Object.freeze(rdkafkaConfig),
    requestTimeoutMs: expectInteger(pick('requestTimeoutMs'), 'requestTimeoutMs', 1, 2_147_483_647),
    connectTimeoutMs: expectInteger(pick('connectTimeoutMs'), 'connectTimeoutMs', 1, 2_147_483_647),
    retryBackoffMs: expectInteger(pick('retryBackoffMs'), 'retryBackoffMs', 1, 60_000),
  }
}
