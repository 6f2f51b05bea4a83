/**
 * A kafkit consumer in a child process, so that a test can kill it outright (SIGKILL: no stop, no leave, no last
 * commit). The sources are transpiled (no type-check) into `.cache/` once per test file; the child reports every
 * batch it handled over IPC before its handler returns, so the parent knows everything it may have committed.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Transpiles `src/` into a fresh directory under `.cache/` (inside the repo, so node_modules resolve). */
export async function transpileSources(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = join(ROOT, '.cache', `consumer-child-${process.pid}-${Date.now()}`)
  const src = join(ROOT, 'src')
  const walk = async (folder: string): Promise<string[]> => {
    const entries = await readdir(folder, { withFileTypes: true })
    const nested = await Promise.all(
      entries.map((e) => (e.isDirectory() ? walk(join(folder, e.name)) : Promise.resolve([join(folder, e.name)]))),
    )
    return nested.flat()
  }
  for (const file of (await walk(src)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const output = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText
    const target = join(dir, relative(src, file)).replace(/\.ts$/, '.js')
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, output)
  }
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n')
  await writeFile(join(dir, 'child.js'), CHILD)
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** What the child reports. */
export type ChildReport =
  | { type: 'ready' }
  | { type: 'batch'; partition: number; offsets: number[] }
  | { type: 'rebalance'; event: { type: string; partitions: Array<{ topic: string; partition: number }> } }
  | { type: 'error'; message: string }
  | { type: 'hook'; name: 'onRevoke' | 'onLost'; partitions: number[] }

/** Starts a child consumer; `onReport` sees each report as it arrives. */
export function startChildConsumer(
  dir: string,
  options: {
    brokers: string
    groupId: string
    topic: string
    sessionTimeoutMs: number
    delayEvery?: number
    delayMs?: number
  },
  onReport: (report: ChildReport) => void,
): ChildProcess {
  const child = fork(join(dir, 'child.js'), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  child.on('message', (message) => onReport(message as ChildReport))
  return child
}

const CHILD = `
import { Consumer } from './consumer/index.js'
const options = JSON.parse(process.argv[2])
const send = (message) => new Promise((resolve, reject) => process.send(message, (error) => (error ? reject(error) : resolve())))
const consumer = new Consumer({
  brokers: options.brokers, groupId: options.groupId, fromBeginning: true,
  sessionTimeoutMs: options.sessionTimeoutMs, heartbeatIntervalMs: 500, autoCommitIntervalMs: 200,
  onRevoke: (partitions) => send({ type: 'hook', name: 'onRevoke', partitions: partitions.map((p) => p.partition) }),
  onLost: (partitions) => send({ type: 'hook', name: 'onLost', partitions: partitions.map((p) => p.partition) }),
})
consumer.on('rebalance', (event) => { send({ type: 'rebalance', event }).catch(() => {}) })
consumer.on('error', (error) => { send({ type: 'error', message: error.message }).catch(() => {}) })
await consumer.connect()
await consumer.subscribe({ topics: [options.topic] })
let handled = 0
await consumer.run({
  partitionsConsumedConcurrently: 4,
  maxBatchSize: 50,
  eachBatch: async ({ batch }) => {
    // Reported before returning: whatever this member may commit, the parent has heard of.
    await send({ type: 'batch', partition: batch.partition, offsets: batch.messages.map((m) => Number(m.offset)) })
    handled += batch.messages.length
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
  },
})
await send({ type: 'ready' })
`
