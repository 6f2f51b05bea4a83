/**
 * Loader and typed surface of kafkit's own N-API addon (`native/*.c`, built by node-gyp into
 * `build/Release/kafkit.node`), which calls librdkafka's Admin API on the librdkafka that node-rdkafka built
 * (see `addon.ts`).
 *
 * Values cross the boundary raw: enums as librdkafka's numbers (tables below), 64-bit offsets as `bigint`, errors as
 * `{ code, rdkafkaName, message }` objects. `src/admin/` turns them into kafkit's types. The raw types are declared in
 * `admin-addon-types.ts` and re-exported here.
 * @module
 */
import { loadAddon } from './addon.js'
import type { AdminAddon, RawAdminEventListener, RawAdminHandle, RawMetadata } from './admin-addon-types.js'
import type { RawOAuthToken } from './producer.js'

export type {
  AdminAddon,
  AdminRequest,
  RawAclBinding,
  RawAdminEventListener,
  RawAdminHandle,
  RawClusterDescription,
  RawConfigEntry,
  RawConfigResource,
  RawError,
  RawGroupDescription,
  RawGroupListing,
  RawGroupResult,
  RawMetadata,
  RawNode,
  RawPartitionOffset,
  RawRequestOptions,
  RawScramAlteration,
  RawTopicDescription,
  RawTopicResult,
} from './admin-addon-types.js'

/** librdkafka's `rd_kafka_ResourceType_t` (ACL `cluster` and config `broker` share the wire value 4). */
export const RESOURCE_TYPE = Object.freeze({
  unknown: 0,
  any: 1,
  topic: 2,
  group: 3,
  broker: 4,
  cluster: 4,
  'transactional-id': 5,
} as const)

/** librdkafka's `rd_kafka_ResourcePatternType_t`. */
export const PATTERN_TYPE = Object.freeze({ unknown: 0, any: 1, match: 2, literal: 3, prefixed: 4 } as const)

/** librdkafka's `rd_kafka_AclOperation_t`. */
export const ACL_OPERATION = Object.freeze({
  unknown: 0,
  any: 1,
  all: 2,
  read: 3,
  write: 4,
  create: 5,
  delete: 6,
  alter: 7,
  describe: 8,
  'cluster-action': 9,
  'describe-configs': 10,
  'alter-configs': 11,
  'idempotent-write': 12,
} as const)

/** librdkafka's `rd_kafka_AclPermissionType_t`. */
export const ACL_PERMISSION = Object.freeze({ unknown: 0, any: 1, deny: 2, allow: 3 } as const)

/** librdkafka's `rd_kafka_consumer_group_state_t`. */
export const GROUP_STATE = Object.freeze({
  unknown: 0,
  'preparing-rebalance': 1,
  'completing-rebalance': 2,
  stable: 3,
  dead: 4,
  empty: 5,
} as const)

/** librdkafka's `rd_kafka_consumer_group_type_t`. */
export const GROUP_TYPE = Object.freeze({ unknown: 0, consumer: 1, classic: 2 } as const)

/** librdkafka's `rd_kafka_ConfigSource_t`. */
export const CONFIG_SOURCE = Object.freeze({
  unknown: 0,
  'dynamic-topic': 1,
  'dynamic-broker': 2,
  'dynamic-default-broker': 3,
  'static-broker': 4,
  default: 5,
  group: 8,
} as const)

/** librdkafka's `rd_kafka_AlterConfigOpType_t`. */
export const ALTER_CONFIG_OP = Object.freeze({ set: 0, delete: 1, append: 2, subtract: 3 } as const)

/** librdkafka's `rd_kafka_IsolationLevel_t`. */
export const ISOLATION_LEVEL = Object.freeze({ read_uncommitted: 0, read_committed: 1 } as const)

/** librdkafka's `rd_kafka_ScramMechanism_t`. */
export const SCRAM_MECHANISM = Object.freeze({ unknown: 0, 'scram-sha-256': 1, 'scram-sha-512': 2 } as const)

/** librdkafka's `rd_kafka_OffsetSpec_t`: what ListOffsets looks up instead of a timestamp. */
export const OFFSET_SPEC = Object.freeze({ 'max-timestamp': -3n, earliest: -2n, latest: -1n } as const)

let loaded: AdminAddon | undefined

/**
 * Loads the addon once (see {@link loadAddon}). Throws a {@link KafkaError} (`ERR_ADDON`) that says how to fix a
 * missing or stale build.
 */
export function loadAdminAddon(): AdminAddon {
  loaded ??= adminOnCore(loadAddon<CoreAddon>())
  return loaded
}

/** What the client core offers an Admin (see native/client.c and native/admin.c). */
interface CoreAddon extends Omit<
  AdminAddon,
  'createClient' | 'destroyClient' | 'inFlight' | 'metadata' | 'setOAuthToken'
> {
  clientSetOAuthToken(handle: RawAdminHandle, token: RawOAuthToken | { failure: string }): void
  clientCreate(
    kind: 'admin',
    config: Readonly<Record<string, string>>,
    onWake: () => void,
    options: { oauthbearer: boolean },
  ): RawAdminHandle
  clientDestroy(handle: RawAdminHandle): Promise<void>
  clientDrainEvents(handle: RawAdminHandle): Array<{ kind: string } & Record<string, unknown>>
  clientMetadata(handle: RawAdminHandle, options: { timeoutMs: number; topic?: string }): Promise<RawMetadata>
  adminInFlight(handle: RawAdminHandle): number
}

/**
 * An Admin's handle is a client of kafkit's client core: results settle their promises natively when the core wakes
 * the event loop; errors and logs are drained then and handed to the listener.
 */
function adminOnCore(core: CoreAddon): AdminAddon {
  const drain = (handle: RawAdminHandle, onEvent: RawAdminEventListener): void => {
    for (const event of core.clientDrainEvents(handle)) {
      if (event.kind === 'error' || event.kind === 'log' || event.kind === 'oauthbearer-refresh')
        onEvent(event.kind, event as never)
    }
  }
  const listeners = new WeakMap<RawAdminHandle, RawAdminEventListener>()
  return Object.assign(Object.create(core) as AdminAddon, {
    createClient(
      config: Readonly<Record<string, string>>,
      onEvent: RawAdminEventListener,
      options = { oauthbearer: false },
    ): RawAdminHandle {
      // Declared before the call: the event callback may run during clientCreate and must see `undefined` there.
      let handle: RawAdminHandle | undefined
      // eslint-disable-next-line prefer-const -- a `const` would be in its temporal dead zone while clientCreate runs
      handle = core.clientCreate(
        'admin',
        config,
        () => {
          if (handle) drain(handle, onEvent)
        },
        options,
      )
      listeners.set(handle, onEvent)
      return handle
    },
    async destroyClient(handle: RawAdminHandle): Promise<void> {
      await core.clientDestroy(handle)
      const onEvent = listeners.get(handle)
      if (onEvent) drain(handle, onEvent)
    },
    inFlight: (handle: RawAdminHandle) => core.adminInFlight(handle),
    setOAuthToken: (handle: RawAdminHandle, token: RawOAuthToken | { failure: string }) =>
      core.clientSetOAuthToken(handle, token),
    metadata: (handle: RawAdminHandle, options: { timeoutMs: number; topic?: string }) =>
      core.clientMetadata(handle, options),
  })
}
