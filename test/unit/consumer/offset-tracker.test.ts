import { describe, expect, it } from 'vitest'
import { RESP_ERR } from '../../../src/errors/codes.generated.js'
import type { RawTopicPartition } from '../../../src/native/consumer.js'
import { OffsetTracker } from '../../../src/consumer/offset-tracker.js'
import { PartitionState } from '../../../src/consumer/partition-state.js'
import { KafkaError, TimeoutError } from '../../../src/errors/index.js'

class FakeNative {
  stored: RawTopicPartition[][] = []
  commits: RawTopicPartition[][] = []
  failStore = false
  offsetsStore(offsets: RawTopicPartition[]): void {
    if (this.failStore) throw Object.assign(new Error('Local: Erroneous state'), { code: -172 })
    this.stored.push(offsets)
  }
  commit(offsets: RawTopicPartition[]): void {
    this.commits.push(offsets)
  }
}

function state(partition: number, processedNext?: number): PartitionState {
  const s = new PartitionState('t', partition)
  s.processedNext = processedNext
  return s
}

describe('OffsetTracker', () => {
  it('stores only processed offsets that moved, in one call', () => {
    const native = new FakeNative()
    const tracker = new OffsetTracker(native)
    const a = state(0, 5)
    const b = state(1)
    const c = state(2, 9)
    expect(tracker.store([a, b, c])).toBeUndefined()
    expect(native.stored).toEqual([
      [
        { topic: 't', partition: 0, offset: 5 },
        { topic: 't', partition: 2, offset: 9 },
      ],
    ])
    expect(tracker.store([a, b, c])).toBeUndefined()
    expect(native.stored).toHaveLength(1)
    a.processedNext = 6
    tracker.store([a, b, c])
    expect(native.stored[1]).toEqual([{ topic: 't', partition: 0, offset: 6 }])
  })

  it('reports a failed store and retries it next time', () => {
    const native = new FakeNative()
    const tracker = new OffsetTracker(native)
    const a = state(0, 5)
    native.failStore = true
    expect(tracker.store([a])).toBeInstanceOf(KafkaError)
    native.failStore = false
    expect(tracker.store([a])).toBeUndefined()
    expect(native.stored).toEqual([[{ topic: 't', partition: 0, offset: 5 }]])
  })

  it('commit() resolves when a commit result covers its offsets (also an auto-commit)', async () => {
    const native = new FakeNative()
    const tracker = new OffsetTracker(native)
    const a = state(0, 5)
    const done = tracker.commit([a], 1000)
    expect(native.commits).toEqual([[{ topic: 't', partition: 0, offset: 5 }]])
    let settled = false
    void done.then(() => {
      settled = true
    })
    tracker.onCommitResult(undefined, [{ topic: 't', partition: 0, offset: 4 }])
    await Promise.resolve()
    expect(settled).toBe(false)
    tracker.onCommitResult(undefined, [
      { topic: 't', partition: 0, offset: 6 },
      { topic: 't', partition: 1, offset: 3 },
    ])
    await done
    expect(tracker.committedOffset('t', 0)).toBe(6)
    // Nothing new: resolves without a request.
    await tracker.commit([a], 1000)
    expect(native.commits).toHaveLength(1)
  })

  it('commit() rejects with the mapped error when its exact request failed; NO_OFFSET counts as success', async () => {
    const native = new FakeNative()
    const tracker = new OffsetTracker(native)
    const failing = tracker.commit([state(0, 5)], 1000)
    tracker.onCommitResult(
      Object.assign(new Error('Broker: Specified group generation id is not valid'), { code: 22 }),
      [{ topic: 't', partition: 0, offset: 5 }],
    )
    await expect(failing).rejects.toMatchObject({ code: 'ERR_KAFKA_ILLEGAL_GENERATION' })
    const noop = tracker.commit([state(1, 3)], 1000)
    tracker.onCommitResult(Object.assign(new Error('Local: No offset stored'), { code: RESP_ERR._NO_OFFSET }), [
      { topic: 't', partition: 1, offset: 3 },
    ])
    await expect(noop).resolves.toBeUndefined()
  })

  it('commit() times out when no result comes, and abandon() rejects what is pending', async () => {
    const tracker = new OffsetTracker(new FakeNative())
    await expect(tracker.commit([state(0, 5)], 20)).rejects.toBeInstanceOf(TimeoutError)
    const pending = tracker.commit([state(1, 5)], 10_000)
    tracker.abandon(new KafkaError('ERR_STATE', 'closed'))
    await expect(pending).rejects.toThrow('closed')
  })
})
