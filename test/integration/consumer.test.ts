import diagnostics from 'node:diagnostics_channel'
import { stat } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { KafkaError, SerializationError } from '../../src/errors/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { endOffsets, groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'

const open: Array<Consumer<any, any, any>> = []
function track<C extends Consumer<any, any, any>>(consumer: C): C {
  open.push(consumer)
  return consumer
}
afterAll(async () => {
  await Promise.all(open.map((consumer) => consumer.disconnect()))
})

/** Checks that every partition's values arrived complete and in order: `<p>:<i>` for i = 0..perPartition-1. */
function expectComplete(values: string[], partitions: number, perPartition: number): void {
  const next = new Array<number>(partitions).fill(0)
  for (const value of values) {
    const [p, i] = value.split(':').map(Number) as [number, number]
    expect(i, `partition ${p} out of order or duplicated`).toBe(next[p])
    next[p] = i + 1
  }
  expect(next).toEqual(new Array<number>(partitions).fill(perPartition))
}

describe('Consumer against a real broker', () => {
  it('eachMessage: every message once, in order per partition, offsets committed at stop', async () => {
    const topic = uniqueName('consumer-each')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 3 })
    await produceRaw(topic, sequence(3, 1000))
    const consumer = track(
      new Consumer({ brokers: brokers(), groupId, fromBeginning: true, key: serdes.string(), value: serdes.string() }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const values: string[] = []
    const keys = new Set<string | null>()
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        values.push(message.value!)
        keys.add(message.key)
        expect(typeof message.offset).toBe('string')
        expect(message.topic).toBe(topic)
      },
    })
    await waitFor(() => values.length >= 3000, '3000 messages')
    await consumer.stop()
    expectComplete(values, 3, 1000)
    expect(keys.has('k0')).toBe(true)
    expect(await groupOffsets(groupId, topic, 3)).toEqual(await endOffsets(topic, 3))
    const committed = await consumer.committed()
    expect(committed.map((c) => c.offset).sort()).toEqual(['1000', '1000', '1000'])
  })

  it('eachBatch: batches of one partition in order; resolved offsets committed', async () => {
    const topic = uniqueName('consumer-batch')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 2000))
    const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const values: string[] = []
    let batches = 0
    await consumer.run({
      maxBatchSize: 500,
      eachBatch: async ({ batch }) => {
        batches++
        expect(batch.messages.length).toBeLessThanOrEqual(500)
        expect(batch.messages.every((m) => m.partition === batch.partition)).toBe(true)
        expect(batch.firstOffset()).toBe(batch.messages[0]!.offset)
        for (const message of batch.messages) values.push(message.value!)
      },
    })
    await waitFor(() => values.length >= 4000, '4000 messages')
    await consumer.stop()
    expectComplete(values, 2, 2000)
    expect(batches).toBeGreaterThanOrEqual(8)
    expect(await groupOffsets(groupId, topic, 2)).toEqual([2000, 2000])
  })

  it('for await: messages one at a time; leaving the loop commits what the loop finished', async () => {
    const topic = uniqueName('consumer-iter')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 1 })
    await produceRaw(topic, sequence(1, 100))
    const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const seen: string[] = []
    for await (const message of consumer) {
      seen.push(message.value!)
      if (seen.length === 50) break
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `0:${i}`))
    // The 50th message's body did not ask for the next one: it counts as unprocessed.
    expect(await groupOffsets(groupId, topic, 1)).toEqual([49])
    // A new run starts right there.
    const again: string[] = []
    for await (const message of consumer.messages()) {
      again.push(message.value!)
      if (again.length === 51) break
    }
    expect(again[0]).toBe('0:49')
    expect(again[50]).toBe('0:99')
  })

  it('a topics serde map types and decodes each topic by its own serdes', async () => {
    const orders = uniqueName('orders')
    const audit = uniqueName('audit')
    await createTopic(orders)
    await createTopic(audit)
    await produceRaw(orders, [{ value: JSON.stringify({ id: 'o1', amount: 3 }) }])
    await produceRaw(audit, [{ key: Buffer.from([0, 0, 0, 7]), value: 'hello' }])
    const consumer = track(
      new Consumer({
        brokers: brokers(),
        groupId: uniqueName('group'),
        fromBeginning: true,
        topics: {
          [orders]: { value: serdes.json<{ id: string; amount: number }>() },
          [audit]: { key: serdes.int32(), value: serdes.string() },
        },
      }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [orders, audit] })
    const seen: unknown[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ topic: message.topic, key: message.key, value: message.value })
      },
    })
    await waitFor(() => seen.length >= 2, 'both messages')
    await consumer.stop()
    expect(seen).toContainEqual({ topic: orders, key: null, value: { id: 'o1', amount: 3 } })
    expect(seen).toContainEqual({ topic: audit, key: 7, value: 'hello' })
  })

  it("errorPolicy 'stop': stopped() rejects with the handler's error; earlier offsets are committed", async () => {
    const topic = uniqueName('consumer-stop')
    const groupId = uniqueName('group')
    await createTopic(topic)
    await produceRaw(topic, sequence(1, 20))
    const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    let attempts = 0
    await consumer.run({
      retry: { retries: 2, initialDelayMs: 10 },
      eachMessage: async ({ message }) => {
        if (message.value === '0:7') {
          attempts++
          throw new Error('boom')
        }
      },
    })
    const error = await consumer.stopped().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as KafkaError).code).toBe('ERR_HANDLER')
    expect((error as KafkaError).offset).toBe('7')
    expect((error as Error).message).toContain('boom')
    expect(attempts).toBe(3)
    expect(consumer.running).toBe(false)
    expect(await groupOffsets(groupId, topic, 1)).toEqual([7])
  })

  it("errorPolicy 'skip' and deserialization errors: the poison message is skipped with a SerializationError reported", async () => {
    const topic = uniqueName('consumer-skip')
    const groupId = uniqueName('group')
    await createTopic(topic)
    await produceRaw(topic, [{ value: '{"n":1}' }, { value: 'not json' }, { value: '{"n":3}' }])
    const consumer = track(
      new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.json<{ n: number }>() }),
    )
    const errors: KafkaError[] = []
    consumer.on('error', (error) => errors.push(error))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const seen: number[] = []
    await consumer.run({
      retry: { retries: 1, initialDelayMs: 1 },
      errorPolicy: 'skip',
      eachMessage: async ({ message }) => {
        seen.push(message.value!.n)
      },
    })
    await waitFor(() => seen.length >= 2, 'two good messages')
    await consumer.stop()
    expect(seen).toEqual([1, 3])
    const serialization = errors.filter((e) => e instanceof SerializationError)
    expect(serialization.length).toBe(2) // first attempt and one retry
    expect(serialization[0]!.offset).toBe('1')
    expect(serialization[0]!.partition).toBe(0)
    expect(serialization[0]!.topic).toBe(topic)
    expect(await groupOffsets(groupId, topic, 1)).toEqual([3])
  })

  it('pause, resume and seek work while running', async () => {
    const topic = uniqueName('consumer-control')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 200))
    const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const seen: string[][] = [[], []]
    let seeked = false
    consumer.pause([{ topic, partitions: [1] }])
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        seen[message.partition]!.push(message.offset)
        if (message.partition === 0 && message.offset === '100' && !seeked) {
          seeked = true
          await consumer.seek({ topic, partition: 0, offset: '0' })
        }
      },
    })
    await waitFor(() => seen[0]!.length >= 301, 'partition 0 replayed after the seek')
    // Partition 1 stayed paused all along.
    expect(seen[1]).toEqual([])
    const expected0 = [
      ...Array.from({ length: 101 }, (_, i) => String(i)),
      ...Array.from({ length: 200 }, (_, i) => String(i)),
    ]
    expect(seen[0]).toEqual(expected0)
    consumer.resume([{ topic }])
    await waitFor(() => seen[1]!.length >= 200, 'partition 1 after resume')
    expect(seen[1]).toEqual(Array.from({ length: 200 }, (_, i) => String(i)))
    expect(consumer.position().map((p) => p.offset)).toEqual(['200', '200'])
    const lag = consumer.lag()
    expect(lag.map((l) => [l.highWatermark, l.lag])).toEqual([
      ['200', 0],
      ['200', 0],
    ])
    await consumer.stop()
    expect(await groupOffsets(groupId, topic, 2)).toEqual([200, 200])
  })

  it('bounds the buffer of a slow partition (paused while full) without holding up the others', async () => {
    const topic = uniqueName('consumer-bound')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 3000, 100))
    const consumer = track(
      new Consumer({
        brokers: brokers(),
        groupId,
        fromBeginning: true,
        maxBufferedMessagesPerPartition: 100,
        fetchBatchSize: 50,
      }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const handled = [0, 0]
    let fastDoneWhileSlowAt = -1
    let maxBuffered = 0
    const sampler = setInterval(() => {
      for (const entry of consumer.lag()) if (entry.partition === 0) maxBuffered = Math.max(maxBuffered, entry.buffered)
    }, 2)
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        handled[message.partition]!++
        if (message.partition === 1 && handled[1] === 3000) fastDoneWhileSlowAt = handled[0]!
        // Partition 0 is slow: about 1 ms per message.
        if (message.partition === 0) await new Promise((resolve) => setTimeout(resolve, 1))
      },
    })
    try {
      await waitFor(() => handled[0]! + handled[1]! >= 6000, '6000 messages', 90_000)
    } finally {
      clearInterval(sampler)
    }
    await consumer.stop()
    // The fast partition was not held back by the slow one.
    expect(fastDoneWhileSlowAt).toBeGreaterThanOrEqual(0)
    expect(fastDoneWhileSlowAt).toBeLessThan(2000)
    expect(maxBuffered).toBeGreaterThan(25)
    // The bound plus at most one poll that was already under way when the partition was paused.
    expect(maxBuffered).toBeLessThanOrEqual(150)
    expect(await groupOffsets(groupId, topic, 2)).toEqual([3000, 3000])
  }, 120_000)

  it('emits librdkafka statistics when statsIntervalMs is set', async () => {
    const topic = uniqueName('consumer-stats')
    await createTopic(topic)
    const consumer = track(new Consumer({ brokers: brokers(), groupId: uniqueName('group'), statsIntervalMs: 100 }))
    const stats: Array<{ type: string; rxmsgs: number }> = []
    consumer.on('stats', (s) => stats.push(s))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    await waitFor(() => stats.length >= 2, 'two stats events')
    expect(stats[0]!.type).toBe('consumer')
    expect(typeof stats[0]!.rxmsgs).toBe('number')
  })

  it('onAssign runs before any message of the partition is handled, and may seek', async () => {
    const topic = uniqueName('consumer-onassign')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 20))
    const seen: string[] = []
    const assigned: Array<{ topic: string; partition: number }> = []
    const consumer: Consumer<Buffer, string> = track(
      new Consumer({
        brokers: brokers(),
        groupId: uniqueName('group'),
        fromBeginning: true,
        value: serdes.string(),
        onAssign: async (partitions) => {
          assigned.push(...partitions)
          await new Promise((resolve) => setTimeout(resolve, 300))
          await consumer.seek({ topic, partition: 1, offset: '15' })
        },
      }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= 25, '20 + 5 messages')
    await consumer.stop()
    expect(assigned.map((p) => p.partition).sort()).toEqual([0, 1])
    expect(seen.filter((v) => v.startsWith('1:'))).toEqual(['1:15', '1:16', '1:17', '1:18', '1:19'])
    expect(seen.filter((v) => v.startsWith('0:'))).toHaveLength(20)
  })

  it("isolationLevel 'read_committed' (the default) skips aborted transactional records", async () => {
    const topic = uniqueName('consumer-txn')
    await createTopic(topic)
    const producer = new Producer({ brokers: brokers(), transactionalId: uniqueName('txn'), value: serdes.string() })
    await producer.connect()
    try {
      await producer.transaction(async (tx) => {
        await tx.send({ topic, value: 'committed-1' })
      })
      await producer
        .transaction(async (tx) => {
          await tx.send({ topic, value: 'aborted' })
          throw new Error('abort it')
        })
        .catch(() => undefined)
      await producer.transaction(async (tx) => {
        await tx.send({ topic, value: 'committed-2' })
      })
    } finally {
      await producer.disconnect()
    }
    const read = async (isolationLevel?: 'read_uncommitted'): Promise<string[]> => {
      const consumer = track(
        new Consumer({
          brokers: brokers(),
          groupId: uniqueName('group'),
          fromBeginning: true,
          value: serdes.string(),
          ...(isolationLevel ? { isolationLevel } : {}),
        }),
      )
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      const values: string[] = []
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!)
        },
      })
      await waitFor(() => values.includes('committed-2'), 'the last committed record')
      await consumer.stop()
      return values
    }
    expect(await read()).toEqual(['committed-1', 'committed-2'])
    expect(await read('read_uncommitted')).toEqual(['committed-1', 'aborted', 'committed-2'])
  })

  it('publishes handled messages, commits and rebalances on kafkit:consumer:* channels', async () => {
    const topic = uniqueName('consumer-diag')
    const groupId = uniqueName('group')
    await createTopic(topic)
    await produceRaw(topic, sequence(1, 10))
    const seen = {
      message: [] as unknown[],
      commit: [] as Array<{ offsets: Array<{ topic: string; offset: string | null }> }>,
      rebalance: [] as unknown[],
    }
    const listeners = {
      message: (m: unknown) => seen.message.push(m),
      commit: (m: unknown) => seen.commit.push(m as never),
      rebalance: (m: unknown) => seen.rebalance.push(m),
    }
    for (const [name, fn] of Object.entries(listeners)) diagnostics.subscribe(`kafkit:consumer:${name}`, fn)
    try {
      const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true }))
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      let handled = 0
      await consumer.run({
        eachMessage: async () => {
          handled++
        },
      })
      await waitFor(() => handled >= 10, '10 messages')
      await consumer.stop()
    } finally {
      for (const [name, fn] of Object.entries(listeners)) diagnostics.unsubscribe(`kafkit:consumer:${name}`, fn)
    }
    expect(seen.message).toContainEqual({ topic, partition: 0, offset: '9' })
    expect(seen.rebalance).toContainEqual({ type: 'assign', partitions: [{ topic, partition: 0 }] })
    expect(seen.commit.some((c) => c.offsets.some((o) => o.topic === topic && o.offset === '10'))).toBe(true)
  })

  it('8 idle consumers in one process leave the libuv threadpool and the event loop free', async () => {
    const topic = uniqueName('consumer-idle')
    await createTopic(topic)
    const consumers = Array.from({ length: 8 }, () =>
      track(new Consumer({ brokers: brokers(), groupId: uniqueName('group') })),
    )
    let assigned = 0
    for (const consumer of consumers) {
      consumer.on('rebalance', (event) => {
        if (event.type === 'assign') assigned++
      })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({ eachMessage: async () => {} })
    }
    await waitFor(() => assigned === 8, 'all 8 assigned', 60_000)
    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    // fs.stat runs on the libuv threadpool (4 threads): consumers blocking it in a long poll would delay it.
    const latencies: number[] = []
    const until = Date.now() + 2_000
    while (Date.now() < until) {
      const started = performance.now()
      await stat(import.meta.filename)
      latencies.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    delay.disable()
    await Promise.all(consumers.map((consumer) => consumer.stop()))
    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!
    console.log(
      `[idle consumers] fs.stat p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    )
    expect(p99).toBeLessThan(50)
    expect(delay.percentile(99) / 1e6).toBeLessThan(100)
  })

  it('offsetsForTimes finds the first record at or after a time; watermarks are asked of the leader', async () => {
    const topic = uniqueName('consumer-times')
    await createTopic(topic, { partitions: 1 })
    const base = Date.now() - 60_000
    const producer = new Producer({ brokers: brokers() })
    await producer.connect()
    for (let i = 0; i < 10; i++)
      await producer.send({ topic, partition: 0, value: `v${i}`, timestamp: base + i * 1_000 })
    await producer.disconnect()
    const consumer = track(new Consumer({ brokers: brokers(), groupId: uniqueName('group') }))
    await consumer.connect()
    const at = async (timestamp: number): Promise<string | null> =>
      (await consumer.offsetsForTimes([{ topic, partition: 0, timestamp }]))[0]!.offset
    expect(await at(base + 4_500)).toBe('5')
    expect(await at(base)).toBe('0')
    expect(await at(Date.now() + 60_000)).toBeNull()
    await expect(
      consumer.offsetsForTimes([
        { topic, partition: 0, timestamp: base },
        { topic, partition: 0, timestamp: base + 1 },
      ]),
    ).rejects.toThrow(/twice/)
    expect(await consumer.watermarks(topic, 0)).toEqual({ low: '0', high: '10' })
    await expect(consumer.offsetsForTimes([{ topic, partition: 0, timestamp: -5 }])).rejects.toThrow(/timestamp/)
    await consumer.disconnect()
  })
})
