// Prometheus metrics from librdkafka's statistics: statsSnapshot() turns each `stats` event into typed per-broker
// and per-partition figures, and prom-client gauges expose them (consumer lag, producer queue depth, broker round
// trips and throttling). A real service serves `registry.metrics()` on /metrics.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/metrics.ts
import { Consumer, Producer, statsSnapshot, type StatsSnapshot } from 'kafkit'
import { Gauge, Registry } from 'prom-client'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const topic = `example-metrics-${Date.now()}`

const registry = new Registry()
const lag = new Gauge({
  name: 'kafka_consumer_lag',
  help: 'High watermark minus committed offset',
  labelNames: ['client', 'topic', 'partition'],
  registers: [registry],
})
const queued = new Gauge({
  name: 'kafka_producer_queued_messages',
  help: 'Messages waiting in librdkafka for delivery',
  labelNames: ['client'],
  registers: [registry],
})
const rtt = new Gauge({
  name: 'kafka_broker_rtt_ms',
  help: 'Average request round trip over the last statistics window',
  labelNames: ['client', 'broker'],
  registers: [registry],
})
const throttle = new Gauge({
  name: 'kafka_broker_throttle_ms',
  help: 'Average quota throttling over the last window',
  labelNames: ['client', 'broker'],
  registers: [registry],
})

/** One statistics event into the gauges. */
function record(snapshot: StatsSnapshot): void {
  queued.set({ client: snapshot.client }, snapshot.queuedMessages)
  for (const broker of snapshot.brokers) {
    if (broker.nodeId < 0) continue // bootstrap connections
    if (broker.rttAvgMs !== null) rtt.set({ client: snapshot.client, broker: broker.nodeId }, broker.rttAvgMs)
    if (broker.throttleAvgMs !== null)
      throttle.set({ client: snapshot.client, broker: broker.nodeId }, broker.throttleAvgMs)
  }
  for (const p of snapshot.partitions) {
    if (p.lag !== null) lag.set({ client: snapshot.client, topic: p.topic, partition: p.partition }, p.lag)
  }
}

const producer = new Producer({ brokers, statsIntervalMs: 500 })
producer.on('stats', (stats) => record(statsSnapshot(stats)))
await producer.connect()
await producer.sendBatch(Array.from({ length: 1000 }, (_, n) => ({ topic, value: `event ${n}` })))

const consumer = new Consumer({
  brokers,
  groupId: `example-metrics-${process.pid}`,
  fromBeginning: true,
  statsIntervalMs: 500,
  autoCommitIntervalMs: 500,
})
let caughtUp = false
consumer.on('stats', (stats) => {
  const snapshot = statsSnapshot(stats)
  record(snapshot)
  const mine = snapshot.partitions.filter((p) => p.topic === topic)
  caughtUp = mine.length > 0 && mine.every((p) => p.lag === 0)
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
let read = 0
await consumer.run({
  eachMessage: () => {
    read++
  },
})

const deadline = Date.now() + 60_000
while (!(read === 1000 && caughtUp)) {
  if (Date.now() > deadline) throw new Error(`the consumer did not catch up: ${read} of 1000 read`)
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await consumer.stop()
await Promise.all([consumer.disconnect(), producer.disconnect()])

// What /metrics would serve.
const exposition = await registry.metrics()
const lagLines = exposition.split('\n').filter((line) => line.startsWith('kafka_consumer_lag{') && line.includes(topic))
if (lagLines.length === 0 || !lagLines.every((line) => line.endsWith(' 0')))
  throw new Error(`expected lag 0 for ${topic}:\n${exposition}`)
console.log(
  exposition
    .split('\n')
    .filter((line) => (line.startsWith('kafka_') && !line.startsWith('kafka_consumer_lag{')) || line.includes(topic))
    .join('\n'),
)
