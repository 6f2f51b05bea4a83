/**
 * The fetch loop: one `consume(n)` at a time, never blocking a libuv thread, from `connect()` to `disconnect()`.
 *
 * Each poll takes what librdkafka has ready (timeout 0) and returns at once, so a consumer occupies a libuv thread
 * only while messages are copied out; when nothing is ready the loop waits on a JS timer (1 ms doubling up to
 * `maxWaitMs`) instead of inside librdkafka. Polling continues while handlers are slow (their partitions are paused
 * instead), which keeps `max.poll.interval.ms` honest and serves rebalance callbacks promptly.
 * @module
 */
import type { NativeMessage } from '../native/binding.js'

/** How long after the last non-empty poll the loop still counts as streaming, ms. */
const STREAMING_WINDOW_MS = 100

/** What the loop needs from the consumer. */
export interface FetchLoopHooks {
  /** Takes up to `size` ready messages; calls back once on the JS thread. */
  consume(size: number, cb: (error: unknown, messages: NativeMessage[]) => void): void
  /** Receives a poll's messages with the poll's sequence number. */
  onMessages(messages: NativeMessage[], poll: number): void
  /** Receives errors librdkafka reported instead of messages. */
  onError(error: unknown): void
  /** Whether there is room for more messages; while false the loop polls only every `saturatedPollMs`. */
  hasRoom(): boolean
}

/** Fetch loop settings. */
export interface FetchLoopOptions {
  /** Messages per poll. */
  readonly batchSize: number
  /** Longest wait between polls when nothing is ready, ms. */
  readonly maxWaitMs: number
  /** Longest wait between polls while buffers are full, ms (keeps rebalances and liveness served). */
  readonly saturatedPollMs: number
}

/** Polls librdkafka in batches until stopped. */
export class FetchLoop {
  readonly #hooks: FetchLoopHooks
  readonly #options: FetchLoopOptions
  #running = false
  #polling = false
  #timer: NodeJS.Timeout | undefined
  #idleDelay = 0
  #polls = 0
  #lastPollAt = 0
  #lastMessagesAt = 0
  #stopWaiters: Array<() => void> = []

  /**
   * @param hooks - where messages and errors go
   * @param options - batch size and waits
   */
  constructor(hooks: FetchLoopHooks, options: FetchLoopOptions) {
    this.#hooks = hooks
    this.#options = options
  }

  /** The sequence number the next poll will carry: messages of earlier polls were fetched before now. */
  get nextPoll(): number {
    return this.#polls + 1
  }

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#running
  }

  /** Starts polling. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule(0)
  }

  /** Polls as soon as possible (room was made, or the assignment changed). */
  wake(): void {
    if (!this.#running || this.#polling) return
    this.#idleDelay = 0
    this.#schedule(0)
  }

  /** Stops polling; resolves once no poll is outstanding, so the native client can be closed safely. */
  stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!this.#polling) return Promise.resolve()
    return new Promise((resolve) => this.#stopWaiters.push(resolve))
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(this.#poll, delayMs)
  }

  #poll = (): void => {
    this.#timer = undefined
    if (!this.#running || this.#polling) return
    if (!this.#hooks.hasRoom()) {
      const waited = Date.now() - this.#lastPollAt
      if (waited < this.#options.saturatedPollMs) {
        this.#schedule(this.#options.saturatedPollMs - waited)
        return
      }
    }
    this.#polling = true
    this.#lastPollAt = Date.now()
    const poll = ++this.#polls
    try {
      this.#hooks.consume(this.#options.batchSize, (error, messages) => this.#onResult(poll, error, messages))
    } catch (error) {
      this.#onResult(poll, error, [])
    }
  }

  #onResult(poll: number, error: unknown, messages: NativeMessage[] | undefined): void {
    this.#polling = false
    if (!this.#running) {
      // Stopping: the messages were fetched but will never be handled; nothing was stored for them, so the next
      // owner (or the next run after a seek) gets them again.
      const waiters = this.#stopWaiters
      this.#stopWaiters = []
      for (const resolve of waiters) resolve()
      return
    }
    if (error) {
      this.#hooks.onError(error)
      this.#backOff()
      return
    }
    if (messages && messages.length > 0) {
      this.#idleDelay = 0
      this.#lastMessagesAt = Date.now()
      this.#hooks.onMessages(messages, poll)
      if (this.#running && this.#timer === undefined) this.#poll()
      return
    }
    this.#backOff()
  }

  #backOff(): void {
    // While messages are streaming, librdkafka's queue is only briefly empty between fetch responses: poll again
    // almost at once. Only a quiet spell lets the wait grow towards maxWaitMs.
    const streaming = Date.now() - this.#lastMessagesAt < STREAMING_WINDOW_MS
    this.#idleDelay = streaming ? 1 : Math.min(Math.max(1, this.#idleDelay * 2), this.#options.maxWaitMs)
    if (this.#running) this.#schedule(this.#idleDelay)
  }
}
