// Type-level tests of the Processor and EventRouter APIs: checked by `tsc -p tsconfig.json --noEmit`.
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import { EventRouter, Processor } from '../../src/patterns/index.js'
import { serdes } from '../../src/serde/index.js'

interface Order {
  id: string
  amount: number
}
interface Enriched {
  id: string
  amount: number
  vat: number
}
type OrderEvent =
  { type: 'OrderPlaced'; id: string; amount: number } | { type: 'OrderCancelled'; id: string; reason: string }

export function processorTypes(): void {
  new Processor({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { orders: { key: serdes.string(), value: serdes.json<Order>() } },
    output: { 'orders.enriched': { key: serdes.string(), value: serdes.json<Enriched>() } },
    handle: (message, ctx) => {
      const key: string | null = message.key
      const amount: number | undefined = message.value?.amount
      void key
      void amount
      if (message.value === null) return
      ctx.send({ topic: 'orders.enriched', key: message.key, value: { ...message.value, vat: 0.2 } })
      // @ts-expect-error the output value must be an Enriched
      ctx.send({ topic: 'orders.enriched', key: message.key, value: message.value })
      // @ts-expect-error not an output topic
      ctx.send({ topic: 'orders', key: message.key, value: message.value })
    },
  })
  new Processor({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { orders: { value: serdes.json<Order>() } },
    output: { out: {} },
    handle: () => undefined,
    // @ts-expect-error misspelled option
    maxBatchSise: 10,
  })
  new Processor({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { orders: {} },
    output: { out: {} },
    handle: () => undefined,
    consumer: { fetchBatchSize: 500, rdkafka: { 'client.rack': 'r1' } },
    producer: { compression: 'zstd', lingerMs: 10 },
  })
  new Processor({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { orders: {} },
    output: { out: {} },
    handle: () => undefined,
    // @ts-expect-error the group is the processor's own
    consumer: { groupId: 'other' },
    // @ts-expect-error idempotence is the processor's own
    producer: { idempotent: false },
  })
}

export function routerTypes(): void {
  const router = new EventRouter({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { orders: { key: serdes.string(), value: serdes.json<OrderEvent>() } },
    output: { payments: { key: serdes.string(), value: serdes.json<{ orderId: string; charged: number }>() } },
    eventType: { field: 'type' },
  })
  router.on('OrderPlaced', (event, ctx) => {
    // Narrowed to the OrderPlaced member: amount exists.
    const amount: number = event.value.amount
    ctx.send({ topic: 'payments', key: event.key, value: { orderId: event.value.id, charged: amount } })
  })
  router.on('OrderCancelled', (event) => {
    const reason: string = event.value.reason
    void reason
    // @ts-expect-error OrderCancelled has no amount
    void event.value.amount
  })
  // @ts-expect-error not an event type of the input values
  router.on('OrderShipped', () => undefined)

  const byHeader = new EventRouter({
    brokers: 'localhost:9092',
    groupId: 'g',
    transactionalId: 't',
    input: { payments: { value: serdes.json<{ orderId: string }>() } },
    output: { status: { value: serdes.string() } },
  })
  // Header-typed events: any type name, the value keeps its topic's type.
  byHeader.on('PaymentCharged', (event, ctx) => {
    const id: string | undefined = event.value?.orderId
    ctx.emit('OrderConfirmed', { topic: 'status', value: id ?? '' })
  })
}
