import { AsyncLocalStorage } from 'node:async_hooks'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import {
  Admin,
  Producer,
  SerializationError,
  serdes,
  tracingChannels,
  type AdminCallContext,
  type KafkitTracingChannel,
  type ProducerSendContext,
  type ProducerTransactionContext,
  type Serde,
} from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'

type Event = { event: string; context: Record<string, unknown> }

/** Records every event of a channel (a snapshot of the context at each). */
function record<C extends object>(channel: KafkitTracingChannel<C>, onStart?: (context: C) => void): Event[] {
  const events: Event[] = []
  const on = (event: string) => (context: C) => {
    if (event === 'start') onStart?.(context)
    events.push({ event, context: { ...context } as Record<string, unknown> })
  }
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  }
  channel.subscribe(handlers)
  cleanups.push(() => channel.unsubscribe(handlers))
  return events
}

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!()
})
const open: Array<{ disconnect(): Promise<void> }> = []
afterAll(async () => {
  await Promise.all(open.map((client) => client.disconnect()))
})

async function connected<C extends { connect(): Promise<void>; disconnect(): Promise<void> }>(client: C): Promise<C> {
  open.push(client)
  await client.connect()
  return client
}

describe('kafkit:producer:send against a real broker', () => {
  it('publishes start, end, asyncStart, asyncEnd around one send, and writes the headers a start subscriber added', async () => {
    const topic = uniqueName('trace-send')
    await createTopic(topic)
    const producer = await connected(
      new Producer({ brokers: brokers(), clientId: 'tracer', key: serdes.string(), value: serdes.string() }),
    )
    const events = record(tracingChannels.producerSend, (context) => {
      context.headers.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
      context.headers.binary = Buffer.from([0, 1, 2])
    })
    const input = { topic, key: 'k1', value: 'v1', headers: { traceparent: 'stale', own: 'kept' } }
    const report = await producer.send(input)

    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const start = events[0]!.context as unknown as ProducerSendContext
    expect(start.operation).toBe('send')
    expect(start.clientId).toBe('tracer')
    expect(start.transactionalId).toBeUndefined()
    expect(start.records).toEqual([input])
    expect((events[3]!.context as unknown as ProducerSendContext).result).toEqual(report)
    // The caller's record is not changed; the record on the wire has the subscriber's headers, which replace its own.
    expect(input.headers).toEqual({ traceparent: 'stale', own: 'kept' })
    const [written] = await readAll(topic, 1)
    expect(written!.headerList.map(([name, value]) => [name, value.toString('hex')])).toEqual([
      ['own', Buffer.from('kept').toString('hex')],
      ['traceparent', Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01').toString('hex')],
      ['binary', '000102'],
    ])
  })

  it('publishes error before asyncStart when a record fails, and one context per sendBatch', async () => {
    const topic = uniqueName('trace-send-fail')
    await createTopic(topic)
    const refusing: Serde<string> = {
      serialize: (value) => {
        if (value === 'bad') throw new Error('refused by the serde')
        return Buffer.from(value)
      },
      deserialize: (bytes) => bytes.toString(),
    }
    const producer = await connected(new Producer({ brokers: brokers(), value: refusing }))
    const events = record(tracingChannels.producerSend)

    await expect(producer.send({ topic, value: 'bad' })).rejects.toBeInstanceOf(SerializationError)
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect(events[2]!.context.error).toBeInstanceOf(SerializationError)

    events.length = 0
    const records = [
      { topic, value: 'a' },
      { topic, value: 'b' },
      { topic, value: 'c' },
    ]
    const reports = await producer.sendBatch(records)
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const batch = events[3]!.context as unknown as ProducerSendContext
    expect(batch.operation).toBe('sendBatch')
    expect(batch.records).toBe(records)
    expect(batch.result).toEqual(reports)
  })

  it('adds nothing to records and builds no context while nobody subscribes', async () => {
    const topic = uniqueName('trace-send-quiet')
    await createTopic(topic)
    const producer = await connected(new Producer({ brokers: brokers(), value: serdes.string() }))
    const channel = tracingChannels.producerSend
    expect(channel.hasSubscribers).toBe(false)
    const runStores = vi.spyOn(channel.start, 'runStores')
    const tracePromise = vi.spyOn(channel, 'tracePromise')
    try {
      await producer.send({ topic, value: 'one', headers: { own: 'x' } })
      await producer.sendBatch([{ topic, value: 'two' }])
      expect(runStores).not.toHaveBeenCalled()
      expect(tracePromise).not.toHaveBeenCalled()
    } finally {
      runStores.mockRestore()
      tracePromise.mockRestore()
    }
    const written = await readAll(topic, 2)
    expect(written.map((r) => r.headerList.map(([name]) => name))).toEqual([['own'], []])
  })
})

describe('kafkit:producer:transaction against a real broker', () => {
  it('traces the transaction, runs fn inside the bound store, and traces its sends inside it', async () => {
    const topic = uniqueName('trace-tx')
    await createTopic(topic)
    const transactionalId = uniqueName('trace-tx-id')
    const producer = await connected(new Producer({ brokers: brokers(), transactionalId, value: serdes.string() }))
    const store = new AsyncLocalStorage<string>()
    tracingChannels.producerTransaction.start.bindStore(store, (context) => `tx:${context.transactionalId}`)
    cleanups.push(() => tracingChannels.producerTransaction.start.unbindStore(store))
    const transactions = record(tracingChannels.producerTransaction)
    const sendStores: Array<string | undefined> = []
    const sends = record(tracingChannels.producerSend, () => sendStores.push(store.getStore()))

    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'in-tx' })
      return 'done'
    })
    expect(result).toBe('done')
    expect(transactions.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const context = transactions[3]!.context as unknown as ProducerTransactionContext
    expect(context.transactionalId).toBe(transactionalId)
    expect(context.result).toBe('done')
    expect(sends.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    expect((sends[0]!.context as unknown as ProducerSendContext).transactionalId).toBe(transactionalId)
    expect(sendStores).toEqual([`tx:${transactionalId}`])

    transactions.length = 0
    await expect(
      producer.transaction(async () => {
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(transactions.map((e) => e.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect((transactions[2]!.context.error as Error).message).toBe('changed my mind')
  })
})

describe('kafkit:admin:call against a real broker', () => {
  it('traces each Admin call with its operation and attempts', async () => {
    const admin = await connected(new Admin({ brokers: brokers() }))
    const events = record(tracingChannels.adminCall)
    const topics = await admin.listTopics()
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const end = events[3]!.context as unknown as AdminCallContext
    expect(end.operation).toBe('listTopics')
    expect(end.attempts).toBe(1)
    expect(end.result).toEqual(topics)

    events.length = 0
    await expect(admin.deleteTopics([uniqueName('never-created')])).rejects.toThrow()
    expect(events.map((e) => e.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect((events[2]!.context as unknown as AdminCallContext).operation).toBe('deleteTopics')
  })
})
