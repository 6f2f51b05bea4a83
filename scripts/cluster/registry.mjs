// The Apicurio schema registry of a cluster: started from the unpacked app, ready once its Confluent-compatible API
// answers.
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { POLL_MS, REGISTRY_JAVA } from './config.mjs'
import { exitWatch, spawnJvm } from './processes.mjs'
import { delay } from './util.mjs'

/**
 * The JVM arguments of a registry whose files live in `dir`: C1 only and the serial GC (the registry serves a few
 * requests per test, so startup and leaving the 2 cores to the brokers matter more than peak throughput), loopback
 * only, the `dir` marker that lets only this cluster's tools signal it, then `listener` (the HTTP or HTTPS port
 * settings) and the app's jar.
 * @param {string} dir @param {string} runner @param {string[]} listener
 * @returns {string[]}
 */
export function registryArgs(dir, runner, listener) {
  return [
    '-Xmx512m',
    '-Xms64m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dkafkit.cluster=${dir}`,
    '-Dquarkus.http.host=127.0.0.1',
    ...listener,
    '-jar',
    runner,
  ]
}

/**
 * Starts the registry of the cluster in `dir` on `port` (`runner` is the app's jar) and returns its state and exit
 * watch. The app's default storage is in-memory H2: a fresh, empty registry per cluster.
 * @param {string} dir @param {string} runner @param {number} port
 * @returns {Promise<{ state: import('./state.mjs').RegistryState, watch: { promise: Promise<never>, cancel: () => void } }>}
 */
export async function startRegistry(dir, runner, port) {
  const home = join(dir, 'registry')
  await mkdir(home, { recursive: true })
  const logFile = join(home, 'registry.log')
  const child = spawnJvm(REGISTRY_JAVA, registryArgs(dir, runner, [`-Dquarkus.http.port=${port}`]), logFile, home)
  const state = { url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? null, logFile }
  return { state, watch: exitWatch(child, 'schema registry', [logFile]) }
}

/**
 * Polls the registry's subjects until it answers 200; throws after `deadline` or when `signal` aborts.
 * @param {string} url @param {number} deadline @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export async function waitForRegistry(url, deadline, signal) {
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    signal.throwIfAborted()
    try {
      const res = await fetch(`${url}/apis/ccompat/v7/subjects`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
      last = `HTTP ${res.status}`
    } catch (err) {
      last = String(/** @type {Error} */ (err).message ?? err)
    }
    await delay(POLL_MS)
  }
  throw new Error(`schema registry at ${url} not ready in time (${last})`)
}
