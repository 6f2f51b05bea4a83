// Producing typed records: send, sendBatch, backpressure-friendly bulk send, and a transaction.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/producer.ts
import { KafkaError, Producer, serdes } from 'kafkit'

interface Order {
  id: string
  customer: string
  total: number
}

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const topic = `example-orders-${Date.now()}`

const producer = new Producer({ brokers, key: serdes.string(), value: serdes.json<Order>() })
await producer.connect()

// One record: resolves once the brokers acknowledged it (acks=all, idempotent by default).
const report = await producer.send({
  topic,
  key: 'order-1',
  value: { id: 'order-1', customer: 'ada', total: 42 },
  headers: { source: 'example' },
})
console.log(`order-1 stored at ${report.topic}[${report.partition}]@${report.offset}`)

// Many records: fire them all, then wait. When librdkafka's queue is full, send() waits for room instead of
// failing, so this loop never sees QUEUE_FULL.
const sends = []
for (let i = 2; i <= 10_000; i++) {
  sends.push(producer.send({ topic, key: `order-${i}`, value: { id: `order-${i}`, customer: 'bob', total: i } }))
}
await Promise.all(sends)
console.log(`${sends.length} more orders delivered`)

// A batch: reports come back in input order; failures are named by index in a KafkaAggregateError.
const reports = await producer.sendBatch([
  { topic, key: 'a', value: { id: 'a', customer: 'cy', total: 1 } },
  { topic, key: 'b', value: { id: 'b', customer: 'cy', total: 2 } },
])
console.log(`batch delivered to offsets ${reports.map((r) => r.offset).join(', ')}`)

// Errors are typed: an oversized record is rejected alone, the producer keeps working.
try {
  await producer.send({ topic, key: 'huge', value: { id: 'huge', customer: 'x'.repeat(2_000_000), total: 0 } })
} catch (error) {
  if (!(error instanceof KafkaError)) throw error
  console.log(`rejected as expected: ${error.code}`)
}

await producer.disconnect()

// Transactions: all records of the transaction become visible together, or none does.
const transactional = new Producer({ brokers, transactionalId: `example-tx-${process.pid}`, value: serdes.string() })
await transactional.connect()
await transactional.transaction(async (tx) => {
  await tx.send({ topic, value: 'debit' })
  await tx.send({ topic, value: 'credit' })
})
console.log('transaction committed')
await transactional.disconnect()
