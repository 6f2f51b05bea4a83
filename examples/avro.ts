// Avro records through a Schema Registry, typed by code generated from examples/avro/order.avsc:
//   npx kafkit avro-types examples/avro/order.avsc --out examples/avro/generated --no-index
// Run: KAFKA_BROKERS=localhost:9092 SCHEMA_REGISTRY_URL=http://localhost:8080 npx tsx examples/avro.ts
//   (or CONFLUENT_SCHEMA_REGISTRY_URL=http://localhost:8081 for a Confluent registry)
import { randomUUID } from 'node:crypto'
import { AvroErrorReason, AvroSerializationError, Consumer, Producer, SchemaRegistry, serdes } from 'kafkit'
import { type Order, OrderStatus, orderSchema } from './avro/generated/order.js'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
// SCHEMA_REGISTRY_URL is an Apicurio registry's base URL, as `npm run cluster` prints it: its Confluent-compatible
// API is under /apis/ccompat/v7. For a Confluent Schema Registry, set CONFLUENT_SCHEMA_REGISTRY_URL to its URL instead.
const url =
  process.env.CONFLUENT_SCHEMA_REGISTRY_URL ??
  `${process.env.SCHEMA_REGISTRY_URL ?? 'http://localhost:8080'}/apis/ccompat/v7`
const registry = new SchemaRegistry({ url })
const topic = `example-avro-orders-${Date.now()}`

// Evolution is the registry's to police: under BACKWARD it refuses a new version whose readers could not read the
// records already written.
await registry.setCompatibility({ subject: `${topic}-value`, level: 'BACKWARD' })

// The serde's type comes from the generated schema constant: this producer is a Producer<string, Order>.
const producer = new Producer({ brokers, key: serdes.string(), value: serdes.avro({ registry, schema: orderSchema }) })
await producer.connect()

const orders: Order[] = [1, 2, 3].map((n) => ({
  id: randomUUID(),
  placedAt: new Date(),
  customer: `customer-${n}`,
  total: `${n * 10}.99`, // decimals are strings: no floating-point rounding
  status: OrderStatus.PLACED,
  lines: [{ sku: `sku-${n}`, quantity: n }],
  note: n === 2 ? 'gift wrap' : null,
}))
for (const order of orders) await producer.send({ topic, key: order.id, value: order })
console.log(`sent ${orders.length} orders; schema id ${(await registry.getLatest({ subject: `${topic}-value` })).id}`)

// A record that does not match the schema fails its own send, with a typed error; other sends are unaffected.
try {
  await producer.send({ topic, key: 'bad', value: { ...orders[0]!, total: '1.999' } })
  throw new Error('a total with three decimals should have been refused')
} catch (error) {
  if (!(error instanceof AvroSerializationError) || error.reason !== AvroErrorReason.INVALID_RECORD) throw error
  console.log(`refused as expected: ${error.reason} (${error.subject})`)
}
await producer.disconnect()

// The consumer needs no schema: each record names its writer schema by id. A `readerSchema` would resolve every
// record into one version (schema evolution); here the writer's schema is the latest anyway.
const consumer = new Consumer({
  brokers,
  groupId: `example-avro-${Date.now()}`,
  fromBeginning: true,
  key: serdes.string(),
  value: serdes.avro<Order>({ registry }),
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
const received: Order[] = []
await consumer.run({
  eachMessage: async ({ message }) => {
    const order = message.value!
    received.push(order)
    console.log(`${order.customer}: ${order.total} placed ${order.placedAt.toISOString()} (${order.lines.length} line)`)
  },
})
const deadline = Date.now() + 60_000
while (received.length < orders.length) {
  if (Date.now() > deadline) throw new Error(`received ${received.length} of ${orders.length} orders`)
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await consumer.disconnect()
await registry.close()
if (received.some((order, i) => order.total !== orders[i]!.total || !(order.placedAt instanceof Date))) {
  throw new Error('orders did not round-trip')
}
console.log('all orders round-tripped')
