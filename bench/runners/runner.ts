/**
 * The child-process side of a run: receives the {@link RunSpec}, lets the client's runner do the work, and reports
 * the figures with the process's own CPU time and peak RSS.
 * @module
 */
import type { RunnerMessage, RunSpec, ScenarioId } from '../lib/protocol.js'
import { payloadPool } from '../lib/payload.js'

/** What a client's scenario function returns. */
export interface Outcome {
  messages: number
  bytes: number
  elapsedMs: number
  completed: boolean
  errors: number
  latencyMs?: number[]
  note?: string
}

/** Helpers a scenario function gets. */
export interface RunContext {
  /** Reports progress; cheap to call for every message (throttled here). */
  progress(done: number): void
  /** True once the deadline has passed: stop and report what was done. */
  expired(this: void): boolean
  /** Resolves when the deadline passes. */
  readonly deadline: Promise<void>
  /** The message values, shared by all clients. */
  readonly pool: readonly Buffer[]
}

/** One function per scenario the client supports. */
export type ScenarioHandlers = Partial<Record<ScenarioId, (spec: RunSpec, context: RunContext) => Promise<Outcome>>>

const PROGRESS_INTERVAL_MS = 250

function send(message: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(message)}\n`)
      resolve()
      return
    }
    process.send(message, undefined, {}, () => resolve())
  })
}

/**
 * Waits for the spec, runs the scenario and exits. Exits hard after reporting: some clients keep timers or
 * sockets alive after disconnect, and a run must not wait on them.
 */
export function runRunner(name: string, handlers: ScenarioHandlers): void {
  process.once('message', (raw) => {
    void execute(name, handlers, raw as RunSpec)
  })
}

async function execute(name: string, handlers: ScenarioHandlers, spec: RunSpec): Promise<void> {
  try {
    const handler = handlers[spec.scenario]
    if (!handler) throw new Error(`${name} does not run scenario ${spec.scenario}`)
    const deadlineAt = Date.now() + spec.deadlineMs
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, spec.deadlineMs)
      timer.unref()
    })
    let lastProgress = 0
    const context: RunContext = {
      progress(done) {
        const now = Date.now()
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return
        lastProgress = now
        void send({ type: 'progress', done })
      },
      expired: () => Date.now() >= deadlineAt,
      deadline,
      pool: payloadPool(spec.messageSize),
    }
    const outcome = await handler(spec, context)
    clearTimeout(timer)
    const usage = process.resourceUsage()
    await send({
      type: 'result',
      ...outcome,
      peakRssBytes: usage.maxRSS * 1024,
      cpuUserMs: usage.userCPUTime / 1000,
      cpuSystemMs: usage.systemCPUTime / 1000,
    })
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    await send({ type: 'error', message })
  }
  process.exit(0)
}

/** Resolves after `ms`. For pacing and polling only, never to wait for readiness. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Waits until `condition()` holds, checking every `intervalMs`, or throws after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(intervalMs)
  }
}
