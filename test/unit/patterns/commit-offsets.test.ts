import { describe, expect, it } from 'vitest'
import { resolveConsumerOptions } from '../../../src/consumer/options.js'
import { OffsetTracker } from '../../../src/consumer/offset-tracker.js'
import { PartitionState } from '../../../src/consumer/partition-state.js'
import type { RawTopicPartition } from '../../../src/native/consumer.js'

// The consumer option the Processor relies on: offsets are committed only through transactions.
describe('consumer commitOffsets option', () => {
  const base = { brokers: 'localhost:9092', groupId: 'g' }

  it('keeps librdkafka auto-commit on by default and turns it off with commitOffsets: false', () => {
    expect(resolveConsumerOptions(base).globalConfig['enable.auto.commit']).toBe(true)
    const off = resolveConsumerOptions({ ...base, commitOffsets: false })
    expect(off.globalConfig['enable.auto.commit']).toBe(false)
    expect(off.globalConfig['enable.auto.offset.store']).toBe(false)
    expect(off.commitOffsets).toBe(false)
  })

  it('rejects a non-boolean', () => {
    expect(() => resolveConsumerOptions({ ...base, commitOffsets: 'no' })).toThrow(/commitOffsets/)
  })

  it('a disabled tracker neither stores nor commits', async () => {
    const calls: RawTopicPartition[][] = []
    const native = {
      offsetsStore: (o: RawTopicPartition[]) => void calls.push(o),
      commit: (o: RawTopicPartition[]) => void calls.push(o),
    }
    const state = new PartitionState('t', 0)
    state.processedNext = 7
    const disabled = new OffsetTracker(native, () => undefined, false)
    expect(disabled.store([state])).toBeUndefined()
    await disabled.commit([state], 1_000)
    expect(calls).toEqual([])
    // Control: the same state is stored by an enabled tracker.
    new OffsetTracker(native).store([state])
    expect(calls).toEqual([[{ topic: 't', partition: 0, offset: 7 }]])
  })
})
