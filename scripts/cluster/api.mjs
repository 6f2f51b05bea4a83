// Starting and stopping whole clusters and single nodes: the functions scripts/cluster.mjs, the test setup, the
// benchmark and the chaos runs call (through scripts/cluster-lib.mjs).
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makeCertificates } from '../tls-lib.mjs'
import { APICURIO_VERSION, KAFKA_VERSION, READY_TIMEOUT_MS } from './config.mjs'
import { ensureApicurio, ensureKafka } from './artifacts.mjs'
import {
  clusterUuid,
  formatStorage,
  freePorts,
  nodeFiles,
  nodeProperties,
  startKafka,
  waitForBrokers,
  waitForPort,
  writeLog4j,
} from './kafka.mjs'
import { exitWatch, isOurs, stopPid } from './processes.mjs'
import { startRegistry, waitForRegistry } from './registry.mjs'
import { readState, stateDir, writeState } from './state.mjs'
import { logTails } from './util.mjs'

/** @typedef {import('./state.mjs').ClusterState} ClusterState */
/** @typedef {import('./state.mjs').NodeState} NodeState */
/** @typedef {import('./state.mjs').RegistryState} RegistryState */
/**
 * A cluster's state with whether each process is alive.
 * @typedef {Omit<ClusterState, 'nodes' | 'registry'> & { nodes: Array<NodeState & { alive: boolean }>,
 *   registry: (RegistryState & { alive: boolean }) | null }} ClusterStatus
 */

/**
 * Starts a cluster in `dir` and waits until it serves. `nodes: 0` starts only the registry (for an external Kafka).
 * `tls` adds an SSL listener to every node, with certificates made by keytool in `<dir>/tls` (a few seconds more):
 * `state.tls` has its bootstrap and the PEM files for clients.
 * On failure everything started is stopped again, logs stay in `dir`, and the error carries their tails.
 * @param {{ nodes?: number, registry?: boolean, tls?: boolean, dir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<ClusterState>}
 */
