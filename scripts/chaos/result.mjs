// A chaos run's result: the figures docs/chaos.md explains, and the invariants that make it pass or fail.

/**
 * How long after a run below the committed offset was held a poll may show its partition's committed offset fallen
 * to its start, for the run to count as started from that fallen offset (see ledger.mjs): two poll intervals and a
 * half, for a poll answer that is slow on a loaded machine.
 */
export const FALL_GRACE_MS = 2_500

/**
 * The result of a run, with every broken invariant added to `run.failures`.
 * @param {{ opts: typeof import('./options.mjs').CHAOS_DEFAULTS, t0: number, phaseMs: Record<string, number>,
 *   converged: boolean, v: Record<string, any>, tallies: import('./tallies.mjs').Tallies,
 *   faults: Array<Record<string, unknown>>, peakRss: Record<string, number>, dir: string | null,
 *   unplannedExits: unknown[], livenessRestarts: unknown[], notes: string[], failures: string[] }} run
 */
export function buildResult({
  opts,
  t0,
  phaseMs,
  converged,
  v,
  tallies,
  faults,
  peakRss,
  dir,
  unplannedExits,
  livenessRestarts,
  notes,
  failures,
}) {
  const { acked, failedSends, sentBy, ledger, tx, errorsSeen } = tallies
  const sent = [...sentBy.values()].reduce((a, b) => a + b, 0)
  const faultCount = (/** @type {string} */ kind) => faults.filter((f) => f.kind === kind).length
  const belowCommitted = ledger.splitBelowCommitted(FALL_GRACE_MS)
  const result = {
    options: { ...opts, kafkit: opts.kafkit },
    startedAt: new Date(t0).toISOString(),
    totalMs: Date.now() - t0,
    phaseMs,
    converged,
    messages: {
      sent,
      acknowledged: acked.length,
      failedSends: failedSends.length,
      failedPossiblyPersisted: failedSends.filter((f) => f.possiblyPersisted).length,
      inInput: v.inputRecords,
      unacknowledgedInInput: v.unacknowledgedInInput,
      lost: v.lost,
      lostSample: v.lostSample,
      inputDuplicateIds: v.inputDuplicateIds,
    },
    atLeastOnce: {
      handled: ledger.handled,
      distinct: v.aloDistinct,
      missing: v.aloMissing,
      missingSample: v.aloMissingSample,
      duplicates: ledger.duplicates,
      redeliveries: ledger.redeliveries,
      uncommittedAtHandOver: ledger.uncommittedAtHandOver,
      uncommittedAtKills: faults.reduce((n, f) => n + (typeof f.uncommitted === 'number' ? f.uncommitted : 0), 0),
      belowCommitted: belowCommitted.unexplained,
      belowCommittedAfterFall: belowCommitted.afterFall,
      falls: ledger.falls,
      finalCommittedAtEnd: v.aloCommittedAtEnd,
    },
    exactlyOnce: {
      transactionsCommitted: tx.commits,
      transactionsAborted: tx.aborts,
      outputs: v.outputs,
      duplicates: v.eosDuplicates,
      missing: v.eosMissing,
      mismatched: v.eosMismatched,
      abortedOutputsSkipped: v.abortedOutputs,
      sample: v.eosSample,
    },
    peakRss,
    faults: {
      brokerKills: faultCount('broker-kill'),
      brokerStops: faultCount('broker-stop'),
      consumerKills: faultCount('consumer-kill'),
      processorKills: faultCount('processor-kill'),
      timeline: faults,
    },
    /** the run's directory (events.log, broker logs), when kept */
    dir,
    unplannedExits,
    livenessRestarts,
    clientErrors: Object.fromEntries([...errorsSeen].sort((a, b) => b[1] - a[1]).slice(0, 30)),
    notes,
    failures,
  }
  // The invariants. Duplicates of at-least-once consumers are allowed (they are the price of at-least-once), but
  // only of what was not committed yet: a re-delivery starting below the committed offset is a failure. A committed
  // offset that moved back (`falls`: a deferred commit landing late, see ledger.mjs) is reported, not a failure, and so
  // is a run below the committed offset that a poll within FALL_GRACE_MS confirmed started at a fallen offset.
  if (result.messages.lost !== 0) failures.push(`${result.messages.lost} acknowledged messages lost`)
  if (result.messages.inputDuplicateIds !== 0)
    failures.push(`${result.messages.inputDuplicateIds} ids written twice by idempotent producers`)
  if (result.atLeastOnce.missing !== 0)
    failures.push(`${result.atLeastOnce.missing} input records never handled by the at-least-once group`)
  if (result.atLeastOnce.belowCommitted.length !== 0)
    failures.push(`${result.atLeastOnce.belowCommitted.length} re-deliveries started below the committed offset`)
  if (result.exactlyOnce.duplicates !== 0)
    failures.push(`${result.exactlyOnce.duplicates} duplicated exactly-once outputs`)
  if (result.exactlyOnce.missing !== 0)
    failures.push(`${result.exactlyOnce.missing} inputs without an exactly-once output`)
  if (result.exactlyOnce.mismatched !== 0)
    failures.push(`${result.exactlyOnce.mismatched} exactly-once outputs that do not match their input`)
  const wanted = {
    brokerKills: opts.brokerKills,
    brokerStops: opts.brokerStops,
    consumerKills: opts.consumerKills,
    processorKills: opts.processorKills,
  }
  for (const [kind, n] of Object.entries(wanted)) {
    if (result.faults[/** @type {keyof typeof wanted} */ (kind)] < n)
      failures.push(`only ${result.faults[/** @type {keyof typeof wanted} */ (kind)]} of ${n} ${kind}`)
  }
  return result
}
