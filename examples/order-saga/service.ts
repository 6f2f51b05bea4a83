// One order-saga service per process: `mediator`, `payment` or `inventory`. Runs until SIGTERM.
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/order-saga/service.ts <role> <run-id>
import { SagaMediator, sagaParticipant, serdes } from 'kafkit'
import { declined, orderSaga, outOfStock, topicsFor } from './topology.js'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const [role, run = 'demo'] = process.argv.slice(2)
const topics = topicsFor(run)
const common = { brokers, groupId: `order-saga-${run}-${role}`, transactionalId: `order-saga-${run}-${role}-1` }

let service: { start(): Promise<void>; stop(): Promise<void>; stopped(): Promise<void> }
if (role === 'mediator') {
  service = new SagaMediator({
    ...common,
    saga: orderSaga(topics),
    replyTopic: topics.replies,
    stateTopic: topics.state,
  })
} else if (role === 'payment') {
  service = sagaParticipant({
    ...common,
    commandTopic: topics.payment,
    replyTopic: topics.replies,
    // The ledger entry, the reply and the command's offset commit together: no double charge after a crash.
    output: { [topics.ledger]: { key: serdes.string(), value: serdes.json<{ orderId: number; amount: number }>() } },
    handle: (command, ctx) => {
      const { orderId, amount } = command.payload as { orderId: number; amount: number }
      if (command.kind === 'compensation') {
        ctx.send({ topic: topics.ledger, key: String(orderId), value: { orderId, amount: -amount } })
        return
      }
      if (declined(orderId)) return { ok: false, reason: 'card declined' }
      ctx.send({ topic: topics.ledger, key: String(orderId), value: { orderId, amount } })
      return { ok: true }
    },
  })
} else if (role === 'inventory') {
  service = sagaParticipant({
    ...common,
    commandTopic: topics.inventory,
    replyTopic: topics.replies,
    handle: (command) => {
      const { orderId } = command.payload as { orderId: number }
      if (command.kind === 'command' && outOfStock(orderId)) return { ok: false, reason: 'out of stock' }
      return { ok: true }
    },
  })
} else {
  throw new Error(`unknown role '${role}': expected mediator, payment or inventory`)
}

await service.start()
process.send?.('ready')
service.stopped().catch((error: unknown) => {
  console.error(`${role} stopped:`, error)
  process.exit(1)
})
process.once('SIGTERM', () => {
  service.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
