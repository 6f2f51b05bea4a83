// Avro records through the real Apicurio registry and the real broker, with kafkit's Producer and Consumer and the
// types generated from test/fixtures/avro/schemas (test/fixtures/avro/generated).
import { afterAll, describe, expect, it } from 'vitest'
import { Consumer, DEAD_LETTER_HEADERS } from '../../src/consumer/index.js'
import { type KafkaError, SerializationError } from '../../src/errors/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import { AvroErrorReason, AvroSerializationError } from '../../src/serde/registry-serde-errors.js'
import type { TypedAvroSchema } from '../../src/serde/avro-schema.js'
import { type Order, orderSchema } from '../fixtures/avro/generated/order.js'
import { sampleOrders, testRegistry } from './helpers/avro.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { produceRaw } from './helpers/raw-produce.js'

interface OrderKey {
  id: string
}
const orderKeySchema: TypedAvroSchema<OrderKey> = {
  type: 'record',
  name: 'OrderKey',
  namespace: 'com.acme.orders',
  fields: [{ name: 'id', type: { type: 'string', logicalType: 'uuid' } }],
}

const registry = testRegistry()
const closers: Array<() => Promise<unknown>> = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await registry.close()
})

function newProducer<K, V>(options: {
  key?: ReturnType<typeof serdes.avro<K>>
  value: ReturnType<typeof serdes.avro<V>>
}) {
  const producer = new Producer({ brokers: brokers(), ...options })
  closers.push(() => producer.disconnect())
  return producer
}

