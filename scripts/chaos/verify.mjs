// The end of a chaos run: the input and the output read back with fresh readers, and what was lost, duplicated
// or never handled.
import { INPUT, OUTPUT, PARTITIONS } from './options.mjs'
import { readTopic } from './kafka.mjs'

/**
 * Reads the input and the output back with fresh readers and computes lost, duplicated and missing records.
 * @param {string} bootstrap @param {number[]} ends @param {import('./kafka.mjs').OffsetReader} aloOffsets
 * @param {{ acked: number[], failedSends: Array<{ id: number }>, ledger: import('./ledger.mjs').Ledger }} state
 */
export async function verify(bootstrap, ends, aloOffsets, { acked, failedSends, ledger }) {
  // Input: which id sits at which partition/offset, and how often each id occurs.
  const idAt = ends.map((end) => new Float64Array(end).fill(-1))
  const occurrences = new Map()
  let inputRecords = 0
  await readTopic(
    bootstrap,
    INPUT,
    ends,
    'read_uncommitted',
    (partition, offset, _key, value) => {
      const id = Number(value?.toString())
      const ids = /** @type {Float64Array} */ (idAt[partition])
      if (offset < ids.length) ids[offset] = id
      occurrences.set(id, (occurrences.get(id) ?? 0) + 1)
      inputRecords++
    },
    300_000,
  )
  let lost = 0
  /** @type {number[]} */
  const lostSample = []
  for (const id of acked) {
    if (!occurrences.has(id)) {
      lost++
      if (lostSample.length < 10) lostSample.push(id)
    }
  }
  const ackedSet = new Set(acked)
  let unacknowledgedInInput = 0
  let inputDuplicateIds = 0
  for (const [id, n] of occurrences) {
    if (!ackedSet.has(id)) unacknowledgedInInput++
    if (n > 1) inputDuplicateIds++
  }
  void failedSends

  const coverage = ledger.coverage(ends)
  const finalCommitted = await aloOffsets.committed(INPUT, PARTITIONS).catch(() => [])

  // Output, read_committed: exactly one output per input record, carrying that record's id.
  const outEnds = await aloOffsets.highWatermarks(OUTPUT, PARTITIONS)
  const outputsPer = ends.map((end) => new Uint16Array(end))
  let outputs = 0
  let eosMismatched = 0
  /** @type {string[]} */
  const eosSample = []
  await readTopic(
    bootstrap,
    OUTPUT,
    outEnds,
    'read_committed',
    (_partition, _offset, key, value) => {
      outputs++
      const [p, o] = (key?.toString() ?? '').split(':').map(Number)
      const counts = outputsPer[p ?? -1]
      if (p === undefined || o === undefined || !counts || o >= counts.length) {
        eosMismatched++
        if (eosSample.length < 10) eosSample.push(`output for unknown input ${key?.toString()}`)
        return
      }
      counts[o] = Math.min(65535, /** @type {number} */ (counts[o]) + 1)
      if (Number(value?.toString()) !== /** @type {Float64Array} */ (idAt[p])[o]) {
        eosMismatched++
        if (eosSample.length < 10) eosSample.push(`output for ${p}:${o} carries ${value?.toString()}`)
      }
    },
    300_000,
  )
  let eosDuplicates = 0
  let eosMissing = 0
  outputsPer.forEach((counts, p) =>
    counts.forEach((n, o) => {
      if (n > 1) {
        eosDuplicates += n - 1
        if (eosSample.length < 10) eosSample.push(`input ${p}:${o} has ${n} outputs`)
      }
      if (n === 0) {
        eosMissing++
        if (eosSample.length < 10) eosSample.push(`input ${p}:${o} has no output`)
      }
    }),
  )
  // Read uncommitted too: what the aborted transactions (killed Processors, fenced zombies) left in the log,
  // which read_committed readers never see.
  let rawOutputs = 0
  await readTopic(
    bootstrap,
    OUTPUT,
    outEnds,
    'read_uncommitted',
    () => {
      rawOutputs++
    },
    300_000,
  )

  return {
    inputRecords,
    lost,
    lostSample,
    unacknowledgedInInput,
    inputDuplicateIds,
    aloDistinct: coverage.distinct,
    aloMissing: coverage.missing,
    aloMissingSample: coverage.missingSample,
    aloCommittedAtEnd: finalCommitted.every((o, p) => o === ends[p]),
    outputs,
    eosDuplicates,
    eosMissing,
    eosMismatched,
    eosSample,
    abortedOutputs: rawOutputs - outputs,
  }
}
