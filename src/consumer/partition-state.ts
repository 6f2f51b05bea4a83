/**
 * What kafkit knows about each assigned partition: its bounded buffer of fetched-but-unhandled messages, why it
 * is paused, and how far it was processed.
 * @module
 */
import { MessageList, type MessageSource, type RawMessage } from '../native/fetched-batch.js'

/** Where a partition is in its life on this member. */
export type PartitionStatus = 'active' | 'revoking' | 'gone'

/** The key of a partition in maps: topic names cannot contain `|`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}|${partition}`
}

/** One assigned partition. */
export class PartitionState {
  readonly key: string
  status: PartitionStatus = 'active'
  /**
   * Bumped whenever buffered and in-flight work becomes moot (seek, revoke): handling started under an older
   * generation must not move the processed offset.
   */
  generation = 0
  /** Paused by the user (`consumer.pause()`). */
  userPaused = false
  /** Paused because the buffer reached its bound. */
  backpressured = false
  /** Newly assigned and the `onAssign` hook still running: messages are buffered but not handled yet. */
  held = false
  /** A seek is in progress: messages from polls started before it completes are stale. */
  seeking = false
  /** Messages from polls numbered below this are stale (fetched before the last seek took effect). */
  acceptFromPoll = 0
  /**
   * The offset of dropped, unhandled messages whose seek back failed (in `stop()`): the partition stays paused and
   * nothing is handled until a seek there succeeds, or the fetch position would skip them.
   */
  pendingSeek: number | undefined
  /** Whether librdkafka currently has this partition paused (kept in step by the consumer). */
  nativePaused = false
  /** The running handler task, if any. */
  inFlight: Promise<void> | undefined
  /** Whether a handler task is queued or running. */
  scheduled = false
  /** Aborted when kafkit stops waiting for this partition's in-flight handler. */
  abort = new AbortController()
  /** Aborted when the partition starts leaving this member: retry backoffs end at once. */
  readonly leaving = new AbortController()
  /** Offset after the last processed message, or `undefined` when nothing was processed on this member yet. */
  processedNext: number | undefined
  /** The last offset handed to librdkafka's offset store. */
  storedNext: number | undefined
  /** Bytes of buffered message payloads (keys and values). */
  bytes = 0

  /** Buffered ranges of fetched batches, oldest first, from `#first` on. */
  #segments: Array<Segment | undefined> = []
  #first = 0
  #size = 0

