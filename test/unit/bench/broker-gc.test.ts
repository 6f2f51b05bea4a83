import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseGcPauses, pausesBetween, readGcPauses } from '../../../bench/lib/broker-gc.js'
import { summarizeRow, type RowResult, type RunRecord } from '../../../bench/lib/results.js'

// Lines as a Kafka 4.1 broker on JDK 17 writes them with -Xlog:gc:file=...:time,uptime.
const LOG = `[2026-12-02T05:54:30.419+0000][0.003s] Using G1
[2026-12-02T05:55:34.684+0000][64.268s] GC(44) Pause Young (Normal) (G1 Evacuation Pause) 262M->174M(299M) 101.239ms
[2026-12-02T05:56:08.367+0000][97.951s] GC(50) Pause Remark 178M->178M(302M) 98.644ms
[2026-12-02T05:56:08.442+0000][98.026s] GC(50) Concurrent Mark Cycle 295.800ms
[2026-12-02T07:56:09.000+0200][98.500s] GC(51) Pause Cleanup 178M->178M(302M) 0.127ms
`

describe("the broker's GC pauses", () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-gc-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads stop-the-world pauses with their end time, skipping concurrent phases', () => {
    expect(parseGcPauses(LOG)).toEqual([
      { endedAt: Date.parse('2026-12-02T05:55:34.684Z'), ms: 101.239 },
      { endedAt: Date.parse('2026-12-02T05:56:08.367Z'), ms: 98.644 },
      { endedAt: Date.parse('2026-12-02T05:56:09.000Z'), ms: 0.127 },
    ])
  })

  it('counts the pauses that overlap a window, including one that began before it', () => {
    const pauses = parseGcPauses(LOG)
    const end = Date.parse('2026-12-02T05:55:34.684Z')
    // The pause ended 50 ms into the window but began before it.
    expect(pausesBetween(pauses, end - 50, end + 1_000)).toEqual({ pauses: 1, totalMs: 101.239, maxMs: 101.239 })
    expect(pausesBetween(pauses, end + 1, Date.parse('2026-12-02T05:56:10Z'))).toEqual({
      pauses: 2,
      totalMs: 98.644 + 0.127,
      maxMs: 98.644,
    })
    expect(pausesBetween(pauses, end - 10_000, end - 200)).toEqual({ pauses: 0, totalMs: 0, maxMs: 0 })
  })

  it('reads the gc.log files of each directory (rotations too, nothing else) and skips a missing directory', () => {
    writeFileSync(join(dir, 'gc.log'), LOG.split('\n').slice(0, 2).join('\n'))
    writeFileSync(join(dir, 'gc.log.0'), LOG.split('\n').slice(2).join('\n'))
    writeFileSync(join(dir, 'server.log'), LOG)
    const pauses = readGcPauses([dir, join(dir, 'absent')])
    expect(pauses.map((p) => p.ms).sort((a, b) => a - b)).toEqual([0.127, 98.644, 101.239])
  })

  it("summarizes a row's longest pause, and none when no run read the log", () => {
    const run = (maxMs?: number): RunRecord => ({
      round: 1,
      topic: 't',
      report: {
        messages: 10,
        bytes: 1000,
        elapsedMs: 1000,
        completed: true,
        errors: 0,
        peakRssBytes: 1e8,
        cpuUserMs: 10,
        cpuSystemMs: 1,
      },
      brokerGc: maxMs === undefined ? undefined : { pauses: 1, totalMs: maxMs, maxMs },
    })
    const row = (runs: RunRecord[]): RowResult => ({
      scenario: 'latency',
      client: 'kafkit',
      variant: 'eachMessage',
      label: 'kafkit',
      runs,
    })
    expect(summarizeRow(row([run(12), run(117), run()]))?.brokerGcMaxMs).toBe(117)
    expect(summarizeRow(row([run(), run()]))?.brokerGcMaxMs).toBeUndefined()
  })
})
