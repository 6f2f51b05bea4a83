/**
 * Tables of a scenario's results, as aligned text for the terminal and as Markdown for BENCHMARKS.md.
 * @module
 */
import type { RowResult, ScenarioResult } from './results.js'

/** Formats a count compactly: 1234567 → `1.23M`, 45678 → `45.7k`. */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)}M`
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(2)}k`
  return value.toFixed(0)
}

/** Formats with fixed decimals, `-` for missing values. */
export function formatNumber(value: number | undefined, decimals: number): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(decimals)
}

/** Formats a ratio as `0.93x`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`
}

/** What the row's status column says. */
export function rowStatus(row: RowResult): string {
  if (row.unavailable) return row.unavailable
  const failed = row.runs.filter((run) => run.error)
  const summary = row.summary
  if (!summary) return failed.length > 0 ? `failed: ${firstLine(failed[0]!.error!)}` : 'no runs'
  const parts: string[] = []
  if (summary.completedRuns < summary.runs)
    parts.push(`timed out in ${summary.runs - summary.completedRuns}/${summary.runs} runs (rate of what was done)`)
  if (failed.length > 0) parts.push(`${failed.length} runs failed: ${firstLine(failed[0]!.error!)}`)
  if (summary.errors > 0) parts.push(`${summary.errors} errors`)
  if (summary.lost !== undefined && summary.lost > 0) parts.push(`${summary.lost} lost`)
  if (row.scenario === 'pipeline' && summary.extra !== undefined && summary.extra > 0)
    parts.push(`${summary.extra} duplicates in the output`)
  const note = row.runs.find((run) => run.report?.note)?.report?.note
  if (note) parts.push(note)
  return parts.length === 0 ? 'ok' : parts.join('; ')
}

function firstLine(text: string): string {
  const line = (text.split('\n')[0] ?? '').slice(0, 120)
  // V8's own out-of-memory abort prints native frames only; name it.
  return !line.includes('memory') && text.includes('FatalProcessOutOfMemory')
    ? `${line}: JavaScript heap out of memory`
    : line
}

/** A table: its header, its rows, and which columns hold text (left-aligned) besides the first and last. */
export type Columns = { header: string[]; rows: string[][]; text?: readonly number[] }

/** Whether a column is numeric (right-aligned): all but the first, the last and those marked as text. */
function isNumeric(columns: Columns, index: number): boolean {
  return index > 0 && index < columns.header.length - 1 && !(columns.text ?? []).includes(index)
}

/** Rounds and their range, e.g. `3: 150k-170k`. */
export function roundSpread(row: RowResult): string {
  const s = row.summary
  return s ? `${s.msgsPerSec.count}: ${formatCount(s.msgsPerSec.min)}-${formatCount(s.msgsPerSec.max)}` : '-'
}

/** The columns of a scenario's table. */
export function scenarioColumns(scenario: ScenarioResult): Columns {
  if (scenario.id === 'latency') {
    return {
      header: [
        'client',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'max ms',
        'broker GC max ms',
        'samples',
        'peak RSS MB',
        'CPU s/M msgs',
        'status',
      ],
      rows: scenario.rows.map((row) => {
        const s = row.summary
        const l = s?.latency
        return [
          row.label,
          formatNumber(l?.p50, 1),
          formatNumber(l?.p99, 1),
          formatNumber(l?.p999, 1),
          formatNumber(l?.max, 1),
          formatNumber(s?.brokerGcMaxMs, 0),
          formatCount(l?.count),
          formatNumber(s?.peakRssMb, 0),
          formatNumber(s?.cpuSecondsPerMillion, 1),
          rowStatus(row),
        ]
      }),
    }
  }
  if (scenario.id === 'backpressure') {
    return {
      header: ['client', 'msgs/s', 'MB/s', 'peak RSS MB', 'lost', 'CPU s/M msgs', 'status'],
      rows: scenario.rows.map((row) => {
        const s = row.summary
        return [
          row.label,
          formatCount(s?.msgsPerSec.median),
          formatNumber(s?.mbPerSec, 1),
          formatNumber(s?.peakRssMb, 0),
          s?.lost === undefined ? '-' : String(s.lost),
          formatNumber(s?.cpuSecondsPerMillion, 1),
          rowStatus(row),
        ]
      }),
    }
  }
  if (scenario.id === 'pipeline') {
    return {
      header: [
        'client',
        'msgs/s',
        'x kafkit',
        'peak RSS MB',
        'CPU s/M msgs',
        'outputs read_committed',
        'rounds (min-max)',
        'status',
      ],
      rows: scenario.rows.map((row) => {
        const s = row.summary
        const outputs = [...new Set(row.runs.map((run) => run.inTopic).filter((count) => count !== undefined))]
        return [
          row.label,
          formatCount(s?.msgsPerSec.median),
          formatRatio(s?.ratioToKafkit),
          formatNumber(s?.peakRssMb, 0),
          formatNumber(s?.cpuSecondsPerMillion, 1),
          outputs.length === 0 ? '-' : outputs.map((count) => formatCount(count)).join(', '),
          roundSpread(row),
          rowStatus(row),
        ]
      }),
    }
  }
  return {
    header: [
      'client',
      'msgs/s',
      'MB/s',
      'x C limit',
      'x kafkit',
      'peak RSS MB',
      'CPU s/M msgs',
      'rounds (min-max)',
      'status',
    ],
    rows: scenario.rows.map((row) => {
      const s = row.summary
      return [
        row.label,
        formatCount(s?.msgsPerSec.median),
        formatNumber(s?.mbPerSec, 1),
        formatRatio(s?.ratioToC),
        formatRatio(s?.ratioToKafkit),
        formatNumber(s?.peakRssMb, 0),
        formatNumber(s?.cpuSecondsPerMillion, 1),
        roundSpread(row),
        rowStatus(row),
      ]
    }),
  }
}

/** An aligned text table (numbers right-aligned). */
export function textTable(columns: Columns): string {
  const widths = columns.header.map((title, index) =>
    Math.max(title.length, ...columns.rows.map((row) => (row[index] ?? '').length)),
  )
  const numeric = columns.header.map((_, index) => isNumeric(columns, index))
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => (numeric[index] ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd()
  return [line(columns.header), widths.map((width) => '-'.repeat(width)).join('  '), ...columns.rows.map(line)].join(
    '\n',
  )
}

/** A Markdown table (numbers right-aligned). */
export function markdownTable(columns: Columns): string {
  const align = columns.header.map((_, index) => (isNumeric(columns, index) ? '---:' : '---'))
  const escape = (cell: string): string => cell.replaceAll('|', '\\|')
  return [columns.header, align, ...columns.rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n')
}
