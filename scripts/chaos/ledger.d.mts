// Types for ledger.mjs (see its comments).
export class Ledger {
  constructor(partitions: number)
  readonly handled: number
  readonly duplicates: number
  readonly redeliveries: number
  readonly uncommittedAtHandOver: number
  readonly belowCommitted: Array<{ member: string; partition: number; start: number; committed: number }>
  readonly committed: number[]
  observeCommitted(offsets: number[], at: number): void
  committedBy(partition: number, at: number): number
  assigned(member: string, partitions: number[], at: number): void
  add(member: string, partition: number, offsets: number[], ids: number[], at: number): void
  coverage(ends: number[]): { distinct: number; missing: number; missingSample: string[] }
}
export function uncommittedAtKill(victimMax: Map<number, number>, committedAtKill: number[]): number
