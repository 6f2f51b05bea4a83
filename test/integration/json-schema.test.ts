// JSON Schema records through the real Apicurio registry (Confluent-compatible API) and the real broker, with
// kafkit's Producer and Consumer: round trip, wire format, validation on both sides, schema evolution under the
// subject's compatibility level.
import { afterAll, describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import type { KafkaError } from '../../src/errors/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import type { JsonSchemaObject, TypedJsonSchema } from '../../src/serde/json-schema.js'
import { SchemaSerdeErrorReason, SchemaSerializationError } from '../../src/serde/registry-serde-errors.js'
import type { Serde } from '../../src/serde/types.js'
import { testRegistry } from './helpers/avro.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { produceRaw } from './helpers/raw-produce.js'

interface Payment {
  id: string
  cents: number
}
interface PaymentV2 extends Payment {
  note?: string
}

// Closed content models (additionalProperties: false): adding an optional property is then a backward-compatible
// change for JSON Schema compatibility checkers.
const paymentV1: TypedJsonSchema<Payment> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Payment',
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer' } },
  required: ['id', 'cents'],
  additionalProperties: false,
}
const paymentV2: TypedJsonSchema<PaymentV2> = {
  ...paymentV1,
  properties: { id: { type: 'string' }, cents: { type: 'integer' }, note: { type: 'string' } },
}
const paymentBroken: TypedJsonSchema<{ id: string; cents: string }> = {
  ...(paymentV1 as JsonSchemaObject),
  properties: { id: { type: 'string' }, cents: { type: 'string' } },
}

const registry = testRegistry()
const closers: Array<() => Promise<unknown>> = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await registry.close()
})

async function newProducer<V>(value: Serde<V>) {
  const producer = new Producer({ brokers: brokers(), value })
  closers.push(() => producer.disconnect())
  await producer.connect()
  return producer
}

async function newConsumer<V>(topic: string, value: Serde<V>) {
  const consumer = new Consumer({
    brokers: brokers(),
    groupId: uniqueName('json-schema-group'),
    fromBeginning: true,
    value,
  })
  closers.push(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  return consumer
}

async function sendError(send: Promise<unknown>): Promise<SchemaSerializationError> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SchemaSerializationError)
  return error as SchemaSerializationError
}

