/**
 * Where a run's results go and how they are written: the JSON (timestamped and `latest.json`) and its SVG charts.
 * Each kind of run has its own directory, so a sweep or a three-broker run never replaces the standard run's
 * `latest.json`, which the "Results" section of BENCHMARKS.md is generated from.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchResults } from './bench-results.js'
import { renderChart, scenarioChart } from './svg.js'
import { renderSweepChart, sweepChartFile } from './sweep-report.js'

/** A standard run (the scenarios), a run with sweeps, or a run on several brokers. */
export type ResultsKind = 'standard' | 'sweeps' | 'brokers'

/** The settings that decide a run's kind; absent in results saved before sweeps existed. */
interface KindSettings {
  readonly nodes?: number | undefined
  readonly sweep?: readonly unknown[] | undefined
}

/** A run's kind: several brokers first (its sweeps, if any, are of that cluster), then sweeps. */
export function resultsKind(settings: KindSettings): ResultsKind {
  if ((settings.nodes ?? 1) > 1) return 'brokers'
  return (settings.sweep?.length ?? 0) > 0 ? 'sweeps' : 'standard'
}

/** The directory of a run's results under `<resultsDir>/<mode>`: itself, `sweeps` or `brokers-<N>`. */
export function resultsSubdir(settings: KindSettings): string {
  const kind = resultsKind(settings)
  return kind === 'brokers' ? `brokers-${settings.nodes}` : kind === 'sweeps' ? 'sweeps' : ''
}

/** The line under every chart's title. */
export function chartSubtitle(results: BenchResults): string {
  const nodes = results.settings.nodes ?? 1
  const cluster = nodes > 1 ? `${nodes} brokers` : 'broker'
  return `${results.mode} run ${results.startedAt.slice(0, 10)}, ${results.machine.cores} cores shared by ${cluster} and client, Kafka ${results.machine.kafka}`
}

/** Writes every chart of a run into `charts`. */
export async function writeCharts(results: BenchResults, charts: string): Promise<void> {
  await mkdir(charts, { recursive: true })
  const subtitle = chartSubtitle(results)
  for (const scenario of results.scenarios) {
    await writeFile(join(charts, `${scenario.id}.svg`), renderChart(scenarioChart(scenario, subtitle)))
  }
  for (const sweep of results.sweeps ?? []) {
    await writeFile(join(charts, sweepChartFile(sweep)), renderSweepChart(sweep, subtitle))
  }
}
