/**
 * The flow of messages through each assigned partition: the fetch loop brings them, they go into the partition's
 * bounded buffer, the partition is paused in librdkafka exactly while kafkit does not want its messages (user pause,
 * full buffer, a seek under way, no run), seeks fence off what was fetched before them, and a timer stores the
 * processed offsets.
 * @module
 */
import type { KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { RESP_ERR } from '../errors/codes.generated.js'
import type { FetchedBatch, NativeConsumerAdapter } from '../native/consumer.js'
import { FetchLoop } from './fetch-loop.js'
import type { OffsetTracker } from './offset-tracker.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { PartitionScheduler } from './partition-scheduler.js'
import type { PartitionState, PartitionTable } from './partition-state.js'
import type { UserPauses } from './user-pauses.js'

/** What the flow needs of its consumer. */
export interface PartitionFlowHost {
  readonly native: NativeConsumerAdapter
  readonly partitions: PartitionTable
  readonly tracker: OffsetTracker
  readonly pauses: UserPauses
  /** The buffer bounds and fetch settings. */
  readonly options: ResolvedConsumerOptions
  /** The scheduler of the current run, if one runs. */
  scheduler(): PartitionScheduler | undefined
  /** Whether the consumer is closed (librdkafka is not to be touched any more). */
  closed(): boolean
  /** After every fetch: rebalances raised during it are ready to be served. */
  afterFetch(): void
  /** Reports a problem through the consumer's `error` event. */
  report(error: KafkaError): void
  /** A client error librdkafka reported with a fetched message. */
  clientError(error: unknown): void
}

/** How often the processed offsets are stored besides after each handler task, ms. */
const STORE_INTERVAL_MS = 1_000

/** Controls the fetching, buffering and seeking of every assigned partition. */
export class PartitionFlow {
  readonly #host: PartitionFlowHost
  readonly #fetchLoop: FetchLoop
  #storeTimer: NodeJS.Timeout | undefined

  /** @param host - the consumer: its native client, partitions, offsets, pauses and options */
  constructor(host: PartitionFlowHost) {
    this.#host = host
    const { fetchBatchSize, maxPollWaitMs, rebalanceTimeoutMs } = host.options
    this.#fetchLoop = new FetchLoop(
      {
        consume: (size) => host.native.consume(size),
        onMessages: (batch, poll) => this.onMessages(batch, poll),
        afterFetch: () => host.afterFetch(),
        onError: (error) => host.clientError(error),
        hasRoom: () => this.hasRoom(),
      },
      {
        batchSize: fetchBatchSize,
        maxWaitMs: maxPollWaitMs,
        saturatedPollMs: Math.min(1_000, Math.floor(rebalanceTimeoutMs / 10)),
      },
    )
  }

  /** Starts fetching, and storing processed offsets every second. */
  start(): void {
    this.#fetchLoop.start()
    // Offsets are also stored by each handler task; this bounds how stale they get under a long task.
    this.#storeTimer = setInterval(() => this.storeOffsets(), STORE_INTERVAL_MS).unref()
  }

  /** Stops fetching and storing. */
  async stop(): Promise<void> {
    await this.#fetchLoop.stop()
    clearInterval(this.#storeTimer)
  }

  /** librdkafka signalled: fetches at once while the consumer keeps up, else on the next turn. */
  signalled(): void {
    this.#fetchLoop.signalled()
  }

  /** Fetches now (messages may be wanted, or librdkafka has something to serve). */
  wake(): void {
    this.#fetchLoop.wake()
  }

  /** Takes a fetched batch into the partitions' buffers, skipping what is stale, and schedules their handling. */
  onMessages(batch: FetchedBatch, poll: number): void {
    const scheduler = this.#host.scheduler()
    // Messages in a row for one partition are buffered as one range.
    for (let i = 0; i < batch.count;) {
      const code = batch.error(i)
      if (code !== RESP_ERR.NO_ERROR) {
        // Fetch errors travel with the messages; reaching a partition's end is not one.
        if (code !== RESP_ERR._PARTITION_EOF) this.#host.clientError({ code, message: batch.errorText(i) })
        i++
        continue
      }
      const end = batch.runEnd(i)
      const state = this.#host.partitions.get(batch.topic(i), batch.partition(i))
      // Stale, and dropped: fetched for a partition being released, or before a seek took effect (or while one is
      // pending). Nothing was stored for it.
      if (
        state !== undefined &&
        state.status === 'active' &&
        !state.seeking &&
        state.pendingSeek === undefined &&
        poll >= state.acceptFromPoll
      ) {
        state.pushRange(batch, i, end)
        this.#buffered(state, scheduler)
      }
      i = end
    }
  }

  /** After a handler task: stores the offsets, lifts backpressure at half the bounds, schedules what is left. */
  afterTask(state: PartitionState): void {
    if (state.status === 'gone') return
    const storeError = this.#host.tracker.store([state])
    if (storeError) this.#host.report(storeError)
    const { maxBufferedMessagesPerPartition: maxMessages, maxBufferedBytesPerPartition: maxBytes } = this.#host.options
    if (state.backpressured && state.size <= maxMessages / 2 && state.bytes <= maxBytes / 2) {
      state.backpressured = false
      this.syncPause(state)
    }
    this.#host.scheduler()?.schedule(state)
    if (this.hasRoom()) this.wake()
  }

  /**
   * Whether polling may bring messages someone is waiting for: some fetching partition's buffer is below half its
   * bound. When every fetching partition is that full, polling would only overfill buffers and trigger pauses.
   */
  hasRoom(): boolean {
    const { maxBufferedMessagesPerPartition: maxMessages, maxBufferedBytesPerPartition: maxBytes } = this.#host.options
    let fetching = false
    for (const state of this.#host.partitions.all()) {
      if (state.nativePaused) continue
      if (state.size < maxMessages / 2 && state.bytes < maxBytes / 2) return true
      fetching = true
    }
    return !fetching
  }

  /** Stores the processed offsets of every assigned partition (a timer bounds how stale they get). */
  storeOffsets(): void {
    if (this.#host.partitions.size === 0) return
    const error = this.#host.tracker.store(this.#host.partitions.all())
    if (error) this.#host.report(error)
  }

  /** Pauses or resumes the partition in librdkafka so that it fetches exactly when kafkit wants its messages. */
  syncPause(state: PartitionState): void {
    const wanted =
      this.#host.scheduler()?.active !== true ||
      state.userPaused ||
      state.backpressured ||
      state.seeking ||
      state.pendingSeek !== undefined ||
      state.status !== 'active'
    if (wanted === state.nativePaused || this.#host.closed()) return
    try {
      const partition = [{ topic: state.topic, partition: state.partition }]
      if (wanted) this.#host.native.pause(partition)
      else this.#host.native.resume(partition)
      state.nativePaused = wanted
    } catch (error) {
      this.#host.report(
        fromRdkafkaError(error, {
          operation: wanted ? 'pause' : 'resume',
          topic: state.topic,
          partition: state.partition,
        }),
      )
    }
  }

  /** Moves the partition to `offset`; nothing fetched before the seek is handled. */
  async seek(state: PartitionState, offset: number): Promise<void> {
    state.seeking = true
    // Pausing first fences off everything fetched before; the seek then applies from the paused state.
    this.syncPause(state)
    try {
      this.#host.native.seek({ topic: state.topic, partition: state.partition, offset })
    } catch (error) {
      throw fromRdkafkaError(error, {
        operation: 'seek',
        topic: state.topic,
        partition: state.partition,
        offset: String(offset),
      })
    } finally {
      state.seeking = false
      state.acceptFromPoll = this.#fetchLoop.nextPoll
      this.syncPause(state)
      this.wake()
    }
  }

  /** Seeks back to the messages a failed seek in `stop()` left behind; the partition is handled again once it worked. */
  async retrySeek(state: PartitionState): Promise<void> {
    const offset = state.pendingSeek
    if (offset === undefined || state.seeking) return
    try {
      await this.seek(state, offset)
    } catch (error) {
      this.#host.report(
        fromRdkafkaError(error, {
          operation: 'seek back to unhandled messages',
          topic: state.topic,
          partition: state.partition,
          offset: String(offset),
        }),
      )
      return
    }
    if (state.pendingSeek !== offset) return
    state.pendingSeek = undefined
    this.syncPause(state)
    this.#host.scheduler()?.schedule(state)
  }

  /** Applies the user's pauses to every assigned partition (after `pause()` or `resume()`). */
  applyUserPauses(): void {
    for (const state of this.#host.partitions.all()) {
      const userPaused = this.#host.pauses.has(state.topic, state.partition)
      if (userPaused === state.userPaused) continue
      state.userPaused = userPaused
      this.syncPause(state)
      if (!userPaused) this.#host.scheduler()?.schedule(state)
    }
    this.wake()
  }

  /** Newly assigned partitions: they keep the user's pauses and fetch only when wanted. */
  assigned(states: readonly PartitionState[]): void {
    for (const state of states) {
      state.userPaused = this.#host.pauses.has(state.topic, state.partition)
      this.syncPause(state)
    }
    this.wake()
  }

  /** The offset of the next message the partition hands to a handler (`null` when not known yet). */
  positionOf(state: PartitionState): string | null {
    const next = state.nextToHandle
    if (next !== undefined) return String(next)
    try {
      const offset = this.#host.native.position([{ topic: state.topic, partition: state.partition }])[0]?.offset
      return offset === undefined || offset < 0 ? null : String(offset)
    } catch {
      return null
    }
  }

  #buffered(state: PartitionState, scheduler: PartitionScheduler | undefined): void {
    const { maxBufferedMessagesPerPartition: maxMessages, maxBufferedBytesPerPartition: maxBytes } = this.#host.options
    if (!state.backpressured && (state.size >= maxMessages || state.bytes >= maxBytes)) {
      state.backpressured = true
      this.syncPause(state)
    }
    scheduler?.schedule(state)
  }
}
