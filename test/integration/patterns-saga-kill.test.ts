import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SagaMessage, SagaRecord } from '../../src/patterns/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { transpileSources } from './helpers/consumer-child.js'
import {
  type SagaChildOptions,
  type SagaChildReport,
  type SagaTopics,
  startSagaChild,
} from './helpers/patterns-saga-child.js'

interface Entry {
  orderId: number
  kind: string
  amount?: number
}

describe('order saga under SIGKILL', () => {
  let sources: { dir: string; cleanup: () => Promise<void> }
  const children: ChildProcess[] = []
  beforeAll(async () => {
    sources = await transpileSources()
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await sources?.cleanup()
  })

  it('1,000 orders: one terminal state each, no double charge, each compensation once, balances add up', async () => {
    const count = 1_000
    const topics: SagaTopics = {
      replies: uniqueName('kill-replies'),
      state: uniqueName('kill-state'),
      payments: uniqueName('kill-payments'),
      inventory: uniqueName('kill-inventory'),
      ledger: uniqueName('kill-ledger'),
      stock: uniqueName('kill-stock'),
    }
    for (const topic of Object.values(topics) as string[]) {
      await createTopic(topic, {
        partitions: 3,
        ...(topic === topics.state ? { config: { 'cleanup.policy': 'compact' } } : {}),
      })
    }
    const role = (name: SagaChildOptions['role']): SagaChildOptions => ({
      role: name,
      brokers: brokers(),
      topics,
      groupId: `${topics.replies}-${name}`,
      transactionalId: `${topics.replies}-${name}-tx`,
    })
    let status = { terminal: 0, running: 0 }
    const onMediator = (report: SagaChildReport): void => {
      if (report.type === 'status') status = report
    }
    const start = async (
      name: SagaChildOptions['role'],
      onReport?: (report: SagaChildReport) => void,
    ): Promise<ChildProcess> => {
      const child = await startSagaChild(sources.dir, role(name), onReport)
      children.push(child)
      return child
    }
    const kill = async (child: ChildProcess): Promise<void> => {
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((resolve) => child.once('exit', resolve))
    }
    let mediator = await start('mediator', onMediator)
    let payments = await start('payments')
    const inventory = await start('inventory')

    const producer = new Producer({ brokers: brokers(), key: serdes.string(), value: serdes.json<SagaMessage>() })
    await producer.connect()
    const amount = (id: number): number => id * 3
    const begin = (from: number, to: number): Promise<unknown> =>
      producer.sendBatch(
        Array.from({ length: to - from + 1 }, (_, n) => {
          const id = from + n
          return {
            topic: topics.replies,
            key: `order-${id}`,
            value: { kind: 'start', sagaId: `order-${id}`, state: { orderId: id, amount: amount(id) } },
          }
        }),
      )
    // A third of the orders first; the rest arrive while the mediator and payments are dead and after the restart.
    await begin(1, 350)

    const began = Date.now()
    await waitFor(() => status.terminal >= 100, 'a tenth of the sagas finished', 120_000)
    console.log(
      `[saga-kill] ${status.terminal} sagas finished after ${Date.now() - began} ms: killing the mediator and payments`,
    )
    expect(status.terminal).toBeLessThan(count)
    await Promise.all([kill(mediator), kill(payments)])
    status = { terminal: 0, running: 0 }
    await begin(351, 700)
    mediator = await start('mediator', onMediator)
    payments = await start('payments')
    await begin(701, count)
    await producer.disconnect()
    await waitFor(() => status.terminal === count, 'every saga finished after the restart', 240_000)
    console.log(`[saga-kill] all ${count} sagas finished ${Date.now() - began} ms after the start`)
    // A terminal saga may still have compensations on their way: the participants keep running while the ledger
    // is read up to its expected size (plus a settle time that would catch duplicates).

    const ids = Array.from({ length: count }, (_, n) => n + 1)
    const failsPayment = (id: number): boolean => id % 7 === 0
    const failsInventory = (id: number): boolean => id % 5 === 0 && !failsPayment(id)
    const completed = ids.filter((id) => !failsPayment(id) && !failsInventory(id))

    // Exactly one terminal record per saga in the state topic's history.
    // Per saga: the start, the step-2 entry (unless payment failed), the terminal record.
    const records = ids.reduce((n, id) => n + (failsPayment(id) ? 2 : 3), 0)
    const history = (await readAll(topics.state, records, { settleMs: 3000, timeoutMs: 120_000 }))
      .filter((r) => r.key?.toString().startsWith('order-'))
      .map((r) => JSON.parse(r.value!.toString()) as SagaRecord<{ orderId: number }>)
    const terminal = history.filter((r) => r.status !== 'running')
    expect(terminal).toHaveLength(count)
    expect(new Set(terminal.map((r) => r.id)).size).toBe(count)
    const statusOf = new Map(terminal.map((r) => [r.id, r.status]))
    for (const id of ids)
      expect(statusOf.get(`order-${id}`), `order-${id}`).toBe(completed.includes(id) ? 'completed' : 'compensated')

    const charged = ids.filter((id) => !failsPayment(id))
    const refunded = ids.filter(failsInventory)
    const ledger = (
      await readAll(topics.ledger, charged.length + refunded.length, { settleMs: 3000, timeoutMs: 120_000 })
    ).map((r) => JSON.parse(r.value!.toString()) as Entry)
    const of = (entries: Entry[], kind: string): number[] =>
      entries
        .filter((e) => e.kind === kind)
        .map((e) => e.orderId)
        .sort((a, b) => a - b)
    expect(of(ledger, 'charge')).toEqual(charged) // no order charged twice, none missed
    expect(of(ledger, 'refund')).toEqual(refunded) // every compensation ran exactly once
    const credit = ledger.reduce((sum, e) => sum + (e.kind === 'charge' ? e.amount! : -e.amount!), 0)
    expect(credit).toBe(completed.reduce((sum, id) => sum + amount(id), 0))
    const stock = (await readAll(topics.stock, completed.length, { settleMs: 3000, timeoutMs: 120_000 })).map(
      (r) => JSON.parse(r.value!.toString()) as Entry,
    )
    expect(of(stock, 'reserve')).toEqual(completed)
    await Promise.all([kill(mediator), kill(payments), kill(inventory)])
  }, 420_000)
})
