// The chaos run's child processes: each runs one kafkit client (from dist/ or transpiled sources) and reports over
// IPC. A child that exits on its own (not killed by the run) is recorded as an unplanned exit with its last words
// and replaced, the way a supervisor would in production: the table shows every one.
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))

/**
 * @typedef {{ role: 'producer' | 'consumer' | 'processor', slot: number, generation: number, name: string,
 *   child: import('node:child_process').ChildProcess, ready: boolean, exited: boolean, planned: boolean,
 *   exit: Promise<void>, fatal: string | undefined, stderr: string[], startedAt: number }} ChildHandle
 */

export class Children {
  /**
   * @param {{ onReport: (handle: ChildHandle, message: any) => void,
   *   onUnplannedExit: (handle: ChildHandle, code: number | null, signal: string | null) => void,
   *   log: (line: string) => void }} hooks
   */
  constructor(hooks) {
    this.hooks = hooks
    /** @type {Map<string, ChildHandle>} current handle per `${role}/${slot}` */
    this.current = new Map()
    /** @type {Set<ChildHandle>} */
    this.all = new Set()
    this.generations = new Map()
    /** peak RSS in bytes, per role */
    this.peakRss = { producer: 0, consumer: 0, processor: 0 }
  }

  /**
   * Starts (or replaces) the child of `role`/`slot`.
   * @param {'producer' | 'consumer' | 'processor'} role @param {number} slot @param {Record<string, unknown>} options
   * @returns {ChildHandle}
   */
  start(role, slot, options) {
    const key = `${role}/${slot}`
    const generation = (this.generations.get(key) ?? 0) + 1
    this.generations.set(key, generation)
    const name = `${role}-${slot}.${generation}`
    const child = fork(join(HERE, `child-${role}.mjs`), [JSON.stringify({ ...options, name, generation })], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    /** @type {ChildHandle} */
    const handle = {
      role,
      slot,
      generation,
      name,
      child,
      ready: false,
      exited: false,
      planned: false,
      exit: Promise.resolve(),
      fatal: undefined,
      stderr: [],
      startedAt: Date.now(),
    }
    handle.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        handle.exited = true
        if (!handle.planned) this.hooks.onUnplannedExit(handle, code, signal)
        resolve()
      }),
    )
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (/** @type {string} */ text) => {
      handle.stderr.push(text)
      if (handle.stderr.length > 40) handle.stderr.shift()
    })
    child.on('message', (/** @type {any} */ message) => {
      if (message?.type === 'ready') handle.ready = true
      if (message?.type === 'fatal') handle.fatal = message.message
      if (typeof message?.peakRss === 'number' && message.peakRss > this.peakRss[role])
        this.peakRss[role] = message.peakRss
      this.hooks.onReport(handle, message)
    })
    this.current.set(key, handle)
    this.all.add(handle)
    return handle
  }

  /** @param {'producer' | 'consumer' | 'processor'} role @param {number} slot */
  get(role, slot) {
    return this.current.get(`${role}/${slot}`)
  }

  /** @param {'producer' | 'consumer' | 'processor'} role */
  ofRole(role) {
    return [...this.current.values()].filter((h) => h.role === role)
  }

  /** SIGKILL (a crash: no stop, no leave, no last commit) and wait until it is gone. @param {ChildHandle} handle */
  async kill(handle) {
    handle.planned = true
    if (!handle.exited) handle.child.kill('SIGKILL')
    await handle.exit
  }

  /**
   * Asks the child to stop cleanly; SIGKILL after `timeoutMs`.
   * @param {ChildHandle} handle @param {number} timeoutMs @returns {Promise<boolean>} whether it stopped on its own
   */
  async stop(handle, timeoutMs) {
    handle.planned = true
    if (handle.exited) return true
    if (handle.child.connected) handle.child.send({ type: 'stop' })
    const stopped = await Promise.race([
      handle.exit.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ])
    if (!stopped) await this.kill(handle)
    return /** @type {boolean} */ (stopped)
  }

  /** Kills whatever is still running (the run's own cleanup). */
  async killAll() {
    await Promise.all([...this.all].filter((h) => !h.exited).map((h) => this.kill(h)))
  }
}
