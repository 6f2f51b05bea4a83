/**
 * The Admin client's inputs and results. Offsets are decimal strings (Kafka offsets are 64-bit) and accepted as
 * `string | number | bigint`; lags are plain numbers.
 * @module
 */

import type { TopicPartition } from '../common/topic-partition.js'

/** An offset as accepted from callers. */
export type OffsetInput = string | number | bigint

/** Options every admin call accepts. */
export interface RequestOptions {
  /** How long this call may take, retries included, ms. @default the Admin's `requestTimeoutMs` */
  timeoutMs?: number
}

/** A broker of the cluster. */
export interface BrokerNode {
  /** Broker id (`node.id`). */
  readonly id: number
  /** Advertised host. */
  readonly host: string
  /** Advertised port. */
  readonly port: number
  /** `broker.rack`, when set. */
  readonly rack: string | null
}

/** What {@link Admin.describeCluster} returns. */
export interface ClusterDescription {
  /** The cluster id. */
  readonly clusterId: string | null
  /** The active controller as the brokers report it (in KRaft, a random broker stands in). */
  readonly controller: BrokerNode | null
  /** The brokers that are registered and unfenced. */
  readonly brokers: readonly BrokerNode[]
  /** What the caller may do on the cluster; only when `includeAuthorizedOperations` was set. */
  readonly authorizedOperations?: readonly AclOperation[]
}

