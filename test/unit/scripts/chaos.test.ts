import { describe, expect, it } from 'vitest'
import { Ledger, uncommittedAtKill } from '../../../scripts/chaos/ledger.mjs'
import { renderTable } from '../../../scripts/chaos/report.mjs'
import { planFaults, type ChaosResult } from '../../../scripts/chaos/run.mjs'

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
    expect(ledger.belowCommitted).toEqual([
      { member: 'b', partition: 0, start: 30, committed: 50, at: 3, highestCommitted: 50 },
    ])
    expect(ledger.duplicates).toBe(20)
    expect(ledger.falls).toEqual([])
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
    expect(ledger.belowCommitted).toEqual([
      { member: 'a', partition: 0, start: 200, committed: 300, at: 13, highestCommitted: 300 },
    ])
  })

  it('an observed fall before an assignment: the new run may start at the fallen offset; the fall is counted', () => {
    // consumer-1.1 handled 0..99 and committed 100, then lost the partition in a coordinator outage; b took it
    // over, handled 100..299 and committed 300. 1.1's deferred commit of 100 landed late (seen at 9) and 1.1 got the
    // partition back at 10: it rightly starts from 100.
    const play = (withFall: boolean): Ledger => {
      const ledger = new Ledger(1)
      ledger.assigned('consumer-1.1', [0], 1)
      ledger.add('consumer-1.1', 0, range(0, 100), range(0, 100), 2)
      ledger.observeCommitted([100], 3)
      ledger.assigned('b', [0], 4)
      ledger.add('b', 0, range(100, 300), range(100, 300), 5)
      ledger.observeCommitted([300], 6)
      if (withFall) ledger.observeCommitted([100], 9)
      ledger.assigned('consumer-1.1', [0], 10)
      ledger.add('consumer-1.1', 0, range(100, 320), range(100, 320), 11)
      return ledger
    }
    const ledger = play(true)
    expect(ledger.belowCommitted).toEqual([])
    expect(ledger.falls).toEqual([{ partition: 0, at: 9, from: 300, to: 100 }])
    expect(ledger.committedBy(0, 10)).toBe(100)
    expect(ledger.committed).toEqual([300])
    expect(ledger.redeliveries).toBe(1)
    expect(ledger.duplicates).toBe(200)
    // The bound is taken from the fallen value: 300 - 100.
    expect(ledger.uncommittedAtHandOver).toBe(200)
    // Without the fall observed, the same run is reported.
    const unobserved = play(false)
    expect(unobserved.falls).toEqual([])
    expect(unobserved.belowCommitted).toEqual([
      { member: 'consumer-1.1', partition: 0, start: 100, committed: 300, at: 10, highestCommitted: 300 },
    ])
  })

  it('a run starting below the latest observed committed offset is still reported, with when and the highest', () => {
    const ledger = new Ledger(2)
    ledger.add('a', 0, range(0, 300), range(0, 300), 1)
    ledger.observeCommitted([300, -1], 2)
    ledger.observeCommitted([200, -1], 5)
    // b, assigned after the fall to 200, starts at 100: below what the broker said then.
    ledger.assigned('b', [0], 10)
    ledger.add('b', 0, range(100, 300), range(100, 300), 11)
    expect(ledger.falls).toEqual([{ partition: 0, at: 5, from: 300, to: 200 }])
    expect(ledger.belowCommitted).toEqual([
      { member: 'b', partition: 0, start: 100, committed: 200, at: 10, highestCommitted: 300 },
    ])
  })

  it('a fall observed only after the run was held does not excuse it (the causal check can report it)', () => {
    const ledger = new Ledger(1)
    ledger.add('a', 0, range(0, 300), range(0, 300), 1)
    ledger.observeCommitted([300], 2)
    ledger.assigned('b', [0], 10)
    // The fall to 100 landed before b read its start, but the poll answer showing it arrived at 10.5.
    ledger.observeCommitted([100], 10.5)
    ledger.add('b', 0, range(100, 300), range(100, 300), 11)
    expect(ledger.belowCommitted).toEqual([
      { member: 'b', partition: 0, start: 100, committed: 300, at: 10, highestCommitted: 300 },
    ])
    expect(ledger.falls).toEqual([{ partition: 0, at: 10.5, from: 300, to: 100 }])
    // Set apart as explained by that fall when it was polled within the grace after the run was held, not later.
    expect(ledger.splitBelowCommitted(1)).toEqual({ unexplained: [], afterFall: ledger.belowCommitted })
    expect(ledger.splitBelowCommitted(0.4)).toEqual({ unexplained: ledger.belowCommitted, afterFall: [] })
  })

  it('a fall polled just after a run explains it only on the same partition and down to its start or below', () => {
    const ledger = new Ledger(2)
    ledger.add('a', 0, range(0, 300), range(0, 300), 1)
    ledger.add('a', 1, range(0, 300), range(0, 300), 1)
    ledger.observeCommitted([300, 300], 2)
    ledger.assigned('b', [0, 1], 10)
    ledger.add('b', 0, range(100, 300), range(100, 300), 11)
    ledger.add('b', 1, range(100, 300), range(100, 300), 11)
    // Partition 0 fell to 150 (above b's start 100), partition 1 to 100.
    ledger.observeCommitted([150, 100], 11)
    const [p0, p1] = ledger.belowCommitted
    expect([p0?.partition, p1?.partition]).toEqual([0, 1])
    expect(ledger.splitBelowCommitted(2_500)).toEqual({ unexplained: [p0], afterFall: [p1] })
  })

  it('committedBy follows falls and rises: the latest observation at or before the time', () => {
    const ledger = new Ledger(1)
    ledger.observeCommitted([100], 10)
    ledger.observeCommitted([300], 20)
    ledger.observeCommitted([150], 30)
    ledger.observeCommitted([400], 40)
    ledger.observeCommitted([400], 50) // no change
    ledger.observeCommitted([-1], 55) // no observation
    const at = [5, 10, 15, 20, 29, 30, 35, 40, 45, 55, 60]
    expect(at.map((t) => ledger.committedBy(0, t))).toEqual([-1, 100, 100, 300, 300, 150, 150, 400, 400, 400, 400])
    expect(ledger.changes).toEqual([
      [
        { at: 10, committed: 100 },
        { at: 20, committed: 300 },
        { at: 30, committed: 150 },
        { at: 40, committed: 400 },
      ],
    ])
    expect(ledger.falls).toEqual([{ partition: 0, at: 30, from: 300, to: 150 }])
    expect(ledger.committed).toEqual([400])
  })

  it('keeps the highest committed offset and records falls; continuing a run or new ground is no re-delivery; gaps are missing', () => {
    const ledger = new Ledger(2)
    ledger.observeCommitted([10, -1], 1)
    ledger.observeCommitted([5, 3], 2)
    expect(ledger.committed).toEqual([10, 3])
    expect(ledger.committedBy(0, 1)).toBe(10)
    expect(ledger.committedBy(0, 5)).toBe(5)
    expect(ledger.committedBy(1, 1)).toBe(-1)
    expect(ledger.falls).toEqual([{ partition: 0, at: 2, from: 10, to: 5 }])
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

describe('chaos report', () => {
  const t0 = Date.parse('2026-12-01T10:00:00.000Z')
  const result = (atLeastOnce: Partial<ChaosResult['atLeastOnce']>): ChaosResult =>
    ({
      options: {
        brokerStopMs: 20_000,
        partitionsPerTransaction: undefined,
        restartStalled: false,
        producerInFlight: 1,
      },
      startedAt: new Date(t0).toISOString(),
      phaseMs: { setup: 1_000, faults: 2_000, converge: 3_000, verify: 4_000 },
      messages: {
        sent: 1,
        acknowledged: 1,
        failedSends: 0,
        failedPossiblyPersisted: 0,
        inInput: 1,
        unacknowledgedInInput: 0,
        lost: 0,
        inputDuplicateIds: 0,
      },
      atLeastOnce: {
        handled: 1,
        distinct: 1,
        missing: 0,
        duplicates: 0,
        redeliveries: 0,
        uncommittedAtHandOver: 0,
        uncommittedAtKills: 0,
        belowCommitted: [],
        belowCommittedAfterFall: [],
        falls: [],
        ...atLeastOnce,
      },
      exactlyOnce: {
        transactionsCommitted: 1,
        transactionsAborted: 0,
        outputs: 1,
        duplicates: 0,
        missing: 0,
        mismatched: 0,
        abortedOutputsSkipped: 0,
      },
      peakRss: { producer: 0, consumer: 0, processor: 0, runner: 0 },
      faults: { brokerKills: 0, brokerStops: 0, consumerKills: 0, processorKills: 0, timeline: [] },
      unplannedExits: [],
      livenessRestarts: [],
      failures: [],
    }) as unknown as ChaosResult

  it('counts the falls in the table and lists each fall and run below the committed offset after it, in time order', () => {
    const table = renderTable(
      result({
        belowCommitted: [
          {
            member: 'consumer-1.1',
            partition: 3,
            start: 4500,
            committed: 4800,
            at: t0 + 123_400,
            highestCommitted: 4900,
          },
        ],
        belowCommittedAfterFall: [
          {
            member: 'consumer-0.2',
            partition: 1,
            start: 4700,
            committed: 4900,
            at: t0 + 99_500,
            highestCommitted: 4900,
          },
        ],
        falls: [
          { partition: 3, at: t0 + 123_900, from: 4800, to: 4500 },
          { partition: 1, at: t0 + 100_000, from: 4900, to: 4800 },
        ],
      }),
    )
    expect(table).toContain('| at-least-once: committed offset moved back (observed falls) | 2 |')
    expect(table).toContain('| at-least-once: re-deliveries below the committed offset | 1 |')
    expect(table).toContain('| at-least-once: runs below it that a fall polled just after explains | 1 |')
    const after = table.split('\n\n')[1]?.split('\n')
    expect(after).toEqual([
      'At-least-once (seconds since the start; a fall when its poll answer arrived, a run when it was held):',
      '   99.5 s  below, fell     consumer-0.2    partition 1  start 4700  committed then 4900  highest before 4900',
      '  100.0 s  committed fell  partition 1     from 4900 to 4800',
      '  123.4 s  below committed consumer-1.1    partition 3  start 4500  committed then 4800  highest before 4900',
      '  123.9 s  committed fell  partition 3     from 4800 to 4500',
    ])
  })

  it('prints nothing after the table when there is nothing to list', () => {
    const table = renderTable(result({}))
    expect(table).toContain('| at-least-once: committed offset moved back (observed falls) | 0 |')
    expect(table).toContain('| ids written twice by idempotent producers (1 request in flight) | 0 |')
    expect(table).not.toContain('\n\n')
    expect(table.split('\n').at(-1)).toBe('| result | PASS |')
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
