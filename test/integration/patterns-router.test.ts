import { describe, expect, it } from 'vitest'
import { Producer } from '../../src/producer/index.js'
import { EventRouter } from '../../src/patterns/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'

type OrderEvent =
  | { type: 'OrderPlaced'; id: string; amount: number }
  | { type: 'OrderCancelled'; id: string }
  | { type: 'Weird'; id: string }

describe('EventRouter (choreography on Processor)', () => {
  it('routes by field and by header, emits further events exactly once, dead-letters unknown types in the transaction', async () => {
    const orders = uniqueName('chor-orders')
    const payments = uniqueName('chor-payments')
    const status = uniqueName('chor-status')
    const dead = uniqueName('chor-dead')
    for (const topic of [orders, payments, status, dead]) await createTopic(topic, { partitions: 2 })

    // Payment service: reacts to order events (type in a field), emits PaymentCharged (type in a header).
    let placed = 0
    let cancelled = 0
    const paymentService = new EventRouter({
      brokers: brokers(),
      groupId: uniqueName('payments'),
      transactionalId: uniqueName('payments-tx'),
      fromBeginning: true,
      input: { [orders]: { key: serdes.string(), value: serdes.json<OrderEvent>() } },
      output: { [payments]: { key: serdes.string(), value: serdes.json<{ orderId: string; charged: number }>() } },
      eventType: { field: 'type' },
      unknownEvents: { deadLetter: { topic: dead } },
    })
    paymentService
      .on('OrderPlaced', (event, ctx) => {
        placed++
        ctx.emit('PaymentCharged', {
          topic: payments,
          key: event.key,
          value: { orderId: event.value.id, charged: event.value.amount },
        })
      })
      .on('OrderCancelled', () => {
        cancelled++
      })
    // Order service: reacts to PaymentCharged (type in the default header) with OrderConfirmed.
    const orderService = new EventRouter({
      brokers: brokers(),
      groupId: uniqueName('orders'),
      transactionalId: uniqueName('orders-tx'),
      fromBeginning: true,
      input: { [payments]: { key: serdes.string(), value: serdes.json<{ orderId: string; charged: number }>() } },
      output: { [status]: { key: serdes.string(), value: serdes.string() } },
    })
    orderService.on('PaymentCharged', (event, ctx) => {
      ctx.emit('OrderConfirmed', { topic: status, key: event.key, value: `confirmed:${event.value!.orderId}` })
    })

    const producer = new Producer({ brokers: brokers(), key: serdes.string(), value: serdes.json<OrderEvent>() })
    await producer.connect()
    const events: OrderEvent[] = []
    for (let n = 0; n < 60; n++) {
      const id = `o-${n}`
      events.push(
        n % 10 === 9
          ? { type: 'Weird', id }
          : n % 10 === 8
            ? { type: 'OrderCancelled', id }
            : { type: 'OrderPlaced', id, amount: n },
      )
    }
    await producer.sendBatch(events.map((value) => ({ topic: orders, key: value.id, value })))
    await producer.disconnect()

    try {
      await paymentService.start()
      await orderService.start()
      const confirmed = await readAll(status, 48, {
        isolationLevel: 'read_committed',
        settleMs: 2000,
        timeoutMs: 90_000,
      })
      expect(confirmed.map((r) => r.value!.toString()).sort()).toEqual(
        events
          .filter((e) => e.type === 'OrderPlaced')
          .map((e) => `confirmed:${e.id}`)
          .sort(),
      )
      expect(confirmed.every((r) => r.headers['event-type']?.toString() === 'OrderConfirmed')).toBe(true)
      const charged = await readAll(payments, 48, { isolationLevel: 'read_committed', settleMs: 1000 })
      expect(charged).toHaveLength(48)
      expect(charged.every((r) => r.headers['event-type']?.toString() === 'PaymentCharged')).toBe(true)
      const letters = await readAll(dead, 6, { isolationLevel: 'read_committed', settleMs: 1000 })
      expect(letters.map((r) => (JSON.parse(r.value!.toString()) as OrderEvent).id).sort()).toEqual(
        events
          .filter((e) => e.type === 'Weird')
          .map((e) => e.id)
          .sort(),
      )
      expect(letters.every((r) => r.headers['kafkit-error-code']?.toString() === 'ERR_UNKNOWN_EVENT')).toBe(true)
      expect(letters.every((r) => r.headers['kafkit-original-topic']?.toString() === orders)).toBe(true)
      await waitFor(() => cancelled === 6, 'cancellations handled')
      expect(placed).toBe(48)
    } finally {
      await paymentService.stop()
      await orderService.stop()
    }
  })

  it("stops on an unknown event type with the 'stop' policy", async () => {
    const topic = uniqueName('chor-stop')
    await createTopic(topic, { partitions: 1 })
    const router = new EventRouter({
      brokers: brokers(),
      groupId: uniqueName('chor-stop-group'),
      transactionalId: uniqueName('chor-stop-tx'),
      fromBeginning: true,
      input: { [topic]: { value: serdes.string() } },
      output: { [uniqueName('chor-stop-out')]: { value: serdes.string() } },
      retry: { retries: 0 },
    })
    router.on('Known', () => undefined)
    const producer = new Producer({ brokers: brokers() })
    await producer.connect()
    await producer.send({ topic, value: 'x', headers: { 'event-type': 'Unknown' } })
    await producer.disconnect()
    await router.start()
    try {
      const outcome = await Promise.race([
        router.stopped().then(
          () => 'resolved',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000)),
      ])
      expect((outcome as { code?: string }).code).toBe('ERR_UNKNOWN_EVENT')
    } finally {
      await router.stop()
    }
  })
})
