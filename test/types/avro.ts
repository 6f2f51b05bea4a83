// Type-level tests of the Avro serde and the generated types: checked by `tsc -p tsconfig.json --noEmit`.
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { SchemaRegistry } from '../../src/registry/index.js'
import { type Serde, serdes } from '../../src/serde/index.js'
import type { TypedAvroSchema } from '../../src/serde/avro-schema.js'
import { type Address, addressSchema, type Order, orderSchema, Status } from '../fixtures/avro/generated/index.js'

declare const order: Order

export async function typeTests(): Promise<void> {
  const registry = new SchemaRegistry({ url: 'http://localhost:8080/apis/ccompat/v7' })

  // The value type flows from the generated schema constant: no type argument needed.
  const orderSerde = serdes.avro({ registry, schema: orderSchema })
  const typed: Serde<Order> = orderSerde
  void typed
  // ...and on into the producer: Producer<string, Order>.
  const producer = new Producer({ brokers: 'localhost:9092', key: serdes.string(), value: orderSerde })
  await producer.send({ topic: 'orders', key: order.id, value: order })
  // @ts-expect-error a record missing fields is not an Order
  await producer.send({ topic: 'orders', key: 'k', value: { id: 'x' } })
  // @ts-expect-error logical types have their JavaScript types: placedAt is a Date
  await producer.send({ topic: 'orders', key: 'k', value: { ...order, placedAt: 1700000000000 } })
  // @ts-expect-error enums are unions of their symbols
  await producer.send({ topic: 'orders', key: 'k', value: { ...order, status: 'LOST' } })
  await producer.send({ topic: 'orders', key: 'k', value: { ...order, status: Status.SHIPPED, note: 42 } })

  // A consumer of Orders: a reader schema and the writer-schema-only form both give Order.
  const consumer = new Consumer({
    brokers: 'localhost:9092',
    groupId: 'g',
    value: serdes.avro({ registry, readerSchema: orderSchema }),
  })
  await consumer.run({
    eachMessage: async ({ message }) => {
      const placed: Date | undefined = message.value?.placedAt
      void placed
      // @ts-expect-error decimals are strings, not numbers
      const total: number | undefined = message.value?.total
      void total
    },
  })
  const byId: Serde<Order> = serdes.avro<Order>({ registry })
  void byId

  // @ts-expect-error an explicit type argument must match the typed schema
  serdes.avro<Address>({ registry, schema: orderSchema })
  // @ts-expect-error writer and reader schemas of different types do not make one serde
  serdes.avro({ registry, schema: addressSchema, readerSchema: orderSchema })
  // Untyped schemas (plain JSON) are accepted, typed by the type argument.
  const plain: Serde<{ a: number }> = serdes.avro<{ a: number }>({
    registry,
    schema: { type: 'record', name: 'A', fields: [{ name: 'a', type: 'int' }] },
  })
  void plain
  const typedByHand: TypedAvroSchema<{ a: number }> = {
    type: 'record',
    name: 'A',
    fields: [{ name: 'a', type: 'int' }],
  }
  serdes.avro({ registry, schema: typedByHand }) satisfies Serde<{ a: number }>

  // @ts-expect-error subject strategies are a closed set (or a function)
  serdes.avro({ registry, subjectStrategy: 'record' })
  serdes.avro({ registry, subjectStrategy: ({ topic, field }) => `${topic}.${field}` })
  // @ts-expect-error options are checked: a misspelled option does not compile
  serdes.avro({ registry, autoRegistr: false })
  // @ts-expect-error the registry option is a SchemaRegistry, not a URL
  serdes.avro({ registry: 'http://localhost:8080' })
}
