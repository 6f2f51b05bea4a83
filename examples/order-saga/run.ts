// The order saga end to end: the mediator, payment and inventory services each in their own process on the real
// cluster; this process plays the order service (begins sagas) and watches the state topic until every order
// reached a terminal state.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/order-saga/run.ts
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Admin, Consumer, Producer, serdes } from 'kafkit'
import type { SagaMessage, SagaRecord } from 'kafkit'
import { declined, type OrderState, outOfStock, topicsFor } from './topology.js'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const run = String(Date.now())
const topics = topicsFor(run)
const orders = 50

const admin = new Admin({ brokers })
await admin.connect()
await admin.createTopics(
  Object.values(topics).map((topic) => ({
    topic,
    partitions: 3,
    ...(topic === topics.state ? { config: { 'cleanup.policy': 'compact' } } : {}),
  })),
)
await admin.disconnect()

const service = fileURLToPath(new URL('./service.ts', import.meta.url))
const children = ['mediator', 'payment', 'inventory'].map((role) =>
  fork(service, [role, run], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, KAFKA_BROKERS: brokers },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }),
)
await Promise.all(
  children.map(
    (child) =>
      new Promise((resolve, reject) => {
        child.once('message', resolve)
        child.once('exit', (code) => reject(new Error(`a service exited with ${code} before it was ready`)))
      }),
  ),
)

// The order service: each order begins a saga (through the mediator's reply topic).
const producer = new Producer({ brokers, key: serdes.string(), value: serdes.json<SagaMessage>() })
await producer.connect()
await producer.sendBatch(
  Array.from({ length: orders }, (_, n) => ({
    topic: topics.replies,
    key: `order-${n + 1}`,
    value: { kind: 'start', sagaId: `order-${n + 1}`, state: { orderId: n + 1, amount: 10 } } satisfies SagaMessage,
  })),
)
await producer.disconnect()

// Watch the saga state topic (read_committed) until every order is completed or compensated.
const final = new Map<string, SagaRecord<OrderState>>()
const watcher = new Consumer({
  brokers,
  groupId: `order-saga-${run}-watcher`,
  fromBeginning: true,
  key: serdes.string(),
  value: serdes.json<SagaRecord<OrderState>>(),
})
await watcher.connect()
await watcher.subscribe({ topics: [topics.state] })
for await (const message of watcher) {
  if (message.value === null || !message.key?.startsWith('order-')) continue
  if (message.value.status !== 'running') final.set(message.key, message.value)
  if (final.size === orders) break
}
await watcher.disconnect()
for (const child of children) child.kill('SIGTERM')

const failing = Array.from({ length: orders }, (_, n) => n + 1).filter((id) => declined(id) || outOfStock(id)).length
const compensated = [...final.values()].filter((r) => r.status === 'compensated')
console.log(`${orders} orders: ${orders - compensated.length} completed, ${compensated.length} compensated`)
for (const record of compensated.slice(0, 3)) console.log(`  ${record.id}: ${record.reason}`)
if (compensated.length !== failing) throw new Error(`expected ${failing} compensated orders, got ${compensated.length}`)
