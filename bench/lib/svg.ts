/**
 * Horizontal bar charts as standalone SVG (no dependency): one bar per row, or a group of bars per row for
 * several series (latency percentiles); an optional min-max whisker shows the spread over rounds.
 * @module
 */
import type { RowResult, ScenarioResult } from './results.js'
import { formatCount, formatNumber, rowStatus } from './table.js'

/** One labelled row of a chart. */
export interface ChartRow {
  readonly label: string
  /** One value per series; NaN or undefined leaves the bar out. */
  readonly values: readonly (number | undefined)[]
  /** Min and max over rounds, drawn as a whisker on the first series. */
  readonly range?: readonly [number, number] | undefined
  /** Draw this row's bars in the highlight colour (kafkit). */
  readonly highlight?: boolean
  /** Text instead of bars (e.g. "needs Node >= 22"). */
  readonly note?: string | undefined
}

/** A chart. */
export interface Chart {
  readonly title: string
  readonly subtitle: string
  readonly unit: string
  readonly series: readonly string[]
  readonly rows: readonly ChartRow[]
  /** Formats an axis or bar value. */
  readonly format: (value: number) => string
  /** A log axis for values spanning orders of magnitude (latency). @default 'linear' */
  readonly scale?: 'linear' | 'log'
}

/** Bar and line colours, in series order. */
export const COLORS = ['#4e79a7', '#f28e2b', '#76b7b2', '#59a14f']
/** kafkit's colours. */
export const HIGHLIGHT = ['#e15759', '#ff9d9a', '#b07aa1', '#edc948']
/** Average width of a character at the charts' 12 px font, for sizing label columns. */
export const CHAR_WIDTH = 6.8
const PLOT_WIDTH = 520
const BAR_HEIGHT = 16
const GAP = 10

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

/** A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above `value`. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

function index0Whisker(row: ChartRow): number | undefined {
  const range = row.range
  return range && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0] ? range[1] : undefined
}

/** What a row without figures says instead: why it could not run, or how it failed. */
function missing(row: RowResult): string {
  const status = rowStatus(row)
  return status.length > 90 ? `${status.slice(0, 87)}...` : status
}