/** A topic to create. */
export interface NewTopic {
  /** Topic name. */
  topic: string
  /** Number of partitions. @default the broker's `num.partitions` */
  partitions?: number
  /** Replicas per partition. @default the broker's `default.replication.factor` */
  replicationFactor?: number
  /** Explicit replica broker ids per partition (index = partition); excludes `partitions`/`replicationFactor`. */
  replicaAssignment?: ReadonlyArray<readonly number[]>
  /** Topic configuration, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Readonly<Record<string, string | number | boolean>>
}

/** Options of {@link Admin.createTopics}. */
export interface CreateTopicsOptions extends RequestOptions {
  /** Only validate the request on the broker; create nothing. @default false */
  validateOnly?: boolean
  /** Resolve only once every broker shows every partition of the created topics with a leader. @default true */
  waitForLeaders?: boolean
}

/** A partition count increase for {@link Admin.createPartitions}. */
export interface NewPartitions {
  /** Topic name. */
  topic: string
  /** The new total number of partitions (not the number added). */
  count: number
  /** Replica broker ids for each new partition. */
  replicaAssignment?: ReadonlyArray<readonly number[]>
}

/** Options of {@link Admin.alterConfigs}. */
export interface ValidateOnlyOptions extends RequestOptions {
  /** Only validate the request on the broker; change nothing. @default false */
  validateOnly?: boolean
}

/** Options of {@link Admin.createPartitions}. */
export interface CreatePartitionsOptions extends ValidateOnlyOptions {
  /** Resolve only once every broker shows the new partitions with a leader. @default true */
  waitForLeaders?: boolean
}

/** Options of {@link Admin.listTopics}. */
export interface ListTopicsOptions extends RequestOptions {
  /** Include internal topics such as `__consumer_offsets`. @default false */
  includeInternal?: boolean
}

/** Options of the describe calls that can report the caller's permissions. */
export interface DescribeOptions extends RequestOptions {
  /** Also return what the caller may do on each resource. @default false */
  includeAuthorizedOperations?: boolean
}

/** One partition of a described topic. */
export interface PartitionDescription {
  /** Partition number. */
  readonly partition: number
  /** The leader, or null when the partition has none. */
  readonly leader: BrokerNode | null
  /** All replicas, preferred leader first. */
  readonly replicas: readonly BrokerNode[]
  /** The in-sync replicas. */
  readonly isr: readonly BrokerNode[]
}

/** What {@link Admin.describeTopics} returns per topic. */
export interface TopicDescription {
  /** Topic name. */
  readonly topic: string
  /** The topic id (base64), or null when the broker did not send one. */
  readonly topicId: string | null
  /** Whether Kafka manages this topic itself (`__consumer_offsets`, ...). */
  readonly isInternal: boolean
  /** Partitions in partition order. */
  readonly partitions: readonly PartitionDescription[]
  /** Only when `includeAuthorizedOperations` was set. */
  readonly authorizedOperations?: readonly AclOperation[]
}

export type { TopicPartition } from '../common/topic-partition.js'

/** Consumer group states as the coordinator reports them. */
export type GroupState = 'unknown' | 'preparing-rebalance' | 'completing-rebalance' | 'stable' | 'dead' | 'empty'

/** Group protocols: `consumer` is KIP-848's, `classic` the older rebalance protocol. */
export type GroupType = 'unknown' | 'consumer' | 'classic'

/** Options of {@link Admin.listGroups}. */
export interface ListGroupsOptions extends RequestOptions {
  /** Only groups in these states. @default all */
  states?: readonly GroupState[]
  /** Only groups of these protocols. @default all */
  types?: readonly GroupType[]
}

/** A group as {@link Admin.listGroups} reports it. */
export interface GroupListing {
  /** Group id. */
  readonly groupId: string
  /** A group that only stores offsets (no members ever joined it). */
  readonly isSimple: boolean
  /** Current state. */
  readonly state: GroupState
  /** Protocol. */
  readonly type: GroupType
}

/** A member of a described group. */
export interface GroupMember {
  /** Member id assigned by the coordinator. */
  readonly memberId: string
  /** The member's `client.id`. */
  readonly clientId: string
  /** Static membership id (`group.instance.id`), if any. */
  readonly groupInstanceId: string | null
  /** The member's host as the coordinator saw it. */
  readonly host: string
  /** The partitions the member owns. */
  readonly assignment: readonly TopicPartition[]
  /** KIP-848 groups: the partitions the member is moving to; null for classic groups. */
  readonly targetAssignment: readonly TopicPartition[] | null
}

/** What {@link Admin.describeGroups} returns per group. An unknown group is reported in state `dead`. */
export interface GroupDescription {
  /** Group id. */
  readonly groupId: string
  /** A group that only stores offsets. */
  readonly isSimple: boolean
  /** Current state. */
  readonly state: GroupState
  /** Protocol. */
  readonly type: GroupType
  /** The partition assignor in use (classic groups). */
  readonly partitionAssignor: string | null
  /** The group's coordinator. */
  readonly coordinator: BrokerNode | null
  /** Current members. */
  readonly members: readonly GroupMember[]
  /** Only when `includeAuthorizedOperations` was set. */
  readonly authorizedOperations?: readonly AclOperation[]
}

/** Options of {@link Admin.listGroupOffsets}. */
export interface ListGroupOffsetsOptions extends RequestOptions {
  /** Only these topics; every partition of them is listed, committed or not. @default every committed partition */
  topics?: readonly string[]
  /** Only these partitions (instead of `topics`). */
  partitions?: readonly TopicPartition[]
  /** Wait for pending transactional commits instead of failing them with UNSTABLE_OFFSET_COMMIT. @default false */
  requireStable?: boolean
  /** Also fetch each partition's end offset and compute the lag. @default true */
  lag?: boolean
}

/** One partition's committed offset, as {@link Admin.listGroupOffsets} returns it. */
export interface GroupPartitionOffset {
  /** Topic name. */
  readonly topic: string
  /** Partition number. */
  readonly partition: number
  /** The committed offset (the next record the group will read), or null when nothing was committed. */
  readonly offset: string | null
  /** The metadata string committed with the offset. */
  readonly metadata: string | null
  /** The leader epoch committed with the offset, when known. */
  readonly leaderEpoch: number | null
  /** The partition's end offset (high watermark); null when `lag: false`. */
  readonly endOffset: string | null
  /** `endOffset - offset`; null when nothing was committed or `lag: false`. */
  readonly lag: number | null
}

/** A committed offset to write with {@link Admin.alterGroupOffsets}. */
export interface GroupOffsetInput {
  /** Topic name. */
  topic: string
  /** Partition number. */
  partition: number
  /** The next offset the group will read. */
  offset: OffsetInput
  /** Metadata string to commit with it. */
  metadata?: string
}

/** Where {@link Admin.resetGroupOffsets} and {@link Admin.listOffsets} look. */
export type OffsetTarget = 'earliest' | 'latest' | { readonly timestamp: number }

/** Options of {@link Admin.resetGroupOffsets}. */
export interface ResetGroupOffsetsOptions extends RequestOptions {
  /** The topic whose offsets are reset. */
  topic: string
  /** Where to: `'earliest'`, `'latest'`, or the first offset at or after `{ timestamp }` (ms since epoch). */
  to: OffsetTarget
  /** Only these partitions. @default all partitions of the topic */
  partitions?: readonly number[]
  /** Compute the new offsets but do not commit them. @default false */
  dryRun?: boolean
}

/** A committed offset as written by {@link Admin.resetGroupOffsets}. */
export interface GroupOffset {
  /** Topic name. */
  readonly topic: string
  /** Partition number. */
  readonly partition: number
  /** The committed offset. */
  readonly offset: string
}

/** A partition whose offset {@link Admin.listOffsets} looks up. */
export interface ListOffsetsInput {
  /** Topic name. */
  topic: string
  /** Partition number. */
  partition: number
  /** `'earliest'`, `'latest'`, `'max-timestamp'` (the record with the largest timestamp) or `{ timestamp }`. */
  at: OffsetTarget | 'max-timestamp'
}

/** Options of {@link Admin.listOffsets}. */
export interface ListOffsetsOptions extends RequestOptions {
  /** `read_committed` stops `'latest'` at the last stable offset. @default 'read_uncommitted' */
  isolationLevel?: 'read_uncommitted' | 'read_committed'
}

/** What {@link Admin.listOffsets} returns per partition. */
export interface PartitionOffset {
  /** Topic name. */
  readonly topic: string
  /** Partition number. */
  readonly partition: number
  /** The offset found; `'-1'` when no record has a timestamp at or after the one asked for. */
  readonly offset: string
  /** The found record's timestamp, for timestamp and max-timestamp lookups. */
  readonly timestamp: number | null
  /** The leader epoch of the found record, when known. */
  readonly leaderEpoch: number | null
}

/** Records to delete with {@link Admin.deleteRecords}. */
export interface DeleteRecordsInput {
  /** Topic name. */
  topic: string
  /** Partition number. */
  partition: number
  /** Delete every record below this offset; `'latest'` empties the partition. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'latest' is named for editors and the API docs
  before: OffsetInput | 'latest'
}

/** What {@link Admin.deleteRecords} returns per partition. */
export interface DeletedRecords {
  /** Topic name. */
  readonly topic: string
  /** Partition number. */
  readonly partition: number
  /** The partition's new start offset. */
  readonly lowWatermark: string
}

/** Kinds of configurable resources. */
export type ConfigResourceType = 'topic' | 'broker' | 'group'

/** A resource whose configuration is described or altered. */
export interface ConfigResource {
  /** Resource type. */
  type: ConfigResourceType
  /** Topic name, broker id as a string, or group id. */
  name: string
}

/** Where a configuration value comes from. */
export type ConfigSource =
  | 'unknown'
  | 'dynamic-topic'
  | 'dynamic-broker'
  | 'dynamic-default-broker'
  | 'static-broker'
  | 'default'
  | 'group'

/** One configuration entry. */
export interface ConfigEntry {
  /** Property name. */
  readonly name: string
  /** Its value; null for sensitive values and unset ones. */
  readonly value: string | null
  /** Where the value comes from. */
  readonly source: ConfigSource
  /** Whether it can be altered. */
  readonly isReadOnly: boolean
  /** Whether it is the default. */
  readonly isDefault: boolean
  /** Whether the broker hides its value. */
  readonly isSensitive: boolean
  /** The values it overrides, most specific first. */
  readonly synonyms: ReadonlyArray<{ readonly name: string; readonly value: string | null; readonly source: ConfigSource }>
}

/** What {@link Admin.describeConfigs} returns per resource. */
export interface ConfigDescription {
  /** Resource type. */
  readonly type: ConfigResourceType
  /** Resource name. */
  readonly name: string
  /** Every entry, in the broker's order. */
  readonly entries: readonly ConfigEntry[]
}

/** An incremental configuration change for {@link Admin.alterConfigs}; properties not named keep their values. */
export interface ConfigAlteration extends ConfigResource {
  /** Properties to set. */
  set?: Readonly<Record<string, string | number | boolean>>
  /** Properties to reset to their default. */
  delete?: readonly string[]
  /** List properties to add values to, e.g. `{ 'cleanup.policy': 'compact' }`. */
  append?: Readonly<Record<string, string>>
  /** List properties to remove values from. */
  subtract?: Readonly<Record<string, string>>
}

/** Operations an ACL can allow or deny. */
export type AclOperation =
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'cluster-action'
  | 'describe-configs'
  | 'alter-configs'
  | 'idempotent-write'

/** Resource kinds ACLs apply to. */
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactional-id'

/** How an ACL's resource name matches. */
export type AclPatternType = 'literal' | 'prefixed'

/** An access control entry bound to a resource. */
export interface AclBinding {
  /** Resource kind. */
  readonly resourceType: AclResourceType
  /** Resource name (`kafka-cluster` for the cluster; `*` for every resource with `literal`). */
  readonly resourceName: string
  /** How `resourceName` matches. @default 'literal' */
  readonly patternType?: AclPatternType
  /** `User:alice`, or `User:*` for everyone. */
  readonly principal: string
  /** Client host the entry applies to. @default '*' */
  readonly host?: string
  /** The operation. */
  readonly operation: AclOperation
  /** Allow or deny. */
  readonly permission: 'allow' | 'deny'
}

/** Which ACLs {@link Admin.describeAcls} and {@link Admin.deleteAcls} match; every field left out matches any. */
export interface AclFilter {
  /** Resource kind. @default any */
  resourceType?: AclResourceType
  /** Resource name. @default any */
  resourceName?: string
  /** `'match'` finds every binding that applies to `resourceName` (literal, wildcard and prefixed). @default any */
  patternType?: AclPatternType | 'match'
  /** Principal. @default any */
  principal?: string
  /** Host. @default any */
  host?: string
  /** Operation. @default any */
  operation?: AclOperation
  /** Permission. @default any */
  permission?: 'allow' | 'deny'
}

/** An ACL as the broker reports it. */
export interface AclDescription {
  /** Resource kind. */
  readonly resourceType: AclResourceType
  /** Resource name. */
  readonly resourceName: string
  /** How `resourceName` matches. */
  readonly patternType: AclPatternType
  /** Principal. */
  readonly principal: string
  /** Host. */
  readonly host: string
  /** The operation. */
  readonly operation: AclOperation
  /** Allow or deny. */
  readonly permission: 'allow' | 'deny'
}

/** SCRAM mechanisms. */
export type ScramMechanism = 'scram-sha-256' | 'scram-sha-512'

/** A SCRAM credential to create or replace, or (with `delete: true`) to remove. */
export type ScramCredentialAlteration =
  | {
      /** User name (the principal is `User:<user>`). */
      user: string
      /** Mechanism. */
      mechanism: ScramMechanism
      /** The password. */
      password: string
      /** PBKDF2 iterations, 4096 or more. @default 8192 */
      iterations?: number
    }
  | {
      /** User name. */
      user: string
      /** Mechanism whose credential is removed. */
      mechanism: ScramMechanism
      /** Remove the credential. */
      delete: true
    }

/** A user's SCRAM credentials (never the secrets). */
export interface ScramCredentialsDescription {
  /** User name. */
  readonly user: string
  /** One entry per mechanism the user has a credential for. */
  readonly credentials: ReadonlyArray<{ readonly mechanism: ScramMechanism; readonly iterations: number }>
}
