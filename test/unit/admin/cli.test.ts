import { describe, expect, it } from 'vitest'
import { runAdminCli } from '../../../src/cli/admin.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} },
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

describe('kafkit admin CLI usage', () => {
  it('prints help with exit code 0', async () => {
    const c = capture()
    expect(await runAdminCli(['topics', '--help'], c.io)).toBe(0)
    expect(c.out()).toContain('groups lag <group>')
  })

  it('exits 2 on an unknown action, an unknown flag or missing brokers, saying why', async () => {
    let c = capture()
    expect(await runAdminCli(['topics', 'explode'], c.io)).toBe(2)
    expect(c.err()).toContain("unknown command 'topics explode'")
    c = capture()
    expect(await runAdminCli(['topics', 'list', '--bogus'], c.io)).toBe(2)
    expect(c.err()).toContain('--bogus')
    c = capture()
    expect(await runAdminCli(['groups', 'lag', 'g'], c.io)).toBe(2)
    expect(c.err()).toContain('KAFKA_BROKERS')
    c = capture()
    expect(await runAdminCli(['groups'], c.io)).toBe(2)
  })

  it('exits 1 with a typed error when the cluster cannot be reached', async () => {
    const c = capture()
    expect(await runAdminCli(['topics', 'list', '--brokers', '127.0.0.1:1', '--timeout', '500'], c.io)).toBe(1)
    expect(c.err()).toContain('ERR_CONNECTION')
  })
})