/** Renders a chart as an SVG document. */
export function renderChart(chart: Chart): string {
  const seriesCount = chart.series.length
  const groupHeight = seriesCount * BAR_HEIGHT + GAP
  const top = 58 + (seriesCount > 1 ? 18 : 0)
  const height = top + chart.rows.length * groupHeight + 40
  const LABEL_WIDTH = Math.max(
    160,
    Math.ceil(20 + CHAR_WIDTH * Math.max(0, ...chart.rows.map((row) => row.label.length))),
  )
  const width = LABEL_WIDTH + PLOT_WIDTH + 90
  const all = chart.rows
    .flatMap((row) => [...row.values, row.range?.[1]])
    .filter((v): v is number => v !== undefined && Number.isFinite(v))
  const log = chart.scale === 'log' && all.some((v) => v > 0)
  const positive = all.filter((v) => v > 0)
  const logMin = log ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 1
  const logMax = log ? 10 ** Math.ceil(Math.log10(Math.max(...positive)) + 1e-9) : 1
  const max = log ? logMax : niceMax(Math.max(0, ...all))
  const x = (value: number): number =>
    log
      ? LABEL_WIDTH +
        ((Math.log10(Math.max(logMin, value)) - Math.log10(logMin)) / (Math.log10(logMax) - Math.log10(logMin))) *
          PLOT_WIDTH
      : LABEL_WIDTH + (Math.max(0, value) / max) * PLOT_WIDTH
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<text x="12" y="42" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ]
  if (seriesCount > 1) {
    chart.series.forEach((name, index) => {
      const lx = LABEL_WIDTH + index * 110
      parts.push(`<rect x="${lx}" y="${top - 22}" width="12" height="12" fill="${COLORS[index % COLORS.length]}"/>`)
      parts.push(`<text x="${lx + 16}" y="${top - 12}">${escapeXml(name)}</text>`)
    })
  }
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(logMax / logMin)) + 1 }, (_, i) => logMin * 10 ** i)
    : [0, 1, 2, 3, 4].map((tick) => (max * tick) / 4)
  for (const value of ticks) {
    const tx = x(value)
    parts.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 34}" stroke="#e5e5e5"/>`)
    parts.push(
      `<text x="${tx}" y="${height - 20}" text-anchor="middle" fill="#555">${escapeXml(chart.format(value))}</text>`,
    )
  }
  parts.push(
    `<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${height - 5}" text-anchor="middle" fill="#555">${escapeXml(chart.unit)}</text>`,
  )
  chart.rows.forEach((row, rowIndex) => {
    const y = top + rowIndex * groupHeight
    const weight = row.highlight ? ' font-weight="bold"' : ''
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + (seriesCount * BAR_HEIGHT) / 2 + 4}" text-anchor="end"${weight}>${escapeXml(row.label)}</text>`,
    )
    if (row.note) {
      parts.push(
        `<text x="${LABEL_WIDTH + 4}" y="${y + (seriesCount * BAR_HEIGHT) / 2 + 4}" fill="#888" font-style="italic">${escapeXml(row.note)}</text>`,
      )
      return
    }
    const whiskerEnd = index0Whisker(row)
    row.values.forEach((value, index) => {
      if (value === undefined || !Number.isFinite(value)) return
      const by = y + index * BAR_HEIGHT
      // The value is written past the whisker, where the first series has one, so they do not overlap.
      const textX = index === 0 && whiskerEnd !== undefined ? Math.max(x(value), x(whiskerEnd)) : x(value)
      // Several series keep the legend's colours; the row's bold label marks kafkit then.
      const palette = row.highlight && seriesCount === 1 ? HIGHLIGHT : COLORS
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${by + 1}" width="${Math.max(1, x(value) - LABEL_WIDTH)}" height="${BAR_HEIGHT - 2}" fill="${palette[index % palette.length]}"/>`,
      )
      parts.push(
        `<text x="${textX + 4}" y="${by + BAR_HEIGHT - 4}" fill="#333">${escapeXml(chart.format(value))}</text>`,
      )
    })
    if (row.range && whiskerEnd !== undefined) {
      const wy = y + BAR_HEIGHT / 2
      parts.push(
        `<line x1="${x(row.range[0])}" y1="${wy}" x2="${x(row.range[1])}" y2="${wy}" stroke="#222" stroke-width="1.5"/>`,
      )
      for (const end of row.range)
        parts.push(
          `<line x1="${x(end)}" y1="${wy - 4}" x2="${x(end)}" y2="${wy + 4}" stroke="#222" stroke-width="1.5"/>`,
        )
    }
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

/** The chart of a scenario: message rate (with round spread), latency percentiles, or peak RSS. */
export function scenarioChart(scenario: ScenarioResult, subtitle: string): Chart {
  if (scenario.id === 'latency') {
    return {
      title: scenario.title,
      subtitle,
      unit: 'milliseconds from send to handler, log scale (lower is better)',
      scale: 'log',
      series: ['p50', 'p99', 'p99.9'],
      format: (value) => formatNumber(value, value < 10 ? 1 : 0),
      rows: scenario.rows.map((row) => ({
        label: row.label,
        highlight: row.client === 'kafkit',
        note: row.summary?.latency ? undefined : missing(row),
        values: [row.summary?.latency?.p50, row.summary?.latency?.p99, row.summary?.latency?.p999],
      })),
    }
  }
  if (scenario.id === 'backpressure') {
    return {
      title: scenario.title,
      subtitle,
      unit: 'peak RSS, MB (lower is better)',
      series: ['peak RSS'],
      format: (value) => formatNumber(value, 0),
      rows: scenario.rows.map((row) => ({
        label: row.label,
        highlight: row.client === 'kafkit',
        note: row.summary ? undefined : missing(row),
        values: [row.summary?.peakRssMb],
      })),
    }
  }
  return {
    title: scenario.title,
    subtitle,
    unit: 'messages per second, median of rounds; whisker: min-max (higher is better)',
    series: ['msgs/s'],
    format: formatCount,
    rows: scenario.rows.map((row) => ({
      label: row.label,
      highlight: row.client === 'kafkit',
      note: row.summary ? undefined : missing(row),
      values: [row.summary?.msgsPerSec.median],
      range:
        row.summary && row.summary.msgsPerSec.count > 1
          ? [row.summary.msgsPerSec.min, row.summary.msgsPerSec.max]
          : undefined,
    })),
  }
}
