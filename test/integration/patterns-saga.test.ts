import { describe, expect, it } from 'vitest'
import {
  defineSaga,
  Processor,
  SagaMediator,
  sagaParticipant,
  type SagaCommand,
  type SagaMessage,
} from '../../src/patterns/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'

interface OrderState {
  orderId: number
  amount: number
  paymentId?: string
}

describe('SagaMediator (orchestration)', () => {
  it('runs sagas to exactly one terminal state, compensating failures and timeouts once, across a mediator restart', async () => {
    const t = {
      replies: uniqueName('saga-replies'),
      state: uniqueName('saga-state'),
      payments: uniqueName('saga-payments'),
      inventory: uniqueName('saga-inventory'),
      shipping: uniqueName('saga-shipping'),
      ledger: uniqueName('saga-ledger'),
      stock: uniqueName('saga-stock'),
    }
    for (const topic of Object.values(t)) {
      await createTopic(topic, {
        partitions: 2,
        ...(topic === t.state ? { config: { 'cleanup.policy': 'compact' } } : {}),
      })
    }
    const saga = defineSaga<OrderState>({
      name: 'order',
      steps: [
        {
          name: 'payment',
          command: { topic: t.payments, build: (s) => ({ orderId: s.orderId, amount: s.amount }) },
          compensation: { topic: t.payments, build: (s) => ({ orderId: s.orderId, paymentId: s.paymentId }) },
          onReply: (s, data) => ({ ...s, paymentId: (data as { paymentId: string }).paymentId }),
        },
        {
          name: 'inventory',
          command: { topic: t.inventory, build: (s) => ({ orderId: s.orderId }) },
          compensation: { topic: t.inventory, build: (s) => ({ orderId: s.orderId }) },
        },
        // Orders whose shipping never answers time out: payment and inventory (and shipping) are compensated.
        { name: 'shipping', command: { topic: t.shipping, build: (s) => ({ orderId: s.orderId }) }, timeoutMs: 2_000 },
      ],
    })
    const common = { brokers: brokers(), sessionTimeoutMs: 6_000 }
    const failsPayment = (id: number): boolean => id % 7 === 0
    const failsInventory = (id: number): boolean => id % 5 === 0 && !failsPayment(id)
    const noShipping = (id: number): boolean => id % 11 === 0 && !failsPayment(id) && !failsInventory(id)

    const payments = sagaParticipant({
      ...common,
      groupId: uniqueName('payments'),
      transactionalId: uniqueName('payments-tx'),
      commandTopic: t.payments,
      replyTopic: t.replies,
      output: { [t.ledger]: { key: serdes.string(), value: serdes.json<{ orderId: number; kind: string }>() } },
      handle: (command, ctx) => {
        const { orderId } = command.payload as { orderId: number }
        if (command.kind === 'compensation') {
          ctx.send({ topic: t.ledger, key: String(orderId), value: { orderId, kind: 'refund' } })
          return
        }
        if (failsPayment(orderId)) return { ok: false, reason: 'card declined' }
        ctx.send({ topic: t.ledger, key: String(orderId), value: { orderId, kind: 'charge' } })
        return { ok: true, data: { paymentId: `pay-${orderId}` } }
      },
    })
    const inventory = sagaParticipant({
      ...common,
      groupId: uniqueName('inventory'),
      transactionalId: uniqueName('inventory-tx'),
      commandTopic: t.inventory,
      replyTopic: t.replies,
      output: { [t.stock]: { key: serdes.string(), value: serdes.json<{ orderId: number; kind: string }>() } },
      handle: (command, ctx) => {
        const { orderId } = command.payload as { orderId: number }
        if (command.kind === 'compensation') {
          ctx.send({ topic: t.stock, key: String(orderId), value: { orderId, kind: 'release' } })
          return
        }
        if (failsInventory(orderId)) return { ok: false, reason: 'out of stock' }
        ctx.send({ topic: t.stock, key: String(orderId), value: { orderId, kind: 'reserve' } })
        return { ok: true }
      },
    })
    const shipping = new Processor({
      ...common,
      groupId: uniqueName('shipping'),
      transactionalId: uniqueName('shipping-tx'),
      fromBeginning: true,
      input: { [t.shipping]: { key: serdes.string(), value: serdes.json<SagaCommand>() } },
      output: { [t.replies]: { key: serdes.string(), value: serdes.json<SagaMessage>() } },
      handle: (message, ctx) => {
        const command = message.value!
        const { orderId } = command.payload as { orderId: number }
        if (noShipping(orderId)) return
        ctx.send({
          topic: t.replies,
          key: command.sagaId,
          value: { kind: 'reply', sagaId: command.sagaId, step: command.step, ok: true },
        })
      },
    })
    const mediatorOptions = {
      ...common,
      saga,
      groupId: uniqueName('mediator'),
      transactionalId: uniqueName('mediator-tx'),
      replyTopic: t.replies,
      stateTopic: t.state,
    }
    const count = 60
    const ids = Array.from({ length: count }, (_, n) => n + 1)
    let mediator = new SagaMediator(mediatorOptions)
    const transitions: Array<{ id: string; status: string }> = []
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel')
    const listener = (event: unknown): void => {
      transitions.push(event as { id: string; status: string })
    }
    subscribe('kafkit:saga:transition', listener)
    try {
      await Promise.all([payments.start(), inventory.start(), shipping.start(), mediator.start()])
      for (const id of ids.slice(0, 30)) await mediator.begin(`order-${id}`, { orderId: id, amount: id * 10 })
      await waitFor(
        () =>
          ids
            .slice(0, 30)
            .every(
              (id) => mediator.get(`order-${id}`)?.status !== 'running' && mediator.get(`order-${id}`) !== undefined,
            ),
        'first 30 sagas finished',
        60_000,
      )
      // Restart: the new mediator rebuilds every saga from the state topic before handling replies.
      await mediator.stop()
      mediator = new SagaMediator(mediatorOptions)
      await mediator.start()
      const rebuilt = ids.slice(0, 30).map((id) => mediator.get(`order-${id}`)?.status)
      expect(rebuilt.every((status) => status === 'completed' || status === 'compensated')).toBe(true)
      await mediator.begin('order-1', { orderId: 1, amount: 999 }) // a duplicate start changes nothing
      for (const id of ids.slice(30)) await mediator.begin(`order-${id}`, { orderId: id, amount: id * 10 })
      await waitFor(
        () =>
          ids.every(
            (id) => mediator.get(`order-${id}`) !== undefined && mediator.get(`order-${id}`)!.status !== 'running',
          ),
        'all sagas finished',
        90_000,
      )
      // Terminal sagas may still have compensations on their way: read while the participants run.
      for (const id of ids) {
        const record = mediator.get(`order-${id}`)!
        const failing = failsPayment(id) || failsInventory(id) || noShipping(id)
        expect(record.status, `order-${id}`).toBe(failing ? 'compensated' : 'completed')
        if (noShipping(id)) expect(record.reason).toBe('timeout')
      }
      expect(mediator.get('order-1')!.state.amount).toBe(10)
      // Exactly one terminal transition per saga.
      const terminal = transitions.filter((e) => e.status !== 'running')
      expect(new Set(terminal.map((e) => e.id)).size).toBe(count)
      expect(terminal).toHaveLength(count)

      const charged = ids.filter((id) => !failsPayment(id))
      const refunded = ids.filter((id) => failsInventory(id) || noShipping(id))
      const ledger = (await readAll(t.ledger, charged.length + refunded.length, { settleMs: 1500 })).map(
        (r) => JSON.parse(r.value!.toString()) as { orderId: number; kind: string },
      )
      const sortedIds = (entries: Array<{ orderId: number; kind: string }>, kind: string): number[] =>
        entries
          .filter((e) => e.kind === kind)
          .map((e) => e.orderId)
          .sort((a, b) => a - b)
      expect(sortedIds(ledger, 'charge')).toEqual(charged)
      expect(sortedIds(ledger, 'refund')).toEqual(refunded)
      const reserved = ids.filter((id) => !failsPayment(id) && !failsInventory(id))
      const released = ids.filter((id) => noShipping(id))
      const stock = (await readAll(t.stock, reserved.length + released.length, { settleMs: 1500 })).map(
        (r) => JSON.parse(r.value!.toString()) as { orderId: number; kind: string },
      )
      expect(sortedIds(stock, 'reserve')).toEqual(reserved)
      expect(sortedIds(stock, 'release')).toEqual(released)
    } finally {
      unsubscribe('kafkit:saga:transition', listener)
      await mediator.stop()
      await Promise.all([payments.stop(), inventory.stop(), shipping.stop()])
    }
  })
})
