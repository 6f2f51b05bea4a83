// A schema registry that cannot be reached: a real closed port (connection refused) and a real listener that accepts
// connections and never answers (timeout). Both become a retriable SchemaRegistryError naming the registry URL and
// never the credentials; a producer send rejects with it and a consumer neither skips nor dead-letters the record
// it could not decode: the record is read again once the registry is back.
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { KafkaError, SerializationError } from '../../src/errors/index.js'
import { Producer } from '../../src/producer/index.js'
import { SchemaRegistry, SchemaRegistryError, SchemaRegistryErrorReason } from '../../src/registry/index.js'
import { serdes } from '../../src/serde/index.js'
import { AvroErrorReason, AvroSerializationError } from '../../src/serde/registry-serde-errors.js'
import { testRegistry } from './helpers/avro.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'

interface Reading {
  sensor: string
  celsius: number
}
const readingSchema = {
  type: 'record',
  name: 'Reading',
  namespace: 'kafkit.test.unreachable',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
  ],
} as const

const PASSWORD = 'pa55-never-printed'

let closedUrl: string
let silent: { url: string; server: Server; sockets: Set<Socket> }
const closers: Array<() => Promise<unknown>> = []

/** A port that was just free: listened on, then closed, so connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  closedUrl = `http://127.0.0.1:${await closedPort()}/apis/ccompat/v7`
  const sockets = new Set<Socket>()
  // Accepts every connection and never writes a byte: the HTTP client waits until its timeout.
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  silent = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`, server, sockets }
})

afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  for (const socket of silent.sockets) socket.destroy()
  await new Promise((resolve) => silent.server.close(resolve))
})

function registryAt(url: string, extra: { requestTimeoutMs?: number } = {}): SchemaRegistry {
  const registry = new SchemaRegistry({
    url,
    maxRetries: 1,
    retryBackoffMs: 10,
    auth: { username: 'svc', password: PASSWORD },
    ...extra,
  })
  closers.push(() => registry.close())
  return registry
}

function expectNoSecret(error: unknown): void {
  const printed = inspect(error, { depth: 10 }) + JSON.stringify(error)
  expect(printed).not.toContain(PASSWORD)
  expect(printed).not.toContain(Buffer.from(`svc:${PASSWORD}`).toString('base64'))
}

describe('SchemaRegistry against a registry it cannot reach', () => {
  it('connection refused: a retriable UNAVAILABLE error naming the URL, not the credentials', async () => {
    const error = await registryAt(closedUrl)
      .listSubjects()
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(SchemaRegistryError)
    expect(error).toBeInstanceOf(KafkaError)
    const registryError = error as SchemaRegistryError
    expect(registryError.reason).toBe(SchemaRegistryErrorReason.UNAVAILABLE)
    expect(registryError.code).toBe('ERR_SCHEMA_REGISTRY_UNAVAILABLE')
    expect(registryError.retriable).toBe(true)
    expect(registryError.status).toBeUndefined()
    expect(registryError.message).toContain(closedUrl)
    expect(registryError.message).toMatch(/connection refused/)
    expectNoSecret(error)
  })

  it('a listener that never answers: the same error after requestTimeoutMs, saying it timed out', async () => {
    const started = Date.now()
    const error = await registryAt(silent.url, { requestTimeoutMs: 300 })
      .register({ subject: 'never-value', schema: readingSchema })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(error).toBeInstanceOf(SchemaRegistryError)
    const registryError = error as SchemaRegistryError
    expect(registryError.reason).toBe(SchemaRegistryErrorReason.UNAVAILABLE)
    expect(registryError.retriable).toBe(true)
    expect(registryError.subject).toBe('never-value')
    expect(registryError.message).toContain(silent.url)
    expect(registryError.message).toMatch(/timed out/)
    expectNoSecret(error)
  })
})

describe('serdes over an unreachable registry lose nothing', () => {
  it('producer: send() rejects with a retriable serialization error; the producer goes on with other records', async () => {
    const topic = uniqueName('unreachable-produce')
    await createTopic(topic)
    const producer = new Producer({
      brokers: brokers(),
      topics: {
        [topic]: { value: serdes.avro<Reading>({ registry: registryAt(closedUrl), schema: readingSchema }) },
        [`${topic}-plain`]: { value: serdes.string() },
      },
    })
    closers.push(() => producer.disconnect())
    await producer.connect()
    const error = await producer.send({ topic, value: { sensor: 's1', celsius: 21.5 } }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AvroSerializationError)
    const serdeError = error as AvroSerializationError
    expect(serdeError.reason).toBe(AvroErrorReason.REGISTRY_ERROR)
    expect(serdeError.retriable).toBe(true)
    expect(serdeError.topic).toBe(topic)
    expect(serdeError.message).toContain(closedUrl)
    expect(serdeError.cause).toBeInstanceOf(SchemaRegistryError)
    expect((serdeError.cause as SchemaRegistryError).reason).toBe(SchemaRegistryErrorReason.UNAVAILABLE)
    expectNoSecret(error)
    // Nothing half-written: the topic is empty, and the producer still sends.
    await createTopic(`${topic}-plain`)
    await producer.send({ topic: `${topic}-plain`, value: 'still working' })
    expect((await readAll(`${topic}-plain`, 1)).map((m) => m.value?.toString())).toEqual(['still working'])
    expect(await readAll(topic, 1, { timeoutMs: 3_000 })).toHaveLength(0)
  })

  it("consumer: a record it cannot decode is retried, then stops the run even with 'skip', and is read once the registry is back", async () => {
    const topic = uniqueName('unreachable-consume')
    const groupId = uniqueName('unreachable-group')
    await createTopic(topic)
    const registry = testRegistry()
    closers.push(() => registry.close())
    const producer = new Producer({
      brokers: brokers(),
      value: serdes.avro<Reading>({ registry, schema: readingSchema }),
    })
    closers.push(() => producer.disconnect())
    await producer.connect()
    await producer.send({ topic, value: { sensor: 's2', celsius: -4 } })

    const down = new Consumer({
      brokers: brokers(),
      groupId,
      fromBeginning: true,
      value: serdes.avro<Reading>({ registry: registryAt(silent.url, { requestTimeoutMs: 200 }) }),
    })
    closers.push(() => down.disconnect())
    const reported: KafkaError[] = []
    down.on('error', (error) => reported.push(error))
    await down.connect()
    await down.subscribe({ topics: [topic] })
    const seenWhileDown: Reading[] = []
    await down.run({
      retry: { retries: 1, initialDelayMs: 10 },
      errorPolicy: 'skip',
      eachMessage: async ({ message }) => {
        seenWhileDown.push(message.value!)
      },
    })
    const stopError = await down.stopped().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(stopError).toBeInstanceOf(SerializationError)
    expect((stopError as AvroSerializationError).reason).toBe(AvroErrorReason.REGISTRY_ERROR)
    expect((stopError as AvroSerializationError).retriable).toBe(true)
    expect((stopError as AvroSerializationError).offset).toBe('0')
    expect((stopError as AvroSerializationError).message).toContain(silent.url)
    expect(reported.length).toBeGreaterThanOrEqual(2)
    expect(seenWhileDown).toEqual([])
    await down.disconnect()

    // The same group with a reachable registry: the record was not skipped, so it is still there to read.
    const up = new Consumer({
      brokers: brokers(),
      groupId,
      fromBeginning: true,
      value: serdes.avro<Reading>({ registry }),
    })
    closers.push(() => up.disconnect())
    await up.connect()
    await up.subscribe({ topics: [topic] })
    const seen: Reading[] = []
    await up.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= 1, 'the record once the registry is reachable')
    expect(seen).toEqual([{ sensor: 's2', celsius: -4 }])
    await up.disconnect()
  })
})
