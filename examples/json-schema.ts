// JSON records validated by a JSON Schema kept in a Schema Registry, and schema evolution under BACKWARD.
// Run: KAFKA_BROKERS=localhost:9092 SCHEMA_REGISTRY_URL=http://localhost:8080 npx tsx examples/json-schema.ts
//   (or CONFLUENT_SCHEMA_REGISTRY_URL=http://localhost:8081 for a Confluent registry)
// Needs the optional peer dependency: npm install @confluentinc/schemaregistry
import {
  Consumer,
  Producer,
  SchemaRegistry,
  SchemaSerdeErrorReason,
  SchemaSerializationError,
  serdes,
  type TypedJsonSchema,
} from 'kafkit'

interface Payment {
  id: string
  cents: number
  note?: string
}

// additionalProperties: false (a closed content model) lets a later version add optional properties compatibly.
const paymentV1: TypedJsonSchema<Payment> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Payment',
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer', minimum: 0 } },
  required: ['id', 'cents'],
  additionalProperties: false,
}
const paymentV2: TypedJsonSchema<Payment> = {
  ...paymentV1,
  properties: { ...(paymentV1.properties as object), note: { type: 'string' } },
}

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const url =
  process.env.CONFLUENT_SCHEMA_REGISTRY_URL ??
  `${process.env.SCHEMA_REGISTRY_URL ?? 'http://localhost:8080'}/apis/ccompat/v7`
const registry = new SchemaRegistry({ url })
const topic = `example-json-schema-payments-${Date.now()}`
await registry.setCompatibility({ subject: `${topic}-value`, level: 'BACKWARD' })

// A Producer<Buffer | string, Payment>: the type comes from the TypedJsonSchema.
const v1 = new Producer({ brokers, value: serdes.jsonSchema({ registry, schema: paymentV1 }) })
await v1.connect()
await v1.send({ topic, value: { id: 'p-1', cents: 1250 } })
// Values are validated before they are sent: this one fails its own send, saying where (never quoting the value).
try {
  await v1.send({ topic, value: { id: 'p-bad', cents: -5 } })
  throw new Error('a negative amount should have been refused')
} catch (error) {
  if (!(error instanceof SchemaSerializationError) || error.reason !== SchemaSerdeErrorReason.INVALID_RECORD)
    throw error
  console.log(`refused as expected: ${error.message}`)
}
await v1.disconnect()

// Version 2 adds an optional property: compatible, so the registry stores it as a new version.
const v2 = new Producer({ brokers, value: serdes.jsonSchema({ registry, schema: paymentV2 }) })
await v2.connect()
await v2.send({ topic, value: { id: 'p-2', cents: 990, note: 'refund' } })
await v2.disconnect()
console.log(`versions of ${topic}-value: ${(await registry.listVersions({ subject: `${topic}-value` })).join(', ')}`)

// The consumer reads each record with its writer schema (found by the id in its header) and validates it.
const consumer = new Consumer({
  brokers,
  groupId: `${topic}-group`,
  fromBeginning: true,
  value: serdes.jsonSchema<Payment>({ registry }),
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
const received: Payment[] = []
await consumer.run({
  eachMessage: async ({ message }) => {
    received.push(message.value!)
  },
})
const deadline = Date.now() + 30_000
while (received.length < 2) {
  if (Date.now() > deadline) throw new Error(`received ${received.length} of 2 payments`)
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await consumer.disconnect()
await registry.close()
for (const payment of received)
  console.log(`${payment.id}: ${payment.cents} cents${payment.note ? ` (${payment.note})` : ''}`)
