/**
 * What kafkit knows about each assigned partition: its bounded buffer of fetched-but-unhandled messages, why it
 * is paused, and how far it was processed.
 * @module
 */
import type { RawMessage } from '../native/consumer.js'

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

  #buffer: RawMessage[] = []
  #head = 0

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
    return this.#buffer.length - this.#head
  }

  /** Appends a fetched message. */
  push(message: RawMessage): void {
    this.#buffer.push(message)
    this.bytes += messageBytes(message)
  }

  /** The oldest buffered message, without removing it. */
  peek(): RawMessage | undefined {
    return this.#buffer[this.#head]
  }

  /** The buffered message at `index` from the oldest. */
  at(index: number): RawMessage | undefined {
    return this.#buffer[this.#head + index]
  }

  /** Removes the `count` oldest messages. */
  drop(count: number): void {
    const end = Math.min(this.#head + count, this.#buffer.length)
    for (let i = this.#head; i < end; i++) this.bytes -= messageBytes(this.#buffer[i]!)
    this.#head = end
    if (this.#head === this.#buffer.length) {
      this.#buffer = []
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
      // Compact now and then so a long-lived buffer does not keep handled messages alive.
      this.#buffer = this.#buffer.slice(this.#head)
      this.#head = 0
    }
  }

  /**
   * Empties the buffer; returns the offset of the first dropped message, if any. An empty buffer is not over its
   * bound, so back-pressure ends here too: it is otherwise lifted only after a handler task, and with nothing
   * buffered no task would run (the caller re-syncs the native pause).
   */
  clear(): number | undefined {
    const first = this.peek()?.offset
    this.#buffer = []
    this.#head = 0
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
    return this.peek()?.offset ?? this.pendingSeek ?? this.processedNext
  }
}

function messageBytes(message: RawMessage): number {
  return message.size
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
