/**
 * The Producer's lifecycle against a real broker, and what it reports: delivery and statistics diagnostics, calls
 * refused in the wrong state, flush() and disconnect() settling every pending send.
 */
import diagnostics from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { KafkaAggregateError, Producer, StateError } from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Producer against a real broker', () => {
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
