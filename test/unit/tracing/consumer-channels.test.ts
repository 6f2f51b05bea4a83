import { AsyncLocalStorage } from 'node:async_hooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MessageDecoder } from '../../../src/consumer/decoder.js'
import { FailureHandler } from '../../../src/consumer/failure-handler.js'
import { resolveConsumerOptions } from '../../../src/consumer/options.js'
import { resolveRunOptions } from '../../../src/consumer/run-options.js'
import { PartitionState } from '../../../src/consumer/partition-state.js'
import { PartitionScheduler } from '../../../src/consumer/partition-scheduler.js'
import type { AnyConsumerMessage, EachBatchPayload } from '../../../src/consumer/types.js'
import type { KafkaError } from '../../../src/errors/index.js'
import { serdes } from '../../../src/serde/index.js'
import {
  tracingChannels,
  type ConsumerBatchContext,
  type ConsumerMessageContext,
  type KafkitTracingChannel,
} from '../../../src/tracing/index.js'

const consumerOptions = resolveConsumerOptions({ brokers: 'localhost:9092', groupId: 'g' })
const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function fill(state: PartitionState, from: number, count: number, headers: Array<[string, Buffer | null]> = []): void {
  for (let offset = from; offset < from + count; offset++) {
    state.push({
      topic: state.topic,
      partition: state.partition,
      offset,
      key: Buffer.from(`k${offset}`),
      value: Buffer.from(`v${offset}`),
      size: 1,
      timestamp: 1000 + offset,
      headers,
    })
  }
}

function setup(run: Record<string, unknown>) {
  const failures: KafkaError[] = []
  const resolved = resolveRunOptions(run, consumerOptions)
  const host = {
    decoder: new MessageDecoder(undefined, serdes.string(), undefined),
    afterTask: (state: PartitionState) => scheduler.schedule(state),
    endRun: (error: KafkaError) => {
      failures.push(error)
      void scheduler.stop(1000)
    },
    highWatermark: () => '100',
    identity: { groupId: 'billing', clientId: 'billing-1' },
  }
  const scheduler = new PartitionScheduler(host, resolved, new FailureHandler(resolved, undefined, () => {}))
  return { scheduler, failures }
}

type Event = { event: string; context: object }

/** Subscribes to every event of a channel, recording the order; returns the log and the unsubscribe. */
function record<C extends object>(channel: KafkitTracingChannel<C>): { events: Event[]; stop: () => void } {
  const events: Event[] = []
  const on = (event: string) => (context: C) => events.push({ event, context: { ...context } })
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  }
  channel.subscribe(handlers)
  return { events, stop: () => channel.unsubscribe(handlers) }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await tick(2)
  }
}

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!()
  vi.restoreAllMocks()
})

