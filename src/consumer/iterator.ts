/**
 * `for await (const message of consumer)`: a run whose handler is the loop body. A message counts as processed
 * when the body asks for the next one; leaving the loop (break, return or throw) stops the consumer without
 * marking the current message processed, so it is handled again later (at-least-once).
 * @module
 */
import type { RunOptions } from './run-options.js'

/** The part of the consumer the iterator drives. */
export interface IterableConsumer<M> {
  run(options: RunOptions<M>): Promise<void>
  stop(): Promise<void>
  stopped(): Promise<void>
}

/** Options of `consumer.messages()`: retries and error policy for messages that fail to deserialize. */
export type IteratorOptions = Pick<RunOptions<unknown>, 'retry' | 'errorPolicy'>

class LoopExit extends Error {}

/** An async iterator over a consumer's messages, one at a time, in order per partition. */
export class MessageIterator<M> implements AsyncIterableIterator<M> {
  readonly #consumer: IterableConsumer<M>
  readonly #options: IteratorOptions
  #started: Promise<void> | undefined
  #reader: { resolve: (result: IteratorResult<M>) => void; reject: (error: unknown) => void } | undefined
  #offered: { message: M; settle: Settle } | undefined
  #current: Settle | undefined
  #finished = false
  /** Whether the run started (`#started` resolved). */
  #running = false
  #failure: unknown

  /**
   * @param consumer - a connected, subscribed consumer that is not running
   * @param options - retries and error policy
   */
  constructor(consumer: IterableConsumer<M>, options: IteratorOptions = {}) {
    this.#consumer = consumer
    this.#options = options
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  /** The next message; the previous one counts as processed from here on. */
  next(): Promise<IteratorResult<M>> {
    this.#current?.done()
    this.#current = undefined
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the handler's failure, as it was thrown
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    if (this.#finished) return Promise.resolve({ done: true, value: undefined })
    // Not an async function, and no await once the run started: a message already offered costs one resolved
    // promise instead of three microtask turns.
    if (!this.#running) return (this.#started ??= this.#start()).then(() => this.#take())
    return this.#take()
  }

  #take(): Promise<IteratorResult<M>> {
    const offered = this.#offered
    if (offered) {
      this.#offered = undefined
      this.#current = offered.settle
      return Promise.resolve({ done: false, value: offered.message })
    }
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject }
    })
  }

  /** Leaves the loop: stops the consumer; the current message stays unprocessed. */
  async return(): Promise<IteratorResult<M>> {
    if (this.#finished) return { done: true, value: undefined }
    this.#finished = true
    const stopping = this.#started ? this.#consumer.stop() : Promise.resolve()
    // The run is no longer active, so this failure is not retried and the message is not marked processed.
    const exit = new LoopExit('the for-await loop was left')
    this.#current?.fail(exit)
    this.#offered?.settle.fail(exit)
    this.#current = undefined
    this.#offered = undefined
    await stopping
    return { done: true, value: undefined }
  }

  async #start(): Promise<void> {
    await this.#consumer.run({
      ...this.#options,
      partitionsConsumedConcurrently: 1,
      eachMessage: ({ message }) =>
        new Promise<void>((done, fail) => {
          const settle = { done: () => done(), fail }
          const reader = this.#reader
          if (reader) {
            this.#reader = undefined
            this.#current = settle
            reader.resolve({ done: false, value: message })
          } else {
            this.#offered = { message, settle }
          }
        }),
    })
    this.#running = true
    this.#consumer.stopped().then(
      () => this.#end(undefined),
      (error: unknown) => this.#end(error),
    )
  }

  #end(error: unknown): void {
    if (this.#finished) return
    this.#finished = true
    if (error !== undefined) this.#failure = error
    const reader = this.#reader
    this.#reader = undefined
    if (!reader) return
    if (error !== undefined) reader.reject(error)
    else reader.resolve({ done: true, value: undefined })
  }
}

interface Settle {
  done(): void
  fail(error: unknown): void
}
