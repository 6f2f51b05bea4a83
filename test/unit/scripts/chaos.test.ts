import { describe, expect, it } from 'vitest'
import { Ledger, uncommittedAtKill } from '../../../scripts/chaos/ledger.mjs'
import { planFaults } from '../../../scripts/chaos/run.mjs'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

describe('chaos ledger (at-least-once accounting)', () => {
  it('a hand-over from the committed offset: duplicates equal the uncommitted span, nothing below committed', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 50), range(0, 50), 1)
    ledger.observeCommitted([40], 2)
    // a dies; b starts where the group committed and re-handles 40..49.
    ledger.add('b', 0, range(40, 60), range(40, 60), 3)
    expect(ledger.duplicates).toBe(10)
    expect(ledger.redeliveries).toBe(1)
    expect(ledger.uncommittedAtHandOver).toBe(10)
    expect(ledger.belowCommitted).toEqual([])
    expect(ledger.coverage([60])).toEqual({ distinct: 60, missing: 0, missingSample: [] })
  })

  it('a run starting below the committed offset is reported', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 50), range(0, 50), 1)
    ledger.observeCommitted([50], 2)
    ledger.add('b', 0, range(30, 50), range(30, 50), 3)
    expect(ledger.belowCommitted).toEqual([{ member: 'b', partition: 0, start: 30, committed: 50 }])
    expect(ledger.duplicates).toBe(20)
  })

  it('holds a run only against offsets observed before its batch was in hand, however late its report arrives', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 300), range(0, 300), 1)
    ledger.observeCommitted([100], 2)
    // a loses the partition with 100..299 uncommitted; it gets it back at 10 and re-handles from 100, then commits
    // 300. The poll answer saying 300 arrives at 12; the report of the batch in hand at 10 is read after it.
    ledger.observeCommitted([300], 12)
    ledger.add('a', 0, range(100, 300), range(100, 300), 10)
    expect(ledger.belowCommitted).toEqual([])
    expect(ledger.redeliveries).toBe(1)
    expect(ledger.committedBy(0, 10)).toBe(100)
    expect(ledger.committedBy(0, 12)).toBe(300)
    expect(ledger.committedBy(0, 1)).toBe(-1)
  })

  it("holds a member's first run after an assignment against the offsets observed before it was assigned", () => {
    const ledger = new Ledger(1)
    ledger.assigned('a', [0], 1)
    ledger.add('a', 0, range(0, 300), range(0, 300), 2)
    ledger.observeCommitted([100], 3)
    // a loses the partition with 100..299 handled and stored; it gets it back at 10 and reads committed 100. Its
    // commit of 300, deferred by librdkafka while the coordinator was unreachable, lands at 11, before the
    // re-delivered batch is in hand at 12.
    ledger.assigned('a', [0], 10)
    ledger.observeCommitted([300], 11)
    ledger.add('a', 0, range(100, 300), range(100, 300), 12)
    expect(ledger.belowCommitted).toEqual([])
    expect(ledger.redeliveries).toBe(1)
    // A rewind later within the same assignment is held against the offsets observed before its batch.
    ledger.add('a', 0, range(200, 300), range(200, 300), 13)
    expect(ledger.belowCommitted).toEqual([{ member: 'a', partition: 0, start: 200, committed: 300 }])
  })

  it('committed offsets only ever rise; continuing a run or new ground is no re-delivery; gaps are missing', () => {
    const ledger = new Ledger(2)
    ledger.observeCommitted([10, -1], 1)
    ledger.observeCommitted([5, 3], 2)
    expect(ledger.committed).toEqual([10, 3])
    expect(ledger.committedBy(0, 5)).toBe(10)
    ledger.add('a', 0, range(0, 5), range(0, 5), 3)
    ledger.add('a', 0, range(5, 8), range(5, 8), 4)
    ledger.add('b', 1, [0, 1, 3], [100, 101, 103], 5)
    expect(ledger.redeliveries).toBe(0)
    expect(ledger.duplicates).toBe(0)
    expect(ledger.coverage([8, 4])).toEqual({ distinct: 11, missing: 1, missingSample: ['1:2'] })
  })

  it('grows past its initial size', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, [5000, 5001], [1, 2], 1)
    ledger.add('b', 0, [5000], [1], 2)
    expect(ledger.duplicates).toBe(1)
  })

  it('uncommitted at a kill: per partition the victim handled, its highest offset + 1 minus the committed offset', () => {
    expect(
      uncommittedAtKill(
        new Map([
          [0, 49],
          [1, 9],
          [2, 99],
        ]),
        [40, 20, -1],
      ),
    ).toBe(10 + 0 + 100)
  })
})

describe('chaos fault plan', () => {
  it('spreads each kind over the run, so kinds interleave', () => {
    const plan = planFaults({ brokerKills: 2, brokerStops: 1, consumerKills: 2, processorKills: 2 })
    expect(plan).toHaveLength(7)
    expect(plan.filter((k) => k === 'broker-kill')).toHaveLength(2)
    expect(plan[0]).toBe('broker-kill')
    // Not grouped by kind: the first four faults already mix three kinds.
    expect(new Set(plan.slice(0, 4)).size).toBeGreaterThanOrEqual(3)
  })
})
