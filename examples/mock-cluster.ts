// Unit-testing a service without a JVM: kafkit/testing's MockCluster runs librdkafka's in-process mock brokers.
// Run: npx tsx examples/mock-cluster.ts   (needs no Kafka)
import { Producer, serdes } from 'kafkit'
import { MockCluster } from 'kafkit/testing'

// The service under test: publishes an event per order.
async function publishOrders(
  producer: Producer<string, { id: string; total: number }>,
  totals: number[],
): Promise<string[]> {
  const reports = await Promise.all(
    totals.map((total, i) =>
      producer.send({ topic: 'orders', partition: 0, key: `order-${i}`, value: { id: `order-${i}`, total } }),
    ),
  )
  return reports.map((report) => report.offset)
}

const cluster = await MockCluster.start({ brokers: 1 })
try {
  const producer = new Producer({
    brokers: cluster.bootstrapServers,
    key: serdes.string(),
    value: serdes.json<{ id: string; total: number }>(),
  })
  await producer.connect()
  const offsets = await publishOrders(producer, [10, 20, 30])
  if (offsets.join(',') !== '0,1,2') throw new Error(`unexpected offsets ${offsets.join(',')}`)
  console.log(`published 3 orders to the mock cluster at offsets ${offsets.join(', ')}`)

  // A broker hiccup the service must ride out: the next two Produce requests fail with retriable errors.
  cluster.failRequests('produce', ['ERR_KAFKA_NOT_LEADER_FOR_PARTITION', 'ERR_KAFKA_REQUEST_TIMED_OUT'])
  const retried = await publishOrders(producer, [40])
  console.log(`published through injected broker errors at offset ${retried.join(', ')}`)
  await producer.disconnect()
} finally {
  await cluster.stop()
}
