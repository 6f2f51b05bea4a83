/**
 * Line charts as standalone SVG, for sweeps: the swept values along x (evenly spaced, in run order), one line per
 * client, a min-max whisker at each point, a log y axis when the values span a decade or more.
 * @module
 */
import { CHAR_WIDTH, COLORS, escapeXml, HIGHLIGHT, niceMax } from './svg.js'

/** One point of a line: the median, and the spread over rounds. */
export interface LinePoint {
  readonly value: number
  readonly min?: number | undefined
  readonly max?: number | undefined
  /** Drawn hollow: the run timed out and the value is the rate of what it did. */
  readonly partial?: boolean | undefined
}

/** One line: a client. */
export interface LineSeries {
  readonly label: string
  /** kafkit's line: drawn thicker, in the highlight colour. */
  readonly highlight?: boolean | undefined
  /** A limit (the C tool): drawn dashed in grey, so it reads as the reference rather than a competitor. */
  readonly limit?: boolean | undefined
  /** One entry per x category; undefined leaves a gap (the run failed or could not run). */
  readonly points: readonly (LinePoint | undefined)[]
}

/** A line chart. */
export interface LineChart {
  readonly title: string
  readonly subtitle: string
  /** What the x categories are, e.g. `value size`. */
  readonly xLabel: string
  /** What y measures, e.g. `MB/s, median of rounds`. */
  readonly yLabel: string
  readonly categories: readonly string[]
  readonly series: readonly LineSeries[]
  /** Formats a y value. */
  readonly format: (value: number) => string
  readonly scale: 'linear' | 'log'
}

const LEFT = 78
const TOP = 58
const PLOT_WIDTH = 560
const PLOT_HEIGHT = 300
const LEGEND_ROW = 18
const LIMIT_COLOR = '#555555'

/**
 * The y scale for these values: `log` when the positive ones span a factor of 10 or more (a linear axis would
 * flatten the small ones to the floor), else `linear`.
 */
export function chooseScale(values: readonly number[]): 'linear' | 'log' {
  const positive = values.filter((value) => Number.isFinite(value) && value > 0)
  if (positive.length < 2) return 'linear'
  return Math.max(...positive) / Math.min(...positive) >= 10 ? 'log' : 'linear'
}

/**
 * The y axis: its bounds and ticks. Log: whole decades around the values, with ticks at the powers of ten; where
 * that spans at most three decades, ticks at 1, 2 and 5 times each power and the bounds tightened to the nearest
 * of those around the values. Linear: 0 to a nice maximum in quarters.
 */
export function yAxis(
  values: readonly number[],
  scale: 'linear' | 'log',
): { min: number; max: number; ticks: number[] } {
  const finite = values.filter((value) => Number.isFinite(value))
  const positive = finite.filter((value) => value > 0)
  if (scale === 'log' && positive.length > 0) {
    const low = Math.min(...positive)
    const high = Math.max(...positive)
    const floor = 10 ** Math.floor(Math.log10(low))
    let ceiling = 10 ** Math.ceil(Math.log10(high) - 1e-9)
    if (ceiling <= floor) ceiling = floor * 10
    const steps = Math.round(Math.log10(ceiling / floor)) <= 3 ? [1, 2, 5] : [1]
    const candidates: number[] = []
    for (let power = floor; power <= ceiling * 1.0001; power *= 10)
      for (const step of steps) candidates.push(power * step)
    const min = candidates.filter((tick) => tick <= low * 1.0001).at(-1) ?? floor
    const max = candidates.find((tick) => tick >= high * 0.9999 && tick > min) ?? ceiling
    return { min, max, ticks: candidates.filter((tick) => tick >= min * 0.9999 && tick <= max * 1.0001) }
  }
  const max = niceMax(Math.max(0, ...finite))
  return { min: 0, max, ticks: [0, 1, 2, 3, 4].map((tick) => (max * tick) / 4) }
}

