/**
 * The Consumer against a real broker, as a reader: eachMessage, eachBatch and for await each see every message
 * once and in order, topics decode by their own serdes, aborted transactions stay unseen, and a failing handler or
 * an undecodable message is dealt with by the errorPolicy.
 */
import { describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { KafkaError, SerializationError } from '../../src/errors/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { endOffsets, groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

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
})