export async function up({ nodes = 1, registry = true, tls = false, dir, timeoutMs = READY_TIMEOUT_MS } = {}) {
  const t0 = Date.now()
  dir = stateDir(dir)
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`nodes must be an integer >= 0, got ${nodes}`)
  if (nodes === 0 && !registry) throw new Error('nothing to start: nodes=0 and no registry')
  const previous = await readState(dir)
  if (previous && [...previous.nodes.map((n) => n.pid), previous.registry?.pid].some((pid) => isOurs(pid, dir))) {
    throw new Error(`a cluster is already running in ${dir} (${previous.bootstrap}); run "down" first`)
  }
  await wipe(dir)
  await mkdir(dir, { recursive: true })

  const [libs, runner] = await Promise.all([nodes > 0 ? ensureKafka() : null, registry ? ensureApicurio() : null])
  const withTls = tls && nodes > 0
  const ports = await freePorts(nodes * (withTls ? 3 : 2) + (registry ? 1 : 0))
  /** @type {NodeState[]} */
  const nodeStates = Array.from({ length: nodes }, (_, i) => {
    const home = join(dir, `node-${i + 1}`)
    return {
      id: i + 1,
      pid: null,
      port: ports[2 * i] ?? 0,
      controllerPort: ports[2 * i + 1] ?? 0,
      sslPort: withTls ? (ports[2 * nodes + i] ?? 0) : null,
      dataDir: join(home, 'data'),
      logDir: join(home, 'logs'),
      logFile: join(home, 'logs', 'server.log'),
    }
  })
  /** @type {ClusterState} */
  const state = {
    dir,
    bootstrap: nodeStates.map((n) => `127.0.0.1:${n.port}`).join(','),
    clusterId: nodes > 0 ? clusterUuid() : null,
    nodes: nodeStates,
    registry: null,
    tls: null,
    kafkaVersion: KAFKA_VERSION,
    apicurioVersion: registry ? APICURIO_VERSION : null,
    startedAt: new Date().toISOString(),
    timings: { totalMs: 0, kafkaMs: null, registryMs: null },
  }
  /** @type {Array<{ cancel: () => void }>} */
  const watches = []
  const deadline = Date.now() + timeoutMs
  // The first failure (a JVM died, a deadline passed) stops every other wait at once, so `up` fails fast and
  // leaves no probe polling in the background.
  const abort = new AbortController()
  /** @param {() => Promise<void>} fn */
  const failFast = (fn) =>
    fn().catch((err) => {
      if (abort.signal.aborted) throw abort.signal.reason // a consequence of the first failure, not news
      abort.abort(err)
      throw err
    })

  const startKafkaNodes = async () => {
    if (!libs || !state.clusterId) return
    const t = Date.now()
    const files = withTls ? await makeCertificates(join(dir, 'tls')) : null
    if (files) {
      state.tls = {
        bootstrap: nodeStates.map((n) => `127.0.0.1:${n.sslPort}`).join(','),
        caPem: files.caPem,
        clientCertPem: files.clientCertPem,
        clientKeyPem: files.clientKeyPem,
        certificatesMs: files.ms,
      }
    }
    await writeLog4j(dir)
    await Promise.all(
      nodeStates.map(async (node) => {
        await mkdir(node.dataDir, { recursive: true })
        await mkdir(node.logDir, { recursive: true })
        await writeFile(nodeFiles(dir, node).properties, nodeProperties(node, nodeStates, files))
        await formatStorage(dir, libs, nodeFiles(dir, node), /** @type {string} */ (state.clusterId), {
          signal: abort.signal,
          what: `node ${node.id}`,
        })
      }),
    )
    const exits = nodeStates.map((node) => {
      const child = startKafka(dir, libs, nodeFiles(dir, node))
      node.pid = child.pid ?? null
      const watch = exitWatch(child, `Kafka node ${node.id}`, [node.logFile, join(node.logDir, 'stdout.log')])
      watches.push(watch)
      return watch.promise
    })
    await writeState(state) // as soon as pids exist, so `down` can clean up after an interrupted `up`
    await Promise.race([
      waitForBrokers(
        state.bootstrap,
        nodeStates.map((n) => n.id),
        deadline,
        abort.signal,
      ),
      ...exits,
    ]).catch(async (err) => {
      throw new Error(
        `${err.message}${err.message.includes('\n') ? '' : `\n${await logTails(nodeStates.map((n) => n.logFile))}`}`,
      )
    })
    state.timings.kafkaMs = Date.now() - t
  }

  const startRegistryNode = async () => {
    if (!runner) return
    const t = Date.now()
    const started = await startRegistry(dir, runner, /** @type {number} */ (ports[ports.length - 1]))
    state.registry = started.state
    watches.push(started.watch)
    await writeState(state)
    const { url, logFile } = started.state
    await Promise.race([waitForRegistry(url, deadline, abort.signal), started.watch.promise]).catch(async (err) => {
      throw new Error(`${err.message}${err.message.includes('\n') ? '' : `\n${await logTails([logFile])}`}`)
    })
    state.timings.registryMs = Date.now() - t
  }

  try {
    // Started side by side: the two JVMs boot in about the time of the slower one.
    await Promise.allSettled([failFast(startKafkaNodes), failFast(startRegistryNode)])
    if (abort.signal.aborted) throw abort.signal.reason
  } catch (err) {
    watches.forEach((w) => w.cancel())
    await stopAll(state)
    await rm(join(dir, 'state.json'), { force: true })
    throw new Error(`cluster in ${dir} failed to start: ${/** @type {Error} */ (err).message}`, { cause: err })
  }
  watches.forEach((w) => w.cancel())
  state.timings.totalMs = Date.now() - t0
  await writeState(state)
  return state
}

/** @param {ClusterState} state @returns {Promise<void>} */
async function stopAll(state) {
  await Promise.all([...state.nodes.map((n) => stopPid(n.pid, state.dir)), stopPid(state.registry?.pid, state.dir)])
}

