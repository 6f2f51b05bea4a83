// Consuming typed records in a group: eachMessage with per-partition ordering and a dead-letter topic for poison
// messages, then the async iterator. Offsets are committed only for handled messages.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/consumer.ts
import { Consumer, Producer, serdes } from 'kafkit'

interface Order {
  id: string
  total: number
}

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const topic = `example-orders-${Date.now()}`
const deadLetters = `${topic}-dlq`

// Some orders to read, one of them unreadable.
const producer = new Producer({ brokers, key: serdes.string() })
await producer.connect()
for (let i = 1; i <= 100; i++) {
  await producer.send({ topic, key: `order-${i}`, value: JSON.stringify({ id: `order-${i}`, total: i }) })
}
await producer.send({ topic, key: 'order-x', value: 'this is not JSON' })
await producer.send({ topic: deadLetters, value: 'created' }) // make sure the dead-letter topic exists
await producer.disconnect()

const consumer = new Consumer({
  brokers,
  groupId: `example-billing-${process.pid}`,
  key: serdes.string(),
  value: serdes.json<Order>(), // Consumer<string, Order>: message.value is an Order
  fromBeginning: true,
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })

let billed = 0
let total = 0
await consumer.run({
  partitionsConsumedConcurrently: 4,
  // The unreadable order fails to deserialize: after the retries it goes to the dead-letter topic with
  // kafkit-error-* headers, and consumption goes on.
  retry: { retries: 2, initialDelayMs: 50 },
  errorPolicy: { deadLetter: { topic: deadLetters } },
  eachMessage: async ({ message }) => {
    billed++
    total += message.value?.total ?? 0
  },
})
consumer.stopped().catch((error: unknown) => {
  console.error('consumer stopped:', error)
  process.exitCode = 1
})
// Wait until every message was handled (or dead-lettered): no lag left on any assigned partition.
while (billed < 100 || consumer.lag().some((partition) => partition.lag !== 0)) {
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await consumer.stop() // in-flight handlers finish, processed offsets are committed
console.log(`billed ${billed} orders worth ${total}`)
if (total !== 5050) throw new Error(`expected a total of 5050, got ${total}`)
console.log('committed:', (await consumer.committed()).map((c) => `${c.topic}[${c.partition}]@${c.offset}`).join(', '))
await consumer.disconnect()

// The dead letter, read with the async iterator: a message counts as processed when the loop asks for the next.
const auditor = new Consumer({ brokers, groupId: `example-audit-${process.pid}`, fromBeginning: true })
await auditor.connect()
await auditor.subscribe({ topics: [deadLetters] })
for await (const letter of auditor) {
  if (letter.value?.toString() === 'created') continue
  console.log(
    `dead letter from ${letter.headers['kafkit-original-topic']?.toString()}@${letter.headers['kafkit-original-offset']?.toString()}: ${letter.headers['kafkit-error-message']?.toString()}`,
  )
  break // leaving the loop stops the consumer
}
await auditor.disconnect()
