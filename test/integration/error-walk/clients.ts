/**
 * What error-walk.test.ts's failure cases share: the case type, and the clients they call (connected by
 * openClients before the walk, closed by closeClients after it, with everything closeLater was given).
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Admin, Consumer, type KafkaErrorCode, Producer } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'
import { brokers, createTopic, uniqueName } from '../helpers/kafka.js'

/** One failure of the public API: what is called, and the code it must fail with. */
export interface FailureCase {
  readonly name: string
  readonly code: KafkaErrorCode
  /** For an aggregate: the code of each failure, in order. */
  readonly failures?: readonly KafkaErrorCode[]
  readonly run: () => unknown
}

const closers: Array<() => Promise<unknown>> = []
/** Closes `client` (disconnect, stop or close) after the walk. */
export function closeLater<
  T extends { disconnect(): Promise<unknown> } | { stop(): Promise<unknown> } | { close(): Promise<unknown> },
>(client: T): T {
  closers.push(async () => {
    const c = client as Partial<Record<'disconnect' | 'stop' | 'close', () => Promise<unknown>>>
    await (c.disconnect ?? c.stop ?? c.close)?.call(client).catch(() => undefined)
  })
  return client
}

export let topic: string
export let producer: Producer
export let closedProducer: Producer
export let txProducer: Producer
export let smallProducer: Producer
export let consumer: Consumer
export let manualConsumer: Consumer
export let subscribed: Consumer
export let admin: Admin
export let closedPortUrl: string
export let mock: MockCluster

/** Creates the walk's topic, connects its clients, finds a closed port and starts a mock cluster. */
export async function openClients(): Promise<void> {
  topic = uniqueName('walk')
  await createTopic(topic, { partitions: 2 })
  producer = closeLater(new Producer({ brokers: brokers() }))
  closedProducer = new Producer({ brokers: brokers() })
  txProducer = closeLater(new Producer({ brokers: brokers(), transactionalId: uniqueName('walk-tx') }))
  smallProducer = closeLater(new Producer({ brokers: brokers(), rdkafka: { 'message.max.bytes': 1_000 } }))
  consumer = closeLater(new Consumer({ brokers: brokers(), groupId: uniqueName('walk-group') }))
  manualConsumer = closeLater(
    new Consumer({ brokers: brokers(), groupId: uniqueName('walk-manual'), commitOffsets: false }),
  )
  subscribed = closeLater(new Consumer({ brokers: brokers(), groupId: uniqueName('walk-subscribed') }))
  admin = closeLater(new Admin({ brokers: brokers() }))
  await Promise.all(
    [producer, closedProducer, txProducer, smallProducer, consumer, manualConsumer, subscribed, admin].map((client) =>
      client.connect(),
    ),
  )
  await subscribed.subscribe({ topics: [topic] })
  await closedProducer.disconnect()
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  closedPortUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await new Promise((resolve) => server.close(resolve))
  mock = await MockCluster.start()
}

/** Closes every client and the mock cluster. */
export async function closeClients(): Promise<void> {
  await Promise.all(closers.map((close) => close()))
  await mock?.stop()
}
