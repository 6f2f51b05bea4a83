// The JVMs a cluster starts: spawning them detached, watching them during startup, and stopping only those whose
// command line still names the cluster's state dir (pids get reused).
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { POLL_MS, STOP_TIMEOUT_MS } from './config.mjs'
import { delay, logTails, waitUntil } from './util.mjs'

/**
 * Whether `pid` is a live process. A zombie still answers `kill(pid, 0)`, so look at /proc: a SIGKILLed child of a
 * live parent stays a zombie until reaped and must count as dead.
 * @param {number | null | undefined} pid
 * @returns {boolean}
 */
export function isAlive(pid) {
  if (!pid) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/**
 * Every JVM we start carries `-Dkafkit.cluster=<dir>`; a pid whose command line lacks it was reused by the system
 * for something else and must not be signalled.
 * @param {number | null | undefined} pid @param {string} dir
 * @returns {boolean}
 */
export function isOurs(pid, dir) {
  if (!isAlive(pid)) return false
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.split('\0').includes(`-Dkafkit.cluster=${dir}`)
  } catch {
    return false
  }
}

/**
 * SIGTERM (or SIGKILL), then SIGKILL if still alive after `timeoutMs`; nothing for a pid that is not ours.
 * @param {number | null | undefined} pid @param {string} dir @param {{ kill?: boolean, timeoutMs?: number }} [opts]
 * @returns {Promise<void>}
 */
export async function stopPid(pid, dir, { kill = false, timeoutMs = STOP_TIMEOUT_MS } = {}) {
  if (!pid || !isOurs(pid, dir)) return
  signal(pid, kill ? 'SIGKILL' : 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, 'SIGKILL')
      await waitUntil(() => !isAlive(pid), 10_000, `pid ${pid} to die after SIGKILL`)
      return
    }
    await delay(POLL_MS)
  }
}

/** Signals a pid that may have exited since it was checked. @param {number} pid @param {NodeJS.Signals} sig */
function signal(pid, sig) {
  try {
    process.kill(pid, sig)
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ESRCH') throw err
  }
}

/**
 * Starts a JVM detached with stdio in a file, so it outlives the CLI that started it and never writes to its console.
 * @param {string} java @param {string[]} args @param {string} outFile @param {string} cwd
 * @returns {import('node:child_process').ChildProcess}
 */
export function spawnJvm(java, args, outFile, cwd) {
  const fd = openSync(outFile, 'a')
  try {
    const child = spawn(java, args, { cwd, detached: true, stdio: ['ignore', fd, fd] })
    child.unref()
    return child
  } finally {
    closeSync(fd)
  }
}

/**
 * Rejects as soon as the process exits: a JVM that dies during startup (port taken, bad config) fails `up` at once
 * instead of after the readiness deadline. `cancel` stops watching.
 * @param {import('node:child_process').ChildProcess} child @param {string} what @param {string[]} logs
 * @returns {{ promise: Promise<never>, cancel: () => void }}
 */
export function exitWatch(child, what, logs) {
  /** @type {() => void} */
  let cancel = () => {}
  const promise = /** @type {Promise<never>} */ (
    new Promise((_, reject) => {
      const onExit = (/** @type {number | null} */ code, /** @type {string | null} */ signal) => {
        void logTails(logs).then((t) =>
          reject(new Error(`${what} exited during startup (code ${code}, signal ${signal})\n${t}`)),
        )
      }
      const onError = (/** @type {Error} */ err) => reject(new Error(`${what} could not be started: ${err.message}`))
      child.once('exit', onExit)
      child.once('error', onError)
      cancel = () => {
        child.off('exit', onExit)
        child.off('error', onError)
      }
    })
  )
  promise.catch(() => {})
  return { promise, cancel }
}
