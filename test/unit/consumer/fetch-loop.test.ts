import { describe, expect, it } from 'vitest'
import { FetchLoop } from '../../../src/consumer/fetch-loop.js'
import type { NativeMessage } from '../../../src/native/binding.js'

type Callback = (error: unknown, messages: NativeMessage[]) => void

function message(offset: number): NativeMessage {
  return { topic: 't', partition: 0, offset, value: null, size: 0 }
}

/** A fake librdkafka queue: each poll takes what is queued, up to the batch size. */
class FakeQueue {
  queued: NativeMessage[] = []
  outstanding = 0
  maxOutstanding = 0
  polls: number[] = []
  pending: Array<() => void> = []
  manual = false

  consume = (size: number, cb: Callback): void => {
    this.outstanding++
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding)
    this.polls.push(Date.now())
    const deliver = (): void => {
      this.outstanding--
      cb(null, this.queued.splice(0, size))
    }
    if (this.manual) this.pending.push(() => deliver())
    else setImmediate(deliver)
  }
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('FetchLoop', () => {
  it('hands over batches with increasing poll numbers and never has two polls outstanding', async () => {
    const queue = new FakeQueue()
    queue.queued = Array.from({ length: 25 }, (_, i) => message(i))
    const received: Array<[number, number]> = []
    const loop = new FetchLoop({ consume: queue.consume, onMessages: (m, poll) => received.push([m.length, poll]), onError: () => {}, hasRoom: () => true },
      { batchSize: 10, maxWaitMs: 20, saturatedPollMs: 1000 })
    loop.start()
    await tick(30)
    await loop.stop()
    expect(received.map(([n]) => n)).toEqual([10, 10, 5])
    expect(received.map(([, poll]) => poll)).toEqual([1, 2, 3])
    expect(queue.maxOutstanding).toBe(1)
  })

  it('waits longer and longer when nothing is ready, up to maxWaitMs', async () => {
    const queue = new FakeQueue()
    const loop = new FetchLoop({ consume: queue.consume, onMessages: () => {}, onError: () => {}, hasRoom: () => true },
      { batchSize: 10, maxWaitMs: 40, saturatedPollMs: 1000 })
    loop.start()
    await tick(400)
    await loop.stop()
    // 1+2+4+8+16+32 ms, then every 40 ms: about 15 polls in 400 ms rather than hundreds.
    expect(queue.polls.length).toBeGreaterThan(6)
    expect(queue.polls.length).toBeLessThan(25)
    const gaps = queue.polls.slice(1).map((t, i) => t - queue.polls[i]!)
    expect(Math.max(...gaps.slice(-3))).toBeGreaterThanOrEqual(30)
  })

  it('polls only every saturatedPollMs while there is no room, and at once when woken', async () => {
    const queue = new FakeQueue()
    let room = false
    const loop = new FetchLoop({ consume: queue.consume, onMessages: () => {}, onError: () => {}, hasRoom: () => room },
      { batchSize: 10, maxWaitMs: 5, saturatedPollMs: 200 })
    loop.start()
    await tick(150)
    expect(queue.polls.length).toBe(1)
    room = true
    loop.wake()
    await tick(20)
    expect(queue.polls.length).toBeGreaterThan(2)
    await loop.stop()
  })

  it('stop() resolves only once the outstanding poll returned, and its messages are dropped', async () => {
    const queue = new FakeQueue()
    queue.manual = true
    queue.queued = [message(0)]
    const received: number[] = []
    const loop = new FetchLoop({ consume: queue.consume, onMessages: (m) => received.push(m.length), onError: () => {}, hasRoom: () => true },
      { batchSize: 10, maxWaitMs: 5, saturatedPollMs: 200 })
    loop.start()
    await tick(5)
    expect(queue.pending).toHaveLength(1)
    let stopped = false
    const stopping = loop.stop().then(() => { stopped = true })
    await tick(5)
    expect(stopped).toBe(false)
    queue.pending.shift()!()
    await stopping
    expect(received).toEqual([])
  })

  it('reports errors and keeps polling', async () => {
    let calls = 0
    const errors: unknown[] = []
    const loop = new FetchLoop({
      consume: (_size, cb) => setImmediate(() => (++calls === 1 ? cb(new Error('broker down'), []) : cb(null, []))),
      onMessages: () => {}, onError: (e) => errors.push(e), hasRoom: () => true,
    }, { batchSize: 10, maxWaitMs: 5, saturatedPollMs: 200 })
    loop.start()
    await tick(50)
    await loop.stop()
    expect(errors).toHaveLength(1)
    expect(calls).toBeGreaterThan(2)
  })
})
