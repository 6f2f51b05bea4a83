import { describe, expect, it } from 'vitest'
import { Ledger, uncommittedAtKill } from '../../../scripts/chaos/ledger.mjs'
import { planFaults } from '../../../scripts/chaos/run.mjs'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

describe('chaos ledger (at-least-once accounting)', () => {
  it('a hand-over from the committed offset: duplicates equal the uncommitted span, nothing below committed', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 50), range(0, 50))
    ledger.observeCommitted([40])
    // a dies; b starts where the group committed and re-handles 40..49.
    ledger.add('b', 0, range(40, 60), range(40, 60))
    expect(ledger.duplicates).toBe(10)
    expect(ledger.redeliveries).toBe(1)
    expect(ledger.uncommittedAtHandOver).toBe(10)
    expect(ledger.belowCommitted).toEqual([])
    expect(ledger.coverage([60])).toEqual({ distinct: 60, missing: 0, missingSample: [] })
  })

  it('a run starting below the committed offset is reported', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 50), range(0, 50))
    ledger.observeCommitted([50])
    ledger.add('b', 0, range(30, 50), range(30, 50))
    expect(ledger.belowCommitted).toEqual([{ member: 'b', partition: 0, start: 30, committed: 50 }])
    expect(ledger.duplicates).toBe(20)
  })

  it('committed offsets only ever rise; continuing a run or new ground is no re-delivery; gaps are missing', () => {
    const ledger = new Ledger(2)
    ledger.observeCommitted([10, -1])
    ledger.observeCommitted([5, 3])
    expect(ledger.committed).toEqual([10, 3])
    ledger.add('a', 0, range(0, 5), range(0, 5))
    ledger.add('a', 0, range(5, 8), range(5, 8))
    ledger.add('b', 1, [0, 1, 3], [100, 101, 103])
    expect(ledger.redeliveries).toBe(0)
    expect(ledger.duplicates).toBe(0)
    expect(ledger.coverage([8, 4])).toEqual({ distinct: 11, missing: 1, missingSample: ['1:2'] })
  })

  it('grows past its initial size', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, [5000, 5001], [1, 2])
    ledger.add('b', 0, [5000], [1])
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
