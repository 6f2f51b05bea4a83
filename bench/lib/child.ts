/**
 * Runs a Node client's runner in its own child process, so CPU time and peak RSS are that client's alone.
 * @module
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { NodeClientId, RunnerMessage, RunnerReport, RunSpec } from './protocol.js'

/** Which runner module (relative to this file's compiled location) and argument each Node client uses. */
const ENTRY_POINTS: Readonly<Record<NodeClientId, { readonly module: string; readonly args: readonly string[] }>> =
  Object.freeze({
    kafkit: { module: '../runners/kafkit.js', args: [] },
    rdkafka: { module: '../runners/rdkafka.js', args: [] },
    'ckjs-rdkafka': { module: '../runners/rdkafka.js', args: ['ckjs'] },
    kafkajs: { module: '../runners/kafkajs.js', args: [] },
    'ckjs-kafkajs': { module: '../runners/kafkajs.js', args: ['ckjs'] },
    platformatic: { module: '../runners/platformatic.js', args: [] },
  })

/** Options of {@link runNodeClient}. */
export interface NodeRunOptions {
  /** The node binary (another version for clients that need one). @default process.execPath */
  readonly nodePath?: string | undefined
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[]
  /** Called with the runner's progress. */
  readonly onProgress?: (done: number) => void
  /** Extra time after the run's deadline before the child is killed. @default 60000 */
  readonly graceMs?: number
}

/** Runs one client on one spec and returns its report; rejects with the runner's error or when it dies. */
export function runNodeClient(
  client: NodeClientId,
  spec: RunSpec,
  options: NodeRunOptions = {},
): Promise<RunnerReport> {
  const entry = ENTRY_POINTS[client]
  const modulePath = fileURLToPath(new URL(entry.module, import.meta.url))
  const child = fork(modulePath, [...entry.args], {
    execPath: options.nodePath ?? process.execPath,
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  return new Promise<RunnerReport>((resolve, reject) => {
    let settled: RunnerReport | Error | undefined
    const killer = setTimeout(
      () => {
        settled ??= new Error(`${client} ${spec.scenario}: killed ${options.graceMs ?? 60_000} ms after its deadline`)
        child.kill('SIGKILL')
      },
      spec.deadlineMs + (options.graceMs ?? 60_000),
    )
    child.on('message', (raw) => {
      const message = raw as RunnerMessage
      if (message.type === 'progress') options.onProgress?.(message.done)
      else if (message.type === 'result') settled ??= message
      else settled ??= new Error(`${client} ${spec.scenario}: ${message.message}`)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(killer)
      if (settled instanceof Error) reject(settled)
      else if (settled) resolve(settled)
      else {
        const tail = stderr.trim().split('\n').slice(-8).join('\n')
        // An uncaught exception's own line says more than the stack frames after it.
        const cause =
          /^(?:Uncaught )?([A-Z][A-Za-z]*Error\b.*)$/m.exec(stderr)?.[1] ?? /FATAL ERROR: (.+)$/m.exec(stderr)?.[1]
        reject(
          new Error(
            `${client} ${spec.scenario}: crashed (exit ${signal ?? code})${cause ? `: ${cause}` : ' without a result'}\n${tail}`,
          ),
        )
      }
    })
    child.send(spec)
  })
}
