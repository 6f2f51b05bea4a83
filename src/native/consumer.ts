/**
 * The consumer's native client: a librdkafka consumer handle owned by kafkit's addon. Messages are fetched on the
 * JavaScript thread without waiting (`rd_kafka_consume_batch_queue`, timeout 0) when librdkafka signals that its
 * queue has something; each fetch copies the batch's bytes into one Buffer and its metadata into typed arrays, and
 * message objects read keys, values and headers from them as views, on demand. Rebalances raised during a fetch are
 * handed over after it, to be answered once kafkit's handlers have drained. Blocking calls run on the client's
 * worker thread.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { loadAddon } from './addon.js'
import type { ClientCoreAddon } from './client-addon.js'
import { Bootstrap, toStrings } from './client-config.js'
import { FetchedBatch } from './fetched-batch.js'
import type { RawClientEvent, RawOAuthToken } from './producer.js'

export { FetchedBatch, MessageList, type MessageSource, type RawMessage } from './fetched-batch.js'

/** librdkafka's logical offset for "the partition's beginning". */
export const OFFSET_BEGINNING = -2
/** librdkafka's logical offset for "the partition's end". */
export const OFFSET_END = -1

/**
 * Whether the addon counts a fetched message's headers by reading librdkafka's message struct (`used`), through
 * librdkafka's header parse alone (`unused`), or has not yet checked the struct against a message (`unchecked`).
 * See native/message_headers.c.
 */
export type HeaderMirror = 'unchecked' | 'used' | 'unused'

/** A partition (and offset) as the addon passes them. */
export interface RawTopicPartition {
  readonly topic: string
  readonly partition: number
  readonly offset?: number
  /** librdkafka's per-partition error code (results only). */
  readonly code?: number
}

/** A rebalance librdkafka raised, to be answered with {@link NativeConsumerAdapter.assign} or `unassign`. */
export interface RawRebalance {
  /** `RESP_ERR._ASSIGN_PARTITIONS`, `RESP_ERR._REVOKE_PARTITIONS`, or another code for a failed rebalance. */
  readonly code: number
  /** `rd_kafka_assignment_lost()` when it was raised: the partitions may already belong to another member. */
  readonly lost: boolean
  /** Incremental (cooperative or KIP-848) rather than eager: answers add or remove only these partitions. */
  readonly cooperative: boolean
  readonly partitions: readonly RawTopicPartition[]
}

/** An error librdkafka reported with a commit's result, or a client error. */
export interface RawError {
  readonly code: number
  readonly message: string
  readonly isFatal?: boolean
}

type ConsumerEvent =
  | RawClientEvent
  | { readonly kind: 'commit'; readonly code: number; readonly message: string; readonly offsets: RawTopicPartition[] }

interface ConsumerAddon extends ClientCoreAddon<'consumer', ConsumerEvent> {
  consumerConsume(handle: object, max: number, state: Int32Array): Buffer | undefined
  consumerTopicNames(handle: object, from: number): string[]
  consumerHeaderMirror(handle: object): HeaderMirror
  consumerTakeRebalances(handle: object): RawRebalance[]
  consumerPause(handle: object, partitions: readonly RawTopicPartition[], pause: boolean): void
  consumerSeek(handle: object, partitions: readonly RawTopicPartition[]): void
  consumerStoreOffsets(handle: object, offsets: readonly RawTopicPartition[]): void
  consumerCommit(handle: object, offsets: readonly RawTopicPartition[] | null): void
  consumerPosition(handle: object, partitions: readonly RawTopicPartition[]): RawTopicPartition[]
  consumerCachedWatermarks(handle: object, topic: string, partition: number): { low: number; high: number } | null
  consumerGroupMetadata(handle: object): Buffer
  consumerSubscribe(handle: object, topics: readonly string[]): Promise<void>
  consumerUnsubscribe(handle: object): Promise<void>
  consumerAssign(
    handle: object,
    partitions: readonly RawTopicPartition[],
    assign: boolean,
    incremental: boolean,
  ): Promise<void>
  consumerCommitted(
    handle: object,
    partitions: readonly RawTopicPartition[],
    timeoutMs: number,
  ): Promise<RawTopicPartition[]>
  consumerOffsetsForTimes(
    handle: object,
    partitions: readonly RawTopicPartition[],
    timeoutMs: number,
  ): Promise<RawTopicPartition[]>
  consumerQueryWatermarks(
    handle: object,
    partitions: readonly RawTopicPartition[],
    timeoutMs: number,
  ): Promise<{ low: number; high: number }>
}

