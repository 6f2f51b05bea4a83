// Types for ledger.mjs (see its comments).

/** A run that started below the committed offset observed when it was held. */
export interface BelowCommitted {
  member: string
  partition: number
  start: number
  /** The committed offset of the latest observation at or before `at` (the fallen value after an observed fall). */
  committed: number
  /** When the run was held: its member's assignment or its batch in hand (ms since the epoch). */
  at: number
  /** The highest committed offset observed at or before `at`. */
  highestCommitted: number
}

/** A partition's observed committed offset moving back, `at` when the poll answer arrived (ms since the epoch). */
export interface CommittedFall {
  partition: number
  at: number
  from: number
  to: number
}

export class Ledger {
  constructor(partitions: number)
  readonly handled: number
  readonly duplicates: number
  readonly redeliveries: number
  readonly uncommittedAtHandOver: number
  readonly belowCommitted: BelowCommitted[]
  /** Per partition, the highest committed offset ever observed (-1: none). */
  readonly committed: number[]
  /** Per partition, in arrival order: every change of the observed committed offset, falls included. */
  readonly changes: Array<Array<{ at: number; committed: number }>>
  readonly falls: CommittedFall[]
  observeCommitted(offsets: number[], at: number): void
  committedBy(partition: number, at: number): number
  splitBelowCommitted(graceMs: number): { unexplained: BelowCommitted[]; afterFall: BelowCommitted[] }
  assigned(member: string, partitions: number[], at: number): void
  add(member: string, partition: number, offsets: number[], ids: number[], at: number): void
  coverage(ends: number[]): { distinct: number; missing: number; missingSample: string[] }
}
export function uncommittedAtKill(victimMax: Map<number, number>, committedAtKill: number[]): number
