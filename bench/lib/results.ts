/**
 * The results model: what was planned, what each run reported, and the per-row summary the tables and charts
 * show. Pure functions, tested on canned inputs.
 * @module
 */
import type { BrokerGc } from './broker-gc.js'
import type { ClientId, RunnerReport, ScenarioId } from './protocol.js'
import {
  cpuSecondsPerMillion,
  dropWarmup,
  megabytesPerSecond,
  median,
  rate,
  ratio,
  summarizeLatency,
  summarizeRounds,
  type LatencySummary,
  type RoundSummary,
} from './stats.js'

/** Fraction of latency samples dropped as warm-up. */
export const LATENCY_WARMUP_FRACTION = 0.1

/** One row of a scenario's table: a client and the API it is driven through. */
export interface RowPlan {
  readonly scenario: ScenarioId
  readonly client: ClientId
  /** The API used, e.g. `send`, `eachBatch`. */
  readonly variant: string
  /** What the table prints. */
  readonly label: string
  /** Why this row cannot run here (e.g. "needs Node >= 22"); the row is shown without figures. */
  readonly unavailable?: string | undefined
}

/** One run of a row, as stored in the results JSON (latency samples are summarized, not stored). */
export interface RunRecord {
  readonly round: number
  readonly topic: string
  /** The runner's report, without raw latency samples. */
  readonly report?: Omit<RunnerReport, 'latencyMs' | 'type'> | undefined
  /** Latency percentiles of this run. */
  readonly latency?: LatencySummary | undefined
  /** Messages found in the topic afterwards (producer scenarios; the pipeline's outputs as `read_committed` sees them). */
  readonly inTopic?: number | undefined
  /** Why the run failed. */
  readonly error?: string | undefined
  /** The broker's GC pauses while the run lasted (a cluster the benchmark started). */
  readonly brokerGc?: BrokerGc | undefined
}

/** The figures of a row over its rounds. */
export interface RowSummary {
  /** Messages per second over the rounds; the median is the headline figure. */
  readonly msgsPerSec: RoundSummary
  /** MB/s at the median message rate's run size. */
  readonly mbPerSec: number
  /** Median peak RSS, MB (10^6 bytes). */
  readonly peakRssMb: number
  /** Median CPU seconds (user + system, whole process) per million messages. */
  readonly cpuSecondsPerMillion: number
  /** Median message rate / the C limit's in the same scenario. */
  readonly ratioToC?: number | undefined
  /** Median message rate / kafkit's (same API variant where kafkit has one). */
  readonly ratioToKafkit?: number | undefined
  /** Latency percentiles, median over runs. */
  readonly latency?: LatencySummary | undefined
  /** The longest broker GC pause during any of the runs, ms; undefined when the broker's GC log was not read. */
  readonly brokerGcMaxMs?: number | undefined
  /** Runs that finished all their messages before the deadline. */
  readonly completedRuns: number
  /** Runs that produced figures. */
  readonly runs: number
  /** Errors reported over all runs. */
  readonly errors: number
  /** Messages sent but not found in the topic (producer scenarios), summed over runs; undefined if not checked. */
  readonly lost?: number | undefined
  /** Records found in the topic beyond those reported (duplicates in the pipeline scenario), summed over runs. */
  readonly extra?: number | undefined
}

/** A row with its runs and summary. */
export interface RowResult extends RowPlan {
  readonly runs: RunRecord[]
  summary?: RowSummary | undefined
}

/** A scenario's rows. */
export interface ScenarioResult {
  readonly id: ScenarioId
  readonly title: string
  /** What the scenario does, in one sentence with its parameters. */
  readonly description: string
  readonly rows: RowResult[]
  /** Wall-clock seconds the scenario took, set-up included. */
  durationSeconds?: number
}

/** The longest broker pause over the runs that know theirs. */
function brokerGcMax(runs: readonly RunRecord[]): number | undefined {
  const known = runs.flatMap((run) => (run.brokerGc ? [run.brokerGc.maxMs] : []))
  return known.length === 0 ? undefined : Math.max(...known)
}

/** Summarizes a row's runs, or returns undefined when no run produced figures. */
export function summarizeRow(row: RowResult): RowSummary | undefined {
  const reported = row.runs.filter(
    (run): run is RunRecord & { report: NonNullable<RunRecord['report']> } => run.report !== undefined,
  )
  if (reported.length === 0) return undefined
  const rates = reported.map((run) => rate(run.report.messages, run.report.elapsedMs))
  const usable = rates.filter(Number.isFinite)
  if (usable.length === 0) return undefined
  const latencies = reported.map((run) => run.latency).filter((value): value is LatencySummary => value !== undefined)
  const checked = reported.filter((run) => run.inTopic !== undefined)
  return {
    msgsPerSec: summarizeRounds(usable),
    mbPerSec: medianOrNaN(reported.map((run) => megabytesPerSecond(run.report.bytes, run.report.elapsedMs))),
    peakRssMb: medianOrNaN(reported.map((run) => run.report.peakRssBytes / 1e6)),
    cpuSecondsPerMillion: medianOrNaN(
      reported.map((run) => cpuSecondsPerMillion(run.report.cpuUserMs, run.report.cpuSystemMs, run.report.messages)),
    ),
    latency:
      latencies.length === 0
        ? undefined
        : {
            p50: median(latencies.map((l) => l.p50)),
            p99: median(latencies.map((l) => l.p99)),
            p999: median(latencies.map((l) => l.p999)),
            max: Math.max(...latencies.map((l) => l.max)),
            count: latencies.reduce((sum, l) => sum + l.count, 0),
          },
    brokerGcMaxMs: brokerGcMax(reported),
    completedRuns: reported.filter((run) => run.report.completed).length,
    runs: reported.length,
    errors: reported.reduce((sum, run) => sum + run.report.errors, 0),
    lost:
      checked.length === 0
        ? undefined
        : checked.reduce((sum, run) => sum + Math.max(0, run.report.messages - run.inTopic!), 0),
    extra:
      checked.length === 0
        ? undefined
        : checked.reduce((sum, run) => sum + Math.max(0, run.inTopic! - run.report.messages), 0),
  }
}

function medianOrNaN(values: number[]): number {
  return values.some(Number.isFinite) ? median(values) : Number.NaN
}

/** Latency percentiles of one run's samples after dropping the warm-up. */
export function runLatency(samples: readonly number[] | undefined): LatencySummary | undefined {
  if (!samples || samples.length === 0) return undefined
  return summarizeLatency(dropWarmup(samples, LATENCY_WARMUP_FRACTION))
}

/**
 * Fills every row's summary and its ratios: to the C limit's row of the scenario, and to kafkit's row with the
 * same variant (else kafkit's first row).
 */
export function summarizeScenario(scenario: ScenarioResult): void {
  for (const row of scenario.rows) row.summary = summarizeRow(row)
  const cRate = scenario.rows.find((row) => row.client === 'c')?.summary?.msgsPerSec.median
  const kafkitRows = scenario.rows.filter((row) => row.client === 'kafkit' && row.summary)
  for (const row of scenario.rows) {
    if (!row.summary) continue
    const kafkitRow = kafkitRows.find((candidate) => candidate.variant === row.variant) ?? kafkitRows[0]
    const value = row.summary.msgsPerSec.median
    row.summary = {
      ...row.summary,
      ratioToC: ratio(value, cRate),
      ratioToKafkit: ratio(value, kafkitRow?.summary?.msgsPerSec.median),
    }
  }
}