describe('kafkit:consumer:process', () => {
  it('publishes start, end, asyncStart, asyncEnd per handled message, with the fetched message and the group', async () => {
    const { events, stop } = record(tracingChannels.consumerProcess)
    cleanups.push(stop)
    const handled: string[] = []
    const { scheduler } = setup({
      eachMessage: async ({ message }: { message: AnyConsumerMessage }) => {
        handled.push(message.offset)
      },
    })
    const state = new PartitionState('orders', 3)
    fill(state, 7, 2, [['traceparent', Buffer.from('00-abc')]])
    scheduler.schedule(state)
    await waitUntil(() => events.filter((e) => e.event === 'asyncEnd').length === 2)
    expect(handled).toEqual(['7', '8'])
    expect(events.map((e) => e.event)).toEqual([
      'start',
      'end',
      'asyncStart',
      'asyncEnd',
      'start',
      'end',
      'asyncStart',
      'asyncEnd',
    ])
    const first = events[0]!.context as ConsumerMessageContext
    expect(first).toEqual({
      topic: 'orders',
      partition: 3,
      offset: '7',
      timestamp: 1007,
      key: Buffer.from('k7'),
      headers: [['traceparent', Buffer.from('00-abc')]],
      groupId: 'billing',
      clientId: 'billing-1',
    })
    expect((events[3]!.context as ConsumerMessageContext).outcome).toBe('processed')
    expect(events[3]!.context).not.toHaveProperty('error')
  })

  it('ends the span only when the handler finished, and runs the handler inside the bound store', async () => {
    const store = new AsyncLocalStorage<string>()
    tracingChannels.consumerProcess.start.bindStore(store, (context) => `span-${context.offset}`)
    cleanups.push(() => tracingChannels.consumerProcess.start.unbindStore(store))
    const { events, stop } = record(tracingChannels.consumerProcess)
    cleanups.push(stop)
    let release!: () => void
    const seen: Array<string | undefined> = []
    const { scheduler } = setup({
      eachMessage: async () => {
        seen.push(store.getStore())
        await new Promise<void>((resolve) => {
          release = resolve
        })
        seen.push(store.getStore())
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 4, 1)
    scheduler.schedule(state)
    await waitUntil(() => seen.length === 1)
    expect(events.map((e) => e.event)).toEqual(['start', 'end'])
    release()
    await waitUntil(() => events.length === 4)
    expect(seen).toEqual(['span-4', 'span-4'])
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
  })

  it("publishes error before asyncStart when a message fails for good and is skipped, with outcome 'skipped'", async () => {
    const { events, stop } = record(tracingChannels.consumerProcess)
    cleanups.push(stop)
    const { scheduler } = setup({
      retry: { retries: 2, initialDelayMs: 1 },
      errorPolicy: 'skip',
      eachMessage: async ({ message }: { message: AnyConsumerMessage }) => {
        if (message.offset === '1') throw new Error('poison')
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 3)
    scheduler.schedule(state)
    await waitUntil(() => events.filter((e) => e.event === 'asyncEnd').length === 3)
    expect(state.processedNext).toBe(3)
    // Retries stay inside the one traced handling of offset 1.
    expect(events.map((e) => `${e.event}:${(e.context as ConsumerMessageContext).offset}`)).toEqual([
      'start:0',
      'end:0',
      'asyncStart:0',
      'asyncEnd:0',
      'start:1',
      'end:1',
      'error:1',
      'asyncStart:1',
      'asyncEnd:1',
      'start:2',
      'end:2',
      'asyncStart:2',
      'asyncEnd:2',
    ])
    const failed = events.find((e) => e.event === 'error')!.context as ConsumerMessageContext
    expect((failed.error as Error).message).toBe('poison')
    expect(failed.outcome).toBe('skipped')
  })

  it("under 'stop', the failing message's context carries the consumer's error and outcome 'unprocessed'", async () => {
    const { events, stop } = record(tracingChannels.consumerProcess)
    cleanups.push(stop)
    const { scheduler, failures } = setup({
      retry: { retries: 0 },
      eachMessage: async () => {
        throw new Error('broken')
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 2)
    scheduler.schedule(state)
    await waitUntil(() => events.some((e) => e.event === 'asyncEnd'))
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    const context = events[2]!.context as ConsumerMessageContext
    expect(context.outcome).toBe('unprocessed')
    expect(context.error).toBe(failures[0])
  })

  it('builds and publishes nothing while nobody subscribes, and stops once the subscriber leaves', async () => {
    const channel = tracingChannels.consumerProcess
    const handled: string[] = []
    const { scheduler } = setup({
      eachMessage: async ({ message }: { message: AnyConsumerMessage }) => {
        handled.push(message.offset)
      },
    })
    const state = new PartitionState('t', 0)
    // The spy is only in place while nobody subscribes: it would keep the inactive channel's runStores otherwise.
    const handleUntraced = async (count: number): Promise<void> => {
      const runStores = vi.spyOn(channel.start, 'runStores')
      const before = handled.length
      fill(state, before, count)
      scheduler.schedule(state)
      await waitUntil(() => handled.length === before + count)
      expect(runStores).not.toHaveBeenCalled()
      runStores.mockRestore()
    }
    expect(channel.hasSubscribers).toBe(false)
    await handleUntraced(3)

    const { events, stop } = record(channel)
    fill(state, 3, 1)
    scheduler.schedule(state)
    await waitUntil(() => events.length === 4)
    expect((events[0]!.context as ConsumerMessageContext).offset).toBe('3')
    stop()
    expect(channel.hasSubscribers).toBe(false)
    await handleUntraced(2)
    expect(events).toHaveLength(4)
  })
})

describe('kafkit:consumer:process-batch', () => {
  it('publishes one context per batch with every message, and how many were processed', async () => {
    const { events, stop } = record(tracingChannels.consumerProcessBatch)
    cleanups.push(stop)
    const sizes: number[] = []
    const { scheduler } = setup({
      maxBatchSize: 10,
      eachBatch: async ({ batch }: EachBatchPayload<AnyConsumerMessage>) => {
        sizes.push(batch.messages.length)
      },
    })
    const state = new PartitionState('orders', 1)
    fill(state, 0, 4, [['traceparent', Buffer.from('x')]])
    scheduler.schedule(state)
    await waitUntil(() => events.some((e) => e.event === 'asyncEnd'))
    expect(sizes).toEqual([4])
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const start = events[0]!.context as ConsumerBatchContext
    expect(start.groupId).toBe('billing')
    expect(start.topic).toBe('orders')
    expect(start.partition).toBe(1)
    expect(start.messages.map((m) => m.offset)).toEqual(['0', '1', '2', '3'])
    expect(start.messages[2]!.headers).toEqual([['traceparent', Buffer.from('x')]])
    const end = events[3]!.context as ConsumerBatchContext
    expect(end.outcome).toBe('processed')
    expect(end.processed).toBe(4)
  })

  it('publishes error when the batch handler fails for good; the resolved prefix counts as processed', async () => {
    const { events, stop } = record(tracingChannels.consumerProcessBatch)
    cleanups.push(stop)
    const { scheduler } = setup({
      retry: { retries: 0 },
      errorPolicy: 'skip',
      maxBatchSize: 10,
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload<AnyConsumerMessage>) => {
        for (const message of batch.messages) {
          if (message.offset === '2') throw new Error('bad batch')
          resolveOffset(message.offset)
        }
      },
    })
    const state = new PartitionState('t', 0)
    fill(state, 0, 3)
    scheduler.schedule(state)
    await waitUntil(() => events.some((e) => e.event === 'asyncEnd'))
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    const end = events[4]!.context as ConsumerBatchContext
    expect((end.error as Error).message).toBe('bad batch')
    expect(end.outcome).toBe('skipped')
    // Offsets 0 and 1 were resolved; the skip policy gives up on offset 2.
    expect(end.processed).toBe(3)
  })
})
