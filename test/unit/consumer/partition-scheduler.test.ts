import { describe, expect, it } from 'vitest'
import { MessageDecoder } from '../../../src/consumer/decoder.js'
import { FailureHandler } from '../../../src/consumer/failure-handler.js'
import { resolveConsumerOptions } from '../../../src/consumer/options.js'
import { resolveRunOptions } from '../../../src/consumer/run-options.js'
import { PartitionState } from '../../../src/consumer/partition-state.js'
import { PartitionScheduler } from '../../../src/consumer/partition-scheduler.js'
import type { AnyConsumerMessage, EachBatchPayload } from '../../../src/consumer/types.js'
import type { KafkaError } from '../../../src/errors/index.js'
import { serdes } from '../../../src/serde/index.js'

const consumerOptions = resolveConsumerOptions({ brokers: 'localhost:9092', groupId: 'g' })
const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function fill(state: PartitionState, from: number, count: number): void {
  for (let offset = from; offset < from + count; offset++) {
    state.push({
      topic: state.topic,
      partition: state.partition,
      offset,
      key: null,
      value: Buffer.from(`${state.partition}:${offset}`),
      size: 1,
      timestamp: -1,
      headers: [],
    })
  }
}

function setup(run: Record<string, unknown>) {
  const failures: KafkaError[] = []
  const afterTasks: PartitionState[] = []
  const resolved = resolveRunOptions(run, consumerOptions)
  const host = {
    decoder: new MessageDecoder(undefined, serdes.string(), undefined),
    afterTask: (state: PartitionState) => {
      afterTasks.push(state)
      scheduler.schedule(state)
    },
    // Like the consumer: a failure stops the run at once.
    endRun: (error: KafkaError) => {
      failures.push(error)
      void scheduler.stop(1000)
    },
    highWatermark: () => '100',
  }
  const scheduler = new PartitionScheduler(host, resolved, new FailureHandler(resolved, undefined, () => {}))
  return { scheduler, failures, afterTasks }
}

