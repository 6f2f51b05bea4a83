// Type-level tests of the Producer API: checked by `tsc -p tsconfig.json --noEmit` (part of `npm test`).
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import { Producer, serdes, type DeliveryReport, type Serde } from '../../src/index.js'

interface Order {
  id: string
  amount: number
}
interface Audit {
  action: string
}

declare const orderSerde: Serde<Order>

export async function typeTests(): Promise<void> {
  // Generics flow from the serdes: Producer<string, Order>.
  const producer = new Producer({ brokers: 'localhost:9092', key: serdes.string(), value: serdes.json<Order>() })
  const typed: Producer<string, Order> = producer
  const report: DeliveryReport = await typed.send({ topic: 'orders', key: 'o-1', value: { id: 'o-1', amount: 3 } })
  void report.offset.toUpperCase()
  await producer.send({ topic: 'orders', key: null, value: null }) // tombstone

  // @ts-expect-error the value must be an Order
  await producer.send({ topic: 'orders', key: 'k', value: { id: 'o-1', amount: '3' } })
  // @ts-expect-error the key must be a string
  await producer.send({ topic: 'orders', key: 42, value: { id: 'o-1', amount: 3 } })
  // @ts-expect-error a misspelled option does not compile
  new Producer({ brokers: 'localhost:9092', lingerMS: 5 })
  // @ts-expect-error rdkafka properties are typed from librdkafka's CONFIGURATION.md
  new Producer({ brokers: 'localhost:9092', rdkafka: { 'queue.buffering.max.messages': true } })
  // @ts-expect-error unknown librdkafka properties do not compile
  new Producer({ brokers: 'localhost:9092', rdkafka: { 'linger.mss': 5 } })
  // @ts-expect-error compression is a known codec
  new Producer({ brokers: 'localhost:9092', compression: 'brotli' })

  // Typed per topic.
  const perTopic = new Producer({
    brokers: ['localhost:9092'],
    topics: { orders: { key: serdes.string(), value: orderSerde }, audit: { value: serdes.json<Audit>() } },
  })
  await perTopic.send({ topic: 'orders', key: 'o-1', value: { id: 'o-1', amount: 1 } })
  await perTopic.send({ topic: 'audit', value: { action: 'login' } })
  await perTopic.send({ topic: 'other', value: Buffer.from('raw') }) // topics outside the map take raw data
  // @ts-expect-error the orders topic takes Orders
  await perTopic.send({ topic: 'orders', key: 'o-1', value: { action: 'login' } })
  // @ts-expect-error the audit topic takes Audit records
  await perTopic.send({ topic: 'audit', value: { id: 'o-1', amount: 1 } })
  // @ts-expect-error topics outside the map take Buffers or strings
  await perTopic.send({ topic: 'other', value: { id: 'o-1', amount: 1 } })

  // Transactions keep the types.
  await producer.transaction(async (tx) => {
    await tx.send({ topic: 'orders', key: 'k', value: { id: 'o', amount: 1 } })
    // @ts-expect-error the value must be an Order inside a transaction too
    await tx.send({ topic: 'orders', key: 'k', value: 'nope' })
  })

  // Headers: bytes, text, null, and repeated names as arrays.
  await producer.send({
    topic: 'orders',
    key: 'k',
    value: { id: 'o', amount: 1 },
    headers: { bin: Buffer.from([0xff]), trace: ['a', 'b'], none: null },
  })
  // @ts-expect-error header values are strings, Buffers or null
  await producer.send({ topic: 'orders', key: 'k', value: { id: 'o', amount: 1 }, headers: { count: 1 } })

  // OAUTHBEARER tokens from the caller's code, and a logger (console fits).
  new Producer({
    brokers: 'localhost:9092',
    logger: console,
    sasl: {
      mechanism: 'oauthbearer',
      tokenProvider: async () => ({ tokenValue: 'jwt', lifetimeMs: 60_000, principal: 'svc' }),
    },
  })
  new Producer({
    brokers: 'localhost:9092',
    // @ts-expect-error a token needs its principal
    sasl: { mechanism: 'oauthbearer', tokenProvider: () => ({ tokenValue: 'jwt', lifetimeMs: 1 }) },
  })
  // @ts-expect-error a logger needs debug, info, warn and error
  new Producer({ brokers: 'localhost:9092', logger: { error: () => undefined } })
}
