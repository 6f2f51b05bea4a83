/**
 * Consumer options: their types, defaults, validation and translation into librdkafka configuration. The options
 * of `run()` are in `run-options.ts`.
 * @module
 */
import { type Logger, resolveLogger } from '../internal/log.js'
import { expectSerde, type ResolvedTopicSerdes, resolveTopicSerdes } from '../serde/validate.js'
import {
  buildClientConfig,
  type ClientOptions,
  type ConsumerRdkafkaConfig,
  expectBoolean,
  expectFunction,
  expectInteger,
  expectOneOf,
  expectString,
  globalRdkafka,
} from '../config/index.js'
import { RDKAFKA_PROPERTIES } from '../config/rdkafka-properties.generated.js'
import { ConfigError } from '../errors/kafka-error.js'
import type { Serde, TopicSerdeMap } from '../serde/types.js'
import type { TopicPartition } from './types.js'

/** What the consumer's rebalance hooks receive. */
export type RebalanceHook = (partitions: readonly TopicPartition[]) => void | Promise<void>

/**
 * Consumer options. Everything not listed here goes through `rdkafka`.
 *
 * @typeParam K - key type (from `key`)
 * @typeParam V - value type (from `value`)
 * @typeParam TM - per-topic serdes (from `topics`)
 */
export interface ConsumerOptions<
  K,
  V,
  TM extends TopicSerdeMap | undefined,
> extends ClientOptions<ConsumerRdkafkaConfig> {
  /** The consumer group. Members of one group share the partitions of the topics they subscribe to. */
  groupId: string
  /** Serde of keys. Not allowed together with `topics`. @default raw `Buffer` */
  key?: Serde<K>
  /** Serde of values. Not allowed together with `topics`. @default raw `Buffer` */
  value?: Serde<V>
  /**
   * Serdes per topic. Messages then form a union discriminated by `topic`, and only these topics can be
   * subscribed to by name. Not allowed together with `key`/`value`.
   */
  topics?: TM
  /** Where a group without committed offsets starts: the oldest record (`true`) or new records only. @default false */
  fromBeginning?: boolean
  /**
   * The group protocol: `classic` (JoinGroup/SyncGroup, client-side cooperative-sticky assignment) or `consumer`
   * (KIP-848, broker-side assignment; needs Kafka 4.0+ brokers). @default 'classic'
   */
  groupProtocol?: 'classic' | 'consumer'
  /** Static membership id (`group.instance.id`): a restart within the session timeout triggers no rebalance. */
  groupInstanceId?: string
  /** Classic protocol only: how long the group waits for heartbeats before evicting this member, ms. @default 45000 */
  sessionTimeoutMs?: number
  /** Classic protocol only: heartbeat interval, ms. @default 3000 */
  heartbeatIntervalMs?: number
  /**
   * How long the group waits for this member to release its partitions in a rebalance (`max.poll.interval.ms`).
   * kafkit polls librdkafka continuously, so slow handlers never exceed it. @default 300000
   */
  rebalanceTimeoutMs?: number
  /**
   * How long a revoke waits for in-flight handlers of the revoked partitions before releasing them anyway, ms.
   * Must be below `rebalanceTimeoutMs`. A handler still running then has its signal aborted and its message is
   * handled again by the next owner. Also bounds each rebalance hook (`onAssign`, `onRevoke`, `onLost`): a hook
   * still running then is reported (`ERR_HOOK`) and the rebalance goes on without it. @default 30000
   */
  revokeTimeoutMs?: number
  /** Which records a consumer sees: only committed transactional ones, or all. @default 'read_committed' */
  isolationLevel?: 'read_committed' | 'read_uncommitted'
  /** How often processed offsets are committed in the background, ms. Revokes and `stop()` commit at once. @default 5000 */
  autoCommitIntervalMs?: number
  /**
   * Whether this consumer stores and commits processed offsets itself. Turn it off only when offsets are committed
   * some other way, i.e. inside producer transactions (`tx.sendOffsets()`, exactly-once): a second commit path
   * outside the transaction would commit offsets whose outputs were later aborted. With `false`, `commit()`
   * throws and neither `stop()`, revokes nor `disconnect()` commit anything. @default true
   */
  commitOffsets?: boolean
  /**
   * Most fetched-but-unhandled messages buffered per partition; the partition is paused beyond it. Keep it well above
   * `fetchBatchSize`: pausing makes librdkafka drop what it prefetched for the partition. @default 5000
   */
  maxBufferedMessagesPerPartition?: number
  /** Most fetched-but-unhandled bytes buffered per partition; the partition is paused beyond it. @default 4194304 */
  maxBufferedBytesPerPartition?: number
  /** Most messages taken from librdkafka per poll. @default 1000 */
  fetchBatchSize?: number
  /**
   * librdkafka wakes kafkit when messages arrive; while none arrive, kafkit still fetches every this many ms, which
   * serves rebalances and keeps the member alive. Fetches never wait inside librdkafka. @default 50
   */
  maxPollWaitMs?: number
  /** Interval of the `stats` event and `kafkit:consumer:stats` channel, ms; 0 turns statistics off. @default 0 */
  statsIntervalMs?: number
  /** How long `connect()` waits for the brokers, ms. @default 30000 */
  connectTimeoutMs?: number
  /** How long `commit()`, `committed()` and the final commit of `disconnect()` wait, ms. @default 10000 */
  requestTimeoutMs?: number
  /** Called after partitions were assigned to this member, before any of their messages is handled. */
  onAssign?: RebalanceHook
  /** Called when partitions are revoked, after their in-flight handlers finished and before their offsets are committed. */
  onRevoke?: RebalanceHook
  /** Called when partitions were lost (the member was evicted); their offsets can no longer be committed. */
  onLost?: RebalanceHook
  /**
   * Receives librdkafka's log lines (raise verbosity with `rdkafka: { debug: 'cgrp,fetch' }`). Without one,
   * warnings and errors become process warnings, at most one per facility every 10 s.
   */
  logger?: Logger
}

