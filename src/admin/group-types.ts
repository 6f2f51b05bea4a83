/**
 * The Admin client's consumer group inputs and results: listings, descriptions and committed offsets.
 * @module
 */
import type { AclOperation } from './acl-types.js'
import type { BrokerNode, OffsetInput, RequestOptions, TopicPartition } from './types.js'

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
