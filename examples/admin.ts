// Administering a cluster: topics, partitions, a group's lag and offsets, configuration, and typed batch errors.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/admin.ts
import { Admin, KafkaAggregateError, Producer } from 'kafkit'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const topic = `example-admin-orders-${Date.now()}`
const group = `example-admin-billing-${Date.now()}`

const admin = new Admin({ brokers })
await admin.connect()

const cluster = await admin.describeCluster()
console.log(
  `cluster ${cluster.clusterId}: brokers ${cluster.brokers.map((b) => b.id).join(', ')}, controller ${cluster.controller?.id}`,
)

// Resolves once every partition has a leader on every broker: producers can use the topic right away.
await admin.createTopics([{ topic, partitions: 3, config: { 'retention.ms': 7 * 24 * 3600 * 1000 } }])
await admin.createPartitions([{ topic, count: 4 }])
const [description] = await admin.describeTopics([topic])
console.log(
  `${topic}: ${description!.partitions.length} partitions, leaders ${description!.partitions.map((p) => p.leader?.id).join(',')}`,
)

const producer = new Producer({ brokers })
await producer.connect()
await producer.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, partition: i % 2, value: `order-${i}` })))
await producer.disconnect()

// A group that read 2 records of partition 0: its lag is what is left.
await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: 2 }])
const lag = await admin.listGroupOffsets(group, { topics: [topic] })
for (const p of lag)
  console.log(`  ${p.topic}[${p.partition}] committed ${p.offset ?? '-'} end ${p.endOffset} lag ${p.lag ?? '-'}`)
if (lag[0]?.lag !== 3) throw new Error(`expected a lag of 3 on partition 0, got ${lag[0]?.lag}`)

// Rewind the (empty) group to the beginning of every partition.
const reset = await admin.resetGroupOffsets(group, { topic, to: 'earliest' })
console.log(`reset ${group} to ${reset.map((o) => o.offset).join(',')}`)

// Incremental: only retention.ms changes.
await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'retention.ms': 3600_000 } }])

// Batch calls name each failed item: here the second topic already exists, the first is created.
const extra = `${topic}-extra`
try {
  await admin.createTopics([
    { topic: extra, partitions: 1 },
    { topic, partitions: 1 },
  ])
  throw new Error('expected the existing topic to fail')
} catch (error) {
  if (!(error instanceof KafkaAggregateError)) throw error
  for (const { index, error: cause } of error.failures)
    console.log(`  item ${index} failed: ${cause.code} (${cause.topic})`)
}

await admin.deleteGroups([group])
await admin.deleteTopics([topic, extra])
await admin.disconnect()
console.log('done')
