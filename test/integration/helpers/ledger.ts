/** Bookkeeping of the consumer-group tests: which member handled which offsets, and checks over it. */
import { expect } from 'vitest'

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Who handled which offsets, per partition, in handling order. */
export class Ledger {
  readonly handled = new Map<number, Array<{ member: string; offset: number; at: number }>>()

  add(member: string, partition: number, offset: number): void {
    const list = this.handled.get(partition) ?? []
    list.push({ member, offset, at: Date.now() })
    this.handled.set(partition, list)
  }

  get total(): number {
    let n = 0
    for (const list of this.handled.values()) n += list.length
    return n
  }

  /** Offsets handled more than once, per partition. */
  duplicates(): Map<number, number[]> {
    const out = new Map<number, number[]>()
    for (const [partition, list] of this.handled) {
      const seen = new Set<number>()
      const dups: number[] = []
      for (const { offset } of list) {
        if (seen.has(offset)) dups.push(offset)
        seen.add(offset)
      }
      if (dups.length > 0) out.set(partition, dups)
    }
    return out
  }

  /** Throws unless every offset below `ends[p]` was handled for every partition. */
  expectComplete(ends: number[]): void {
    ends.forEach((end, partition) => {
      const seen = new Set((this.handled.get(partition) ?? []).map((h) => h.offset))
      const missing: number[] = []
      for (let offset = 0; offset < end; offset++) if (!seen.has(offset)) missing.push(offset)
      expect(missing.slice(0, 10), `partition ${partition}: ${missing.length} offsets never handled`).toEqual([])
    })
  }

  /** Throws unless each member handled each partition's offsets in increasing order. */
  expectOrderedPerMember(): void {
    for (const [partition, list] of this.handled) {
      const last = new Map<string, number>()
      for (const { member, offset } of list) {
        expect(offset, `member ${member} partition ${partition}`).toBeGreaterThan(last.get(member) ?? -1)
        last.set(member, offset)
      }
    }
  }
}
