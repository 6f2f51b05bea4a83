// Type-level tests of the Protobuf, JSON Schema and validated JSON serdes: checked by `tsc -p tsconfig.json --noEmit`.
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import { create } from '@bufbuild/protobuf'
import { Producer } from '../../src/producer/index.js'
import { SchemaRegistry } from '../../src/registry/index.js'
import { type Serde, serdes } from '../../src/serde/index.js'
import type { TypedJsonSchema } from '../../src/serde/json-schema.js'
import { type Order, OrderSchema } from '../fixtures/protobuf/orders.js'

interface Payment {
  id: string
  cents: number
}
declare const paymentSchema: TypedJsonSchema<Payment>

export async function typeTests(): Promise<void> {
  const registry = new SchemaRegistry({ url: 'http://localhost:8080/apis/ccompat/v7' })

  // The message type flows from the generated ...Schema constant.
  const orderSerde = serdes.protobuf({ registry, schema: OrderSchema })
  const typedOrder: Serde<Order> = orderSerde
  void typedOrder
  const producer = new Producer({ brokers: 'localhost:9092', value: orderSerde })
  await producer.send({ topic: 'orders', value: create(OrderSchema, { id: 'o-1', cents: 1n }) })
  // @ts-expect-error a plain object is not a protobuf-es message (no $typeName)
  await producer.send({ topic: 'orders', value: { id: 'o-1', cents: 1n } })
  // @ts-expect-error int64 fields are bigints
  await producer.send({ topic: 'orders', value: { ...create(OrderSchema), cents: 1 } })

  // A TypedJsonSchema types the JSON Schema serde.
  const payments = new Producer({
    brokers: 'localhost:9092',
    value: serdes.jsonSchema({ registry, schema: paymentSchema }),
  })
  await payments.send({ topic: 'payments', value: { id: 'p-1', cents: 5 } })
  // @ts-expect-error cents is a number
  await payments.send({ topic: 'payments', value: { id: 'p-1', cents: '5' } })
  // @ts-expect-error unknown option
  serdes.jsonSchema({ registry, schema: paymentSchema, validateOnWrite: true })
  // @ts-expect-error TLS options are typed
  void new SchemaRegistry({ url: 'https://registry:8081', tls: { ca: 5 } })

  // A type guard types serdes.json.
  const isPayment = (value: unknown): value is Payment => typeof (value as Payment | null)?.id === 'string'
  const validated: Serde<Payment> = serdes.json({ validate: isPayment })
  void validated
  const withSchema: Serde<Payment> = serdes.json<Payment>({ validate: { type: 'object' } })
  void withSchema
}
