/**
 * The fetch loop: takes what librdkafka has ready, on the JavaScript thread, from `connect()` to `disconnect()`.
 *
 * A fetch never waits inside librdkafka (timeout 0). librdkafka wakes the loop when its queue goes from empty to
 * non-empty. While the consumer keeps up (the last fetch took under a sixteenth of the batch size), the wake-up
 * fetches at once, so that a message reaches its handler without waiting for the rest of the event loop's turn
 * (measured at 5,000 msgs/s: about 0.1-0.2 ms less latency at the median). Otherwise the loop fetches on the next
 * turn rather than inside the wake-up, so that a fetch takes more of what librdkafka is still queueing (measured:
 * fetching inside every wake-up cut the Processor's throughput in scenario 7 of the benchmark from 144k to 83k
 * msgs/s). A full batch means more is likely waiting, so the loop fetches again on the next turn of the event loop
 * (after handlers had their turn). A slow timer keeps fetching while nothing arrives or while every buffer is full,
 * so rebalances are served and `max.poll.interval.ms` stays honest whatever the handlers do (their partitions are
 * paused instead).
 * @module
 */
import type { FetchedBatch } from '../native/consumer.js'

/** What the loop needs from the consumer. */
export interface FetchLoopHooks {
  /** Takes up to `size` ready messages without waiting. */
  consume(size: number): FetchedBatch | undefined
  /** Receives a fetch's messages with the fetch's sequence number. */
  onMessages(batch: FetchedBatch, poll: number): void
  /** After every fetch, with or without messages: rebalances raised during it are ready to be handled. */
  afterFetch(): void
  /** Receives errors thrown by a fetch. */
  onError(error: unknown): void
  /** Whether there is room for more messages; while false the loop fetches only every `saturatedPollMs`. */
  hasRoom(): boolean
}

/** Fetch loop settings. */
export interface FetchLoopOptions {
  /** Messages per fetch. */
  readonly batchSize: number
  /** Longest wait between fetches while nothing arrives, ms. */
  readonly maxWaitMs: number
  /** Longest wait between fetches while buffers are full, ms (keeps rebalances and liveness served). */
  readonly saturatedPollMs: number
}

/** Fetches from librdkafka in batches until stopped. */
export class FetchLoop {
  readonly #hooks: FetchLoopHooks
  readonly #options: FetchLoopOptions
  #running = false
  #immediate: NodeJS.Immediate | undefined
  #timer: NodeJS.Timeout | undefined
  #polls = 0
  #lastPollAt = 0
  /** How many entries the last fetch took. */
  #lastCount = 0

  /**
   * @param hooks - where messages and errors go
   * @param options - batch size and waits
   */
  constructor(hooks: FetchLoopHooks, options: FetchLoopOptions) {
    this.#hooks = hooks
    this.#options = options
  }

  /** The sequence number the next fetch will carry: messages of earlier fetches were fetched before now. */
  get nextPoll(): number {
    return this.#polls + 1
  }

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#running
  }

  /** Starts fetching. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.wake()
  }

  /** Fetches on the next turn (librdkafka has messages, room was made, or the assignment changed). */
  wake(): void {
    if (!this.#running || this.#immediate !== undefined) return
    this.#immediate = setImmediate(this.#poll)
  }

  /**
   * librdkafka signalled (its queue went from empty to non-empty, or it has events): fetches at once while the
   * consumer keeps up, else on the next turn (see the module's description).
   */
  signalled(): void {
    if (!this.#running) return
    if (this.#lastCount >= this.#options.batchSize / 16) {
      this.wake()
      return
    }
    clearImmediate(this.#immediate)
    this.#poll()
  }

  /** Stops fetching. Fetches are synchronous, so none is outstanding once this returns. */
  stop(): Promise<void> {
    this.#running = false
    clearImmediate(this.#immediate)
    this.#immediate = undefined
    clearTimeout(this.#timer)
    this.#timer = undefined
    return Promise.resolve()
  }

  #poll = (): void => {
    this.#immediate = undefined
    if (!this.#running) return
    const { batchSize, maxWaitMs, saturatedPollMs } = this.#options
    if (!this.#hooks.hasRoom()) {
      const waited = Date.now() - this.#lastPollAt
      if (waited < saturatedPollMs) {
        this.#arm(saturatedPollMs - waited)
        return
      }
    }
    this.#lastPollAt = Date.now()
    const poll = ++this.#polls
    let batch: FetchedBatch | undefined
    try {
      batch = this.#hooks.consume(batchSize)
    } catch (error) {
      this.#hooks.onError(error)
    }
    this.#lastCount = batch?.count ?? 0
    if (batch !== undefined) this.#hooks.onMessages(batch, poll)
    this.#hooks.afterFetch()
    if (!this.#running) return
    // A full batch: more is probably waiting, and librdkafka signals only an empty queue becoming non-empty.
    if (batch !== undefined && batch.count >= batchSize) this.wake()
    else this.#arm(this.#hooks.hasRoom() ? maxWaitMs : saturatedPollMs)
  }

  /** The fallback fetch while no wake-up comes. */
  #arm(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.wake()
    }, delayMs)
  }
}
