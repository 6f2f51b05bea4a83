// What the at-least-once group handled, per partition and offset, and whether its re-deliveries stayed within
// what was uncommitted.
//
// A member handles a partition in runs of consecutive offsets. A run that starts at an offset already handled is a
// re-delivery: the partition changed hands (a kill, a lost or revoked assignment) or was rewound. At-least-once
// allows it only from the committed offset on: a run starting below the offset the group had committed for the
// partition would redeliver committed messages (duplicates beyond "what was uncommitted"). The committed offsets
// come from the broker (polled by the parent every second), so they lag the truth.
//
// A partition's committed offset can fall. librdkafka (2.12) defers a commit made while the group's coordinator is
// unreachable and sends it later with the member's generation of the time it is sent (docs/consumer.md,
// Rebalances): a member that lost its partitions in a coordinator outage and got them back may see an old commit
// land after the partition's owner in the meantime committed further, and the broker takes it. A member assigned
// the partition after that rightly starts from the lower offset. So the ledger records every change of the
// observed committed offset, falls included, with the time its answer arrived, and lists the falls (`falls`,
// reported, not a failure); `committed` keeps the highest offset ever observed. An answer of -1 (nothing
// committed, or no offset for that partition in the answer) is no observation: a committed offset does not go
// back to none during a run.
//
// The check is causal, not a matter of arrival order: every observation carries the time its answer arrived, every
// batch the time its member had it in hand and every assignment the time the member got it (same machine, same
// clock). A loaded parent may read a member's report seconds after a later commit's poll answer; that commit must
// not count against the batch it covers. A run is held against the committed offset of the latest observation at
// or before its batch was in hand, or, for a member's first run on a partition after it was assigned, at or before
// that assignment, since its start is the committed offset read then (after an observed fall: the fallen value).
//
// What the check can get wrong, each within the lag of the polls (a poll interval, more when an answer is slow):
// - It can miss a violation. A rise not yet polled when a run is held lets a run below it pass. And a later commit
//   may raise the offset over messages a member handled before it lost the partition (old commits landing after
//   its new assignment read the older offset): those messages were uncommitted when the partition changed hands,
//   and the run is not held against that commit.
// - It can flag a run that did nothing wrong, in one narrow case: a fall that landed before the run read its start
//   but after the broker answered the last poll observed by then is not known when the run is held, so the run is
//   held against the higher value observed before the fall. The fall then shows in a poll shortly after the run's
//   `at`, down to its start or below. `splitBelowCommitted(graceMs)` sets such runs apart (`afterFall`: reported,
//   not a failure); only the others are violations. This is the one place the check looks past a run's `at`, and
//   only to excuse a run whose start a later poll confirms as the committed offset; a rewind below the committed
//   offset by the client would have to coincide with such a fall to pass (each `belowCommitted` entry carries `at`
//   and the highest committed offset observed by then, each fall its time, for that reading).
// Poll answers arriving out of order (an older one after a newer one) show as a fall and a rise: counted as a
// fall, they make the check more lenient until the next answer, never stricter.

export class Ledger {
  /** @param {number} partitions */
  constructor(partitions) {
    /** @type {Uint16Array[]} handling count per offset, per partition (grown on demand) */
    this.counts = Array.from({ length: partitions }, () => new Uint16Array(1024))
    /** @type {number[]} highest offset handled so far, per partition */
    this.maxHandled = Array.from({ length: partitions }, () => -1)
    /** @type {number[]} highest committed offset the broker ever reported, per partition (-1: none) */
    this.committed = Array.from({ length: partitions }, () => -1)
    /**
     * @type {Array<Array<{ at: number, committed: number }>>} per partition, in arrival order: every change of the
     * observed committed offset (rises and falls), with the time its answer arrived
     */
    this.changes = Array.from({ length: partitions }, () => [])
    /** @type {Array<{ partition: number, at: number, from: number, to: number }>} observed falls of a committed offset */
    this.falls = []
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
    /**
     * Runs that started below the committed offset: `committed` observed at or before `at` (when the run was held:
     * its member's assignment or its batch in hand), `highestCommitted` the highest observed by then.
     * @type {Array<{ member: string, partition: number, start: number, committed: number, at: number, highestCommitted: number }>}
     */
    this.belowCommitted = []
    /** @type {Map<number, number>} input id -> partition * 2^32 + offset of its first handling (to match ids to records) */
    this.idAt = new Map()
  }

  /**
   * Broker-reported committed offsets (from a poll): records each change, falls included (-1 is no observation).
   * @param {number[]} offsets @param {number} at when the answer arrived (ms since the epoch)
   */
  observeCommitted(offsets, at) {
    offsets.forEach((offset, partition) => {
      const changes = this.changes[partition]
      if (changes === undefined || offset < 0) return
      const last = changes[changes.length - 1]
      if (last !== undefined && offset === last.committed) return
      changes.push({ at, committed: offset })
      if (last !== undefined && offset < last.committed)
        this.falls.push({ partition, at, from: last.committed, to: offset })
      if (offset > /** @type {number} */ (this.committed[partition])) this.committed[partition] = offset
    })
  }

  /**
   * The committed offset of the latest observation at or before `at`, fallen or not (-1: none).
   * @param {number} partition @param {number} at
   */
  committedBy(partition, at) {
    return this.#observedBy(partition, at).committed
  }

  /**
   * The latest and the highest committed offsets observed at or before `at` (-1: none).
   * @param {number} partition @param {number} at
   */
  #observedBy(partition, at) {
    let committed = -1
    let highest = -1
    // Changes are appended as their answers arrive, so their times only grow.
    for (const change of this.changes[partition] ?? []) {
      if (change.at > at) break
      committed = change.committed
      highest = Math.max(highest, committed)
    }
    return { committed, highest }
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
    const observed = this.#observedBy(partition, at)
    const committed = Math.max(0, observed.committed)
    this.redeliveries++
    this.uncommittedAtHandOver += Math.max(0, max + 1 - committed)
    if (start < committed)
      this.belowCommitted.push({ member, partition, start, committed, at, highestCommitted: observed.highest })
  }

  /**
   * `belowCommitted` split in two: runs whose partition's committed offset was observed to fall to their start or
   * below within `graceMs` after they were held (`afterFall`: the narrow case in the header, a fall that landed
   * before the run read its start but was polled only after), and the others (`unexplained`: violations).
   * @param {number} graceMs
   */
  splitBelowCommitted(graceMs) {
    /** @type {typeof this.belowCommitted} */ const unexplained = []
    /** @type {typeof this.belowCommitted} */ const afterFall = []
    for (const run of this.belowCommitted) {
      const fell = this.falls.some(
        (f) => f.partition === run.partition && f.to <= run.start && f.at >= run.at && f.at <= run.at + graceMs,
      )
      ;(fell ? afterFall : unexplained).push(run)
    }
    return { unexplained, afterFall }
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
