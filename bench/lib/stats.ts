/**
 * The statistics the benchmark reports, as pure functions of numbers already measured: medians over rounds,
 * latency percentiles, rates, ratios and CPU cost. Kept free of I/O so a unit test can check them on canned inputs.
 * @module
 */

/** Summary of one row's rounds: the median is what the tables show, min and max show the spread. */
export interface RoundSummary {
  /** Median of the values (mean of the two middle values for an even count). */
  readonly median: number
  /** Smallest value. */
  readonly min: number
  /** Largest value. */
  readonly max: number
  /** How many values were summarized. */
  readonly count: number
  /** (max - min) / median: how far apart the rounds were, 0 when they agree. */
  readonly spread: number
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  /** Median latency. */
  readonly p50: number
  /** 99th percentile. */
  readonly p99: number
  /** 99.9th percentile. */
  readonly p999: number
  /** Largest latency seen. */
  readonly max: number
  /** Number of samples the percentiles were computed from. */
  readonly count: number
}

function finite(values: readonly number[], what: string): number[] {
  const list = values.filter((value) => Number.isFinite(value))
  if (list.length === 0) throw new RangeError(`${what}: no finite values`)
  return list
}

/**
 * The median of `values`; non-finite entries (a run that produced no figure) are ignored.
 * Throws `RangeError` when nothing finite is left.
 */
export function median(values: readonly number[]): number {
  const sorted = finite(values, 'median').sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * The `p`-th percentile (0 < p <= 100) of values that are already sorted ascending, by the nearest-rank
 * method: the smallest value such that at least p% of the values are less than or equal to it. Nearest rank
 * never invents a latency that was not observed, which is what a p99.9 should report.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile: no values')
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`)
  // The epsilon keeps binary rounding (99.9 / 100 * 1000 = 999.0000000000001) from skipping a rank.
  const rank = Math.ceil((p / 100) * sorted.length - 1e-9)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** Latency percentiles of raw samples (milliseconds, any order). The input is not modified. */
export function summarizeLatency(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  return {
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    p999: percentileSorted(sorted, 99.9),
    max: sorted[sorted.length - 1]!,
    count: sorted.length,
  }
}

/** Median, min, max and spread of one row's rounds; non-finite values are ignored. */
export function summarizeRounds(values: readonly number[]): RoundSummary {
  const list = finite(values, 'summarizeRounds')
  const mid = median(list)
  const min = Math.min(...list)
  const max = Math.max(...list)
  return { median: mid, min, max, count: list.length, spread: mid === 0 ? 0 : (max - min) / mid }
}

/** Messages per second; 0 messages in any time is 0, a positive count in no time is not a rate (NaN). */
export function rate(messages: number, elapsedMs: number): number {
  if (messages === 0) return 0
  return elapsedMs > 0 ? (messages * 1000) / elapsedMs : Number.NaN
}

/** Megabytes (10^6 bytes, as Kafka's and librdkafka's tools count) per second. */
export function megabytesPerSecond(bytes: number, elapsedMs: number): number {
  return rate(bytes, elapsedMs) / 1e6
}

/**
 * `value / reference`, or `undefined` when there is no usable reference (missing, zero or not finite) so a
 * table prints a dash rather than Infinity.
 */
export function ratio(value: number, reference: number | undefined): number | undefined {
  if (reference === undefined || !Number.isFinite(reference) || reference === 0 || !Number.isFinite(value)) {
    return undefined
  }
  return value / reference
}

/** CPU seconds (user + system) spent per million messages: the cost of a message, independent of speed. */
export function cpuSecondsPerMillion(userMs: number, systemMs: number, messages: number): number {
  if (messages <= 0) return Number.NaN
  return ((userMs + systemMs) / 1000) * (1e6 / messages)
}

/**
 * Drops the first `fraction` of latency samples (connection set-up, first metadata and batch warm-up), keeping
 * at least one sample.
 */
export function dropWarmup<T>(samples: readonly T[], fraction: number): T[] {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`dropWarmup: fraction must be in [0, 1), got ${fraction}`)
  const skip = Math.min(Math.floor(samples.length * fraction), Math.max(0, samples.length - 1))
  return samples.slice(skip)
}
