// Type-level tests of the Consumer API: checked by `tsc -p tsconfig.json --noEmit`.
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
/* eslint-disable @typescript-eslint/no-unused-vars -- values here exist only to have their types checked */
import { Consumer, type ConsumerMessage, type EachBatchPayload } from '../../src/consumer/index.js'
import { serdes } from '../../src/serde/index.js'

interface Order {
  id: string
  amount: number
}
interface Audit {
  action: string
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

export async function typeTests(): Promise<void> {
  // Generics flow from the serdes.
  const consumer = new Consumer({
    brokers: 'localhost:9092',
    groupId: 'billing',
    key: serdes.string(),
    value: serdes.json<Order>(),
  })
  const typed: Consumer<string, Order> = consumer
  void typed
  await consumer.subscribe({ topics: ['orders', /^orders-.*/] })
  await consumer.run({
    eachMessage: async ({ message, signal }) => {
      assertType<Equal<typeof message, ConsumerMessage<string, Order>>>()
      const amount: number | undefined = message.value?.amount
      const key: string | null = message.key
      const offset: string = message.offset
      const header: Buffer | undefined = message.headers.trace
      void [amount, key, offset, header, signal.aborted]
      // @ts-expect-error values may be null (tombstones)
      void message.value.amount
      // @ts-expect-error offsets are strings (64-bit)
      const numeric: number = message.offset
      void numeric
    },
  })
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }: EachBatchPayload<ConsumerMessage<string, Order>>) => {
      for (const message of batch.messages) resolveOffset(message.offset)
    },
  })
  await consumer.run({
    maxBatchSize: 100,
    eachBatch: async ({ batch, resolveOffset, isStale }) => {
      assertType<Equal<(typeof batch.messages)[number], ConsumerMessage<string, Order>>>()
      for (const message of batch.messages) if (!isStale()) resolveOffset(message.offset)
    },
  })
  // @ts-expect-error maxBatchSize only applies to eachBatch
  await consumer.run({ maxBatchSize: 100, eachMessage: async () => {} })
  for await (const message of consumer) {
    assertType<Equal<typeof message, ConsumerMessage<string, Order>>>()
  }

  // Without serdes: raw Buffers.
  const raw = new Consumer({ brokers: 'localhost:9092', groupId: 'raw' })
  await raw.run({
    eachMessage: async ({ message }) => {
      assertType<Equal<typeof message.value, Buffer | null>>()
    },
  })

  // A topics serde map: the message is a union discriminated by topic.
  const perTopic = new Consumer({
    brokers: 'localhost:9092',
    groupId: 'g',
    topics: { orders: { key: serdes.string(), value: serdes.json<Order>() }, audit: { value: serdes.json<Audit>() } },
  })
  await perTopic.subscribe({ topics: ['orders', 'audit'] })
  await perTopic.run({
    eachMessage: async ({ message }) => {
      if (message.topic === 'orders') {
        assertType<Equal<typeof message.value, Order | null>>()
        assertType<Equal<typeof message.key, string | null>>()
      } else {
        assertType<Equal<typeof message.topic, 'audit'>>()
        assertType<Equal<typeof message.value, Audit | null>>()
        assertType<Equal<typeof message.key, Buffer | null>>()
        // @ts-expect-error an audit value has no amount
        void message.value?.amount
      }
      // @ts-expect-error not narrowed yet: could be an Audit
      void message.value?.amount
    },
  })
  // @ts-expect-error only topics of the serde map can be subscribed to by name
  await perTopic.subscribe({ topics: ['payments'] })

  // Options are checked.
  // @ts-expect-error groupId is required
  new Consumer({ brokers: 'localhost:9092' })
  // @ts-expect-error a misspelled option does not compile
  new Consumer({ brokers: 'localhost:9092', groupId: 'g', fromBegining: true })
  // @ts-expect-error groupProtocol is classic or consumer
  new Consumer({ brokers: 'localhost:9092', groupId: 'g', groupProtocol: 'eager' })
  // @ts-expect-error rdkafka properties are typed from librdkafka's CONFIGURATION.md
  new Consumer({ brokers: 'localhost:9092', groupId: 'g', rdkafka: { 'fetch.wait.max.ms': true } })
  // @ts-expect-error eachMessage and eachBatch are exclusive
  await consumer.run({ eachMessage: async () => {}, eachBatch: async () => {} })
  // @ts-expect-error an error policy is stop, skip or a dead-letter topic
  await consumer.run({ eachMessage: async () => {}, errorPolicy: 'ignore' })
  await consumer.run({
    eachMessage: async () => {},
    errorPolicy: { deadLetter: { topic: 'orders-dlq' } },
    retry: { retries: 3 },
  })
  // @ts-expect-error seek offsets are strings, 'earliest' or 'latest'
  await consumer.seek({ topic: 'orders', partition: 0, offset: 5 })

  // Every header, repeated names kept, null for a header without a value.
  await consumer.run({
    eachMessage: async ({ message }) => {
      assertType<Equal<typeof message.headerList, ReadonlyArray<readonly [name: string, value: Buffer | null]>>>()
      assertType<Equal<typeof message.headers, Readonly<Record<string, Buffer>>>>()
    },
  })
  // A logger and an OAUTHBEARER token provider.
  new Consumer({ brokers: 'localhost:9092', groupId: 'g', logger: console })
  new Consumer({
    brokers: 'localhost:9092',
    groupId: 'g',
    sasl: {
      mechanism: 'oauthbearer',
      tokenProvider: async () => ({ tokenValue: 't', lifetimeMs: 60_000, principal: 'svc' }),
    },
  })
  // @ts-expect-error a logger has debug, info, warn and error
  new Consumer({ brokers: 'localhost:9092', groupId: 'g', logger: { log: () => {} } })
  // Offsets by time and queried watermarks.
  const byTime = await consumer.offsetsForTimes([{ topic: 'orders', partition: 0, timestamp: Date.now() - 60_000 }])
  assertType<Equal<(typeof byTime)[number]['offset'], string | null>>()
  const marks = await consumer.watermarks('orders', 0)
  assertType<Equal<typeof marks, { low: string; high: string }>>()
  // @ts-expect-error a timestamp is a number of ms
  await consumer.offsetsForTimes([{ topic: 'orders', partition: 0, timestamp: '2026-01-01' }])
}
