/**
 * The shape of a bench run's results file (`results-*.json`, `latest.json`), read back by the renderers.
 * @module
 */
import type { MachineInfo } from './machine.js'
import type { BenchOptions } from './options.js'
import type { ScenarioResult } from './results.js'
import type { SweepResult } from './sweep.js'
import type { TargetCheck } from './targets.js'

/** The results file's shape. */
export interface BenchResults {
  readonly schema: 1
  readonly mode: BenchOptions['mode']
  readonly startedAt: string
  finishedAt?: string
  durationSeconds?: number
  readonly machine: MachineInfo
  readonly settings: Omit<BenchOptions, 'security' | 'resultsDir' | 'node22'> & {
    readonly secured: boolean
    readonly platformaticNode?: string | undefined
  }
  readonly scenarios: ScenarioResult[]
  /** The targets checked on this run. */
  targets?: TargetCheck[]
  /** Scenarios 1 and 3 along each `--sweep` axis (absent when none was asked for). */
  sweeps?: SweepResult[]
}
