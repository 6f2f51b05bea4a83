// Protobuf records through a Schema Registry, typed by the code protoc-gen-es generates from
// examples/protobuf/order.proto (examples/protobuf/gen/order_pb.ts).
// Run: KAFKA_BROKERS=localhost:9092 SCHEMA_REGISTRY_URL=http://localhost:8080 npx tsx examples/protobuf.ts
//   (or CONFLUENT_SCHEMA_REGISTRY_URL=http://localhost:8081 for a Confluent registry)
// Needs the optional peer dependency: npm install @confluentinc/schemaregistry (it brings @bufbuild/protobuf).
import { create } from '@bufbuild/protobuf'
import { Consumer, Producer, SchemaRegistry, SchemaSerdeErrorReason, SchemaSerializationError, serdes } from 'kafkit'
import { type Order, OrderSchema } from './protobuf/gen/order_pb.js'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
// An Apicurio registry's Confluent-compatible API is under /apis/ccompat/v7; a Confluent URL is used as is.
const url =
  process.env.CONFLUENT_SCHEMA_REGISTRY_URL ??
  `${process.env.SCHEMA_REGISTRY_URL ?? 'http://localhost:8080'}/apis/ccompat/v7`
const registry = new SchemaRegistry({ url })
const topic = `example-protobuf-orders-${Date.now()}`
await registry.setCompatibility({ subject: `${topic}-value`, level: 'BACKWARD' })

// The serde's type comes from the generated OrderSchema: this producer is a Producer<string, Order>.
const producer = new Producer({
  brokers,
  key: serdes.string(),
  value: serdes.protobuf({ registry, schema: OrderSchema }),
})
await producer.connect()
const orders = [1, 2, 3].map((n) =>
  create(OrderSchema, { id: `order-${n}`, customer: `customer-${n}`, totalCents: BigInt(n * 1099), gift: n === 2 }),
)
for (const order of orders) await producer.send({ topic, key: order.id, value: order })
console.log(`sent ${orders.length} orders; schema id ${(await registry.getLatest({ subject: `${topic}-value` })).id}`)

// Values must be messages made with create(): a plain object is refused with a typed error, its own send only.
try {
  await producer.send({ topic, key: 'bad', value: { id: 'bad' } as unknown as Order })
  throw new Error('a plain object should have been refused')
} catch (error) {
  if (!(error instanceof SchemaSerializationError) || error.reason !== SchemaSerdeErrorReason.INVALID_RECORD)
    throw error
  console.log(`refused as expected: ${error.reason}`)
}
await producer.disconnect()

// The consumer decodes with the writer's schema, found by the id in each record's header.
const consumer = new Consumer({
  brokers,
  groupId: `${topic}-group`,
  fromBeginning: true,
  key: serdes.string(),
  value: serdes.protobuf({ registry, schema: OrderSchema }),
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
const received: Order[] = []
await consumer.run({
  eachMessage: async ({ message }) => {
    received.push(message.value!)
  },
})
const deadline = Date.now() + 30_000
while (received.length < orders.length) {
  if (Date.now() > deadline) throw new Error(`received ${received.length} of ${orders.length} orders`)
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await consumer.disconnect()
await registry.close()
for (const order of received)
  console.log(`${order.id}: ${order.customer}, ${order.totalCents} cents${order.gift ? ' (gift)' : ''}`)
