// The chaos run's result as a markdown table (what `npm run chaos` prints and docs/chaos.md shows).

const mib = (/** @type {number} */ bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
const n = (/** @type {number} */ x) => x.toLocaleString('en-US')

/** @param {any} r the result of runChaos() @returns {string} */
export function renderTable(r) {
  const m = r.messages
  const a = r.atLeastOnce
  const e = r.exactlyOnce
  const f = r.faults
  const o = r.options
  const rows = [
    ['messages sent', n(m.sent)],
    ['acknowledged (send() resolved)', n(m.acknowledged)],
    ['sends failed (of which possibly persisted)', `${n(m.failedSends)} (${n(m.failedPossiblyPersisted)})`],
    ['records in the input topic', `${n(m.inInput)} (${n(m.unacknowledgedInInput)} not acknowledged)`],
    ['**lost** (acknowledged, not in the input topic)', `**${n(m.lost)}**`],
    ['ids written twice by idempotent producers', n(m.inputDuplicateIds)],
    ['at-least-once: handled / distinct / never handled', `${n(a.handled)} / ${n(a.distinct)} / ${n(a.missing)}`],
    ['at-least-once: **duplicates**', `**${n(a.duplicates)}** in ${n(a.redeliveries)} re-deliveries`],
    ['at-least-once: bound (uncommitted when a partition changed hands)', n(a.uncommittedAtHandOver)],
    ['at-least-once: uncommitted at the member kills', n(a.uncommittedAtKills)],
    ['at-least-once: re-deliveries below the committed offset', n(a.belowCommitted.length)],
    ['exactly-once: outputs read_committed', n(e.outputs)],
    ['exactly-once: **duplicated outputs**', `**${n(e.duplicates)}**`],
    ['exactly-once: inputs without output / wrong output', `${n(e.missing)} / ${n(e.mismatched)}`],
    ['exactly-once: transactions committed / aborted', `${n(e.transactionsCommitted)} / ${n(e.transactionsAborted)}`],
    ['exactly-once: aborted outputs hidden from read_committed', n(e.abortedOutputsSkipped)],
    [
      'peak RSS: producer / consumer / Processor / runner',
      `${mib(r.peakRss.producer)} / ${mib(r.peakRss.consumer)} / ${mib(r.peakRss.processor)} / ${mib(r.peakRss.runner)}`,
    ],
    ['faults: broker SIGKILL+restart', n(f.brokerKills)],
    [`faults: broker SIGSTOP ${o.brokerStopMs / 1000} s + SIGCONT`, n(f.brokerStops)],
    ['faults: consumer SIGKILL+replace', n(f.consumerKills)],
    ['faults: Processor SIGKILL+replace', n(f.processorKills)],
    [
      'Processor partitionsPerTransaction',
      r.options.partitionsPerTransaction === undefined ? 'default' : n(r.options.partitionsPerTransaction),
    ],
    ['unplanned child exits (replaced)', n(r.unplannedExits.length)],
    [
      'stalled members replaced by the liveness probe',
      r.options.restartStalled ? n(r.livenessRestarts.length) : 'probe off',
    ],
    [
      'time: setup / faults / catch-up / verify',
      `${s(r.phaseMs.setup)} / ${s(r.phaseMs.faults)} / ${s(r.phaseMs.converge)} / ${s(r.phaseMs.verify)}`,
    ],
    ['result', r.failures.length === 0 ? 'PASS' : `FAIL: ${r.failures.join('; ')}`],
  ]
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
}

/** @param {number} ms */
function s(ms) {
  return `${Math.round(ms / 1000)} s`
}

/** One line per fault, for the log and the docs. @param {any} r */
export function renderTimeline(r) {
  return r.faults.timeline
    .map((/** @type {any} */ f) => {
      const parts = [`${String(f.at).padStart(5)} s  ${f.kind.padEnd(14)} ${String(f.target).padEnd(14)}`]
      if (f.downMs !== undefined) parts.push(`down ${s(f.downMs)}`)
      if (f.recoveredMs !== undefined) parts.push(`recovered after ${s(f.recoveredMs)}`)
      if (f.isrMs !== undefined && f.isrMs !== null) parts.push(`(ISR full ${s(f.isrMs)} after restart)`)
      if (f.uncommitted !== undefined) parts.push(`uncommitted at kill ${f.uncommitted}`)
      return parts.join('  ')
    })
    .join('\n')
}
