/**
 * The broker's stop-the-world GC pauses during a run, read from the `gc.log` that the project's cluster script has
 * each Kafka node write (`-Xlog:gc` with wall-clock time). A pause stalls every request the broker holds, so a
 * latency tail measured while one happened belongs to the broker, whichever client was running; the latency table
 * shows the longest pause of each row's runs. Only a cluster the benchmark started has these logs.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One pause: when it ended (epoch ms) and how long it took. */
export interface GcPause {
  readonly endedAt: number
  readonly ms: number
}

/** The broker's pauses during one run. */
export interface BrokerGc {
  readonly pauses: number
  readonly totalMs: number
  readonly maxMs: number
}

// `[2026-12-02T05:54:31.123+0000][0.707s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 12M->5M(258M) 10.522ms`
const PAUSE = /^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})([+-]\d{2})(\d{2})\].* Pause .* ([\d.]+)ms$/

/** The pauses in the text of a `-Xlog:gc` file written with the `time` decorator (concurrent phases are skipped). */
export function parseGcPauses(text: string): GcPause[] {
  const pauses: GcPause[] = []
  for (const line of text.split('\n')) {
    const match = PAUSE.exec(line.trim())
    if (!match) continue
    const endedAt = Date.parse(`${match[1]}${match[2]}:${match[3]}`)
    const ms = Number(match[4])
    if (Number.isFinite(endedAt) && Number.isFinite(ms)) pauses.push({ endedAt, ms })
  }
  return pauses
}

/** Counts and sums the pauses that overlap [from, to] (epoch ms). */
export function pausesBetween(pauses: readonly GcPause[], from: number, to: number): BrokerGc {
  let count = 0
  let totalMs = 0
  let maxMs = 0
  for (const pause of pauses) {
    if (pause.endedAt < from || pause.endedAt - pause.ms > to) continue
    count++
    totalMs += pause.ms
    maxMs = Math.max(maxMs, pause.ms)
  }
  return { pauses: count, totalMs, maxMs }
}

/** The pauses logged in `logDirs` (each node's `gc.log` and its rotated files); files that cannot be read are skipped. */
export function readGcPauses(logDirs: readonly string[]): GcPause[] {
  const pauses: GcPause[] = []
  for (const dir of logDirs) {
    let names: string[]
    try {
      names = readdirSync(dir).filter((name) => name.startsWith('gc.log'))
    } catch {
      continue
    }
    for (const name of names) {
      try {
        pauses.push(...parseGcPauses(readFileSync(join(dir, name), 'utf8')))
      } catch {
        // rotated away while listed
      }
    }
  }
  return pauses
}