/** Removes only what `up` creates, so a mistaken `--dir` cannot delete anything else. @param {string} dir */
async function wipe(dir) {
  let entries
  try {
    entries = await readdir(dir)
  } catch {
    return
  }
  await Promise.all(
    entries
      .filter(
        (e) =>
          /^node-\d+$/.test(e) || ['registry', 'tls', 'state.json', 'state.json.tmp', 'log4j2.properties'].includes(e),
      )
      .map((e) => rm(join(dir, e), { recursive: true, force: true })),
  )
}

/**
 * Stops every process recorded in the state dir (SIGTERM, SIGKILL after a deadline) and deletes the data.
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<ClusterState | null>} the state that was stopped, or null if there was none
 */
export async function down({ dir } = {}) {
  dir = stateDir(dir)
  const state = await readState(dir)
  if (state) await stopAll(state)
  await wipe(dir)
  await rmdir(dir).catch(() => {}) // only if now empty
  return state
}

/**
 * The recorded state with whether each process is alive, or null when there is no cluster in the dir.
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<ClusterStatus | null>}
 */
export async function status({ dir } = {}) {
  dir = stateDir(dir)
  const state = await readState(dir)
  if (!state) return null
  return {
    ...state,
    nodes: state.nodes.map((n) => ({ ...n, alive: isOurs(n.pid, dir) })),
    registry: state.registry ? { ...state.registry, alive: isOurs(state.registry.pid, dir) } : null,
  }
}

/** @param {ClusterState} state @param {number} id */
function findNode(state, id) {
  const node = state.nodes.find((n) => n.id === id)
  if (!node) throw new Error(`no node ${id} in ${state.dir} (nodes: ${state.nodes.map((n) => n.id).join(', ')})`)
  return node
}

/**
 * Stops one node, for failover tests: SIGTERM lets it hand over leadership (controlled shutdown); `kill` is a crash.
 * @param {number} id @param {{ dir?: string, kill?: boolean }} [opts]
 * @returns {Promise<ClusterState>}
 */
export async function stopNode(id, { dir, kill = false } = {}) {
  dir = stateDir(dir)
  const state = await readState(dir)
  if (!state) throw new Error(`no cluster in ${dir}`)
  const node = findNode(state, id)
  await stopPid(node.pid, dir, { kill })
  node.pid = null
  await writeState(state)
  return state
}

/**
 * Restarts a stopped node with its old ports and data, and waits until it is a broker in the metadata again.
 * @param {number} id @param {{ dir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<ClusterState>}
 */
export async function startNode(id, { dir, timeoutMs = READY_TIMEOUT_MS } = {}) {
  dir = stateDir(dir)
  const state = await readState(dir)
  if (!state) throw new Error(`no cluster in ${dir}`)
  const node = findNode(state, id)
  if (isOurs(node.pid, dir)) throw new Error(`node ${id} is already running (pid ${node.pid})`)
  const libs = await ensureKafka(state.kafkaVersion)
  const child = startKafka(dir, libs, nodeFiles(dir, node))
  node.pid = child.pid ?? null
  await writeState(state)
  const watch = exitWatch(child, `Kafka node ${id}`, [node.logFile, join(node.logDir, 'stdout.log')])
  const abort = new AbortController()
  try {
    const deadline = Date.now() + timeoutMs
    const ready = waitForPort(node.port, deadline, abort.signal).then(() =>
      waitForBrokers(state.bootstrap, [id], deadline, abort.signal),
    )
    ready.catch(() => {})
    await Promise.race([ready, watch.promise])
  } catch (err) {
    abort.abort(err)
    const msg = /** @type {Error} */ (err).message
    throw new Error(msg.includes('\n') ? msg : `${msg}\n${await logTails([node.logFile])}`, { cause: err })
  } finally {
    watch.cancel()
  }
  return state
}
