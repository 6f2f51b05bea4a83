import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { brokers } from './helpers/kafka.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')

// Every example is a script that exits 0 only when it did what it shows (they throw otherwise).
// The order saga is a folder: its entry points are the two topologies (the other files are its services).
const examples = [
  ...readdirSync(join(root, 'examples'))
    .filter((file) => file.endsWith('.ts'))
    .sort(),
  'order-saga/run.ts',
  'order-saga/choreography.ts',
]

describe('examples', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(0)
  })

  it.each(examples)(
    'examples/%s runs against the real cluster',
    async (file) => {
      const { stdout } = await run(process.execPath, [tsx, join('examples', file)], {
        cwd: root,
        env: { ...process.env, KAFKA_BROKERS: brokers() },
        timeout: 150_000,
      })
      expect(stdout.trim().length).toBeGreaterThan(0)
    },
    180_000,
  )
})
