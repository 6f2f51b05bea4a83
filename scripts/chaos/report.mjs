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
    [
      `ids written twice by idempotent producers (${o.producerInFlight} request${o.producerInFlight === 1 ? '' : 's'} in flight)`,
      n(m.inputDuplicateIds),
    ],
    ['at-least-once: handled / distinct / never handled', `${n(a.handled)} / ${n(a.distinct)} / ${n(a.missing)}`],
    ['at-least-once: **duplicates**', `**${n(a.duplicates)}** in ${n(a.redeliveries)} re-deliveries`],
    ['at-least-once: bound (uncommitted when a partition changed hands)', n(a.uncommittedAtHandOver)],
    ['at-least-once: uncommitted at the member kills', n(a.uncommittedAtKills)],
    ['at-least-once: re-deliveries below the committed offset', n(a.belowCommitted.length)],
    ['at-least-once: committed offset moved back (observed falls)', n(a.falls.length)],
    ['at-least-once: runs below it that a fall polled just after explains', n(a.belowCommittedAfterFall.length)],
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
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
  const details = renderAtLeastOnceDetails(r)
  return details === '' ? table : `${table}\n\n${details}`
}

/**
 * One line per re-delivery below the committed offset (`below, fell`: one a fall polled just after explains) and per
 * observed fall of a committed offset, in time order (seconds since the start), so a failure can be read against the
 * falls around it; '' when there are none.
 * @param {any} r
 */
function renderAtLeastOnceDetails(r) {
  const t0 = Date.parse(r.startedAt)
  const time = (/** @type {number} */ at) => `${((at - t0) / 1000).toFixed(1).padStart(7)} s`
  /** @type {Array<{ at: number, order: number, line: string }>} */
  const lines = []
  for (const f of r.atLeastOnce.falls) {
    const line = `${time(f.at)}  ${'committed fell'.padEnd(15)} ${`partition ${f.partition}`.padEnd(14)}  from ${f.from} to ${f.to}`
    lines.push({ at: f.at, order: 0, line })
  }
  const runs = [
    ...r.atLeastOnce.belowCommitted.map((/** @type {any} */ b) => ({ b, kind: 'below committed' })),
    ...r.atLeastOnce.belowCommittedAfterFall.map((/** @type {any} */ b) => ({ b, kind: 'below, fell' })),
  ]
  for (const { b, kind } of runs) {
    const line =
      `${time(b.at)}  ${kind.padEnd(15)} ${String(b.member).padEnd(14)}  partition ${b.partition}` +
      `  start ${b.start}  committed then ${b.committed}  highest before ${b.highestCommitted}`
    lines.push({ at: b.at, order: 1, line })
  }
  if (lines.length === 0) return ''
  // At the same time a fall comes first: a run held then was held against the fallen value.
  lines.sort((x, y) => x.at - y.at || x.order - y.order)
  const head = 'At-least-once (seconds since the start; a fall when its poll answer arrived, a run when it was held):'
  return [head, ...lines.map((l) => l.line)].join('\n')
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
