/**
 * The Producer against a real broker, delivering: records over several partitions read back exactly, send order
 * kept, waiting for room instead of failing, sendBatch, a bad send rejected alone, header values as bytes.
 */
import { describe, expect, it } from 'vitest'
import { KafkaAggregateError, KafkaError, Producer, SerializationError, serdes, type Serde } from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

interface Order {
  id: string
  amount: number
}

const track = disconnectAfterAll()

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
})
