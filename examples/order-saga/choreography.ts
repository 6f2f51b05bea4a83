// The same order flow as choreography: no mediator; each service reacts to the others' events with an
// EventRouter (type in the `event-type` header), each reaction exactly once. Services run in one process here for
// brevity; each router would be its own service in production.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/order-saga/choreography.ts
import { Admin, Consumer, EventRouter, Producer, serdes } from 'kafkit'
import { declined, outOfStock } from './topology.js'

interface OrderEvent {
  orderId: number
  amount: number
}

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const run = Date.now()
const t = { orders: `chor-${run}.orders`, payments: `chor-${run}.payments`, inventory: `chor-${run}.inventory` }
const orders = 50
const json = { key: serdes.string(), value: serdes.json<OrderEvent>() }
const common = (service: string) => ({
  brokers,
  groupId: `chor-${run}-${service}`,
  transactionalId: `chor-${run}-${service}-1`,
  fromBeginning: true,
  unknownEvents: 'skip' as const,
})

const admin = new Admin({ brokers })
await admin.connect()
await admin.createTopics(Object.values(t).map((topic) => ({ topic, partitions: 3 })))
await admin.disconnect()

// Payment: charges placed orders, refunds when inventory reports no stock.
const payment = new EventRouter({
  ...common('payment'),
  input: { [t.orders]: json, [t.inventory]: json },
  output: { [t.payments]: json },
})
payment
  .on('OrderPlaced', (event, ctx) => {
    const order = event.value as OrderEvent
    ctx.emit(declined(order.orderId) ? 'PaymentDeclined' : 'PaymentCharged', {
      topic: t.payments,
      key: event.key,
      value: order,
    })
  })
  .on('OutOfStock', (event, ctx) =>
    ctx.emit('PaymentRefunded', { topic: t.payments, key: event.key, value: event.value }),
  )

// Inventory: reserves stock for charged orders.
const inventory = new EventRouter({
  ...common('inventory'),
  input: { [t.payments]: json },
  output: { [t.inventory]: json },
})
inventory.on('PaymentCharged', (event, ctx) => {
  const order = event.value as OrderEvent
  ctx.emit(outOfStock(order.orderId) ? 'OutOfStock' : 'StockReserved', {
    topic: t.inventory,
    key: event.key,
    value: order,
  })
})

// Order: turns the outcome into the order's final event.
const order = new EventRouter({
  ...common('order'),
  input: { [t.payments]: json, [t.inventory]: json },
  output: { [t.orders]: json },
})
order
  .on('StockReserved', (event, ctx) =>
    ctx.emit('OrderConfirmed', { topic: t.orders, key: event.key, value: event.value }),
  )
  .on('PaymentDeclined', (event, ctx) =>
    ctx.emit('OrderCancelled', { topic: t.orders, key: event.key, value: event.value }),
  )
  .on('PaymentRefunded', (event, ctx) =>
    ctx.emit('OrderCancelled', { topic: t.orders, key: event.key, value: event.value }),
  )

await Promise.all([payment.start(), inventory.start(), order.start()])

const producer = new Producer({ brokers, key: serdes.string(), value: serdes.json<OrderEvent>() })
await producer.connect()
await producer.sendBatch(
  Array.from({ length: orders }, (_, n) => ({
    topic: t.orders,
    key: `order-${n + 1}`,
    value: { orderId: n + 1, amount: 10 },
    headers: { 'event-type': 'OrderPlaced' },
  })),
)
await producer.disconnect()

// Nobody holds the flow's state: the outcome is read back from the orders topic.
const outcome = new Map<string, string>()
const watcher = new Consumer({ brokers, groupId: `chor-${run}-watcher`, fromBeginning: true, key: serdes.string() })
await watcher.connect()
await watcher.subscribe({ topics: [t.orders] })
for await (const message of watcher) {
  const type = message.headers['event-type']?.toString()
  if (type === 'OrderConfirmed' || type === 'OrderCancelled') outcome.set(message.key!, type)
  if (outcome.size === orders) break
}
await watcher.disconnect()
await Promise.all([payment.stop(), inventory.stop(), order.stop()])

const cancelled = [...outcome.values()].filter((type) => type === 'OrderCancelled').length
const failing = Array.from({ length: orders }, (_, n) => n + 1).filter((id) => declined(id) || outOfStock(id)).length
console.log(`${orders} orders: ${orders - cancelled} confirmed, ${cancelled} cancelled`)
if (cancelled !== failing) throw new Error(`expected ${failing} cancelled orders, got ${cancelled}`)
