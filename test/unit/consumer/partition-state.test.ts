import { describe, expect, it } from 'vitest'
import { PartitionState, PartitionTable } from '../../../src/consumer/partition-state.js'
import { MessageList, type RawMessage } from '../../../src/native/fetched-batch.js'

function message(offset: number, bytes = 10): RawMessage {
  return {
    topic: 't',
    partition: 0,
    offset,
    value: Buffer.alloc(bytes),
    key: Buffer.alloc(2),
    size: bytes + 2,
    timestamp: -1,
    headers: [],
  }
}

describe('PartitionState', () => {
  it('buffers in order and accounts bytes of keys and values', () => {
    const state = new PartitionState('t', 0)
    for (let i = 0; i < 5; i++) state.push(message(i))
    expect(state.size).toBe(5)
    expect(state.bytes).toBe(60)
    expect(state.peek()!.offset).toBe(0)
    expect(state.at(3)!.offset).toBe(3)
    state.drop(2)
    expect(state.size).toBe(3)
    expect(state.bytes).toBe(36)
    expect(state.peek()!.offset).toBe(2)
    expect(state.nextToHandle).toBe(2)
  })

  it('keeps working across compaction of a long-lived buffer', () => {
    const state = new PartitionState('t', 0)
    for (let i = 0; i < 5000; i++) state.push(message(i, 1))
    for (let i = 0; i < 4000; i++) {
      expect(state.peek()!.offset).toBe(i)
      state.drop(1)
    }
    expect(state.size).toBe(1000)
    expect(state.bytes).toBe(3000)
    expect(state.at(999)!.offset).toBe(4999)
  })

  it('clear() ends back-pressure: an empty buffer is below its bound and no task would lift it', () => {
    const state = new PartitionState('t', 0)
    state.push(message(0))
    state.backpressured = true
    state.clear()
    expect(state.backpressured).toBe(false)
  })

  it('clear() returns the first dropped offset; nextToHandle falls back to the processed position', () => {
    const state = new PartitionState('t', 0)
    state.processedNext = 7
    expect(state.nextToHandle).toBe(7)
    state.push(message(7))
    state.push(message(8))
    expect(state.clear()).toBe(7)
    expect(state.size).toBe(0)
    expect(state.bytes).toBe(0)
    expect(state.clear()).toBeUndefined()
  })

  it('buffers ranges of sources: sizes, partial drops across ranges, and offsets without making messages', () => {
    const state = new PartitionState('t', 0)
    const first = new MessageList([0, 1, 2, 3].map((offset) => message(offset, offset)))
    const second = new MessageList([4, 5, 6].map((offset) => message(offset, 1)))
    state.pushRange(first, 1, 4) // offsets 1-3: 3 + 4 + 5 bytes
    state.pushRange(second, 0, 0) // empty: ignored
    state.pushRange(second, 0, 3) // offsets 4-6: 3 x 3 bytes
    expect(state.size).toBe(6)
    expect(state.bytes).toBe(21)
    expect([0, 1, 2, 3, 4, 5].map((i) => state.at(i)!.offset)).toEqual([1, 2, 3, 4, 5, 6])
    expect(state.at(6)).toBeUndefined()
    state.drop(4) // through offset 4, ending inside the second range
    expect(state.size).toBe(2)
    expect(state.bytes).toBe(6)
    expect(state.nextToHandle).toBe(5)
    state.drop(10) // more than buffered: empties it
    expect(state.size).toBe(0)
    expect(state.bytes).toBe(0)
    expect(state.peek()).toBeUndefined()
  })

  it('head() is a snapshot: dropping and clearing afterwards does not change what it reads', () => {
    const state = new PartitionState('t', 0)
    state.pushRange(new MessageList([10, 11].map((offset) => message(offset))), 0, 2)
    state.pushRange(new MessageList([12, 13, 14].map((offset) => message(offset))), 0, 3)
    const taken = state.head(4)
    expect(taken.length).toBe(4)
    expect(state.head(99).length).toBe(5)
    state.drop(3)
    state.clear()
    expect([0, 1, 2, 3].map((i) => taken.offset(i))).toEqual([10, 11, 12, 13])
    expect(taken.message(2).offset).toBe(12)
    expect(taken.messages(3).map((m) => m.offset)).toEqual([10, 11, 12])
    expect(() => taken.offset(4)).toThrow(RangeError)
  })

  it('invalidate() bumps the generation and aborts the current signal only', () => {
    const state = new PartitionState('t', 0)
    const before = state.abort.signal
    state.invalidate()
    expect(state.generation).toBe(1)
    expect(before.aborted).toBe(true)
    expect(state.abort.signal.aborted).toBe(false)
  })

  it('is dispatchable only while active, not user-paused and not seeking', () => {
    const state = new PartitionState('t', 0)
    expect(state.dispatchable).toBe(true)
    state.userPaused = true
    expect(state.dispatchable).toBe(false)
    state.userPaused = false
    state.seeking = true
    expect(state.dispatchable).toBe(false)
    state.seeking = false
    state.status = 'revoking'
    expect(state.dispatchable).toBe(false)
  })
})

describe('PartitionTable', () => {
  it('finds partitions by topic and number and forgets removed ones', () => {
    const table = new PartitionTable()
    const a = table.add('orders', 0)
    table.add('orders', 1)
    expect(table.get('orders', 0)).toBe(a)
    expect(table.get('orders', 2)).toBeUndefined()
    expect(table.size).toBe(2)
    table.remove(a)
    expect(a.status).toBe('gone')
    expect(table.get('orders', 0)).toBeUndefined()
    expect([...table.all()].map((s) => s.partition)).toEqual([1])
  })
})
