import { describe, expect, it } from 'vitest'
import { MessageIterator } from '../../../src/consumer/iterator.js'
import type { RunOptions } from '../../../src/consumer/run-options.js'

/** A fake consumer that feeds `messages` to the run's handler one after the other, like a single partition. */
class FakeConsumer {
  processed: number[] = []
  unprocessed: number[] = []
  stops = 0
  #active = false
  #outcome: Promise<void> = Promise.resolve()
  #settle: (error?: Error) => void = () => {}

  constructor(
    readonly messages: number[],
    readonly failAt?: number,
  ) {}

  async run(options: RunOptions<number>): Promise<void> {
    this.#active = true
    this.#outcome = new Promise((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve())
    })
    void (async () => {
      for (const message of this.messages) {
        if (!this.#active) break
        if (message === this.failAt) {
          this.#active = false
          this.#settle(new Error('policy stop'))
          return
        }
        try {
          await (options.eachMessage as (p: { message: number; signal: AbortSignal }) => Promise<void>)({
            message,
            signal: new AbortController().signal,
          })
          this.processed.push(message)
        } catch {
          this.unprocessed.push(message)
        }
      }
    })()
  }

  async stop(): Promise<void> {
    this.stops++
    this.#active = false
    await new Promise((resolve) => setTimeout(resolve, 5))
    this.#settle()
  }

  stopped(): Promise<void> {
    return this.#outcome
  }
}

describe('MessageIterator', () => {
  it('yields in order; a message counts as processed when the next one is asked for', async () => {
    const consumer = new FakeConsumer([1, 2, 3, 4, 5])
    const seen: number[] = []
    for await (const message of new MessageIterator(consumer)) {
      seen.push(message)
      if (message === 2) expect(consumer.processed).toEqual([1])
      if (message === 4) break
    }
    expect(seen).toEqual([1, 2, 3, 4])
    // Leaving the loop stops the consumer and leaves the current message unprocessed.
    expect(consumer.processed).toEqual([1, 2, 3])
    expect(consumer.unprocessed).toEqual([4])
    expect(consumer.stops).toBe(1)
  })

  it('a throwing loop body also leaves its message unprocessed', async () => {
    const consumer = new FakeConsumer([1, 2, 3])
    await expect(
      (async () => {
        for await (const message of new MessageIterator(consumer)) {
          if (message === 2) throw new Error('body failed')
        }
      })(),
    ).rejects.toThrow('body failed')
    expect(consumer.processed).toEqual([1])
    expect(consumer.unprocessed).toEqual([2])
  })

  it('rejects the pending next() when the run fails', async () => {
    const consumer = new FakeConsumer([1, 2, 3], 3)
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const message of new MessageIterator(consumer)) seen.push(message)
      })(),
    ).rejects.toThrow('policy stop')
    expect(seen).toEqual([1, 2])
  })

  it('after a failed run every next() rejects with its error, and a run that cannot start rejects each next()', async () => {
    const failed = new FakeConsumer([1, 2], 2)
    const iterator = new MessageIterator(failed)
    expect(await iterator.next()).toEqual({ done: false, value: 1 })
    await expect(iterator.next()).rejects.toThrow('policy stop')
    await expect(iterator.next()).rejects.toThrow('policy stop')

    const refusing = new FakeConsumer([1])
    refusing.run = () => Promise.reject(new Error('not subscribed'))
    const blocked = new MessageIterator(refusing)
    await expect(blocked.next()).rejects.toThrow('not subscribed')
    await expect(blocked.next()).rejects.toThrow('not subscribed')
  })

  it('driven by hand: a message held by the body stays unprocessed; next() after return() is done', async () => {
    const consumer = new FakeConsumer([1, 2, 3])
    const iterator = new MessageIterator(consumer)
    expect(await iterator.next()).toEqual({ done: false, value: 1 })
    // However long the body holds message 1, it does not count as processed until next() is asked for.
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(consumer.processed).toEqual([])
    expect(await iterator.next()).toEqual({ done: false, value: 2 })
    expect(consumer.processed).toEqual([1])
    expect(await iterator.next()).toEqual({ done: false, value: 3 })
    expect(await iterator.return()).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(consumer.processed).toEqual([1, 2])
    expect(consumer.unprocessed).toEqual([3])
  })
})
