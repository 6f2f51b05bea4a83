#!/usr/bin/env node
// npm run chaos -- [--duration S] [--broker-kills N] [--broker-stops N] [--consumer-kills N] [--processor-kills N]
//                  [--rate MSGS_PER_S] [--in-flight N] [--min-gap S] [--json FILE] [--kafkit PATH] [--keep]
//                  [--restart-stalled [--stall S]] [--partitions-per-transaction N]
// Fault injection on a fresh 3-node cluster of its own (never an external one: it kills brokers). Prints a
// markdown table; exits 1 when an invariant broke (lost > 0, exactly-once duplicates > 0, ...) or the run did
// not converge, 2 when it could not run. docs/chaos.md explains every figure.
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CHAOS_DEFAULTS, runChaos } from './chaos/run.mjs'
import { renderTable, renderTimeline } from './chaos/report.mjs'

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    'broker-kills': { type: 'string' },
    'broker-stops': { type: 'string' },
    'consumer-kills': { type: 'string' },
    'processor-kills': { type: 'string' },
    rate: { type: 'string' },
    'in-flight': { type: 'string' },
    'min-gap': { type: 'string' },
    json: { type: 'string' },
    kafkit: { type: 'string' },
    keep: { type: 'boolean' },
    'restart-stalled': { type: 'boolean' },
    stall: { type: 'string' },
    'partitions-per-transaction': { type: 'string' },
    help: { type: 'boolean' },
  },
})
if (values.help) {
  process.stdout
    .write(`usage: npm run chaos -- [--duration S] [--broker-kills N] [--broker-stops N] [--consumer-kills N]
                       [--processor-kills N] [--rate MSGS_PER_S] [--in-flight N] [--min-gap S] [--json FILE] [--kafkit PATH] [--keep] [--restart-stalled [--stall S]]
                       [--partitions-per-transaction N]
defaults: ${JSON.stringify({
    durationS: CHAOS_DEFAULTS.durationS,
    brokerKills: CHAOS_DEFAULTS.brokerKills,
    brokerStops: CHAOS_DEFAULTS.brokerStops,
    consumerKills: CHAOS_DEFAULTS.consumerKills,
    processorKills: CHAOS_DEFAULTS.processorKills,
    rate: CHAOS_DEFAULTS.rate,
    producerInFlight: CHAOS_DEFAULTS.producerInFlight,
  })}
`)
  process.exit(0)
}

/** @param {string | undefined} value @param {string} name */
function count(value, name) {
  if (value === undefined) return undefined
  const x = Number(value)
  if (!Number.isInteger(x) || x < 0) {
    process.stderr.write(`--${name} expects a whole number >= 0, got ${value}\n`)
    process.exit(2)
  }
  return x
}

/** @type {Parameters<typeof runChaos>[0]} */
const overrides = {}
const set = (/** @type {string} */ key, /** @type {number | undefined} */ x) => {
  if (x !== undefined) Object.assign(overrides, { [key]: x })
}
set('durationS', count(values.duration, 'duration'))
set('brokerKills', count(values['broker-kills'], 'broker-kills'))
set('brokerStops', count(values['broker-stops'], 'broker-stops'))
set('consumerKills', count(values['consumer-kills'], 'consumer-kills'))
set('processorKills', count(values['processor-kills'], 'processor-kills'))
set('rate', count(values.rate, 'rate'))
const inFlight = count(values['in-flight'], 'in-flight')
if (inFlight === 0 || (inFlight ?? 1) > 5) {
  process.stderr.write(
    `--in-flight expects 1 to 5 (an idempotent producer allows at most 5), got ${values['in-flight']}\n`,
  )
  process.exit(2)
}
set('producerInFlight', inFlight)
const minGap = count(values['min-gap'], 'min-gap')
if (minGap !== undefined) overrides.minGapMs = minGap * 1000
if (values.kafkit) overrides.kafkit = resolve(values.kafkit)
if (values.keep) overrides.keepDir = true
if (values['restart-stalled']) overrides.restartStalled = true
const stall = count(values.stall, 'stall')
if (stall !== undefined) overrides.stallMs = stall * 1000
const perTransaction = count(values['partitions-per-transaction'], 'partitions-per-transaction')
if (perTransaction !== undefined) overrides.partitionsPerTransaction = perTransaction

let result
try {
  result = await runChaos(overrides)
} catch (err) {
  process.stderr.write(`chaos run could not run: ${/** @type {Error} */ (err).stack ?? err}\n`)
  process.exit(2)
}
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`)
process.stdout.write(`\n${renderTable(result)}\n\nFaults:\n${renderTimeline(result)}\n`)
if (result.unplannedExits.length > 0) {
  process.stdout.write(
    `\nUnplanned exits:\n${result.unplannedExits.map((x) => `  ${x.at} s ${x.name} (code ${x.code}, signal ${x.signal}): ${x.reason}`).join('\n')}\n`,
  )
}
if (result.dir) process.stdout.write(`\nLogs kept in ${result.dir} (events.log, broker-N-server.log)\n`)
if (result.livenessRestarts.length > 0) {
  process.stdout.write(
    `\nLiveness probe restarts:\n${result.livenessRestarts.map((x) => `  ${x.at} s ${x.name} (${x.group}): partitions ${x.partitions.join(',')} stalled ${x.stalledS} s`).join('\n')}\n`,
  )
}
if (result.notes.length > 0) process.stdout.write(`\nNotes:\n${result.notes.map((x) => `  ${x}`).join('\n')}\n`)
process.exit(result.failures.length === 0 ? 0 : 1)
