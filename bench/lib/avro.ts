/**
 * The Avro scenario's record: a small order of about the size of the other scenarios' values, the same for every
 * client.
 * @module
 */

/** The writer schema registered under `<topic>-value`. */
export const BENCH_ORDER_SCHEMA = Object.freeze({
  type: 'record',
  name: 'BenchOrder',
  namespace: 'dev.kafkit.bench',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'currency', type: 'string' },
    { name: 'items', type: { type: 'array', items: 'string' } },
    { name: 'createdAt', type: 'long' },
  ],
} as const)

/** A record of {@link BENCH_ORDER_SCHEMA}. */
export interface BenchOrder {
  id: number
  customer: string
  amount: number
  currency: string
  items: string[]
  createdAt: number
}

/** `count` distinct orders (about 80 bytes each in Avro binary). */
export function benchOrders(count = 64): BenchOrder[] {
  return Array.from({ length: count }, (_, i) => ({
    id: 1_000_000 + i,
    customer: `customer-${(i * 7919) % 1000}`,
    amount: Math.round(((i * 37) % 10_000) * 1.5) / 100,
    currency: ['EUR', 'USD', 'GBP'][i % 3]!,
    items: [`sku-${i % 17}`, `sku-${i % 23}`, `sku-${i % 5}`].slice(0, 1 + (i % 3)),
    createdAt: 1_790_000_000_000 + i * 1000,
  }))
}
