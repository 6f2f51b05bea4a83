/**
 * Type declarations of kafkit's own N-API admin addon: the raw values that cross the boundary and the addon's
 * exports ({@link AdminAddon}). The loader and the wrapper over the client core live in `admin-addon.ts`, which
 * re-exports these types.
 * @module
 */
import type { RawOAuthToken } from './producer.js'

/** An error as the addon reports it, per item or as a rejection's properties. */
export interface RawError {
  readonly code: number
  readonly rdkafkaName: string
  readonly message: string
  readonly isRetriable?: boolean
  readonly isFatal?: boolean
  readonly isTxnRequiresAbort?: boolean
}

/** A broker as the addon reports it. */
export interface RawNode {
  readonly id: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

/** Options every admin call takes. */
export interface RawRequestOptions {
  readonly timeoutMs: number
  /** Send to this broker instead of the one librdkafka picks. */
  readonly brokerId?: number
  readonly operationTimeoutMs?: number
  readonly validateOnly?: boolean
  readonly requireStable?: boolean
  readonly includeAuthorizedOperations?: boolean
  readonly isolationLevel?: number
  readonly states?: readonly number[]
  readonly types?: readonly number[]
}

/** `{topic, error}` for topic-level calls. */
export interface RawTopicResult {
  readonly topic: string
  readonly error: RawError | null
}

/** A described topic. */
export interface RawTopicDescription {
  readonly topic: string
  readonly topicId: string | null
  readonly isInternal: boolean
  readonly error: RawError | null
  readonly partitions: ReadonlyArray<{
    readonly partition: number
    readonly leader: RawNode | null
    readonly replicas: readonly RawNode[]
    readonly isr: readonly RawNode[]
  }>
  readonly authorizedOperations: readonly number[] | null
}

/** A described cluster. */
export interface RawClusterDescription {
  readonly clusterId: string | null
  readonly controller: RawNode | null
  readonly nodes: readonly RawNode[]
  readonly authorizedOperations: readonly number[] | null
}

/** Cluster metadata (the thread-pool call). */
export interface RawMetadata {
  readonly originatingBrokerId: number
  readonly brokers: ReadonlyArray<{ readonly id: number; readonly host: string; readonly port: number }>
  readonly topics: ReadonlyArray<{
    readonly topic: string
    readonly partitionCount: number
    readonly error: RawError | null
  }>
}

/** A partition with an offset, as group offset calls, ListOffsets and DeleteRecords report it. */
export interface RawPartitionOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly metadata?: string | null
  readonly leaderEpoch: number | null
  readonly timestamp?: number
  readonly error: RawError | null
}

/** A listed group. */
export interface RawGroupListing {
  readonly groupId: string
  readonly isSimple: boolean
  readonly state: number
  readonly type: number
}

/** A described group. */
export interface RawGroupDescription {
  readonly groupId: string
  readonly error: RawError | null
  readonly isSimple: boolean
  readonly partitionAssignor: string | null
  readonly state: number
  readonly type: number
  readonly coordinator: RawNode | null
  readonly members: ReadonlyArray<{
    readonly memberId: string
    readonly clientId: string
    readonly groupInstanceId: string | null
    readonly host: string
    readonly assignment: ReadonlyArray<{ readonly topic: string; readonly partition: number }> | null
    readonly targetAssignment: ReadonlyArray<{ readonly topic: string; readonly partition: number }> | null
  }>
  readonly authorizedOperations: readonly number[] | null
}

/** `{groupId, error, partitions}` for group-level calls. */
export interface RawGroupResult {
  readonly groupId: string
  readonly error: RawError | null
  readonly partitions: readonly RawPartitionOffset[]
}

/** A configuration entry. */
export interface RawConfigEntry {
  readonly name: string
  readonly value: string | null
  readonly source: number
  readonly isReadOnly: boolean
  readonly isDefault: boolean
  readonly isSensitive: boolean
  readonly synonyms?: readonly RawConfigEntry[]
}

/** A configuration resource result. */
export interface RawConfigResource {
  readonly type: number
  readonly name: string
  readonly error: RawError | null
  readonly entries?: readonly RawConfigEntry[]
}

/** An ACL binding or filter (filters take null for "any" strings). */
export interface RawAclBinding {
  readonly resourceType: number
  readonly name: string | null
  readonly patternType: number
  readonly principal: string | null
  readonly host: string | null
  readonly operation: number
  readonly permission: number
}

/** One SCRAM credential change: with a password an upsert, without a deletion. */
export interface RawScramAlteration {
  readonly user: string
  readonly mechanism: number
  readonly iterations?: number
  readonly password?: string
  readonly salt?: string
}

/** A librdkafka admin handle owned by the addon. Opaque to JavaScript. */
export type RawAdminHandle = { readonly __kafkitAdminHandle: unique symbol }

