/**
 * Regression tests of the Admin client, one per bug fixed. Each runs the scenario in a child process, so a native
 * crash fails the test instead of the test runner.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { down, up } from '../../scripts/cluster-lib.mjs'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) {
    await down({ dir }).catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
})

describe('Admin regressions', () => {
  it('listGroupOffsets on a fresh cluster does not crash the process (librdkafka#5040: OffsetFetch refresh on a handle without a group)', async () => {
    // A cluster of its own: the crash needed a coordinator that is not ready yet, as on a cluster nobody used.
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-admin-fresh-'))
    dirs.push(dir)
    const { bootstrap } = await up({ nodes: 1, registry: false, dir })
    const script = join(dir, 'fresh-offsets.mts')
    await writeFile(
      script,
      [
        `import { Admin } from ${JSON.stringify(join(root, 'src', 'index.ts'))}`,
        `const admin = new Admin({ brokers: ${JSON.stringify(bootstrap)} })`,
        'await admin.connect()',
        'const results = []',
        'for (let i = 0; i < 5; i++) results.push(await admin.listGroupOffsets(`unseen-group-${i}`))',
        'await admin.disconnect()',
        'console.log(JSON.stringify(results))',
      ].join('\n'),
    )
    const { stdout } = await run(process.execPath, [tsx, script], { cwd: root, timeout: 120_000 })
    expect(JSON.parse(stdout.trim())).toEqual([[], [], [], [], []])
  }, 180_000)
})