async function newConsumer<K, V>(
  topic: string,
  options: { key?: ReturnType<typeof serdes.avro<K>>; value: ReturnType<typeof serdes.avro<V>>; groupId?: string },
) {
  const consumer = new Consumer({
    brokers: brokers(),
    groupId: options.groupId ?? uniqueName('avro-group'),
    fromBeginning: true,
    ...options,
  })
  closers.push(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  return consumer
}

describe('Avro through the schema registry and the broker', () => {
  it('round-trips nested records, arrays, maps, enums, unions and logical types, as key and value', async () => {
    const topic = uniqueName('avro-orders')
    await createTopic(topic)
    const orders = sampleOrders()
    const producer = newProducer({
      key: serdes.avro({ registry, schema: orderKeySchema }),
      value: serdes.avro({ registry, schema: orderSchema }),
    })
    await producer.connect()
    for (const order of orders) await producer.send({ topic, key: { id: order.id }, value: order })

    // The bytes on the broker: Confluent's header with the ids the registry gave the two subjects.
    const keyId = (await registry.getLatest({ subject: `${topic}-key` })).id
    const valueId = (await registry.getLatest({ subject: `${topic}-value` })).id
    const raw = await readAll(topic, orders.length)
    expect(raw).toHaveLength(orders.length)
    for (const record of raw) {
      expect([record.key![0], record.key!.readInt32BE(1)]).toEqual([0, keyId])
      expect([record.value![0], record.value!.readInt32BE(1)]).toEqual([0, valueId])
    }

    // A consumer without schemas: each record decodes with the writer schema its id names.
    const consumer = await newConsumer(topic, {
      key: serdes.avro<OrderKey>({ registry }),
      value: serdes.avro<Order>({ registry }),
    })
    const received: Array<{ key: OrderKey | null; value: Order | null }> = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key, value: message.value })
      },
    })
    await waitFor(() => received.length >= orders.length, 'all orders')
    await consumer.stop()
    expect(received).toEqual(orders.map((order) => ({ key: { id: order.id }, value: order })))
    const second = received[1]!.value!
    expect(second.placedAt).toBeInstanceOf(Date)
    expect(Buffer.isBuffer(second.checksum) && Buffer.isBuffer(second.raw)).toBe(true)
    expect(second.total).toBe('-1234567890.12')
    expect(second.lines[1]!.unitPrice).toBe('-0.0001')
  })

  it('names subjects after the record with the record-name and topic-record-name strategies', async () => {
    const topic = uniqueName('avro-strategy')
    const order = sampleOrders()[0]!
    const byRecord = serdes.avro({ registry, schema: orderSchema, subjectStrategy: 'record-name' })
    const byTopicRecord = serdes.avro({ registry, schema: orderSchema, subjectStrategy: 'topic-record-name' })
    const bytes = await byRecord.serialize(order, { topic, field: 'value' })
    await byTopicRecord.serialize(order, { topic, field: 'value' })
    const subjects = await registry.listSubjects()
    expect(subjects).toContain('com.acme.orders.Order')
    expect(subjects).toContain(`${topic}-com.acme.orders.Order`)
    expect(subjects).not.toContain(`${topic}-value`)
    // A reader with the same strategy decodes it.
    expect(
      await serdes
        .avro<Order>({ registry, subjectStrategy: 'record-name' })
        .deserialize(bytes, { topic, field: 'value', partition: 0, offset: '0' }),
    ).toEqual(order)
  })

  it('a record that does not match the schema fails its own send only', async () => {
    const topic = uniqueName('avro-invalid')
    await createTopic(topic)
    const producer = newProducer({ value: serdes.avro({ registry, schema: orderSchema }) })
    await producer.connect()
    const [good1, good2] = sampleOrders()
    const bad = { ...good1!, total: '12.345' } // three fraction digits for a scale-2 decimal
    const results = await Promise.allSettled([
      producer.send({ topic, value: good1! }),
      producer.send({ topic, value: bad }),
      producer.send({ topic, value: good2! }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const error = (results[1] as PromiseRejectedResult).reason as AvroSerializationError
    expect(error).toBeInstanceOf(AvroSerializationError)
    expect(error.reason).toBe(AvroErrorReason.INVALID_RECORD)
    expect(error.topic).toBe(topic)
    expect(error.subject).toBe(`${topic}-value`)
    expect(error.message).toMatch(/total/)
    expect(await readAll(topic, 2)).toHaveLength(2)
  })

  describe("undecodable records take the consumer's error policy", () => {
    // Offsets: 0 good, 1 JSON (no magic byte), 2 unknown schema id, 3 good.
    async function poisonedTopic(): Promise<{ topic: string; orders: Order[] }> {
      const topic = uniqueName('avro-poison')
      await createTopic(topic)
      const orders = sampleOrders().slice(0, 2)
      const value = serdes.avro({ registry, schema: orderSchema })
      const encode = (order: Order) => value.serialize(order, { topic, field: 'value' })
      await produceRaw(topic, [
        { value: await encode(orders[0]!) },
        { value: '{"id":"not avro"}' },
        { value: Buffer.concat([Buffer.from([0, 0x3b, 0x9a, 0xca, 0x00]), (await encode(orders[1]!)).subarray(5)]) },
        { value: await encode(orders[1]!) },
      ])
      return { topic, orders }
    }

    it("'skip': the good records are handled, each bad one reported with its reason and offset", async () => {
      const { topic, orders } = await poisonedTopic()
      const consumer = await newConsumer(topic, { value: serdes.avro<Order>({ registry }) })
      const errors: KafkaError[] = []
      consumer.on('error', (error) => errors.push(error))
      const seen: Order[] = []
      await consumer.run({
        retry: { retries: 0 },
        errorPolicy: 'skip',
        eachMessage: async ({ message }) => {
          seen.push(message.value!)
        },
      })
      await waitFor(() => seen.length >= 2, 'the two good orders')
      await consumer.stop()
      expect(seen).toEqual(orders)
      const avroErrors = errors.filter((e): e is AvroSerializationError => e instanceof AvroSerializationError)
      expect(avroErrors.map((e) => [e.reason, e.topic, e.partition, e.offset])).toEqual([
        [AvroErrorReason.NOT_WIRE_FORMAT, topic, 0, '1'],
        [AvroErrorReason.UNKNOWN_SCHEMA_ID, topic, 0, '2'],
      ])
      expect(avroErrors[1]!.schemaId).toBe(1_000_000_000)
    })

    it("'stop': stopped() rejects with the serialization error of the first bad record", async () => {
      const { topic } = await poisonedTopic()
      const consumer = await newConsumer(topic, { value: serdes.avro<Order>({ registry }) })
      const seen: string[] = []
      await consumer.run({
        retry: { retries: 0 },
        eachMessage: async ({ message }) => {
          seen.push(message.offset)
        },
      })
      const error = await consumer.stopped().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SerializationError)
      expect((error as AvroSerializationError).reason).toBe(AvroErrorReason.NOT_WIRE_FORMAT)
      expect((error as AvroSerializationError).offset).toBe('1')
      expect(seen).toEqual(['0'])
    })

    it("'deadLetter': the bad records go to the dead-letter topic as they were, with the error", async () => {
      const { topic, orders } = await poisonedTopic()
      const deadLetterTopic = uniqueName('avro-dlq')
      await createTopic(deadLetterTopic)
      const consumer = await newConsumer(topic, { value: serdes.avro<Order>({ registry }) })
      const seen: Order[] = []
      await consumer.run({
        retry: { retries: 0 },
        errorPolicy: { deadLetter: { topic: deadLetterTopic } },
        eachMessage: async ({ message }) => {
          seen.push(message.value!)
        },
      })
      await waitFor(() => seen.length >= 2, 'the two good orders')
      const dead = await readAll(deadLetterTopic, 2)
      await consumer.stop()
      expect(seen).toEqual(orders)
      expect(dead.map((r) => r.headers[DEAD_LETTER_HEADERS.originalOffset]!.toString())).toEqual(['1', '2'])
      expect(dead[0]!.value!.toString()).toBe('{"id":"not avro"}')
      expect(dead.every((r) => r.headers[DEAD_LETTER_HEADERS.errorCode]!.toString() === 'ERR_SERIALIZATION')).toBe(true)
      expect(dead[1]!.headers[DEAD_LETTER_HEADERS.errorMessage]!.toString()).toMatch(/schema id 1000000000 .*unknown/)
    })
  })
})
