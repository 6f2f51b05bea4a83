/**
 * How a sweep is shown: one table (a row per point and client) and one line chart (a line per client) per sweep.
 * @module
 */
import type { RowResult } from './results.js'
import { summarizeScenario } from './results.js'
import { SCENARIO_TITLES } from './plan.js'
import { renderLineChart, chooseScale, type LineChart, type LinePoint, type LineSeries } from './svg-lines.js'
import { SWEEP_AXIS_TITLES, type SweepAxis, type SweepPoint, type SweepResult, type SweepScenarioId } from './sweep.js'
import { formatCount, formatNumber, formatRatio, roundSpread, rowStatus, type Columns } from './table.js'

/** What a sweep's chart plots: MB/s along value sizes (bytes are what grows), msgs/s along the other axes. */
export const SWEEP_CHART_METRIC: Readonly<Record<SweepAxis, 'msgsPerSec' | 'mbPerSec'>> = Object.freeze({
  size: 'mbPerSec',
  partitions: 'msgsPerSec',
  compression: 'msgsPerSec',
})

/** A sweep's title, e.g. `Value size: 1. Producer saturation`. */
export function sweepTitle(axis: SweepAxis, scenario: SweepScenarioId): string {
  const name = SWEEP_AXIS_TITLES[axis]
  return `${name[0]!.toUpperCase()}${name.slice(1)}: ${SCENARIO_TITLES[scenario]}`
}

/** The file name of a sweep's chart, e.g. `sweep-size-produce.svg`. */
export function sweepChartFile(sweep: Pick<SweepResult, 'axis' | 'scenario'>): string {
  return `sweep-${sweep.axis}-${sweep.scenario}.svg`
}

/** Recomputes every point's summaries from its stored runs. */
export function summarizeSweep(sweep: SweepResult): void {
  for (const point of sweep.points) summarizeScenario(point.result)
}

function sameRow(a: RowResult, b: RowResult): boolean {
  return a.client === b.client && a.variant === b.variant
}

/** The lines of a sweep: one per row (client) seen at any point, in the order first seen. */
function seriesRows(sweep: SweepResult): RowResult[] {
  const rows: RowResult[] = []
  for (const point of sweep.points)
    for (const row of point.result.rows) if (!rows.some((seen) => sameRow(seen, row))) rows.push(row)
  return rows
}

function linePoint(point: SweepPoint, row: RowResult, metric: 'msgsPerSec' | 'mbPerSec'): LinePoint | undefined {
  const summary = point.result.rows.find((candidate) => sameRow(candidate, row))?.summary
  if (!summary) return undefined
  // Values have one size per point, so MB/s moves with msgs/s and the round spread scales with it.
  const scale = metric === 'mbPerSec' ? point.messageSize / 1e6 : 1
  const value = metric === 'mbPerSec' ? summary.mbPerSec : summary.msgsPerSec.median
  if (!Number.isFinite(value)) return undefined
  const spread = summary.msgsPerSec.count > 1
  return {
    value,
    min: spread ? summary.msgsPerSec.min * scale : undefined,
    max: spread ? summary.msgsPerSec.max * scale : undefined,
    partial: summary.completedRuns < summary.runs,
  }
}

/** The chart of a sweep. */
export function sweepChart(sweep: SweepResult, subtitle: string): LineChart {
  const metric = SWEEP_CHART_METRIC[sweep.axis]
  const series: LineSeries[] = seriesRows(sweep).map((row) => ({
    label: row.label,
    highlight: row.client === 'kafkit',
    limit: row.client === 'c' || row.client === 'java',
    points: sweep.points.map((point) => linePoint(point, row, metric)),
  }))
  const values = series.flatMap((line) => line.points.flatMap((point) => (point ? [point.value] : [])))
  return {
    title: sweep.title,
    subtitle,
    xLabel: `${SWEEP_AXIS_TITLES[sweep.axis]} (higher is better; whisker: min-max of rounds; hollow: timed out)`,
    yLabel: metric === 'mbPerSec' ? 'MB/s of values, median' : 'msgs/s, median',
    categories: sweep.points.map((point) => point.label),
    series,
    format:
      metric === 'mbPerSec'
        ? (value) => (value < 10 ? formatNumber(value, value < 1 ? 2 : 1) : formatNumber(value, 0))
        : formatCount,
    scale: chooseScale(values),
  }
}

/** Renders a sweep's chart as SVG. */
export function renderSweepChart(sweep: SweepResult, subtitle: string): string {
  return renderLineChart(sweepChart(sweep, subtitle))
}

/** The table of a sweep: a row per point and client; the point's value and message count on its first row. */
export function sweepColumns(sweep: SweepResult): Columns {
  const rows: string[][] = []
  for (const point of sweep.points) {
    point.result.rows.forEach((row, index) => {
      const s = row.summary
      rows.push([
        index === 0 ? point.label : '',
        index === 0 ? formatCount(point.messages) : '',
        row.label,
        formatCount(s?.msgsPerSec.median),
        formatNumber(s?.mbPerSec, 1),
        formatNumber(s?.cpuSecondsPerMillion, 1),
        formatRatio(s?.ratioToC),
        formatRatio(s?.ratioToKafkit),
        formatNumber(s?.peakRssMb, 0),
        s?.lost === undefined ? '-' : String(s.lost),
        roundSpread(row),
        rowStatus(row),
      ])
    })
  }
  return {
    header: [
      SWEEP_AXIS_TITLES[sweep.axis],
      'messages',
      'client',
      'msgs/s',
      'MB/s',
      'CPU s/M msgs',
      'x C limit',
      'x kafkit',
      'peak RSS MB',
      'lost',
      'rounds (min-max)',
      'status',
    ],
    rows,
    text: [2],
  }
}