/** Consumer defaults, applied once in the constructor. */
export const CONSUMER_DEFAULTS = Object.freeze({
  fromBeginning: false,
  groupProtocol: 'classic',
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 300_000,
  revokeTimeoutMs: 30_000,
  isolationLevel: 'read_committed',
  autoCommitIntervalMs: 5_000,
  commitOffsets: true,
  maxBufferedMessagesPerPartition: 5_000,
  maxBufferedBytesPerPartition: 4 * 1024 * 1024,
  fetchBatchSize: 1_000,
  maxPollWaitMs: 50,
  statsIntervalMs: 0,
  connectTimeoutMs: 30_000,
  requestTimeoutMs: 10_000,
} as const)

/** Validated consumer settings. */
export interface ResolvedConsumerOptions {
  readonly globalConfig: Record<string, unknown>
  readonly topicConfig: Record<string, unknown>
  readonly connection: Record<string, unknown>
  readonly key: Serde<unknown> | undefined
  readonly value: Serde<unknown> | undefined
  readonly topics:
    Readonly<Record<string, { key?: Serde<unknown> | undefined; value?: Serde<unknown> | undefined }>> | undefined
  readonly revokeTimeoutMs: number
  readonly commitOffsets: boolean
  readonly staticMember: boolean
  readonly maxBufferedMessagesPerPartition: number
  readonly maxBufferedBytesPerPartition: number
  readonly fetchBatchSize: number
  readonly maxPollWaitMs: number
  readonly rebalanceTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly onAssign: RebalanceHook | undefined
  readonly onRevoke: RebalanceHook | undefined
  readonly onLost: RebalanceHook | undefined
  readonly logger: Logger | undefined
}

const CONSUMER_KEYS = [
  'groupId',
  'key',
  'value',
  'topics',
  'groupInstanceId',
  'onAssign',
  'onRevoke',
  'onLost',
  'logger',
  ...Object.keys(CONSUMER_DEFAULTS),
] as const

// Properties whose effect kafkit owns: setting them raw would silently break at-least-once or the rebalance flow.
const OWNED_PROPERTIES: Partial<Record<string, string>> = {
  'group.id': 'use the groupId option',
  'enable.auto.commit': 'kafkit commits processed offsets itself (see autoCommitIntervalMs)',
  'auto.commit.enable': 'kafkit commits processed offsets itself (see autoCommitIntervalMs)',
  'auto.commit.interval.ms': 'use the autoCommitIntervalMs option',
}
// KIP-848 moves assignment and liveness to the broker; librdkafka rejects these with group.protocol=consumer.
const CLASSIC_ONLY_PROPERTIES = [
  'partition.assignment.strategy',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'group.protocol.type',
]