/** Renders a line chart as an SVG document. */
export function renderLineChart(chart: LineChart): string {
  const values = chart.series.flatMap((series) =>
    series.points.flatMap((point) =>
      point ? [point.value, point.min, point.max].filter((v): v is number => v !== undefined) : [],
    ),
  )
  const axis = yAxis(values, chart.scale)
  const log = chart.scale === 'log' && axis.min > 0
  const legendWidth = Math.ceil(40 + CHAR_WIDTH * Math.max(0, ...chart.series.map((series) => series.label.length)))
  const width = Math.max(LEFT + PLOT_WIDTH + 30, legendWidth + 24)
  const bottom = TOP + PLOT_HEIGHT
  const height = bottom + 50 + chart.series.length * LEGEND_ROW + 10
  const y = (value: number): number => {
    const fraction = log
      ? (Math.log10(Math.max(axis.min, value)) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
      : Math.max(0, value) / axis.max
    return bottom - fraction * PLOT_HEIGHT
  }
  const x = (index: number): number => LEFT + ((index + 0.5) * PLOT_WIDTH) / Math.max(1, chart.categories.length)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<text x="12" y="42" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ]
  for (const tick of axis.ticks) {
    const ty = y(tick)
    parts.push(`<line x1="${LEFT}" y1="${ty}" x2="${LEFT + PLOT_WIDTH}" y2="${ty}" stroke="#e5e5e5"/>`)
    parts.push(
      `<text x="${LEFT - 6}" y="${ty + 4}" text-anchor="end" fill="#555">${escapeXml(chart.format(tick))}</text>`,
    )
  }
  parts.push(`<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT_WIDTH}" y2="${bottom}" stroke="#999"/>`)
  chart.categories.forEach((category, index) => {
    parts.push(
      `<text x="${x(index)}" y="${bottom + 18}" text-anchor="middle" fill="#333">${escapeXml(category)}</text>`,
    )
  })
  parts.push(
    `<text x="${LEFT + PLOT_WIDTH / 2}" y="${bottom + 36}" text-anchor="middle" fill="#555">${escapeXml(chart.xLabel)}</text>`,
  )
  parts.push(
    `<text x="14" y="${TOP + PLOT_HEIGHT / 2}" text-anchor="middle" fill="#555" transform="rotate(-90 14 ${TOP + PLOT_HEIGHT / 2})">${escapeXml(`${chart.yLabel}${log ? ', log scale' : ''}`)}</text>`,
  )
  let other = 0
  const styled = chart.series.map((series, seriesIndex) => ({
    series,
    seriesIndex,
    color: series.highlight ? HIGHLIGHT[0]! : series.limit ? LIMIT_COLOR : COLORS[other++ % COLORS.length]!,
  }))
  // kafkit's line is drawn last, on top, so its markers stay visible where lines meet; the legend keeps table order.
  const drawOrder = [
    ...styled.filter((entry) => !entry.series.highlight),
    ...styled.filter((entry) => entry.series.highlight),
  ]
  for (const { series, seriesIndex, color } of drawOrder) {
    const strokeWidth = series.highlight ? 3 : 2
    const dash = series.limit ? ' stroke-dasharray="6 4"' : ''
    // A failed point breaks the line rather than joining its neighbours across it.
    let segment: string[] = []
    const flush = (): void => {
      if (segment.length > 1)
        parts.push(
          `<polyline points="${segment.join(' ')}" fill="none" stroke="${color}" stroke-width="${strokeWidth}"${dash}/>`,
        )
      segment = []
    }
    series.points.forEach((point, index) => {
      if (!point || !Number.isFinite(point.value)) return flush()
      segment.push(`${x(index).toFixed(1)},${y(point.value).toFixed(1)}`)
    })
    flush()
    series.points.forEach((point, index) => {
      if (!point || !Number.isFinite(point.value)) return
      const px = x(index)
      if (point.min !== undefined && point.max !== undefined && point.max > point.min) {
        parts.push(
          `<line x1="${px}" y1="${y(point.min)}" x2="${px}" y2="${y(point.max)}" stroke="${color}" stroke-width="1.5" opacity="0.7"/>`,
        )
      }
      const fill = point.partial ? '#ffffff' : color
      parts.push(
        `<circle cx="${px}" cy="${y(point.value)}" r="4" fill="${fill}" stroke="${color}" stroke-width="1.5"><title>${escapeXml(`${series.label}, ${chart.categories[index]}: ${chart.format(point.value)}`)}</title></circle>`,
      )
    })
    const ly = bottom + 56 + seriesIndex * LEGEND_ROW
    parts.push(
      `<line x1="${LEFT}" y1="${ly - 4}" x2="${LEFT + 22}" y2="${ly - 4}" stroke="${color}" stroke-width="${strokeWidth}"${dash}/>`,
    )
    parts.push(
      `<text x="${LEFT + 28}" y="${ly}"${series.highlight ? ' font-weight="bold"' : ''}>${escapeXml(series.label)}</text>`,
    )
  }
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
