/**
 * The order saga's mediator and participants, each in a child process that a test can SIGKILL. Uses the sources
 * transpiled by consumer-child.ts; the mediator child reports its saga counts over IPC every 100 ms.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { lstat, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Topics of the order saga. */
export interface SagaTopics {
  replies: string
  state: string
  payments: string
  inventory: string
  ledger: string
  stock: string
}

/** Options of every saga child. */
export interface SagaChildOptions {
  role: 'mediator' | 'payments' | 'inventory'
  brokers: string
  topics: SagaTopics
  groupId: string
  transactionalId: string
}

/** What the mediator child reports. */
export type SagaChildReport = { type: 'ready' } | { type: 'status'; terminal: number; running: number }

const CHILD = `
import { SagaMediator, defineSaga, sagaParticipant } from './patterns/index.js'
import { serdes } from './serde/index.js'
const options = JSON.parse(process.argv[2])
const t = options.topics
const send = (message) => new Promise((resolve) => process.send(message, () => resolve()))
const common = { brokers: options.brokers, groupId: options.groupId, transactionalId: options.transactionalId, sessionTimeoutMs: 6000 }
// Failure rules shared with the test: payment fails for id % 7 == 0, inventory for id % 5 == 0.
let runner
if (options.role === 'mediator') {
  const saga = defineSaga({
    name: 'order',
    steps: [
      { name: 'payment', command: { topic: t.payments, build: (s) => ({ orderId: s.orderId, amount: s.amount }) },
        compensation: { topic: t.payments, build: (s) => ({ orderId: s.orderId, amount: s.amount }) } },
      { name: 'inventory', command: { topic: t.inventory, build: (s) => ({ orderId: s.orderId }) } },
    ],
  })
  runner = new SagaMediator({ ...common, saga, replyTopic: t.replies, stateTopic: t.state })
  await runner.start()
  setInterval(() => {
    const all = runner.list()
    const running = all.filter((r) => r.status === 'running').length
    send({ type: 'status', terminal: all.length - running, running })
  }, 100)
} else if (options.role === 'payments') {
  runner = sagaParticipant({
    ...common, commandTopic: t.payments, replyTopic: t.replies,
    output: { [t.ledger]: { key: serdes.string(), value: serdes.json() } },
    handle: (command, ctx) => {
      const { orderId, amount } = command.payload
      if (command.kind === 'compensation') {
        ctx.send({ topic: t.ledger, key: String(orderId), value: { orderId, kind: 'refund', amount } })
        return
      }
      if (orderId % 7 === 0) return { ok: false, reason: 'card declined' }
      ctx.send({ topic: t.ledger, key: String(orderId), value: { orderId, kind: 'charge', amount } })
      return { ok: true }
    },
  })
  await runner.start()
} else {
  runner = sagaParticipant({
    ...common, commandTopic: t.inventory, replyTopic: t.replies,
    output: { [t.stock]: { key: serdes.string(), value: serdes.json() } },
    handle: (command, ctx) => {
      const { orderId } = command.payload
      if (command.kind === 'compensation') return
      if (orderId % 5 === 0) return { ok: false, reason: 'out of stock' }
      ctx.send({ topic: t.stock, key: String(orderId), value: { orderId, kind: 'reserve' } })
      return { ok: true }
    },
  })
  await runner.start()
}
runner.stopped().catch((error) => { console.error(options.role, 'stopped:', error); process.exit(1) })
await send({ type: 'ready' })
`

/** Writes the child script into the transpiled sources directory and starts one saga process. */
export async function startSagaChild(
  dir: string,
  options: SagaChildOptions,
  onReport: (report: SagaChildReport) => void = () => {},
): Promise<ChildProcess> {
  // The mediator's Admin looks for kafkit's addon relative to the transpiled sources (`<dir>/../build`).
  const build = join(dirname(dir), 'build')
  await lstat(build).catch(() => symlink(join(dirname(dirname(dir)), 'build'), build).catch(() => undefined))
  const script = join(dir, 'saga-child.js')
  await writeFile(script, CHILD)
  const child = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  child.on('message', (message) => onReport(message as SagaChildReport))
  return child
}
