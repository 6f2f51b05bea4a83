// What the at-least-once group handled, per partition and offset, and whether its re-deliveries stayed within
// what was uncommitted.
//
// A member handles a partition in runs of consecutive offsets. A run that starts at an offset already handled is a
// re-delivery: the partition changed hands (a kill, a lost or revoked assignment) or was rewound. At-least-once
// allows it only from the committed offset on: a run starting below the offset the group had committed for the
// partition would redeliver committed messages (duplicates beyond "what was uncommitted"). The committed offsets
// come from the broker (polled by the parent), so they can only lag the truth.
//
// The check is causal, not a matter of arrival order: every observation carries the time its answer arrived, every
// batch the time its member had it in hand and every assignment the time the member got it (same machine, same
// clock). A loaded parent may read a member's report seconds after a later commit's poll answer; that commit must
// not count against the batch it covers. The first run of a member on a partition after it was assigned is held
// against the offsets observed before that assignment, since its start is the committed offset read then. A later
// commit may still raise that offset over messages the member handled before it lost the partition: librdkafka
// defers commits while the group's coordinator is unreachable and sends them with the member's generation of the
// time they are sent, so a member that lost its partitions in a coordinator outage and got them back may see its
// old commits land after its new assignment read the older offset. Those messages were uncommitted when the
// partition changed hands. So the check may miss a violation by a poll interval, and it never reports one that
// did not happen.

export class Ledger {
  /** @param {number} partitions */
  constructor(partitions) {
    /** @type {Uint16Array[]} handling count per offset, per partition (grown on demand) */
    this.counts = Array.from({ length: partitions }, () => new Uint16Array(1024))
    /** @type {number[]} highest offset handled so far, per partition */
    this.maxHandled = Array.from({ length: partitions }, () => -1)
    /** @type {number[]} highest committed offset the broker confirmed so far, per partition (-1: none) */
    this.committed = Array.from({ length: partitions }, () => -1)
    /** @type {Array<Array<{ at: number, committed: number }>>} per partition: when each rise was observed */
    this.rises = Array.from({ length: partitions }, () => [])
    /** @type {Map<string, number>} `${member}/${partition}` -> last offset that member handled */
    this.lastByMember = new Map()
    /** @type {Map<string, number>} `${member}/${partition}` -> when it was assigned, until the member's first run */
    this.freshAssignments = new Map()
    this.handled = 0
    this.duplicates = 0
    /** re-delivering runs, with the uncommitted span each was allowed to re-deliver */
    this.redeliveries = 0
    /** sum over re-delivering runs of (highest handled + 1 - committed) at the run's start */
    this.uncommittedAtHandOver = 0
    /** @type {Array<{ member: string, partition: number, start: number, committed: number }>} runs that started below the committed offset */
    this.belowCommitted = []
    /** @type {Map<number, number>} input id -> partition * 2^32 + offset of its first handling (to match ids to records) */
    this.idAt = new Map()
  }

  /**
   * Broker-confirmed committed offsets (from a poll); only ever raises what is known.
   * @param {number[]} offsets @param {number} at when the answer arrived (ms since the epoch)
   */
  observeCommitted(offsets, at) {
    offsets.forEach((offset, partition) => {
      if (offset > /** @type {number} */ (this.committed[partition])) {
        this.committed[partition] = offset
        const rises = /** @type {Array<{ at: number, committed: number }>} */ (this.rises[partition])
        rises.push({ at, committed: offset })
      }
    })
  }

  /** The highest committed offset observed by `at` (-1: none). @param {number} partition @param {number} at */
  committedBy(partition, at) {
    const rises = /** @type {Array<{ at: number, committed: number }>} */ (this.rises[partition])
    let committed = -1
    for (const rise of rises) {
      if (rise.at > at) break
      committed = rise.committed
    }
    return committed
  }

  /**
   * A member got partitions at `at` (ms since the epoch): its next run on each starts from the committed offset it
   * read then. @param {string} member @param {number[]} partitions @param {number} at
   */
  assigned(member, partitions, at) {
    for (const partition of partitions) {
      this.freshAssignments.set(`${member}/${partition}`, at)
      // A new assignment starts a new run even at the next offset.
      this.lastByMember.delete(`${member}/${partition}`)
    }
  }

  /**
   * One batch a member reported before its handler returned.
   * @param {string} member @param {number} partition @param {number[]} offsets @param {number[]} ids
   * @param {number} at when the member had the batch in hand (ms since the epoch)
   */
  add(member, partition, offsets, ids, at) {
    const key = `${member}/${partition}`
    offsets.forEach((offset, i) => {
      const last = this.lastByMember.get(key)
      if (last === undefined || offset !== last + 1) {
        const assignedAt = this.freshAssignments.get(key)
        this.freshAssignments.delete(key)
        this.#runStart(member, partition, offset, assignedAt ?? at)
      }
      this.lastByMember.set(key, offset)
      let counts = /** @type {Uint16Array} */ (this.counts[partition])
      if (offset >= counts.length) {
        const grown = new Uint16Array(Math.max(offset + 1, counts.length * 2))
        grown.set(counts)
        counts = grown
        this.counts[partition] = grown
      }
      if (counts[offset] !== 0) this.duplicates++
      else this.idAt.set(/** @type {number} */ (ids[i]), partition * 2 ** 32 + offset)
      counts[offset] = Math.min(65535, /** @type {number} */ (counts[offset]) + 1)
      this.handled++
      if (offset > /** @type {number} */ (this.maxHandled[partition])) this.maxHandled[partition] = offset
    })
  }

  /** @param {string} member @param {number} partition @param {number} start @param {number} at */
  #runStart(member, partition, start, at) {
    const max = /** @type {number} */ (this.maxHandled[partition])
    if (start > max) return // new ground, nothing re-delivered
    const committed = Math.max(0, this.committedBy(partition, at))
    this.redeliveries++
    this.uncommittedAtHandOver += Math.max(0, max + 1 - committed)
    if (start < committed) this.belowCommitted.push({ member, partition, start, committed })
  }

  /** Distinct offsets handled in [0, ends[p]) of each partition, and those never handled. @param {number[]} ends */
  coverage(ends) {
    let distinct = 0
    let missing = 0
    /** @type {string[]} */
    const missingSample = []
    ends.forEach((end, partition) => {
      const counts = /** @type {Uint16Array} */ (this.counts[partition])
      for (let offset = 0; offset < end; offset++) {
        if ((counts[offset] ?? 0) > 0) distinct++
        else {
          missing++
          if (missingSample.length < 10) missingSample.push(`${partition}:${offset}`)
        }
      }
    })
    return { distinct, missing, missingSample }
  }
}

/**
 * Uncommitted span a killed member left: per partition it had handled, its highest handled offset + 1 minus the
 * offset committed when it died (read from the broker after its death, when nothing can commit for it any more).
 * @param {Map<number, number>} victimMax partition -> highest offset the victim handled
 * @param {number[]} committedAtKill
 */
export function uncommittedAtKill(victimMax, committedAtKill) {
  let total = 0
  for (const [partition, max] of victimMax) total += Math.max(0, max + 1 - Math.max(0, committedAtKill[partition] ?? 0))
  return total
}
