/**
 * Which serdes a send uses: the topic's own from `topics`, else the producer's defaults (on librdkafka's mock
 * cluster, which is enough to see a record serialized and delivered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Producer, SerializationError, serdes } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'

let cluster: MockCluster

beforeAll(async () => {
  cluster = await MockCluster.start({ brokers: 1 })
  for (const topic of ['orders', 'events', 'constructor', 'toString', '__proto__']) cluster.createTopic(topic, 1)
})

afterAll(async () => {
  await cluster.stop()
}, 30_000)

describe('Producer serdes per topic', () => {
  it("uses a topic's own serdes, and the defaults for every other topic, even one named like an Object member", async () => {
    const producer = new Producer({
      brokers: cluster.bootstrapServers,
      value: serdes.json<{ n: number }>(),
      // JSON.parse makes '__proto__' an own key, as a configuration read from a file would have it.
      topics: { orders: { value: serdes.int32() }, ...(JSON.parse('{"__proto__": {}}') as Record<string, object>) },
    })
    await producer.connect()
    try {
      await expect(producer.send({ topic: 'orders', value: 7 })).resolves.toMatchObject({ topic: 'orders' })
      // int32 refuses an object: the default JSON serde did not run for 'orders'.
      // @ts-expect-error -- the wrong type on purpose: 'orders' takes int32 values
      await expect(producer.send({ topic: 'orders', value: { n: 1 } })).rejects.toBeInstanceOf(SerializationError)
      // '__proto__' is in the map without serdes of its own: bytes and strings pass as they are.
      // @ts-expect-error -- the typing knows only the defaults' type for a topic given as any string
      await expect(producer.send({ topic: '__proto__', value: 'as is' })).resolves.toMatchObject({
        offset: '0',
      })
      await expect(producer.send({ topic: '__proto__', value: { n: 1 } })).rejects.toBeInstanceOf(SerializationError)
      for (const topic of ['events', 'constructor', 'toString']) {
        await expect(producer.send({ topic, value: { n: 1 } })).resolves.toMatchObject({ topic, offset: '0' })
      }
    } finally {
      await producer.disconnect()
    }
  })
})