describe('JSON Schema through the schema registry and the broker', () => {
  it('round-trips typed values; the bytes are magic byte 0, the registered id, then the JSON text', async () => {
    const topic = uniqueName('json-schema-payments')
    await createTopic(topic)
    const payments: Payment[] = [
      { id: 'p-1', cents: 4200 },
      { id: 'p-2', cents: 0 },
    ]
    const producer = await newProducer(serdes.jsonSchema({ registry, schema: paymentV1 }))
    for (const payment of payments) await producer.send({ topic, value: payment })

    const latest = await registry.getLatest({ subject: `${topic}-value` })
    expect(latest.schemaType).toBe('JSON')
    expect(JSON.parse(latest.schema)).toEqual(paymentV1)
    const raw = await readAll(topic, payments.length)
    expect(
      raw.map((record) => [
        record.value![0],
        record.value!.readInt32BE(1),
        JSON.parse(record.value!.subarray(5).toString()) as unknown,
      ]),
    ).toEqual(payments.map((payment) => [0, latest.id, payment]))

    const consumer = await newConsumer(topic, serdes.jsonSchema<Payment>({ registry }))
    const seen: Payment[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= payments.length, 'the payments')
    expect(seen).toEqual(payments)
  })

  it('a value that does not validate is refused with INVALID_RECORD saying where, never quoting it', async () => {
    const topic = uniqueName('json-schema-invalid')
    await createTopic(topic)
    const producer = await newProducer(serdes.jsonSchema({ registry, schema: paymentV1 }))
    const error = await sendError(
      producer.send({ topic, value: { id: 'secret-card-1234', cents: 'lots' as unknown as number } }),
    )
    expect(error.reason).toBe(SchemaSerdeErrorReason.INVALID_RECORD)
    expect(error.format).toBe('JSON')
    expect(error.message).toMatch(/at \/cents: must be integer/)
    expect(error.message).not.toContain('secret-card-1234')
    expect(error.message).not.toContain('lots')
  })

  it('a record read that does not validate against its writer schema takes the error policy (DECODE_FAILED)', async () => {
    const topic = uniqueName('json-schema-poison')
    await createTopic(topic)
    const { id } = await registry.register({ subject: `${topic}-value`, schema: paymentV1, schemaType: 'JSON' })
    const header = Buffer.alloc(5)
    header.writeInt32BE(id, 1)
    await produceRaw(topic, [
      { value: Buffer.concat([header, Buffer.from('{"id":"p-1","cents":1}')]) },
      { value: Buffer.concat([header, Buffer.from('{"id":"p-2","cents":"two"}')]) },
      { value: Buffer.concat([header, Buffer.from('{"id":"p-3","cents":3}')]) },
    ])
    const consumer = await newConsumer(topic, serdes.jsonSchema<Payment>({ registry }))
    const errors: KafkaError[] = []
    consumer.on('error', (error) => errors.push(error))
    const seen: string[] = []
    await consumer.run({
      retry: { retries: 0 },
      errorPolicy: 'skip',
      eachMessage: async ({ message }) => {
        seen.push(message.value!.id)
      },
    })
    await waitFor(() => seen.length >= 2, 'the two valid payments')
    await consumer.stop()
    expect(seen).toEqual(['p-1', 'p-3'])
    const serdeErrors = errors.filter((e): e is SchemaSerializationError => e instanceof SchemaSerializationError)
    expect(serdeErrors.map((e) => [e.reason, e.offset])).toEqual([[SchemaSerdeErrorReason.DECODE_FAILED, '1']])
  })

  it('evolution: a compatible version is accepted, an incompatible one refused with INCOMPATIBLE_SCHEMA', async () => {
    const topic = uniqueName('json-schema-evolution')
    const subject = `${topic}-value`
    await createTopic(topic)
    await registry.setCompatibility({ subject, level: 'BACKWARD' })
    const v1 = await newProducer(serdes.jsonSchema({ registry, schema: paymentV1 }))
    await v1.send({ topic, value: { id: 'p-1', cents: 1 } })
    const v2 = await newProducer(serdes.jsonSchema({ registry, schema: paymentV2 }))
    await v2.send({ topic, value: { id: 'p-2', cents: 2, note: 'refund' } })
    expect(await registry.listVersions({ subject })).toEqual([1, 2])

    const broken = await newProducer(serdes.jsonSchema({ registry, schema: paymentBroken }))
    const error = await sendError(broken.send({ topic, value: { id: 'p-3', cents: 'three' } }))
    expect(error.reason).toBe(SchemaSerdeErrorReason.INCOMPATIBLE_SCHEMA)
    expect(error.subject).toBe(subject)
    expect(await registry.listVersions({ subject })).toEqual([1, 2])

    const consumer = await newConsumer(topic, serdes.jsonSchema<PaymentV2>({ registry }))
    const seen: PaymentV2[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= 2, 'both versions')
    expect(seen).toEqual([
      { id: 'p-1', cents: 1 },
      { id: 'p-2', cents: 2, note: 'refund' },
    ])
  })

  it('record-name: the subject is the schema title', async () => {
    const topic = uniqueName('json-schema-record-name')
    await createTopic(topic)
    const title = `Payment${uniqueName('').slice(1)}`
    const producer = await newProducer(
      serdes.jsonSchema<Payment>({ registry, schema: { ...paymentV1, title }, subjectStrategy: 'record-name' }),
    )
    await producer.send({ topic, value: { id: 'p-1', cents: 1 } })
    expect((await registry.getLatest({ subject: title })).schemaType).toBe('JSON')
  })
})
