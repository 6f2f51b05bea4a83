import { describe, expect, it } from 'vitest'
import { Producer, serdes } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'

// The mock cluster is a user-facing helper; kafkit's own integration tests use the real broker.
describe('MockCluster', () => {
  it('serves a kafkit producer in the same process and reports its bootstrap servers', async () => {
    const cluster = await MockCluster.start({ brokers: 2 })
    try {
      expect(cluster.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/)
      const producer = new Producer({ brokers: cluster.bootstrapServers, value: serdes.string() })
      await producer.connect()
      const reports = await Promise.all(
        [1, 2, 3].map((n) => producer.send({ topic: 'mock-topic', partition: 0, value: `m${n}` })),
      )
      expect(reports.map((r) => r.offset)).toEqual(['0', '1', '2'])
      await producer.disconnect()
    } finally {
      await cluster.stop()
    }
    expect(() => cluster.bootstrapServers).toThrow(/after stop/)
  })
})
