import { describe, expect, it } from 'vitest'
import { FetchLoop } from '../../../src/consumer/fetch-loop.js'
import { FetchedBatch } from '../../../src/native/consumer.js'

function batchOf(count: number): FetchedBatch {
  return new FetchedBatch(count, Buffer.alloc(0), new Int32Array(count * 10), new Float64Array(count * 2), undefined, [
    't',
  ])
}

/** A fake librdkafka queue: each fetch takes what is queued, up to the batch size, without waiting. */
class FakeQueue {
  queued = 0
  polls: number[] = []
  failNext = false

  consume = (size: number): FetchedBatch | undefined => {
    this.polls.push(Date.now())
    if (this.failNext) {
      this.failNext = false
      throw new Error('broker down')
    }
    const taken = Math.min(size, this.queued)
    this.queued -= taken
    return taken === 0 ? undefined : batchOf(taken)
  }
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function loopOn(
  queue: FakeQueue,
  options: { maxWaitMs: number; saturatedPollMs: number; hasRoom?: () => boolean },
  received: Array<[number, number]> = [],
  errors: unknown[] = [],
  afterFetch: () => void = () => {},
): FetchLoop {
  return new FetchLoop(
    {
      consume: queue.consume,
      onMessages: (batch, poll) => received.push([batch.count, poll]),
      afterFetch,
      onError: (error) => errors.push(error),
      hasRoom: options.hasRoom ?? (() => true),
    },
    { batchSize: 10, maxWaitMs: options.maxWaitMs, saturatedPollMs: options.saturatedPollMs },
  )
}

describe('FetchLoop', () => {
  it('fetches full batches back to back with increasing poll numbers, then waits for a wake-up', async () => {
    const queue = new FakeQueue()
    queue.queued = 25
    const received: Array<[number, number]> = []
    const loop = loopOn(queue, { maxWaitMs: 1_000, saturatedPollMs: 1_000 }, received)
    loop.start()
    await tick(50)
    expect(received).toEqual([
      [10, 1],
      [10, 2],
      [5, 3],
    ])
    // A partial batch emptied the queue: nothing more until librdkafka signals.
    expect(queue.polls).toHaveLength(3)
    queue.queued = 4
    loop.wake()
    await tick(10)
    expect(received.at(-1)).toEqual([4, 4])
    await loop.stop()
  })

  it('a signal fetches at once while the consumer keeps up, and on the next turn after a sizeable fetch', async () => {
    const queue = new FakeQueue()
    const received: Array<[number, number]> = []
    const loop = loopOn(queue, { maxWaitMs: 1_000, saturatedPollMs: 1_000 }, received)
    loop.start()
    await tick(10)
    // The last fetch took nothing (under a sixteenth of the batch size): the signal fetches inside the call.
    queue.queued = 5
    loop.signalled()
    expect(received).toEqual([[5, 2]])
    // The last fetch took 5 of 10: the signal leaves the fetch to the next turn, which takes what queued meanwhile.
    queue.queued = 2
    loop.signalled()
    queue.queued += 1
    expect(received).toHaveLength(1)
    await tick(10)
    expect(received).toEqual([
      [5, 2],
      [3, 3],
    ])
    await loop.stop()
    queue.queued = 1
    loop.signalled()
    expect(received).toHaveLength(2)
  })

  it('fetches every maxWaitMs while no wake-up comes (liveness, rebalances)', async () => {
    const queue = new FakeQueue()
    const loop = loopOn(queue, { maxWaitMs: 40, saturatedPollMs: 1_000 })
    loop.start()
    await tick(300)
    await loop.stop()
    expect(queue.polls.length).toBeGreaterThanOrEqual(4)
    expect(queue.polls.length).toBeLessThanOrEqual(9)
  })

  it('fetches only every saturatedPollMs while there is no room, and at once when woken with room', async () => {
    const queue = new FakeQueue()
    let room = false
    const loop = loopOn(queue, { maxWaitMs: 5, saturatedPollMs: 200, hasRoom: () => room })
    loop.start()
    await tick(150)
    expect(queue.polls).toHaveLength(1)
    room = true
    loop.wake()
    await tick(20)
    expect(queue.polls.length).toBeGreaterThan(2)
    await loop.stop()
  })

  it('calls afterFetch after every fetch, with or without messages', async () => {
    const queue = new FakeQueue()
    queue.queued = 3
    let after = 0
    const loop = loopOn(queue, { maxWaitMs: 20, saturatedPollMs: 1_000 }, [], [], () => after++)
    loop.start()
    await tick(70)
    await loop.stop()
    expect(after).toBe(queue.polls.length)
    expect(after).toBeGreaterThan(1)
  })

  it('reports a failed fetch and keeps fetching', async () => {
    const queue = new FakeQueue()
    queue.failNext = true
    const errors: unknown[] = []
    const loop = loopOn(queue, { maxWaitMs: 5, saturatedPollMs: 200 }, [], errors)
    loop.start()
    await tick(50)
    await loop.stop()
    expect(errors).toHaveLength(1)
    expect(queue.polls.length).toBeGreaterThan(2)
  })

  it('fetches nothing after stop(), even with a wake-up pending', async () => {
    const queue = new FakeQueue()
    const loop = loopOn(queue, { maxWaitMs: 5, saturatedPollMs: 200 })
    loop.start()
    loop.wake()
    await loop.stop()
    const polls = queue.polls.length
    loop.wake()
    await tick(30)
    expect(queue.polls.length).toBe(polls)
    expect(loop.running).toBe(false)
  })
})
