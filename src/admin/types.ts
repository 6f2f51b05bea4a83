/**
 * The Admin client's inputs and results: here those every call shares, the cluster's and the topics'; the groups',
 * offsets', configurations' and ACLs' are in their own modules, re-exported here. Offsets are decimal strings (Kafka
 * offsets are 64-bit) and accepted as `string | number | bigint`; lags are plain numbers.
 * @module
 */
import type { AclOperation } from './acl-types.js'

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
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

export type * from './group-types.js'
export type * from './offset-types.js'
export type * from './config-types.js'
export type * from './acl-types.js'