const TOPIC_SCOPED = new Set(
  RDKAFKA_PROPERTIES.filter((p) => p.scope === 'topic' || p.scope === 'consumer-topic')
    .map((p) => p.name)
    .filter(
      (name) => !RDKAFKA_PROPERTIES.some((p) => p.name === name && (p.scope === 'global' || p.scope === 'consumer')),
    ),
)

function optionalHook(value: unknown, path: string): RebalanceHook | undefined {
  return value === undefined ? undefined : (expectFunction(value, path) as RebalanceHook)
}

/** Validates consumer options and derives the librdkafka configuration. Throws {@link ConfigError}. */
export function resolveConsumerOptions(options: unknown): ResolvedConsumerOptions {
  const connection = buildClientConfig(options, 'consumer', CONSUMER_KEYS)
  const opts = options as Record<string, unknown>
  const pick = <Key extends keyof typeof CONSUMER_DEFAULTS>(key: Key): unknown => opts[key] ?? CONSUMER_DEFAULTS[key]
  const groupProtocol = expectOneOf(pick('groupProtocol'), ['classic', 'consumer'], 'groupProtocol')
  const rdkafka = (opts.rdkafka ?? {}) as Record<string, unknown>
  for (const key of Object.keys(rdkafka)) {
    const owned = OWNED_PROPERTIES[key]
    if (owned) throw new ConfigError(`rdkafka['${key}']`, `cannot be set: ${owned}`)
    if (groupProtocol === 'consumer' && CLASSIC_ONLY_PROPERTIES.includes(key)) {
      throw new ConfigError(
        `rdkafka['${key}']`,
        "does not apply with groupProtocol 'consumer' (KIP-848): the broker assigns partitions and tracks liveness",
      )
    }
  }
  if (groupProtocol === 'consumer') {
    for (const key of ['sessionTimeoutMs', 'heartbeatIntervalMs'] as const) {
      if (opts[key] !== undefined) {
        throw new ConfigError(
          key,
          "does not apply with groupProtocol 'consumer' (KIP-848): set it on the broker (group.consumer.*)",
        )
      }
    }
  }
  if (opts.topics !== undefined && (opts.key !== undefined || opts.value !== undefined)) {
    throw new ConfigError(
      opts.key !== undefined ? 'key' : 'value',
      'cannot be combined with topics: give each topic its own serdes',
    )
  }
  let topics: Record<string, ResolvedTopicSerdes> | undefined
  if (opts.topics !== undefined) {
    topics = resolveTopicSerdes(opts.topics)
    if (Object.keys(topics).length === 0) throw new ConfigError('topics', 'expected at least one topic')
  }
  const rebalanceTimeoutMs = expectInteger(pick('rebalanceTimeoutMs'), 'rebalanceTimeoutMs', 1_000, 86_400_000)
  const revokeTimeoutMs = expectInteger(pick('revokeTimeoutMs'), 'revokeTimeoutMs', 0, 86_400_000)
  if (revokeTimeoutMs >= rebalanceTimeoutMs) {
    throw new ConfigError(
      'revokeTimeoutMs',
      `must be below rebalanceTimeoutMs (${rebalanceTimeoutMs}), or the group evicts this member while it waits`,
    )
  }
  const commitOffsets = expectBoolean(pick('commitOffsets'), 'commitOffsets')
  const derived: Record<string, unknown> = {
    'group.id': expectString(opts.groupId, 'groupId'),
    'enable.auto.commit': commitOffsets,
    'enable.auto.offset.store': false,
    'auto.commit.interval.ms': expectInteger(pick('autoCommitIntervalMs'), 'autoCommitIntervalMs', 1, 86_400_000),
    'isolation.level': expectOneOf(pick('isolationLevel'), ['read_committed', 'read_uncommitted'], 'isolationLevel'),
    'auto.offset.reset': expectBoolean(pick('fromBeginning'), 'fromBeginning') ? 'earliest' : 'latest',
    'max.poll.interval.ms': rebalanceTimeoutMs,
    'statistics.interval.ms': expectInteger(pick('statsIntervalMs'), 'statsIntervalMs', 0, 86_400_000),
    // librdkafka's default (1000 ms) stops fetching for a second whenever its prefetch queue is full; with kafkit
    // draining that queue continuously, 10 ms keeps fetches flowing (measured: ~2.4x consumer throughput).
    'fetch.queue.backoff.ms': 10,
    // A partition resumed after back-pressure is fetched again (pausing dropped its prefetch), but only once the
    // broker answers the fetch already in flight, which long-polls up to fetch.wait.max.ms (500 ms by default) for
    // the partitions at their log end. Measured in a consume-transform-produce loop: 32k msgs/s with 500 ms gaps
    // between batches at 500, 83k at 100. The cost is an idle member fetching 10 times a second instead of twice.
    'fetch.wait.max.ms': 100,
  }
  if (groupProtocol === 'consumer') {
    derived['group.protocol'] = 'consumer'
  } else {
    derived['partition.assignment.strategy'] = 'cooperative-sticky'
    derived['session.timeout.ms'] = expectInteger(pick('sessionTimeoutMs'), 'sessionTimeoutMs', 1, 3_600_000)
    derived['heartbeat.interval.ms'] = expectInteger(pick('heartbeatIntervalMs'), 'heartbeatIntervalMs', 1, 3_600_000)
  }
  if (opts.groupInstanceId !== undefined)
    derived['group.instance.id'] = expectString(opts.groupInstanceId, 'groupInstanceId')
  // The rdkafka block (inside `connection`) is applied last: it overrides what kafkit derived.
  const merged = { ...derived, ...connection }
  const globalConfig: Record<string, unknown> = {}
  const topicConfig: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(merged)) {
    // Topic-scoped properties are kept apart; the native consumer applies both sets to the handle's configuration.
    if (TOPIC_SCOPED.has(key)) topicConfig[key] = value
    else globalConfig[key] = value
  }
  const maxBufferedMessagesPerPartition = expectInteger(
    pick('maxBufferedMessagesPerPartition'),
    'maxBufferedMessagesPerPartition',
    1,
    10_000_000,
  )
  return {
    globalConfig,
    topicConfig,
    connection: pickConnection(opts),
    key: opts.key === undefined ? undefined : expectSerde(opts.key, 'key'),
    value: opts.value === undefined ? undefined : expectSerde(opts.value, 'value'),
    topics,
    revokeTimeoutMs,
    commitOffsets,
    staticMember: merged['group.instance.id'] !== undefined,
    maxBufferedMessagesPerPartition,
    maxBufferedBytesPerPartition: expectInteger(
      pick('maxBufferedBytesPerPartition'),
      'maxBufferedBytesPerPartition',
      1,
      2 ** 40,
    ),
    fetchBatchSize: expectInteger(pick('fetchBatchSize'), 'fetchBatchSize', 1, 1_000_000),
    maxPollWaitMs: expectInteger(pick('maxPollWaitMs'), 'maxPollWaitMs', 1, 10_000),
    rebalanceTimeoutMs,
    connectTimeoutMs: expectInteger(pick('connectTimeoutMs'), 'connectTimeoutMs', 1, 2_147_483_647),
    requestTimeoutMs: expectInteger(pick('requestTimeoutMs'), 'requestTimeoutMs', 1, 2_147_483_647),
    onAssign: optionalHook(opts.onAssign, 'onAssign'),
    onRevoke: optionalHook(opts.onRevoke, 'onRevoke'),
    onLost: optionalHook(opts.onLost, 'onLost'),
    logger: resolveLogger(opts.logger),
  }
}

/**
 * The shared connection options, to give a dead-letter producer the same brokers and credentials, including the
 * security (and other global) settings given through `rdkafka`.
 */
function pickConnection(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of ['brokers', 'clientId', 'ssl', 'sasl'] as const) if (opts[key] !== undefined) out[key] = opts[key]
  const rdkafka = globalRdkafka(opts.rdkafka)
  if (rdkafka !== undefined) out.rdkafka = rdkafka
  return out
}
