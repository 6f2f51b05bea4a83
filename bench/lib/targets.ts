/**
 * The targets, checked on a run's summaries: kafkit >= 0.9x raw node-rdkafka (its fastest row) in scenarios
 * 1 and 3, and ahead of every other Node client (raw node-rdkafka aside) in scenarios 1-3.
 * @module
 */
import type { RowResult, ScenarioResult } from './results.js'
import type { ScenarioId } from './protocol.js'

/** kafkit's minimum share of raw node-rdkafka's rate. */
export const RAW_RATIO_TARGET = 0.9

/** One checked target. */
export interface TargetCheck {
  readonly scenario: ScenarioId
  /** What was compared, e.g. `kafkit eachBatch >= 0.9x node-rdkafka consume(n)`. */
  readonly target: string
  /** kafkit's rate over the other row's (undefined when either has no figure). */
  readonly ratio: number | undefined
  /** Whether the target is met; undefined when it could not be checked. */
  readonly met: boolean | undefined
}

const RAW_SCENARIOS: readonly ScenarioId[] = ['produce', 'consume']
const AHEAD_SCENARIOS: readonly ScenarioId[] = ['produce', 'produce-awaited', 'produce-batch', 'consume']
const NOT_PEERS = new Set(['kafkit', 'rdkafka', 'c', 'java'])

function rate(row: RowResult | undefined): number | undefined {
  return row?.summary?.msgsPerSec.median
}

function check(
  scenario: ScenarioId,
  target: string,
  kafkit: number | undefined,
  other: number | undefined,
  threshold: number,
  strict: boolean,
): TargetCheck {
  if (kafkit === undefined || other === undefined || other === 0)
    return { scenario, target, ratio: undefined, met: undefined }
  const ratio = kafkit / other
  return { scenario, target, ratio, met: strict ? ratio > threshold : ratio >= threshold }
}

/** Checks the targets on summarized scenarios (rows that could not run are left out). */
export function evaluateTargets(scenarios: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const scenario of scenarios) {
    const kafkitRows = scenario.rows.filter((row) => row.client === 'kafkit')
    if (RAW_SCENARIOS.includes(scenario.id)) {
      // Raw node-rdkafka at its best: the fastest of its rows (defaults, or tuned where the table has both).
      const raw = scenario.rows
        .filter((row) => row.client === 'rdkafka' && !row.unavailable && rate(row) !== undefined)
        .sort((a, b) => rate(b)! - rate(a)!)[0]
      if (raw) {
        for (const kafkit of kafkitRows) {
          checks.push(
            check(
              scenario.id,
              `${kafkit.label} >= ${RAW_RATIO_TARGET}x ${raw.label}`,
              rate(kafkit),
              rate(raw),
              RAW_RATIO_TARGET,
              false,
            ),
          )
        }
      }
    }
    if (AHEAD_SCENARIOS.includes(scenario.id)) {
      for (const peer of scenario.rows.filter((row) => !NOT_PEERS.has(row.client) && !row.unavailable)) {
        // Same API where kafkit has it (eachMessage vs eachMessage), else kafkit's fastest row.
        const same = kafkitRows.find((row) => row.variant === peer.variant)
        const kafkit = same ?? [...kafkitRows].sort((a, b) => (rate(b) ?? 0) - (rate(a) ?? 0))[0]
        if (!kafkit) continue
        checks.push(check(scenario.id, `${kafkit.label} ahead of ${peer.label}`, rate(kafkit), rate(peer), 1, true))
      }
    }
  }
  return checks
}
