/**
 * `node bench/.build/profile-summary.js <file.cpuprofile> [top]`: where a V8 CPU profile (from
 * `npm run bench -- --profile`) spends its time, by self time per function and by total time per source file,
 * so a note can say where kafkit's time goes without opening a flame graph viewer.
 * @module
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** Self time per function and per file, in ms. */
export interface ProfileSummary {
  readonly totalMs: number
  readonly functions: { name: string; selfMs: number; share: number }[]
  readonly files: { file: string; selfMs: number; share: number }[]
}

function shortUrl(url: string): string {
  if (!url) return '(native / V8)'
  const cut = url.replace(/^file:\/\//, '')
  const nodeModules = cut.lastIndexOf('node_modules/')
  if (nodeModules >= 0) return cut.slice(nodeModules + 'node_modules/'.length)
  const dist = cut.indexOf('/dist/')
  if (dist >= 0) return `kafkit${cut.slice(dist)}`
  const bench = cut.indexOf('/bench/')
  return bench >= 0 ? cut.slice(bench + 1) : cut
}

/** Summarizes a profile: sample counts weighted by their time deltas. */
export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (deltas[index] ?? 0) / 1000))
  const totalMs = (profile.endTime - profile.startTime) / 1000
  const functions = new Map<string, number>()
  const files = new Map<string, number>()
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame
    if (!frame) continue
    const file = shortUrl(frame.url)
    const name = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
    functions.set(name, (functions.get(name) ?? 0) + ms)
    files.set(file, (files.get(file) ?? 0) + ms)
  }
  const rank = <K extends string>(map: Map<string, number>, key: K) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([label, ms]) =>
          ({ [key]: label, selfMs: ms, share: ms / totalMs }) as { [P in K]: string } & {
            selfMs: number
            share: number
          },
      )
  return { totalMs, functions: rank(functions, 'name'), files: rank(files, 'file') }
}

function main(): void {
  const [file, topText] = process.argv.slice(2)
  if (!file) {
    process.stderr.write('usage: node bench/.build/profile-summary.js <file.cpuprofile> [top]\n')
    process.exitCode = 2
    return
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(topText ?? 20))
  const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`
  process.stdout.write(`${file}: ${summary.totalMs.toFixed(0)} ms profiled\n\nself time by file:\n`)
  for (const entry of summary.files)
    process.stdout.write(`  ${pct(entry.share)}  ${entry.selfMs.toFixed(0).padStart(6)} ms  ${entry.file}\n`)
  process.stdout.write('\nself time by function:\n')
  for (const entry of summary.functions)
    process.stdout.write(`  ${pct(entry.share)}  ${entry.selfMs.toFixed(0).padStart(6)} ms  ${entry.name}\n`)
}

// Run as a script, not when imported (by the unit test).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main()
