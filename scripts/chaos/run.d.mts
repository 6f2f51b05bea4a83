// Types for run.mjs and report.mjs, so the TypeScript test can import them without allowJs. Keep in step with
// the JSDoc there.

import type { BelowCommitted, CommittedFall } from './ledger.mjs'

export interface ChaosOptions {
  durationS: number
  brokerKills: number
  brokerStops: number
  consumerKills: number
  processorKills: number
  rate: number
  producers: number
  /** The producers' max.in.flight.requests.per.connection (1 avoids librdkafka#4953's duplicates). */
  producerInFlight: number
  consumers: number
  processors: number
  brokerDownMs: number
  brokerStopMs: number
  sessionTimeoutMs: number
  autoCommitIntervalMs: number
  minGapMs: number
  restartStalled: boolean
  stallMs: number
  convergeTimeoutMs: number
  /** The Processors' partitionsPerTransaction; undefined keeps the Processor's default. */
  partitionsPerTransaction: number | undefined
  kafkit: string
  keepDir: boolean
}

export interface ChaosFault {
  kind: 'broker-kill' | 'broker-stop' | 'consumer-kill' | 'processor-kill'
  target: string
  at: number
  downMs?: number
  recoveredMs?: number
  isrMs?: number | null
  uncommitted?: number
}

export interface ChaosResult {
  options: ChaosOptions
  startedAt: string
  totalMs: number
  phaseMs: { setup: number; faults: number; converge: number; verify: number }
  converged: boolean
  messages: {
    sent: number
    acknowledged: number
    failedSends: number
    failedPossiblyPersisted: number
    inInput: number
    unacknowledgedInInput: number
    lost: number
    lostSample: number[]
    inputDuplicateIds: number
  }
  atLeastOnce: {
    handled: number
    distinct: number
    missing: number
    missingSample: string[]
    duplicates: number
    redeliveries: number
    uncommittedAtHandOver: number
    uncommittedAtKills: number
    /** Re-deliveries that started below the committed offset: each one fails the run. */
    belowCommitted: BelowCommitted[]
    /** Runs below the committed offset that a fall to their start, polled just after they were held, explains. */
    belowCommittedAfterFall: BelowCommitted[]
    /** Observed falls of a committed offset (deferred commits landing late): reported, not a failure. */
    falls: CommittedFall[]
    finalCommittedAtEnd: boolean
  }
  exactlyOnce: {
    transactionsCommitted: number
    transactionsAborted: number
    outputs: number
    duplicates: number
    missing: number
    mismatched: number
    abortedOutputsSkipped: number
    sample: string[]
  }
  peakRss: { producer: number; consumer: number; processor: number; runner: number }
  faults: {
    brokerKills: number
    brokerStops: number
    consumerKills: number
    processorKills: number
    timeline: ChaosFault[]
  }
  dir: string | null
  unplannedExits: Array<{ name: string; code: number | null; signal: string | null; reason: string; at: number }>
  livenessRestarts: Array<{ at: number; name: string; group: string; partitions: number[]; stalledS: number }>
  clientErrors: Record<string, number>
  notes: string[]
  /** Every invariant that broke; empty when the run passed. */
  failures: string[]
}

export const INPUT: string
export const OUTPUT: string
export const PARTITIONS: number
export const CHAOS_DEFAULTS: Readonly<ChaosOptions>
export function runChaos(overrides?: Partial<ChaosOptions> & { log?: (line: string) => void }): Promise<ChaosResult>
export function planFaults(
  opts: Pick<ChaosOptions, 'brokerKills' | 'brokerStops' | 'consumerKills' | 'processorKills'>,
): string[]
