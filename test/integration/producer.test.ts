import diagnostics from 'node:diagnostics_channel'
import { afterAll, describe, expect, it } from 'vitest'
import {
  KafkaAggregateError,
  KafkaError,
  Producer,
  SerializationError,
  StateError,
  serdes,
  type Serde,
} from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'

interface Order {
  id: string
  amount: number
}

const open: Array<Producer<any, any, any>> = []
function track<P extends Producer<any, any, any>>(producer: P): P {
  open.push(producer)
  return producer
}
afterAll(async () => {
  await Promise.all(open.map((producer) => producer.disconnect()))
})

describe('Producer against a real broker', () => {
  it('delivers N records over several partitions: distinct offsets, exact read-back, order per partition', async () => {
    const topic = uniqueName('producer-roundtrip')
    await createTopic(topic, { partitions: 4 })
    const producer = track(new Producer({ brokers: brokers(), key: serdes.string(), value: serdes.json<Order>() }))
    await producer.connect()
    expect(producer.state).toBe('connected')

    const count = 5000
    const baseTimestamp = Date.UTC(2026, 0, 1)
    const sends = Array.from({ length: count }, (_, i) =>
      producer.send({
        topic,
        key: `customer-${i % 37}`,
        value: { id: `order-${i}`, amount: i },
        headers: { source: 'test', seq: String(i) },
        timestamp: baseTimestamp + i,
      }),
    )
    const reports = await Promise.all(sends)
    expect(new Set(reports.map((r) => `${r.partition}:${r.offset}`)).size).toBe(count)
    expect(new Set(reports.map((r) => r.partition)).size).toBe(4)
    expect(reports.every((r) => r.topic === topic && /^\d+$/.test(r.offset))).toBe(true)

    const records = await readAll(topic, count)
    expect(records).toHaveLength(count)
    const seen = new Map<number, number>()
    for (const record of records) {
      const value = JSON.parse(record.value!.toString()) as Order
      const i = value.amount
      expect(value.id).toBe(`order-${i}`)
      expect(record.key!.toString()).toBe(`customer-${i % 37}`)
      expect(record.headers.seq?.toString()).toBe(String(i))
      expect(record.headers.source?.toString()).toBe('test')
      expect(record.timestamp).toBe(baseTimestamp + i)
      // Same partition as its delivery report said, and in send order within the partition.
      expect(record.partition).toBe(reports[i]!.partition)
      expect(String(record.offset)).toBe(reports[i]!.offset)
      expect(i).toBeGreaterThan(seen.get(record.partition) ?? -1)
      seen.set(record.partition, i)
    }
  })

  it('keeps send order with an async serializer whose calls finish out of order', async () => {
    const topic = uniqueName('producer-async-serde')
    await createTopic(topic, { partitions: 1 })
    const slowThenFast: Serde<number> = {
      serialize: async (n) => {
        await new Promise((resolve) => setTimeout(resolve, n % 3 === 0 ? 15 : n % 3 === 1 ? 1 : 5))
        return Buffer.from(String(n))
      },
      deserialize: (data) => Number(data.toString()),
    }
    const producer = track(new Producer({ brokers: brokers(), value: slowThenFast }))
    await producer.connect()
    const reports = await Promise.all(Array.from({ length: 300 }, (_, n) => producer.send({ topic, value: n })))
    const offsets = reports.map((r) => Number(r.offset))
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    const records = await readAll(topic, 300)
    expect(records.map((r) => Number(r.value!.toString()))).toEqual(Array.from({ length: 300 }, (_, n) => n))
  })

  it('waits for room instead of failing with QUEUE_FULL: 200k un-awaited sends through a 1,000-record queue', async () => {
    const topic = uniqueName('producer-backpressure')
    await createTopic(topic, { partitions: 3 })
    const producer = track(new Producer({ brokers: brokers(), maxQueuedMessages: 1000, lingerMs: 2 }))
    await producer.connect()
    const count = 200_000
    const payload = Buffer.alloc(100, 'x')
    let peakRss = process.memoryUsage.rss()
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    }, 50)
    const failures: unknown[] = []
    let delivered = 0
    const sends: Array<Promise<void>> = []
    for (let i = 0; i < count; i++) {
      sends.push(
        producer.send({ topic, value: payload }).then(
          () => void delivered++,
          (error) => void failures.push(error),
        ),
      )
    }
    await Promise.all(sends)
    await producer.flush()
    clearInterval(sampler)
    expect(failures).toEqual([])
    expect(delivered).toBe(count)
    console.info(
      `backpressure: ${count} sends through a 1000-record queue, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    )
  })

  it("lets a producing loop wait for capacity: 100k sends, kafkit's own queue never beyond librdkafka's size", async () => {
    const topic = uniqueName('producer-capacity')
    await createTopic(topic, { partitions: 2 })
    const producer = track(new Producer({ brokers: brokers(), maxQueuedMessages: 500 }))
    await producer.connect()
    const payload = Buffer.alloc(100, 'y')
    let mostWaiting = 0
    let waits = 0
    for (let i = 0; i < 100_000; i++) {
      void producer.send({ topic, value: payload })
      mostWaiting = Math.max(mostWaiting, producer.waitingRecords)
      if (!producer.hasCapacity) {
        waits++
        await producer.waitForCapacity()
        expect(producer.hasCapacity).toBe(true)
      }
    }
    await producer.flush()
    expect(waits).toBeGreaterThan(0)
    // Records wait in kafkit's queue only until the next batch crosses into librdkafka, and never more than it holds.
    expect(mostWaiting).toBeLessThanOrEqual(500)
    const offsets = await readAll(topic, 100_000, { settleMs: 200 })
    expect(offsets).toHaveLength(100_000)
  })

  it('sendBatch resolves reports in input order and names failed items', async () => {
    const topic = uniqueName('producer-batch')
    await createTopic(topic, { partitions: 2 })
    const producer = track(new Producer({ brokers: brokers(), value: serdes.json<{ n: number }>() }))
    await producer.connect()
    const reports = await producer.sendBatch(
      Array.from({ length: 100 }, (_, n) => ({ topic, value: { n }, partition: n % 2 })),
    )
    expect(reports.map((r) => r.partition)).toEqual(Array.from({ length: 100 }, (_, n) => n % 2))

    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const failure = await producer
      .sendBatch([
        { topic, value: { n: 1 } },
        { topic, value: cyclic as never },
        { topic, value: { n: 3 } },
      ])
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(KafkaAggregateError)
    const aggregate = failure as KafkaAggregateError
    expect(aggregate.failures.map((f) => f.index)).toEqual([1])
    expect(aggregate.failures[0]!.error).toBeInstanceOf(SerializationError)
    expect(aggregate.failures[0]!.error.topic).toBe(topic)
  })

  it('sendBatch does not wait linger.ms: its records leave at once, and a send() queued beside them goes along', async () => {
    const topic = uniqueName('producer-batch-now')
    await createTopic(topic, { partitions: 3 })
    // A linger far longer than the test: only a batch sent at once can be acknowledged in time.
    const producer = track(new Producer({ brokers: brokers(), lingerMs: 60_000 }))
    await producer.connect()
    for (let round = 0; round < 3; round++) {
      const started = Date.now()
      const single = producer.send({ topic, value: Buffer.from(`single-${round}`) })
      const reports = await producer.sendBatch(
        Array.from({ length: 50 }, (_, n) => ({ topic, value: Buffer.from(`batch-${round}-${n}`), partition: n % 3 })),
      )
      expect(reports).toHaveLength(50)
      await single
      expect(Date.now() - started).toBeLessThan(30_000)
    }
    const records = await readAll(topic, 153)
    expect(records).toHaveLength(153)
  })

  it('rejects only the bad send: oversized record, throwing serializer, ill-typed header, unknown topic', async () => {
    const topic = uniqueName('producer-bad-input')
    await createTopic(topic, { partitions: 1 })
    const producer = track(
      new Producer({
        brokers: brokers(),
        rdkafka: {
          'message.max.bytes': 10_000,
          'allow.auto.create.topics': false,
          'topic.metadata.propagation.max.ms': 1000,
        },
      }),
    )
    await producer.connect()

    const oversized = await producer.send({ topic, value: Buffer.alloc(20_000) }).catch((error: unknown) => error)
    expect(oversized).toBeInstanceOf(KafkaError)
    expect((oversized as KafkaError).code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    expect((oversized as KafkaError).topic).toBe(topic)

    const badHeader = await producer
      .send({ topic, value: 'v', headers: { count: 42 as never } })
      .catch((e: unknown) => e)
    expect(badHeader).toBeInstanceOf(SerializationError)
    expect((badHeader as SerializationError).field).toBe('headers')

    const wrongType = await producer.send({ topic, value: 42 as never }).catch((e: unknown) => e)
    expect(wrongType).toBeInstanceOf(SerializationError)
    expect((wrongType as Error).message).toContain(topic)

    const missing = uniqueName('producer-no-such-topic')
    const unknown = await producer.send({ topic: missing, value: 'v' }).catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(KafkaError)
    expect((unknown as KafkaError).code).toMatch(/^ERR_KAFKA_(UNKNOWN_TOPIC|UNKNOWN_TOPIC_OR_PART)$/)
    expect((unknown as KafkaError).topic).toBe(missing)

    // The producer keeps working after every failure above.
    const ok = await producer.send({ topic, value: 'still fine' })
    expect(ok.topic).toBe(topic)
    const records = await readAll(topic, 1)
    expect(records.map((r) => r.value!.toString())).toEqual(['still fine'])
  })

  it('sends header values as bytes: binary values, repeated names in order, null values, with a timestamp', async () => {
    const topic = uniqueName('producer-headers')
    await createTopic(topic, { partitions: 1 })
    const producer = track(new Producer({ brokers: brokers() }))
    await producer.connect()
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x80])
    const deliveries = [
      producer.send({
        topic,
        value: 'a',
        timestamp: 1_700_000_000_000,
        headers: { bin: binary, trace: ['t1', 't2', Buffer.from([0xc3])] },
      }),
      producer.send({ topic, value: 'b', headers: { empty: null, text: 'plain' } }),
      producer.send({ topic, value: 'c' }),
    ]
    const reports = await Promise.all(deliveries)
    expect(reports.map((report) => Number(report.offset))).toEqual([0, 1, 2])
    expect(reports[0]!.timestamp).toBe(1_700_000_000_000)
    const [first, second, third] = await readAll(topic, 3)
    expect(first!.timestamp).toBe(1_700_000_000_000)
    expect(first!.headerList.map(([name, value]) => [name, [...value]])).toEqual([
      ['bin', [0xff, 0x00, 0xfe, 0x80]],
      ['trace', [...Buffer.from('t1')]],
      ['trace', [...Buffer.from('t2')]],
      ['trace', [0xc3]],
    ])
    expect(second!.headerList.map(([name]) => name)).toEqual(['empty', 'text'])
    expect(second!.headers.text!.toString()).toBe('plain')
    expect(third!.headerList).toEqual([])
  })

  it('commits transactions for read_committed readers and never shows aborted ones', async () => {
    const topic = uniqueName('producer-tx')
    await createTopic(topic, { partitions: 2 })
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx'), value: serdes.string() }),
    )
    await producer.connect()

    await expect(producer.send({ topic, value: 'outside' })).rejects.toBeInstanceOf(StateError)

    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'committed-1' })
      await tx.send({ topic, value: 'committed-2' })
      return 'done'
    })
    expect(result).toBe('done')

    const boom = new Error('business rule failed')
    await expect(
      producer.transaction(async (tx) => {
        await tx.send({ topic, value: 'aborted-1' })
        throw boom
      }),
    ).rejects.toBe(boom)

    await producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'committed-3' })
    })

    const committed = await readAll(topic, 3, { isolationLevel: 'read_committed', settleMs: 2000 })
    expect(committed.map((r) => r.value!.toString()).sort()).toEqual(['committed-1', 'committed-2', 'committed-3'])
    const uncommitted = await readAll(topic, 4, { isolationLevel: 'read_uncommitted', settleMs: 1000 })
    expect(uncommitted.map((r) => r.value!.toString())).toContain('aborted-1')
  })

  it('commits un-awaited sends whose async serde finishes after the transaction body, and aborts on a serde failure', async () => {
    const topic = uniqueName('producer-tx-async')
    await createTopic(topic, { partitions: 3 })
    // Each value is ready only a few ms after send(): the body returns before any record reached librdkafka.
    const slowString: Serde<string> = {
      serialize: async (value) => {
        await new Promise((resolve) => setTimeout(resolve, 1 + (value.length % 7)))
        if (value === 'poison') throw new Error('cannot encode poison')
        return Buffer.from(value)
      },
      deserialize: (data) => data.toString(),
    }
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx-async'), value: slowString }),
    )
    await producer.connect()

    const count = 500
    await producer.transaction(async (tx) => {
      for (let i = 0; i < count; i++) void tx.send({ topic, value: `v-${i}` })
    })
    const failed = await producer
      .transaction(async (tx) => {
        void tx.send({ topic, value: 'before-poison' })
        void tx.send({ topic, value: 'poison' })
      })
      .catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(SerializationError)
    await producer.transaction(async (tx) => void tx.send({ topic, value: 'last' }))

    const committed = await readAll(topic, count + 1, { isolationLevel: 'read_committed', settleMs: 2000 })
    const values = committed.map((r) => r.value!.toString())
    expect(values).toHaveLength(count + 1)
    expect(new Set(values)).toEqual(new Set([...Array.from({ length: count }, (_, i) => `v-${i}`), 'last']))
  })

  it('fences an older instance with the same transactionalId: its next transaction fails fatally', async () => {
    const topic = uniqueName('producer-fenced')
    await createTopic(topic, { partitions: 1 })
    const transactionalId = uniqueName('fenced')
    const first = track(new Producer({ brokers: brokers(), transactionalId, value: serdes.string() }))
    await first.connect()
    await first.transaction(async (tx) => void (await tx.send({ topic, value: 'from-first' })))
    const second = track(new Producer({ brokers: brokers(), transactionalId, value: serdes.string() }))
    await second.connect()

    const fenced = await first
      .transaction(async (tx) => void (await tx.send({ topic, value: 'zombie' })))
      .catch((error: unknown) => error)
    expect(fenced).toBeInstanceOf(KafkaError)
    expect((fenced as KafkaError).fatal, `${(fenced as KafkaError).code}: ${(fenced as KafkaError).message}`).toBe(true)
    const after = await first.transaction(async () => undefined).catch((error: unknown) => error)
    expect(after).toBeInstanceOf(StateError)
    expect((after as StateError).message).toContain('create a new Producer')

    await second.transaction(async (tx) => void (await tx.send({ topic, value: 'from-second' })))
    const committed = await readAll(topic, 2, { settleMs: 1500 })
    expect(committed.map((r) => r.value!.toString())).toEqual(['from-first', 'from-second'])
  })

  it('publishes deliveries on kafkit:producer:delivery and typed statistics', async () => {
    const topic = uniqueName('producer-observe')
    await createTopic(topic, { partitions: 1 })
    const delivered: unknown[] = []
    const onDelivery = (message: unknown): void => void delivered.push(message)
    diagnostics.subscribe('kafkit:producer:delivery', onDelivery)
    const producer = track(new Producer({ brokers: brokers(), statsIntervalMs: 100 }))
    const stats = new Promise<{ type: string; msg_cnt: number }>((resolve) => producer.once('stats', resolve))
    try {
      await producer.connect()
      await producer.send({ topic, value: 'observed' })
      expect(delivered).toContainEqual(expect.objectContaining({ topic, partition: 0, offset: '0' }))
      const first = await stats
      expect(first.type).toBe('producer')
      expect(typeof first.msg_cnt).toBe('number')
    } finally {
      diagnostics.unsubscribe('kafkit:producer:delivery', onDelivery)
    }
  })

  it('refuses calls in the wrong lifecycle state with a StateError saying what to call', async () => {
    const producer = new Producer({ brokers: brokers() })
    const early = await producer.send({ topic: 't', value: 'v' }).catch((e: unknown) => e)
    expect(early).toBeInstanceOf(StateError)
    expect((early as Error).message).toContain('connect()')
    await producer.connect()
    await producer.disconnect()
    expect(producer.state).toBe('closed')
    await expect(producer.send({ topic: 't', value: 'v' })).rejects.toBeInstanceOf(StateError)
    await expect(producer.connect()).rejects.toBeInstanceOf(StateError)
  })

  it('reports failures of un-awaited sends from flush() instead of losing them or crashing', async () => {
    const topic = uniqueName('producer-unobserved')
    await createTopic(topic, { partitions: 1 })
    const producer = track(new Producer({ brokers: brokers(), rdkafka: { 'message.max.bytes': 10_000 } }))
    await producer.connect()
    void producer.send({ topic, value: 'fine' })
    void producer.send({ topic, value: Buffer.alloc(20_000) })
    const observed = producer.send({ topic, value: Buffer.alloc(30_000) })
    await expect(observed).rejects.toMatchObject({ code: 'ERR_KAFKA_MSG_SIZE_TOO_LARGE' })
    const failure = await producer.flush().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(KafkaAggregateError)
    // Only the failure nobody awaited is reported; the awaited one was seen by its caller.
    expect((failure as KafkaAggregateError).failures).toHaveLength(1)
    expect((failure as KafkaAggregateError).failures[0]!.error.code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    await expect(producer.flush()).resolves.toBeUndefined()
  })

  it('flush() resolves only after every earlier send() promise has settled', async () => {
    const topic = uniqueName('producer-flush')
    await createTopic(topic, { partitions: 1 })
    const producer = track(new Producer({ brokers: brokers(), lingerMs: 20 }))
    await producer.connect()
    let settled = 0
    for (let i = 0; i < 2000; i++) void producer.send({ topic, value: String(i) }).finally(() => void settled++)
    await producer.flush()
    // Settle callbacks run as microtasks after each promise resolves; one macrotask turn covers them all.
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(2000)
  })

  it('disconnect() delivers everything whose send() is pending before closing', async () => {
    const topic = uniqueName('producer-disconnect')
    await createTopic(topic, { partitions: 1 })
    const producer = new Producer({ brokers: brokers(), lingerMs: 50 })
    await producer.connect()
    const sends = Array.from({ length: 1000 }, (_, i) => producer.send({ topic, value: String(i) }))
    await producer.disconnect()
    const outcomes = await Promise.allSettled(sends)
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true)
    expect(await readAll(topic, 1000)).toHaveLength(1000)
  })
})
