/**
 * Sweeps: scenarios 1 (producer saturation) and 3 (consumer) repeated along one axis (value size, partitions,
 * compression), with a few clients, to show how each client's cost grows with the work. Pure functions (what runs
 * at each point, how many messages it moves), tested on their own; run.ts does the running.
 * @module
 */
import type { ClientId, ProducerSettings, ScenarioId } from './protocol.js'
import type { ScenarioResult } from './results.js'

/** The axes a sweep can follow. */
export const SWEEP_AXES = ['size', 'partitions', 'compression'] as const
/** A sweep axis. */
export type SweepAxis = (typeof SWEEP_AXES)[number]

/** The scenarios every sweep runs, in this order at each point. */
export const SWEEP_SCENARIOS = ['produce', 'consume'] as const satisfies readonly ScenarioId[]
/** A scenario a sweep runs. */
export type SweepScenarioId = (typeof SWEEP_SCENARIOS)[number]

/** The values of each axis, in the order they are run and drawn. */
export const SWEEP_VALUES = Object.freeze({
  size: [10, 100, 1_000, 10_000, 100_000],
  partitions: [1, 6, 32, 128],
  compression: ['none', 'lz4', 'zstd'],
} as const satisfies { readonly [A in SweepAxis]: readonly (number | ProducerSettings['compression'])[] })

/** Titles of the axes, as the docs and charts name them. */
export const SWEEP_AXIS_TITLES: Readonly<Record<SweepAxis, string>> = Object.freeze({
  size: 'value size',
  partitions: 'partitions',
  compression: 'compression',
})

/**
 * The fewest messages a point sends, whatever the byte cap says. A consumer's window opens at the first message
 * handed over, so the first fetch (raw node-rdkafka's first `consume(1000)`) is outside it: at 20,000 messages that
 * is at most 5% of the run; at 1,000 it was the whole run.
 */
export const MIN_SWEEP_MESSAGES = 20_000

/**
 * The size the byte cap is counted from: by default a point moves at most as many value bytes as a run of
 * `--messages` values of this size (the default point).
 */
export const SWEEP_REFERENCE_SIZE = 100

/**
 * The client whose row stands for "the fastest other Node client" when `--clients` is not given: the
 * Confluent client's rdkafka API in scenario 1 (the fastest other Node producer in the committed run;
 * `@platformatic/kafka` crashes on a hundred thousand un-awaited sends there), `@platformatic/kafka` in scenario 3.
 */
export const SWEEP_PEER: Readonly<Record<SweepScenarioId, ClientId>> = Object.freeze({
  produce: 'ckjs-rdkafka',
  consume: 'platformatic',
})

/** The settings one point of a sweep runs with. */
export interface SweepPointSettings {
  /** The swept value: bytes, partitions or a codec. */
  readonly value: number | ProducerSettings['compression']
  /** How tables and charts print the value, e.g. `10 KB`. */
  readonly label: string
  readonly messageSize: number
  readonly partitions: number
  readonly compression: ProducerSettings['compression']
  /** Messages per run at this point (see {@link sweepMessages}). */
  readonly messages: number
}

/** What a sweep starts from: the run's own settings. */
export interface SweepBase {
  /** `--messages`: the most a point sends. */
  readonly messages: number
  readonly messageSize: number
  readonly partitions: number
  readonly compression: ProducerSettings['compression']
  /** The most value bytes a point moves (`--sweep-bytes`); {@link defaultSweepBytes} when not given. */
  readonly byteCap: number
}

/** One point's figures: the scenario's rows, as in the scenario tables, with the load around it. */
export interface SweepPoint extends SweepPointSettings {
  /** 1-minute load average when the point started and ended. */
  readonly loadAverage: { readonly start: number; end?: number }
  readonly result: ScenarioResult
}

/** A sweep of one scenario along one axis. */
export interface SweepResult {
  readonly axis: SweepAxis
  readonly scenario: SweepScenarioId
  readonly title: string
  /** The parameters that stay fixed, in one sentence. */
  readonly description: string
  readonly points: SweepPoint[]
  /** Wall-clock seconds of every point, set-up included. */
  durationSeconds?: number
}

/** Parses `--sweep`: a comma-separated list of axes, or `all`. Throws on an unknown axis. */
export function parseSweepList(text: string): SweepAxis[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (items.length === 0) throw new Error('--sweep: expected a list of axes or all')
  if (items.includes('all')) return [...SWEEP_AXES]
  for (const item of items) {
    if (!(SWEEP_AXES as readonly string[]).includes(item))
      throw new Error(`--sweep: unknown '${item}' (one of ${SWEEP_AXES.join(', ')}, all)`)
  }
  return [...new Set(items)] as SweepAxis[]
}

/** The default byte cap: `messages` values of {@link SWEEP_REFERENCE_SIZE} bytes (100 MB in a full run). */
export function defaultSweepBytes(messages: number): number {
  return messages * SWEEP_REFERENCE_SIZE
}

/**
 * Messages per run at a value size: `messages`, unless that would move more than `byteCap` value bytes, then
 * `floor(byteCap / size)`; never fewer than {@link MIN_SWEEP_MESSAGES} (nor more than `messages`).
 * With a full run's 1M messages and 100 MB: 1M at 10 B and 100 B, 100k at 1 KB, 20k (the floor) at 10 KB and 100 KB.
 */
export function sweepMessages(size: number, messages: number, byteCap: number): number {
  const capped = Math.min(messages, Math.floor(byteCap / size))
  return Math.min(messages, Math.max(MIN_SWEEP_MESSAGES, capped))
}

/** Prints a byte size the way the tables do: `10 B`, `1 KB`, `100 KB` (10^3 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6 && bytes % 1e6 === 0) return `${bytes / 1e6} MB`
  if (bytes >= 1e3 && bytes % 1e3 === 0) return `${bytes / 1e3} KB`
  return `${bytes} B`
}

/** The points of a sweep along `axis`, everything else at the run's own settings. */
export function sweepPoints(axis: SweepAxis, base: SweepBase): SweepPointSettings[] {
  const point = (
    value: SweepPointSettings['value'],
    label: string,
    change: Partial<SweepPointSettings>,
  ): SweepPointSettings => {
    const messageSize = change.messageSize ?? base.messageSize
    return {
      value,
      label,
      messageSize,
      partitions: change.partitions ?? base.partitions,
      compression: change.compression ?? base.compression,
      messages: sweepMessages(messageSize, base.messages, base.byteCap),
    }
  }
  switch (axis) {
    case 'size':
      return SWEEP_VALUES.size.map((size) => point(size, formatBytes(size), { messageSize: size }))
    case 'partitions':
      return SWEEP_VALUES.partitions.map((partitions) => point(partitions, String(partitions), { partitions }))
    case 'compression':
      return SWEEP_VALUES.compression.map((codec) => point(codec, codec, { compression: codec }))
  }
}

/**
 * The clients of a sweep's scenario: those given with `--clients`, else kafkit, raw node-rdkafka, the scenario's
 * {@link SWEEP_PEER} and the C tool.
 */
export function sweepClients(scenario: SweepScenarioId, given: readonly ClientId[] | undefined): ClientId[] {
  return given ? [...given] : ['kafkit', 'rdkafka', SWEEP_PEER[scenario], 'c']
}
