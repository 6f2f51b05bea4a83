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
  createTopics(
    handle: RawAdminHandle,
    topics: ReadonlyArray<{
      topic: string
      partitions: number
      replicationFactor: number
      replicaAssignment?: ReadonlyArray<readonly number[]>
      config?: ReadonlyArray<{ name: string; value: string }>
    }>,
    options: RawRequestOptions,
  ): Promise<RawTopicResult[]>
  deleteTopics(handle: RawAdminHandle, topics: readonly string[], options: RawRequestOptions): Promise<RawTopicResult[]>
  createPartitions(
    handle: RawAdminHandle,
    partitions: ReadonlyArray<{ topic: string; count: number; replicaAssignment?: ReadonlyArray<readonly number[]> }>,
    options: RawRequestOptions,
  ): Promise<RawTopicResult[]>
  describeTopics(
    handle: RawAdminHandle,
    topics: readonly string[],
    options: RawRequestOptions,
  ): Promise<RawTopicDescription[]>
  describeCluster(handle: RawAdminHandle, options: RawRequestOptions): Promise<RawClusterDescription>
  listGroups(
    handle: RawAdminHandle,
    options: RawRequestOptions,
  ): Promise<{ groups: RawGroupListing[]; errors: RawError[] }>
  describeGroups(
    handle: RawAdminHandle,
    groups: readonly string[],
    options: RawRequestOptions,
  ): Promise<RawGroupDescription[]>
  deleteGroups(handle: RawAdminHandle, groups: readonly string[], options: RawRequestOptions): Promise<RawGroupResult[]>
  listGroupOffsets(
    handle: RawAdminHandle,
    group: string,
    partitions: ReadonlyArray<{ topic: string; partition: number }> | null,
    options: RawRequestOptions,
  ): Promise<RawGroupResult[]>
  alterGroupOffsets(
    handle: RawAdminHandle,
    group: string,
    partitions: ReadonlyArray<{ topic: string; partition: number; offset: bigint; metadata?: string }>,
    options: RawRequestOptions,
  ): Promise<RawGroupResult[]>
  deleteGroupOffsets(
    handle: RawAdminHandle,
    group: string,
    partitions: ReadonlyArray<{ topic: string; partition: number }>,
    options: RawRequestOptions,
  ): Promise<RawGroupResult[]>
  listOffsets(
    handle: RawAdminHandle,
    partitions: ReadonlyArray<{ topic: string; partition: number; spec: bigint }>,
    options: RawRequestOptions,
  ): Promise<RawPartitionOffset[]>
  deleteRecords(
    handle: RawAdminHandle,
    partitions: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
    options: RawRequestOptions,
  ): Promise<RawPartitionOffset[]>
  describeConfigs(
    handle: RawAdminHandle,
    resources: ReadonlyArray<{ type: number; name: string }>,
    options: RawRequestOptions,
  ): Promise<RawConfigResource[]>
  incrementalAlterConfigs(
    handle: RawAdminHandle,
    resources: ReadonlyArray<{
      type: number
      name: string
      ops: ReadonlyArray<{ name: string; op: number; value: string | null }>
    }>,
    options: RawRequestOptions,
  ): Promise<RawConfigResource[]>
  createAcls(
    handle: RawAdminHandle,
    acls: readonly RawAclBinding[],
    options: RawRequestOptions,
  ): Promise<Array<RawError | null>>
  describeAcls(handle: RawAdminHandle, filter: RawAclBinding, options: RawRequestOptions): Promise<RawAclBinding[]>
  deleteAcls(
    handle: RawAdminHandle,
    filters: readonly RawAclBinding[],
    options: RawRequestOptions,
  ): Promise<Array<{ error: RawError | null; deleted: RawAclBinding[] }>>
  describeUserScramCredentials(
    handle: RawAdminHandle,
    users: readonly string[],
    options: RawRequestOptions,
  ): Promise<
    Array<{ user: string; error: RawError | null; credentials: Array<{ mechanism: number; iterations: number }> }>
  >
  alterUserScramCredentials(
    handle: RawAdminHandle,
    alterations: readonly RawScramAlteration[],
    options: RawRequestOptions,
  ): Promise<Array<{ user: string; error: RawError | null }>>
}
