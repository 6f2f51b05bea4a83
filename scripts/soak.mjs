#!/usr/bin/env node
// npm run soak -- [--duration S] [--rate MSGS_PER_S] [--json FILE]
// A producer and a consumer in one process for minutes at a steady rate, sampled for memory, file descriptors,
// threads and libuv handles. Uses $KAFKA_BROKERS, or starts a single-node cluster of its own. Prints a markdown
// report; exits 1 when a check failed (lost records, growth after warm-up), 2 when it could not run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ROOT, down, up } from './cluster-lib.mjs'
import { SOAK_DEFAULTS, renderSoak, runSoak } from './soak/run.mjs'

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    rate: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean' },
  },
})
if (values.help) {
  process.stdout.write(
    `usage: npm run soak -- [--duration S] [--rate MSGS_PER_S] [--json FILE]\ndefaults: duration ${SOAK_DEFAULTS.durationS} s, rate ${SOAK_DEFAULTS.rate} msgs/s\n`,
  )
  process.exit(0)
}
/** @param {string | undefined} value @param {string} name */
function positive(value, name) {
  if (value === undefined) return undefined
  const x = Number(value)
  if (!Number.isInteger(x) || x <= 0) {
    process.stderr.write(`--${name} expects a whole number > 0, got ${value}\n`)
    process.exit(2)
  }
  return x
}
const durationS = positive(values.duration, 'duration') ?? SOAK_DEFAULTS.durationS
const rate = positive(values.rate, 'rate') ?? SOAK_DEFAULTS.rate

const kafkit = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)
let dir
let brokers = process.env.KAFKA_BROKERS
try {
  if (!brokers) {
    dir = await mkdtemp(join(tmpdir(), 'kafkit-soak-'))
    process.stderr.write(`starting a single-node cluster in ${dir}\n`)
    brokers = (await up({ nodes: 1, registry: false, dir })).bootstrap
  }
  process.stderr.write(`soak: ${durationS} s at ${rate} msgs/s against ${brokers}\n`)
  const result = await runSoak({ brokers, kafkit, durationS, rate })
  process.stdout.write(`${renderSoak(result)}\n`)
  if (values.json)
    await writeFile(
      resolve(values.json),
      `${JSON.stringify({ ...result, at: new Date().toISOString(), node: process.version }, null, 2)}\n`,
    )
  process.exitCode = result.ok ? 0 : 1
} catch (error) {
  process.stderr.write(`soak could not run: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exitCode = 2
} finally {
  if (dir) {
    await down({ dir }).catch(() => {})
    await rm(dir, { recursive: true, force: true }).catch(() => {})
  }
}
