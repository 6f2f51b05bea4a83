/**
 * The Admin client's offset and record inputs and results: resetting group offsets, looking offsets up by
 * position or time, deleting records. Offsets are decimal strings (Kafka offsets are 64-bit).
 * @module
 */
import type { OffsetInput, RequestOptions } from './types.js'

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
