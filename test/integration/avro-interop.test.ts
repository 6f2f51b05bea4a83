// Wire-format interop. The golden vector test/fixtures/avro/golden/payment.bin was written by Python's fastavro
// (an encoder independent of kafkit and avsc; see make_golden.py there). Python is not needed to run this test.
import avro from 'avsc'
import { afterAll, describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import type { TypedAvroSchema } from '../../src/serde/avro-schema.js'
import { fixtureBytes, fixtureSchema, registryUrl, testRegistry } from './helpers/avro.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { produceRaw } from './helpers/raw-produce.js'

interface Payment {
  id: string
  amount: string
  at: Date
  day: string
  kind: 'CARD' | 'TRANSFER' | 'CASH'
  tags: string[]
  meta: Record<string, number>
  note: string | null
  blob: Buffer
  hash: Buffer
  rate: number
  count: number
  big: number
  ok: boolean
  payer: { name: string; country: string | null }
}

const paymentSchema = fixtureSchema('golden/payment.avsc') as TypedAvroSchema<Payment>
const golden = fixtureBytes('golden/payment.bin')

/** make_golden.py's DATUM in kafkit's JavaScript mapping of Avro. */
const payment: Payment = {
  id: '3f0e8c2a-9b1d-4c7e-8a5f-0123456789ab',
  amount: '12345.67',
  at: new Date('2024-02-29T13:45:30.123Z'),
  day: '2024-02-29',
  kind: 'TRANSFER',
  tags: ['a', 'bé', 'c'],
  meta: { retries: 3 },
  note: 'héllo wörld',
  blob: Buffer.from([0, 1, 2, 253, 254, 255]),
  hash: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
  rate: 0.125,
  count: -42,
  big: 1234567890123456,
  ok: true,
  payer: { name: 'Zoë', country: null },
}

const registry = testRegistry()
const closers: Array<() => Promise<unknown>> = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await registry.close()
})

describe('Avro wire-format interop', () => {
  it('kafkit writes what fastavro writes, and a plain avsc + schema-id reader decodes it', async () => {
    const topic = uniqueName('avro-interop-out')
    await createTopic(topic)
    const producer = new Producer({ brokers: brokers(), value: serdes.avro({ registry, schema: paymentSchema }) })
    closers.push(() => producer.disconnect())
    await producer.connect()
    await producer.send({ topic, value: payment })
    const [record] = await readAll(topic, 1)
    const bytes = record!.value!

    // Confluent's framing, then exactly fastavro's bytes for the same datum.
    expect(bytes[0]).toBe(0)
    const id = bytes.readInt32BE(1)
    expect(bytes.subarray(5).toString('hex')).toBe(golden.toString('hex'))

    // An independent reader: the registry's REST API over fetch, and avsc without kafkit's logical types.
    const response = await fetch(`${registryUrl()}/schemas/ids/${id}`)
    expect(response.status).toBe(200)
    const { schema } = (await response.json()) as { schema: string }
    const plain = avro.Type.forSchema(JSON.parse(schema) as avro.Schema).fromBuffer(bytes.subarray(5)) as Record<
      string,
      unknown
    >
    expect(plain).toMatchObject({
      id: payment.id,
      amount: Buffer.from('12d687', 'hex'), // 1234567 unscaled, scale 2
      at: Date.UTC(2024, 1, 29, 13, 45, 30, 123),
      day: 19782, // days from 1970-01-01 to 2024-02-29
      kind: 'TRANSFER',
      meta: { retries: 3 },
      big: 1234567890123456,
    })
  })

  it("kafkit reads fastavro's bytes framed with the id the registry gave the schema", async () => {
    const topic = uniqueName('avro-interop-in')
    await createTopic(topic)
    const { id } = await registry.register({ subject: `${topic}-value`, schema: paymentSchema })
    const header = Buffer.alloc(5)
    header.writeInt32BE(id, 1)
    await produceRaw(topic, [{ value: Buffer.concat([header, golden]) }])

    const consumer = new Consumer({
      brokers: brokers(),
      groupId: uniqueName('avro-interop'),
      fromBeginning: true,
      value: serdes.avro<Payment>({ registry }),
    })
    closers.push(() => consumer.disconnect())
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const values: Payment[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!)
      },
    })
    await waitFor(() => values.length >= 1, 'the golden record')
    await consumer.stop()
    expect(values).toEqual([payment])
  })
})
