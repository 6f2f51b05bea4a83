import { describe, expect, it } from 'vitest'
import { Admin, StateError } from '../../../src/index.js'

describe('Admin lifecycle without a broker', () => {
  it('refuses every call before connect() with a StateError saying what to call first', async () => {
    const admin = new Admin({ brokers: 'localhost:9092' })
    expect(admin.state).toBe('idle')
    const calls: Array<() => Promise<unknown>> = [
      () => admin.listTopics(),
      () => admin.describeTopics(['t']),
      () => admin.createTopics([{ topic: 't' }]),
      () => admin.deleteTopics(['t']),
      () => admin.createPartitions([{ topic: 't', count: 2 }]),
      () => admin.describeCluster(),
      () => admin.listGroups(),
      () => admin.describeGroups(['g']),
      () => admin.deleteGroups(['g']),
      () => admin.listGroupOffsets('g'),
      () => admin.alterGroupOffsets('g', [{ topic: 't', partition: 0, offset: 1 }]),
      () => admin.resetGroupOffsets('g', { topic: 't', to: 'earliest' }),
      () => admin.deleteGroupOffsets('g', [{ topic: 't', partition: 0 }]),
      () => admin.listOffsets([{ topic: 't', partition: 0, at: 'latest' }]),
      () => admin.deleteRecords([{ topic: 't', partition: 0, before: 1 }]),
      () => admin.describeConfigs([{ type: 'topic', name: 't' }]),
      () => admin.alterConfigs([{ type: 'topic', name: 't', set: { a: 'b' } }]),
      () => admin.createAcls([]),
      () => admin.describeAcls(),
      () => admin.deleteAcls([]),
      () => admin.describeUserScramCredentials(),
      () => admin.alterUserScramCredentials([]),
    ]
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(StateError)
      expect((error as StateError).message).toContain('await admin.connect() first')
    }
  })

  it('disconnect() before connect() closes it for good', async () => {
    const admin = new Admin({ brokers: 'localhost:9092' })
    await admin.disconnect()
    expect(admin.state).toBe('closed')
    await expect(admin.connect()).rejects.toBeInstanceOf(StateError)
    await expect(admin.listTopics()).rejects.toThrow(/disconnected client cannot be reused/)
  })
})
