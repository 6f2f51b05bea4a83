import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const GENERATOR = join(import.meta.dirname, '..', '..', '..', 'scripts', 'gen-cluster-types.mjs')

/** Runs the generator with `args`: its exit status and what it said on stderr. */
function generator(...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [GENERATOR, ...args], { encoding: 'utf8' })
  return { status: run.status, stderr: run.stderr }
}

describe('the cluster library declarations (generated from JSDoc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-cluster-types-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the committed .d.mts files are what the JSDoc generates', () => {
    expect(generator('--check')).toEqual({ status: 0, stderr: '' })
  }, 60_000)

  it('the check names a declaration that no longer matches its module', () => {
    execFileSync(process.execPath, [GENERATOR, '--out', dir])
    const file = join(dir, 'cluster', 'state.d.mts')
    writeFileSync(file, readFileSync(file, 'utf8').replace('export function readState', 'export function readStateOld'))
    const result = generator('--check', dir)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(join('cluster', 'state.d.mts'))
    expect(result.stderr).not.toContain('api.d.mts')
  }, 60_000)
})