/** Client-level events: librdkafka errors and logs, delivered on the main thread. */
export type RawAdminEventListener = (
  kind: 'error' | 'log' | 'oauthbearer-refresh',
  payload:
    (RawError & { isFatal?: boolean }) | { level: number; facility: string; message: string } | { config: string },
) => void

/** A partition as a request names it. */
export interface RawPartitionRef {
  topic: string
  partition: number
}

/**
 * An admin request of the addon: the handle, what the request is about (`Args`), then the request's options; the
 * promise settles (on the main thread) with `Result`.
 */
export type AdminRequest<Args extends unknown[], Result> = (
  handle: RawAdminHandle,
  ...args: [...Args, options: RawRequestOptions]
) => Promise<Result>

/** The addon's exports. Every request returns a promise settled on the main thread. */
export interface AdminAddon {
  librdkafkaVersion(): string
  /** Creates a handle; `oauthbearer`: tokens come from {@link AdminAddon.setOAuthToken}, asked for by events. */
  createClient(
    config: Readonly<Record<string, string>>,
    onEvent: RawAdminEventListener,
    options?: { oauthbearer: boolean },
  ): RawAdminHandle
  destroyClient(handle: RawAdminHandle): Promise<void>
  inFlight(handle: RawAdminHandle): number
  /** Answers an OAUTHBEARER refresh request. */
  setOAuthToken(handle: RawAdminHandle, token: RawOAuthToken | { failure: string }): void
  metadata(handle: RawAdminHandle, options: { timeoutMs: number; topic?: string }): Promise<RawMetadata>
  readonly createTopics: AdminRequest<
    [
      topics: ReadonlyArray<{
        topic: string
        partitions: number
        replicationFactor: number
        replicaAssignment?: ReadonlyArray<readonly number[]>
        config?: ReadonlyArray<{ name: string; value: string }>
      }>,
    ],
    RawTopicResult[]
  >
  readonly deleteTopics: AdminRequest<[topics: readonly string[]], RawTopicResult[]>
  readonly createPartitions: AdminRequest<
    [partitions: ReadonlyArray<{ topic: string; count: number; replicaAssignment?: ReadonlyArray<readonly number[]> }>],
    RawTopicResult[]
  >
  readonly describeTopics: AdminRequest<[topics: readonly string[]], RawTopicDescription[]>
  readonly describeCluster: AdminRequest<[], RawClusterDescription>
  readonly listGroups: AdminRequest<[], { groups: RawGroupListing[]; errors: RawError[] }>
  readonly describeGroups: AdminRequest<[groups: readonly string[]], RawGroupDescription[]>
  readonly deleteGroups: AdminRequest<[groups: readonly string[]], RawGroupResult[]>
  readonly listGroupOffsets: AdminRequest<
    [group: string, partitions: readonly RawPartitionRef[] | null],
    RawGroupResult[]
  >
  readonly alterGroupOffsets: AdminRequest<
    [group: string, partitions: ReadonlyArray<RawPartitionRef & { offset: bigint; metadata?: string }>],
    RawGroupResult[]
  >
  readonly deleteGroupOffsets: AdminRequest<[group: string, partitions: readonly RawPartitionRef[]], RawGroupResult[]>
  readonly listOffsets: AdminRequest<
    [partitions: ReadonlyArray<RawPartitionRef & { spec: bigint }>],
    RawPartitionOffset[]
  >
  readonly deleteRecords: AdminRequest<
    [partitions: ReadonlyArray<RawPartitionRef & { offset: bigint }>],
    RawPartitionOffset[]
  >
  readonly describeConfigs: AdminRequest<
    [resources: ReadonlyArray<{ type: number; name: string }>],
    RawConfigResource[]
  >
  readonly incrementalAlterConfigs: AdminRequest<
    [
      resources: ReadonlyArray<{
        type: number
        name: string
        ops: ReadonlyArray<{ name: string; op: number; value: string | null }>
      }>,
    ],
    RawConfigResource[]
  >
  readonly createAcls: AdminRequest<[acls: readonly RawAclBinding[]], Array<RawError | null>>
  readonly describeAcls: AdminRequest<[filter: RawAclBinding], RawAclBinding[]>
  readonly deleteAcls: AdminRequest<
    [filters: readonly RawAclBinding[]],
    Array<{ error: RawError | null; deleted: RawAclBinding[] }>
  >
  readonly describeUserScramCredentials: AdminRequest<
    [users: readonly string[]],
    Array<{ user: string; error: RawError | null; credentials: Array<{ mechanism: number; iterations: number }> }>
  >
  readonly alterUserScramCredentials: AdminRequest<
    [alterations: readonly RawScramAlteration[]],
    Array<{ user: string; error: RawError | null }>
  >
}