  /**
   * @param topic - the topic
   * @param partition - the partition
   */
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = partitionKey(topic, partition)
  }

  /** Buffered messages not handled yet. */
  get size(): number {
    return this.#size
  }

  /** Appends a message. */
  push(message: RawMessage): void {
    this.pushRange(new MessageList([message]), 0, 1)
  }

  /** Appends the messages `from` (inclusive) to `to` (exclusive) of `source`, all of this partition. */
  pushRange(source: MessageSource, from: number, to: number): void {
    if (from >= to) return
    let bytes = 0
    for (let i = from; i < to; i++) bytes += source.size(i)
    this.bytes += bytes
    this.#size += to - from
    this.#segments.push(new Segment(source, from, to))
  }

  /** The oldest buffered message, without removing it. */
  peek(): RawMessage | undefined {
    const segment = this.#segments[this.#first]
    return segment?.source.message(segment.next)
  }

  /**
   * Where the oldest buffered message is, without making it: its source (undefined when nothing is buffered) and its
   * index there ({@link headIndex}).
   */
  headSource(): MessageSource | undefined {
    return this.#segments[this.#first]?.source
  }

  /** The index of the oldest buffered message in {@link headSource}. */
  headIndex(): number {
    return this.#segments[this.#first]?.next ?? -1
  }

  /** The buffered message at `index` from the oldest. */
  at(index: number): RawMessage | undefined {
    return index >= 0 && index < this.#size ? this.head(index + 1).message(index) : undefined
  }

  /** The oldest `count` buffered messages (fewer when fewer are buffered), read through a snapshot of their ranges. */
  head(count: number): BufferedRun {
    const parts: Segment[] = []
    let left = count
    for (let s = this.#first; s < this.#segments.length && left > 0; s++) {
      const segment = this.#segments[s]!
      const end = Math.min(segment.end, segment.next + left)
      parts.push(new Segment(segment.source, segment.next, end))
      left -= end - segment.next
    }
    return new BufferedRun(parts, count - left)
  }

  /** Removes the `count` oldest messages. */
  drop(count: number): void {
    const segments = this.#segments
    while (count > 0 && this.#first < segments.length) {
      const segment = segments[this.#first]!
      const end = Math.min(segment.end, segment.next + count)
      for (let i = segment.next; i < end; i++) this.bytes -= segment.source.size(i)
      count -= end - segment.next
      this.#size -= end - segment.next
      segment.next = end
      if (end === segment.end) {
        // Handled: its batch must not be kept alive by the buffer.
        segments[this.#first++] = undefined
      }
    }
    if (this.#first === segments.length) {
      this.#segments = []
      this.#first = 0
    } else if (this.#first > 64 && this.#first * 2 > segments.length) {
      // Compact now and then so that the handled slots do not pile up.
      this.#segments = segments.slice(this.#first)
      this.#first = 0
    }
  }

  /**
   * Empties the buffer; returns the offset of the first dropped message, if any. An empty buffer is not over its
   * bound, so back-pressure ends here too: it is otherwise lifted only after a handler task, and with nothing
   * buffered no task would run (the caller re-syncs the native pause).
   */
  clear(): number | undefined {
    const first = this.#headOffset()
    this.#segments = []
    this.#first = 0
    this.#size = 0
    this.bytes = 0
    this.backpressured = false
    return first
  }

  /** Whether new work may start on this partition. */
  get dispatchable(): boolean {
    return this.status === 'active' && !this.userPaused && !this.seeking && !this.held && this.pendingSeek === undefined
  }

  /** Marks everything buffered or in flight as moot. */
  invalidate(): void {
    this.generation++
    this.abort.abort()
    this.abort = new AbortController()
  }

  /** The offset of the next message a handler will see (for lag), or `undefined` when unknown. */
  get nextToHandle(): number | undefined {
    return this.#headOffset() ?? this.pendingSeek ?? this.processedNext
  }

  #headOffset(): number | undefined {
    const segment = this.#segments[this.#first]
    return segment?.source.offset(segment.next)
  }
}

/** A range of a source's messages: `next` (inclusive) to `end` (exclusive). */
export class Segment {
  constructor(
    readonly source: MessageSource,
    public next: number,
    readonly end: number,
  ) {}
}

/**
 * The oldest buffered messages of a partition as they were when taken: read by position from 0, whatever the
 * partition's buffer does afterwards.
 */
export class BufferedRun {
  /**
   * @param parts - the ranges, oldest first
   * @param length - how many messages the ranges hold
   */
  constructor(
    readonly parts: readonly Segment[],
    readonly length: number,
  ) {}

  /** The message at `position` (a new object on each call). */
  message(position: number): RawMessage {
    const [source, index] = this.#locate(position)
    return source.message(index)
  }

  /** The offset of the message at `position`. */
  offset(position: number): number {
    const [source, index] = this.#locate(position)
    return source.offset(index)
  }

  /** The first `count` messages, made as objects. */
  messages(count: number): RawMessage[] {
    const out: RawMessage[] = []
    for (let position = 0; position < count; position++) out.push(this.message(position))
    return out
  }

  #locate(position: number): [MessageSource, number] {
    let at = position
    for (const part of this.parts) {
      const length = part.end - part.next
      if (at < length) return [part.source, part.next + at]
      at -= length
    }
    throw new RangeError(`position ${position} is past the run's ${this.length} messages`)
  }
}

/** The assigned partitions, by topic and number. */
export class PartitionTable {
  readonly #byKey = new Map<string, PartitionState>()

  /** Adds (or replaces) the state of an assigned partition. */
  add(topic: string, partition: number): PartitionState {
    const state = new PartitionState(topic, partition)
    this.#byKey.set(state.key, state)
    return state
  }

  /** The state of a partition, if assigned. */
  get(topic: string, partition: number): PartitionState | undefined {
    return this.#byKey.get(partitionKey(topic, partition))
  }

  /** Forgets a partition. */
  remove(state: PartitionState): void {
    state.status = 'gone'
    if (this.#byKey.get(state.key) === state) this.#byKey.delete(state.key)
  }

  /** Every assigned partition. */
  all(): IterableIterator<PartitionState> {
    return this.#byKey.values()
  }

  /** How many partitions are assigned. */
  get size(): number {
    return this.#byKey.size
  }
}