/** What the consumer hears from its native client (all on the JavaScript thread, never inside librdkafka). */
export interface NativeConsumerCallbacks {
  /** librdkafka's queue has messages or rebalances: fetch. */
  wake(): void
  /** A commit's result (kafkit's own or librdkafka's automatic ones); `error` undefined when it succeeded. */
  offsetCommit(error: RawError | undefined, offsets: RawTopicPartition[]): void
  /** Client errors, logs, statistics, OAUTHBEARER refresh requests. */
  event(event: RawClientEvent): void
}

/** A librdkafka consumer handle in kafkit's addon. */
export class NativeConsumerAdapter {
  readonly #addon: ConsumerAddon
  readonly #handle: object
  readonly #callbacks: NativeConsumerCallbacks
  readonly #bootstrap: Bootstrap
  readonly #state = new Int32Array(4)
  readonly #topics: string[] = []
  #rebalances: RawRebalance[] = []

  /**
   * Creates the handle (librdkafka starts its threads; nothing connects yet). Throws the addon's error when a
   * property is refused: its `properties` lists each refused property with librdkafka's reason.
   * @param globalConfig - librdkafka global and consumer properties
   * @param topicConfig - librdkafka topic properties (applied to every topic)
   * @param callbacks - where librdkafka's events go
   * @param options - `oauthbearer`: tokens come from {@link setOAuthToken}
   */
  constructor(
    globalConfig: Record<string, unknown>,
    topicConfig: Record<string, unknown>,
    callbacks: NativeConsumerCallbacks,
    options: { oauthbearer: boolean } = { oauthbearer: false },
  ) {
    this.#addon = loadAddon<ConsumerAddon>()
    this.#callbacks = callbacks
    const strings = toStrings({ ...topicConfig, ...globalConfig })
    this.#bootstrap = new Bootstrap(strings)
    this.#handle = this.#addon.clientCreate('consumer', strings, this.#onWake, options)
  }

