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

/**
 * The environment of a client's child process: this process's, without `NODE_EXTRA_CA_CERTS` when the cluster is
 * reached without TLS. Where that variable is set (some machine images point it at the system's CA bundle), every
 * Node process parses the bundle at start, about 80 ms of CPU on a 2-core machine, which no client needs for a
 * plaintext cluster and which the C and Java tools do not pay: it would count in every Node client's CPU column. With
 * TLS (`security.protocol` SSL or SASL_SSL) the variable is kept, since a client may need those certificates.
 */
export function childEnv(spec: Pick<RunSpec, 'security'>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const tls = /ssl/i.test(spec.security['security.protocol'] ?? '')
  if (tls || env.NODE_EXTRA_CA_CERTS === undefined) return env
  const { NODE_EXTRA_CA_CERTS: _dropped, ...rest } = env
  return rest
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
    env: childEnv(spec),
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
