// Shared by the order-saga services: topic names, the saga definition and the demo's failure rules.
import { defineSaga } from 'kafkit'

/** The saga state: what the mediator knows about one order. */
export interface OrderState {
  orderId: number
  amount: number
}

/** Topic names, suffixed per run so that the demo can be re-run on the same cluster. */
export function topicsFor(run: string) {
  return {
    replies: `order-saga-${run}.replies`,
    state: `order-saga-${run}.state`,
    payment: `order-saga-${run}.payment-commands`,
    inventory: `order-saga-${run}.inventory-commands`,
    ledger: `order-saga-${run}.ledger`,
  } as const
}

/** Demo failures: every 7th card is declined, every 5th order is out of stock. */
export const declined = (orderId: number): boolean => orderId % 7 === 0
export const outOfStock = (orderId: number): boolean => orderId % 5 === 0

/** Payment first (refunded if a later step fails), then inventory. */
export function orderSaga(topics: ReturnType<typeof topicsFor>) {
  return defineSaga<OrderState>({
    name: 'order',
    steps: [
      {
        name: 'payment',
        command: { topic: topics.payment, build: (s) => ({ orderId: s.orderId, amount: s.amount }) },
        compensation: { topic: topics.payment, build: (s) => ({ orderId: s.orderId, amount: s.amount }) },
        timeoutMs: 30_000,
      },
      {
        name: 'inventory',
        command: { topic: topics.inventory, build: (s) => ({ orderId: s.orderId }) },
        timeoutMs: 30_000,
      },
    ],
  })
}