  #onWake = (eventsPending: boolean): void => {
    if (eventsPending) this.#drainEvents()
    this.#callbacks.wake()
  }

  #drainEvents(): void {
    for (const event of this.#addon.clientDrainEvents(this.#handle)) {
      if (event.kind === 'commit') {
        this.#callbacks.offsetCommit(
          event.code === RESP_ERR.NO_ERROR ? undefined : { code: event.code, message: event.message },
          event.offsets,
        )
      } else {
        this.#callbacks.event(event)
      }
    }
  }

  /**
   * The consumer's group metadata, serialized by librdkafka, for a transactional producer's
   * `sendOffsetsToTransaction` (KIP-447 fencing).
   */
  groupMetadata(): Buffer {
    return this.#addon.consumerGroupMetadata(this.#handle)
  }

  /** How the addon counts fetched headers (see {@link HeaderMirror}); for tests. */
  headerMirror(): HeaderMirror {
    return this.#addon.consumerHeaderMirror(this.#handle)
  }

  /** Hands librdkafka the bootstrap brokers, then proves they answer (fetches cluster metadata on the worker). */
  async connect(timeoutMs: number): Promise<void> {
    this.#bootstrap.start(this.#addon, this.#handle)
    await this.#addon.clientMetadata(this.#handle, { timeoutMs })
  }

  /**
   * Takes up to `size` ready messages without waiting; `undefined` when none were ready. Rebalances raised while
   * fetching are then available from {@link takeRebalances}.
   */
  consume(size: number): FetchedBatch | undefined {
    const state = this.#state
    const fetched = this.#addon.consumerConsume(this.#handle, size, state)
    if (state[3]! > 0) this.#rebalances.push(...this.#addon.consumerTakeRebalances(this.#handle))
    if (fetched === undefined) return undefined
    if (state[2]! > this.#topics.length)
      this.#topics.push(...this.#addon.consumerTopicNames(this.#handle, this.#topics.length))
    return FetchedBatch.fromFetch(state[0]!, state[1]!, fetched, this.#topics)
  }

  /** The rebalances raised since the last call, oldest first. */
  takeRebalances(): RawRebalance[] {
    const taken = this.#rebalances
    if (taken.length > 0) this.#rebalances = []
    return taken
  }

  /** Replaces the subscription. Names starting with `^` are regular expressions. */
  subscribe(topics: readonly string[]): Promise<void> {
    return this.#addon.consumerSubscribe(this.#handle, topics)
  }

  /** Drops the subscription; librdkafka then revokes every partition through a rebalance. */
  unsubscribe(): Promise<void> {
    return this.#addon.consumerUnsubscribe(this.#handle)
  }

  /** Answers an assignment: adds the partitions (incremental) or replaces the assignment (eager). */
  assign(partitions: readonly RawTopicPartition[], incremental: boolean): Promise<void> {
    return this.#addon.consumerAssign(this.#handle, partitions, true, incremental)
  }

  /** Answers a revocation: removes the partitions (incremental) or clears the assignment (eager). */
  unassign(partitions: readonly RawTopicPartition[], incremental: boolean): Promise<void> {
    return this.#addon.consumerAssign(this.#handle, partitions, false, incremental)
  }

  /** Stops fetching the partitions. librdkafka drops what it prefetched and refetches on resume. */
  pause(partitions: readonly RawTopicPartition[]): void {
    this.#addon.consumerPause(this.#handle, partitions, true)
  }

  /** Resumes fetching the partitions from the position after the last message handed to kafkit. */
  resume(partitions: readonly RawTopicPartition[]): void {
    this.#addon.consumerPause(this.#handle, partitions, false)
  }

  /** Moves a partition's fetch position (absolute or logical offset); takes effect asynchronously. */
  seek(partition: RawTopicPartition & { offset: number }): void {
    this.#addon.consumerSeek(this.#handle, [partition])
  }

  /** Stores processed offsets for the next (auto or explicit) commit. */
  offsetsStore(offsets: ReadonlyArray<RawTopicPartition & { offset: number }>): void {
    this.#addon.consumerStoreOffsets(this.#handle, offsets)
  }

  /** Starts an asynchronous commit; its result arrives through `offsetCommit`. */
  commit(offsets: ReadonlyArray<RawTopicPartition & { offset: number }>): void {
    this.#addon.consumerCommit(this.#handle, offsets)
  }

  /** The group's committed offsets of the partitions, from the coordinator (on the worker). */
  committed(partitions: readonly RawTopicPartition[], timeoutMs: number): Promise<RawTopicPartition[]> {
    return this.#addon.consumerCommitted(this.#handle, partitions, timeoutMs)
  }

  /**
   * For each partition, the earliest offset whose timestamp is at or after the one given as `offset` (ms since the
   * epoch), or -1 when no record is that recent yet; asked of the partitions' leaders on the worker.
   */
  offsetsForTimes(
    partitions: ReadonlyArray<RawTopicPartition & { offset: number }>,
    timeoutMs: number,
  ): Promise<RawTopicPartition[]> {
    return this.#addon.consumerOffsetsForTimes(this.#handle, partitions, timeoutMs)
  }

  /** A partition's low and high watermarks, asked of its leader (on the worker). */
  queryWatermarks(topic: string, partition: number, timeoutMs: number): Promise<{ low: number; high: number }> {
    return this.#addon.consumerQueryWatermarks(this.#handle, [{ topic, partition }], timeoutMs)
  }

  /** The fetch positions (offset after the last message handed to kafkit) of the partitions. */
  position(partitions: readonly RawTopicPartition[]): RawTopicPartition[] {
    return this.#addon.consumerPosition(this.#handle, partitions)
  }

  /** The watermarks librdkafka last saw for a partition, without a request; `undefined` when none yet. */
  cachedWatermarks(topic: string, partition: number): { low: number; high: number } | undefined {
    return this.#addon.consumerCachedWatermarks(this.#handle, topic, partition) ?? undefined
  }

  /** Answers an OAUTHBEARER refresh request. */
  setOAuthToken(token: RawOAuthToken | { failure: string }): void {
    this.#addon.clientSetOAuthToken(this.#handle, token)
  }

  /** Leaves the group (committing stored offsets) and destroys the handle, on the worker. */
  async disconnect(): Promise<void> {
    try {
      await this.#addon.clientDestroy(this.#handle)
    } catch {
      // Already destroyed.
    }
    // Commit results and errors that arrived while closing.
    this.#drainEvents()
  }
}
