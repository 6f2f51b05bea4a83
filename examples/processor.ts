// Exactly-once consume-transform-produce with a Processor, then choreography with an EventRouter: each reaction's
// outputs and its input offset commit in one Kafka transaction, so read_committed readers see every output once.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/processor.ts
import { Admin, Consumer, EventRouter, Processor, Producer, serdes } from 'kafkit'

interface Order {
  id: string
  net: number
}
interface PricedOrder extends Order {
  gross: number
}

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const run = Date.now()
const orders = `example-orders-${run}`
const priced = `example-orders-priced-${run}`
const shipments = `example-shipments-${run}`

// Topics exist before anyone subscribes (a subscription to a missing topic waits for a metadata refresh).
const admin = new Admin({ brokers })
await admin.connect()
await admin.createTopics([orders, priced, shipments].map((topic) => ({ topic, partitions: 3 })))
await admin.disconnect()

const producer = new Producer({ brokers, key: serdes.string(), value: serdes.json<Order>() })
await producer.connect()
await producer.sendBatch(
  Array.from({ length: 200 }, (_, n) => ({ topic: orders, key: `order-${n}`, value: { id: `order-${n}`, net: n } })),
)
await producer.disconnect()

// 1. A Processor: one transaction per batch of up to 100 orders (or 100 ms), outputs + input offsets together.
const pricing = new Processor({
  brokers,
  groupId: `example-pricing-${process.pid}`,
  transactionalId: `example-pricing-${process.pid}`, // one per running instance
  fromBeginning: true,
  maxBatchSize: 100,
  input: { [orders]: { key: serdes.string(), value: serdes.json<Order>() } },
  output: { [priced]: { key: serdes.string(), value: serdes.json<PricedOrder>() } },
  handle: (message, ctx) => {
    const order = message.value!
    // emit()-style header so the router below can tell event types apart.
    ctx.send({
      topic: priced,
      key: message.key,
      value: { ...order, gross: Math.round(order.net * 1.2) },
      headers: { 'event-type': 'OrderPriced' },
    })
  },
})

// 2. Choreography: the shipping service reacts to OrderPriced events (type in the `event-type` header).
const shipping = new EventRouter({
  brokers,
  groupId: `example-shipping-${process.pid}`,
  transactionalId: `example-shipping-${process.pid}`,
  fromBeginning: true,
  input: { [priced]: { key: serdes.string(), value: serdes.json<PricedOrder>() } },
  output: { [shipments]: { key: serdes.string(), value: serdes.string() } },
  unknownEvents: 'skip',
})
shipping.on('OrderPriced', (event, ctx) => {
  ctx.emit('ShipmentRequested', {
    topic: shipments,
    key: event.key,
    value: `ship ${event.value!.id} (${event.value!.gross})`,
  })
})

await pricing.start()
await shipping.start()

// An independent read_committed reader: sees only committed outputs, each once.
const reader = new Consumer({
  brokers,
  groupId: `example-reader-${process.pid}`,
  fromBeginning: true,
  key: serdes.string(),
  value: serdes.string(),
})
await reader.connect()
await reader.subscribe({ topics: [shipments] })
const seen = new Set<string>()
let received = 0
for await (const message of reader) {
  received++
  seen.add(message.key!)
  if (received === 200) break
}
await reader.disconnect()
await shipping.stop()
await pricing.stop()
console.log(`${received} shipment requests for ${seen.size} distinct orders`)
if (seen.size !== 200) throw new Error(`expected 200 distinct orders, got ${seen.size}`)