describe('PartitionScheduler', () => {
  it('handles each partition in order, one message at a time, partitions concurrently up to the limit', async () => {
    const log: string[] = []
    let running = 0
    let maxRunning = 0
    const perPartition = new Map<number, number>()
    let maxPerPartition = 0
    const { scheduler } = setup({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }: { message: AnyConsumerMessage }) => {
        running++
        perPartition.set(message.partition, (perPartition.get(message.partition) ?? 0) + 1)
        maxRunning = Math.max(maxRunning, running)
        maxPerPartition = Math.max(maxPerPartition, perPartition.get(message.partition)!)
        await tick(1)
        log.push(message.value as string)
        perPartition.set(message.partition, perPartition.get(message.partition)! - 1)
        running--
      },
    })
    const states = [0, 1, 2].map((p) => new PartitionState('t', p))
    for (const state of states) {
      fill(state, 0, 20)
      scheduler.schedule(state)
    }
    await waitUntil(() => log.length === 60)
    expect(maxRunning).toBe(2)
    expect(maxPerPartition).toBe(1)
    for (const p of [0, 1, 2]) {
      expect(log.filter((v) => v.startsWith(`${p}:`))).toEqual(Array.from({ length: 20 }, (_, i) => `${p}:${i}`))
    }
    expect(states.map((s) => s.processedNext)).toEqual([20, 20, 20])
    expect(states.map((s) => s.size)).toEqual([0, 0, 0])
  })

  it('marks a message processed only once its handler resolved', async () => {
    let release!: () => void
    const { scheduler } = setup({
      eachMessage: () =>
        new Promise<void>((resolve) => {
          release = resolve
        }),
    })
    const state = new PartitionState('t', 0)
    fill(state, 5, 2)
    scheduler.schedule(state)
    await tick(5)
    expect(state.processedNext).toBeUndefined()
    release()
    await tick(5)
    expect(state.processedNext).toBe(6)
  })

  it('ignores the result of a handler whose partition was seeked or revoked meanwhile', async () => {
    let release!: () => void
    const { scheduler } = setup({
      eachMessage: () =>
        new Promise<void>((resolve) => {
          release = resolve
        }),
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 3)
    scheduler.schedule(state)
    await tick(5)
    state.clear()
    state.invalidate()
    release()
    await tick(5)
    expect(state.processedNext).toBeUndefined()
  })

  it("under 'stop', a failing message stops the run and is not marked processed", async () => {
    const { scheduler, failures } = setup({
      retry: { retries: 1, initialDelayMs: 1 },
      eachMessage: async ({ message }: { message: AnyConsumerMessage }) => {
        if (message.offset === '2') throw new Error('poison')
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 5)
    scheduler.schedule(state)
    await waitUntil(() => failures.length > 0)
    await tick(20)
    expect(failures).toHaveLength(1)
    expect(failures[0]!.offset).toBe('2')
    expect(state.processedNext).toBe(2)
    expect(state.peek()!.offset).toBe(2)
  })

  it('eachBatch: a throwing handler keeps the resolved prefix; the rest is retried as a batch', async () => {
    const batches: string[][] = []
    let failed = false
    const { scheduler } = setup({
      retry: { retries: 3, initialDelayMs: 1 },
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload<AnyConsumerMessage>) => {
        batches.push(batch.messages.map((m) => m.offset))
        for (const message of batch.messages) {
          if (message.offset === '3' && !failed) {
            failed = true
            throw new Error('transient')
          }
          resolveOffset(message.offset)
        }
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 6)
    scheduler.schedule(state)
    await waitUntil(() => state.processedNext === 6)
    expect(batches).toEqual([
      ['0', '1', '2', '3', '4', '5'],
      ['3', '4', '5'],
    ])
    expect(state.size).toBe(0)
  })

  it('eachBatch: messages resolved out of order count once the run from the first one is complete', async () => {
    const seen: number[] = []
    let round = 0
    const { scheduler } = setup({
      retry: { retries: 3, initialDelayMs: 1 },
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload<AnyConsumerMessage>) => {
        round++
        if (round === 1) {
          // Every message but the first, backwards, and an offset the batch does not hold: nothing is processed.
          for (const message of [...batch.messages].reverse()) if (message.offset !== '0') resolveOffset(message.offset)
          resolveOffset('99')
          throw new Error('the first message failed')
        }
        seen.push(batch.messages.length)
        resolveOffset('2')
        resolveOffset('0')
        resolveOffset('1')
        resolveOffset('3')
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 4)
    scheduler.schedule(state)
    await waitUntil(() => state.processedNext === 4)
    // The failed round resolved 1-3 but not 0: the retry got the whole batch again.
    expect(seen).toEqual([4])
    expect(state.size).toBe(0)
  })

  it("eachBatch under 'skip': only the first unresolved message is skipped, the rest is handled", async () => {
    const handled: string[] = []
    const { scheduler } = setup({
      retry: { retries: 0 },
      errorPolicy: 'skip',
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload<AnyConsumerMessage>) => {
        for (const message of batch.messages) {
          if (message.offset === '2') throw new Error('poison')
          handled.push(message.offset)
          resolveOffset(message.offset)
        }
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 5)
    scheduler.schedule(state)
    await waitUntil(() => state.processedNext === 5)
    expect(handled).toEqual(['0', '1', '3', '4'])
  })

  it("runs a synchronous handler on a partition's messages back to back, with no microtask between them", async () => {
    const order: string[] = []
    const { scheduler } = setup({
      eachMessage: ({ message }: { message: AnyConsumerMessage }) => {
        if (message.offset === '0') queueMicrotask(() => order.push('microtask'))
        order.push(message.offset)
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 4)
    scheduler.schedule(state)
    await waitUntil(() => state.processedNext === 4)
    expect(order).toEqual(['0', '1', '2', '3', 'microtask'])
  })

  it("a synchronous handler that throws is retried, then stops the run under 'stop' at that message", async () => {
    const attempts = new Map<string, number>()
    const { scheduler, failures } = setup({
      retry: { retries: 1, initialDelayMs: 1 },
      eachMessage: ({ message }: { message: AnyConsumerMessage }) => {
        attempts.set(message.offset, (attempts.get(message.offset) ?? 0) + 1)
        if (message.offset === '1' && attempts.get('1') === 1) throw new Error('transient')
        if (message.offset === '3') throw new Error('poison')
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 5)
    scheduler.schedule(state)
    await waitUntil(() => failures.length > 0)
    expect(attempts.get('1')).toBe(2)
    expect(attempts.get('3')).toBe(2)
    expect(failures[0]!.offset).toBe('3')
    expect(state.processedNext).toBe(3)
    expect(state.peek()!.offset).toBe(3)
  })

  it("ignores a synchronous handler's success when it seeked its own partition while running", async () => {
    const handled: string[] = []
    const { scheduler } = setup({
      eachMessage: ({ message }: { message: AnyConsumerMessage }) => {
        handled.push(message.offset)
        if (message.offset === '1') {
          state.clear()
          state.invalidate()
        }
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 4)
    scheduler.schedule(state)
    await tick(10)
    expect(handled).toEqual(['0', '1'])
    expect(state.processedNext).toBe(1)
  })

  it('stop() waits for running handlers and reports whether they finished in time', async () => {
    const { scheduler } = setup({ eachMessage: () => tick(30) })
    const state = new PartitionState('t', 0)
    fill(state, 0, 10)
    scheduler.schedule(state)
    await tick(5)
    expect(await scheduler.stop(1000)).toBe(true)
    // The message in flight finished; nothing new started.
    expect(state.processedNext).toBe(1)
    const slow = setup({ eachMessage: () => tick(500) })
    const other = new PartitionState('t', 1)
    fill(other, 0, 1)
    slow.scheduler.schedule(other)
    await tick(5)
    expect(await slow.scheduler.stop(20)).toBe(false)
  })
})

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await tick(2)
  }
}
