/**
 * A short run of `npm run chaos` (scripts/chaos/): its own 3-node cluster, idempotent producers, an at-least-once
 * group and exactly-once Processors in child processes, two broker SIGKILLs and two client SIGKILLs, then the
 * invariants checked from the topics themselves. The liveness probe stays off: a member that stops making
 * progress fails the run instead of being restarted. A cluster that cannot start fails the test (runChaos throws).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderTable, renderTimeline } from '../../scripts/chaos/report.mjs'
import { runChaos } from '../../scripts/chaos/run.mjs'
import { transpileSources } from './helpers/consumer-child.js'

describe('chaos: faults injected while clients run', () => {
  let sources: { dir: string; cleanup: () => Promise<void> }
  beforeAll(async () => {
    // The children run the current sources (transpiled), not whatever dist/ holds.
    sources = await transpileSources()
  })
  afterAll(async () => {
    await sources?.cleanup()
  })

  it('2 broker kills, a consumer and a Processor killed: nothing lost, no exactly-once duplicate, all caught up', async () => {
    const started = Date.now()
    const result = await runChaos({
      durationS: 60,
      brokerKills: 2,
      brokerStops: 0,
      consumerKills: 1,
      processorKills: 1,
      minGapMs: 10_000,
      convergeTimeoutMs: 120_000,
      kafkit: join(sources.dir, 'index.js'),
      log: (line) => console.log(line),
    })
    console.log(
      `${renderTable(result)}\n${renderTimeline(result)}\n${result.notes.join('\n')}\n[chaos test] ${Math.round((Date.now() - started) / 1000)} s`,
    )

    expect(result.faults.brokerKills).toBe(2)
    expect(result.faults.consumerKills + result.faults.processorKills).toBe(2)
    expect(result.messages.acknowledged).toBeGreaterThan(0)
    expect(result.messages.lost).toBe(0)
    expect(result.messages.inputDuplicateIds).toBe(0)
    expect(result.atLeastOnce.missing).toBe(0)
    expect(result.atLeastOnce.belowCommitted).toEqual([])
    expect(result.exactlyOnce.duplicates).toBe(0)
    expect(result.exactlyOnce.missing).toBe(0)
    expect(result.exactlyOnce.mismatched).toBe(0)
    expect(result.converged).toBe(true)
    expect(result.unplannedExits).toEqual([])
    expect(result.failures).toEqual([])
  }, 600_000)
})
