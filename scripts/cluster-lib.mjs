// A real local Kafka cluster (KRaft, combined broker+controller nodes) plus an Apicurio schema registry, for
// integration tests and benchmarks. Jars come from Maven Central through scripts/cluster/pom.xml into .cache/
// (once); every cluster lives in its own state dir with its own loopback ports, so several can run side by side
// (parallel test runs, other workers on the same machine). Only processes recorded in a state dir are ever
// signalled, and only after checking that their command line still names that dir (pids get reused).
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { connect, createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { brokerSslProperties, makeCertificates } from './tls-lib.mjs'

const execFileAsync = promisify(execFile)
const require = createRequire(import.meta.url)

/** Repository root (this file lives in `<root>/scripts`). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const KAFKA_VERSION = process.env.KAFKIT_KAFKA_VERSION ?? '4.1.1'
// 2.6.x runs on Java 17; 3.x needs a newer JVM (set KAFKIT_REGISTRY_JAVA, e.g. the Temurin 25 JDK's bin/java).
export const APICURIO_VERSION = process.env.KAFKIT_APICURIO_VERSION ?? '2.6.13.Final'
const JAVA = process.env.KAFKIT_JAVA ?? 'java'
const REGISTRY_JAVA = process.env.KAFKIT_REGISTRY_JAVA ?? JAVA
const POM = join(ROOT, 'scripts/cluster/pom.xml')
const CACHE = join(ROOT, '.cache')
export const DEFAULT_DIR = process.env.KAFKIT_CLUSTER_DIR ?? join(ROOT, '.cluster')
const READY_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 20_000
const POLL_MS = 200

// In NodeState, `dataDir` is Kafka's `log.dirs` (the partitions); `logDir` holds the JVM's own logs (server.log,
// stdout.log). `pid` is null after stopNode; `sslPort` is null unless `up` was given `tls`. Types for TypeScript
// callers are in cluster-lib.d.mts.
/**
 * @typedef {{ id: number, pid: number | null, port: number, controllerPort: number, sslPort: number | null,
 *   dataDir: string, logDir: string, logFile: string }} NodeState
 * @typedef {{ url: string, port: number, pid: number | null, logFile: string }} RegistryState
 * @typedef {{ bootstrap: string, caPem: string, clientCertPem: string, clientKeyPem: string,
 *   certificatesMs: number }} TlsState
 * @typedef {{ dir: string, bootstrap: string, clusterId: string | null, nodes: NodeState[],
 *   registry: RegistryState | null, tls: TlsState | null, kafkaVersion: string, apicurioVersion: string | null,
 *   startedAt: string, timings: { totalMs: number, kafkaMs: number | null, registryMs: number | null } }} ClusterState
 */

// ---------------------------------------------------------------------------------------------------------------
// Artifacts

/**
 * Runs Maven once per version; later calls find the `.complete` marker. Resolution goes to a private temp dir that
 * is renamed into place, so a concurrent `up` in another process never sees a half-copied libs dir.
 * @returns {Promise<string>} the libs dir (for `-cp '<libs>/*'`)
 */
export async function ensureKafka(version = KAFKA_VERSION) {
  const home = join(CACHE, 'kafka', version)
  const libs = join(home, 'libs')
  if (existsSync(join(home, '.complete'))) return libs
  await mkdir(join(CACHE, 'kafka'), { recursive: true })
  const tmp = await mkdtemp(join(CACHE, 'kafka', `.${version}-`))
  try {
    await mvn(['dependency:copy-dependencies', '-DincludeScope=runtime', `-Dkafka.version=${version}`,
      `-DoutputDirectory=${join(tmp, 'libs')}`])
    await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`)
    await publish(tmp, home)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  return libs
}

/**
 * The Maven artifact with classifier `all` is a tar.gz of a packaged Quarkus app, run with `java -jar`: 2.x ships
 * the "legacy-jar" layout (`apicurio-registry-app-<v>-runner.jar` + `lib/`), 3.x the "fast-jar" one
 * (`quarkus-run.jar` + `lib/ app/ quarkus/`). It is unpacked once into `.cache/apicurio/<version>`.
 * @returns {Promise<string>} path of the jar to run
 */
export async function ensureApicurio(version = APICURIO_VERSION) {
  const home = join(CACHE, 'apicurio', version)
  /** @param {string} base */
  const runnerIn = (base) => [`apicurio-registry-app-${version}-runner.jar`, 'quarkus-run.jar']
    .map((name) => join(base, name)).find((file) => existsSync(file))
  if (existsSync(join(home, '.complete'))) {
    const runner = runnerIn(home)
    if (runner) return runner
  }
  await mkdir(join(CACHE, 'apicurio'), { recursive: true })
  const tmp = await mkdtemp(join(CACHE, 'apicurio', `.${version}-`))
  try {
    await mvn(['dependency:copy@apicurio', `-Dapicurio.version=${version}`, `-Dapicurio.outputDirectory=${tmp}`])
    const archive = join(tmp, `apicurio-registry-app-${version}-all.tar.gz`)
    await execFileAsync('tar', ['xzf', archive, '-C', tmp])
    await rm(archive)
    if (!runnerIn(tmp)) throw new Error(`apicurio-registry-app ${version}: no runner jar in the "all" archive`)
    await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`)
    await publish(tmp, home)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  return /** @type {string} */ (runnerIn(home))
}

/** @param {string[]} args */
async function mvn(args) {
  try {
    await execFileAsync('mvn', ['-q', '-B', '-f', POM, ...args], { maxBuffer: 64 << 20 })
  } catch (err) {
    const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (err)
    // eslint-disable-next-line preserve-caught-error -- the message carries the output's tail; as a cause, the whole captured output would be printed
    throw new Error(`mvn ${args[0]} failed: ${e.message}\n${tail(`${e.stdout ?? ''}${e.stderr ?? ''}`, 30)}`)
  }
}

/** @param {string} tmp @param {string} target */
async function publish(tmp, target) {
  try {
    await rename(tmp, target)
  } catch {
    // Another process won the race (target exists and is not empty): its copy is as good as ours.
    if (existsSync(join(target, '.complete'))) return
    // Renames are atomic, so a target without the marker is debris from something else: replace it.
    await rm(target, { recursive: true, force: true })
    await rename(tmp, target)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// State

/** @param {string | undefined} dir */
function stateDir(dir) {
  return resolve(dir ?? process.env.KAFKIT_CLUSTER_DIR ?? DEFAULT_DIR)
}

/**
 * @param {string} [dir]
 * @returns {Promise<ClusterState | null>}
 */
export async function readState(dir) {
  try {
    return JSON.parse(await readFile(join(stateDir(dir), 'state.json'), 'utf8'))
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return null
    throw err
  }
}

/** @param {ClusterState} state */
async function writeState(state) {
  const file = join(state.dir, 'state.json')
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  await rename(`${file}.tmp`, file)
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

/**
 * A zombie still answers `kill(pid, 0)`, so look at /proc: a SIGKILLed child of a live parent stays a zombie until
 * reaped and must count as dead.
 * @param {number | null | undefined} pid
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
 */
function isOurs(pid, dir) {
  if (!isAlive(pid)) return false
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.split('\0').includes(`-Dkafkit.cluster=${dir}`)
  } catch {
    return false
  }
}

/**
 * SIGTERM (or SIGKILL), then SIGKILL if still alive after `timeoutMs`.
 * @param {number | null | undefined} pid @param {string} dir @param {{ kill?: boolean, timeoutMs?: number }} [opts]
 */
async function stopPid(pid, dir, { kill = false, timeoutMs = STOP_TIMEOUT_MS } = {}) {
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
 * Detached with stdio in a file, so the JVM outlives the CLI that started it and never writes to its console.
 * @param {string} java @param {string[]} args @param {string} outFile @param {string} cwd
 */
function spawnJvm(java, args, outFile, cwd) {
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
 * instead of after the readiness deadline.
 * @param {import('node:child_process').ChildProcess} child @param {string} what @param {string[]} logs
 * @returns {{ promise: Promise<never>, cancel: () => void }}
 */
function exitWatch(child, what, logs) {
  /** @type {() => void} */
  let cancel = () => {}
  const promise = /** @type {Promise<never>} */ (new Promise((_, reject) => {
    const onExit = (/** @type {number | null} */ code, /** @type {string | null} */ signal) => {
      void logTails(logs).then((t) => reject(new Error(`${what} exited during startup (code ${code}, signal ${signal})\n${t}`)))
    }
    const onError = (/** @type {Error} */ err) => reject(new Error(`${what} could not be started: ${err.message}`))
    child.once('exit', onExit)
    child.once('error', onError)
    cancel = () => { child.off('exit', onExit); child.off('error', onError) }
  }))
  promise.catch(() => {})
  return { promise, cancel }
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka nodes

/**
 * Binds every port at once before releasing any, so the n ports are distinct. Another process could still take
 * one before the JVM binds it; the JVM then dies and `up` reports it.
 * @param {number} n
 * @returns {Promise<number[]>}
 */
export async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((res, rej) => {
    const server = createServer()
    server.once('error', rej)
    server.listen(0, '127.0.0.1', () => res(server))
  })))
  const ports = servers.map((s) => /** @type {import('node:net').AddressInfo} */ (s.address()).port)
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))))
  return ports
}

/** Kafka's Uuid string form: 16 random bytes, base64url; one with a leading '-' would read as a CLI flag. */
function clusterUuid() {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/**
 * @param {NodeState} node @param {NodeState[]} all
 * @param {import('./tls-lib.mjs').TlsFiles | null} tls certificates for an SSL listener on `node.sslPort`
 */
function serverProperties(node, all, tls) {
  const n = all.length
  const rf = Math.min(3, n)
  const minIsr = n >= 3 ? 2 : 1
  const ssl = tls && node.sslPort ? `,SSL://127.0.0.1:${node.sslPort}` : ''
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${all.map((x) => `${x.id}@127.0.0.1:${x.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port}${ssl},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}${ssl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${ssl ? ',SSL:SSL' : ''}`,
    // TLS for clients only (brokers talk plaintext among themselves). A client certificate signed by the CA is
    // checked when offered (mutual TLS) and not required; there is no authorizer, so it grants nothing more.
    ...(ssl && tls ? brokerSslProperties(tls, { clientAuth: 'requested' }) : []),
    `log.dirs=${node.dataDir}`,
    'auto.create.topics.enable=true',
    'num.partitions=1',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // Tests join groups constantly; the default 3 s wait for more members only slows every first join.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n')
}

// Kafka's own log4j2 config writes to several files under kafka.logs.dir; one file per node is enough here.
const LOG4J2 = `status = error
name = kafkit-test-cluster
appender.server.type = File
appender.server.name = server
appender.server.fileName = \${sys:kafka.logs.dir}/server.log
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = server
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
`

/** @param {string} dir @param {string} libs @param {NodeState} node */
function kafkaArgs(dir, libs, node) {
  return [
    '-Xmx1g', '-Xms256m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${node.logDir}`,
    `-Dkafkit.cluster=${dir}`,
    '-cp', `${libs}/*`,
  ]
}

/** @param {string} dir @param {string} libs @param {NodeState} node */
function startKafkaNode(dir, libs, node) {
  const args = [...kafkaArgs(dir, libs, node), 'kafka.Kafka', join(dir, `node-${node.id}`, 'server.properties')]
  return spawnJvm(JAVA, args, join(node.logDir, 'stdout.log'), join(dir, `node-${node.id}`))
}

/**
 * @param {string} dir @param {string} libs @param {NodeState} node @param {string} clusterId
 * @param {AbortSignal} signal
 */
async function formatNode(dir, libs, node, clusterId, signal) {
  const props = join(dir, `node-${node.id}`, 'server.properties')
  try {
    await execFileAsync(JAVA, [...kafkaArgs(dir, libs, node), 'kafka.tools.StorageTool', 'format',
      '-t', clusterId, '-c', props], { maxBuffer: 16 << 20, signal })
  } catch (err) {
    const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (err)
    // eslint-disable-next-line preserve-caught-error -- the message carries the output's tail; as a cause, the whole captured output would be printed
    throw new Error(`formatting node ${node.id} failed: ${e.message}\n${tail(`${e.stdout ?? ''}${e.stderr ?? ''}`, 30)}\n`
      + await logTails([node.logFile]))
  }
}

/**
 * Polls metadata through node-rdkafka until every id in `ids` is listed as a broker (KRaft lists only registered,
 * unfenced brokers, i.e. ones that can lead partitions).
 * @param {string} bootstrap @param {number[]} ids @param {number} deadline epoch ms @param {AbortSignal} signal
 */
async function waitForBrokers(bootstrap, ids, deadline, signal) {
  const { Producer } = require('node-rdkafka')
  /** @type {string} */
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    signal.throwIfAborted()
    const producer = new Producer({
      'bootstrap.servers': bootstrap,
      // Defaults back off up to 10 s between reconnects; a booting broker must be seen within a poll or two.
      'reconnect.backoff.ms': 50,
      'reconnect.backoff.max.ms': 500,
      'socket.connection.setup.timeout.ms': 2000,
      'log_level': 0,
    })
    try {
      await new Promise((res, rej) => producer.connect({ timeout: 2000 }, (err) => (err ? rej(err) : res(undefined))))
      while (Date.now() < deadline) {
        signal.throwIfAborted()
        /** @type {import('node-rdkafka').Metadata} */
        const md = await new Promise((res, rej) => producer.getMetadata({ timeout: 2000 }, (err, data) => (err ? rej(err) : res(data))))
        const listed = md.brokers.map((b) => b.id)
        if (ids.every((id) => listed.includes(id))) return
        last = `brokers listed: [${listed.join(', ')}], waiting for [${ids.join(', ')}]`
        await delay(POLL_MS)
      }
    } catch (err) {
      signal.throwIfAborted()
      last = String(/** @type {Error} */ (err).message ?? err)
      await delay(POLL_MS)
    } finally {
      // disconnect() flushes, and flush() throws on a producer whose connect failed
      if (producer.isConnected()) await new Promise((res) => producer.disconnect(() => res(undefined)))
    }
  }
  throw new Error(`Kafka at ${bootstrap} not ready in time (${last})`)
}

/**
 * A broker binds its client port only once the controller has unfenced it, so an accepted TCP connection means
 * this very process is serving. Metadata alone cannot tell: right after a SIGKILL the controller still lists the
 * dead incarnation until its session times out.
 * @param {number} port @param {number} deadline epoch ms @param {AbortSignal} signal
 */
async function waitForPort(port, deadline, signal) {
  while (Date.now() < deadline) {
    signal.throwIfAborted()
    const open = await new Promise((res) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.setTimeout(1000)
      socket.once('connect', () => { socket.destroy(); res(true) })
      socket.once('error', () => res(false))
      socket.once('timeout', () => { socket.destroy(); res(false) })
    })
    if (open) return
    await delay(POLL_MS)
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} in time`)
}

// ---------------------------------------------------------------------------------------------------------------
// Registry

/** @param {string} url @param {number} deadline @param {AbortSignal} signal */
async function waitForRegistry(url, deadline, signal) {
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

// ---------------------------------------------------------------------------------------------------------------
// API

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

  const [libs, runner] = await Promise.all([
    nodes > 0 ? ensureKafka() : null,
    registry ? ensureApicurio() : null,
  ])
  const withTls = tls && nodes > 0
  const ports = await freePorts(nodes * (withTls ? 3 : 2) + (registry ? 1 : 0))
  /** @type {NodeState[]} */
  const nodeStates = Array.from({ length: nodes }, (_, i) => {
    const home = join(dir, `node-${i + 1}`)
    return {
      id: i + 1, pid: null, port: ports[2 * i] ?? 0, controllerPort: ports[2 * i + 1] ?? 0,
      sslPort: withTls ? ports[2 * nodes + i] ?? 0 : null,
      dataDir: join(home, 'data'), logDir: join(home, 'logs'), logFile: join(home, 'logs', 'server.log'),
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
  const failFast = (fn) => fn().catch((err) => {
    if (abort.signal.aborted) throw abort.signal.reason // a consequence of the first failure, not news
    abort.abort(err)
    throw err
  })

  const startKafka = async () => {
    if (!libs || !state.clusterId) return
    const t = Date.now()
    const files = withTls ? await makeCertificates(join(dir, 'tls')) : null
    if (files) {
      state.tls = {
        bootstrap: nodeStates.map((n) => `127.0.0.1:${n.sslPort}`).join(','),
        caPem: files.caPem, clientCertPem: files.clientCertPem, clientKeyPem: files.clientKeyPem, certificatesMs: files.ms,
      }
    }
    await writeFile(join(dir, 'log4j2.properties'), LOG4J2)
    await Promise.all(nodeStates.map(async (node) => {
      await mkdir(node.dataDir, { recursive: true })
      await mkdir(node.logDir, { recursive: true })
      await writeFile(join(dir, `node-${node.id}`, 'server.properties'), serverProperties(node, nodeStates, files))
      await formatNode(dir, libs, node, /** @type {string} */ (state.clusterId), abort.signal)
    }))
    const exits = nodeStates.map((node) => {
      const child = startKafkaNode(dir, libs, node)
      node.pid = child.pid ?? null
      const watch = exitWatch(child, `Kafka node ${node.id}`, [node.logFile, join(node.logDir, 'stdout.log')])
      watches.push(watch)
      return watch.promise
    })
    await writeState(state) // as soon as pids exist, so `down` can clean up after an interrupted `up`
    await Promise.race([waitForBrokers(state.bootstrap, nodeStates.map((n) => n.id), deadline, abort.signal), ...exits])
      .catch(async (err) => {
        throw new Error(`${err.message}${err.message.includes('\n') ? '' : `\n${await logTails(nodeStates.map((n) => n.logFile))}`}`)
      })
    state.timings.kafkaMs = Date.now() - t
  }

  const startRegistry = async () => {
    if (!runner) return
    const t = Date.now()
    const port = /** @type {number} */ (ports[ports.length - 1])
    const home = join(dir, 'registry')
    await mkdir(home, { recursive: true })
    const logFile = join(home, 'registry.log')
    const child = spawnJvm(REGISTRY_JAVA, [
      // C1 only and the serial GC: the registry serves a few requests per test, so startup and leaving the
      // 2 cores to the brokers matter more than peak throughput.
      '-Xmx512m', '-Xms64m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true',
      `-Dkafkit.cluster=${dir}`,
      '-Dquarkus.http.host=127.0.0.1', `-Dquarkus.http.port=${port}`,
      '-jar', runner,
    ], logFile, home)
    // The app's default storage is in-memory H2: a fresh, empty registry per cluster.
    const url = `http://127.0.0.1:${port}`
    state.registry = { url, port, pid: child.pid ?? null, logFile }
    const watch = exitWatch(child, 'schema registry', [logFile])
    watches.push(watch)
    await writeState(state)
    await Promise.race([waitForRegistry(url, deadline, abort.signal), watch.promise]).catch(async (err) => {
      throw new Error(`${err.message}${err.message.includes('\n') ? '' : `\n${await logTails([logFile])}`}`)
    })
    state.timings.registryMs = Date.now() - t
  }

  try {
    // Started side by side: the two JVMs boot in about the time of the slower one.
    await Promise.allSettled([failFast(startKafka), failFast(startRegistry)])
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

/** @param {ClusterState} state */
async function stopAll(state) {
  await Promise.all([
    ...state.nodes.map((n) => stopPid(n.pid, state.dir)),
    stopPid(state.registry?.pid, state.dir),
  ])
}

/** Removes only what `up` creates, so a mistaken `--dir` cannot delete anything else. @param {string} dir */
async function wipe(dir) {
  let entries
  try {
    entries = await readdir(dir)
  } catch {
    return
  }
  await Promise.all(entries
    .filter((e) => /^node-\d+$/.test(e) || ['registry', 'tls', 'state.json', 'state.json.tmp', 'log4j2.properties'].includes(e))
    .map((e) => rm(join(dir, e), { recursive: true, force: true })))
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
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<(ClusterState & { nodes: Array<NodeState & { alive: boolean }>,
 *   registry: (RegistryState & { alive: boolean }) | null }) | null>}
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
 */
export async function startNode(id, { dir, timeoutMs = READY_TIMEOUT_MS } = {}) {
  dir = stateDir(dir)
  const state = await readState(dir)
  if (!state) throw new Error(`no cluster in ${dir}`)
  const node = findNode(state, id)
  if (isOurs(node.pid, dir)) throw new Error(`node ${id} is already running (pid ${node.pid})`)
  const libs = await ensureKafka(state.kafkaVersion)
  const child = startKafkaNode(dir, libs, node)
  node.pid = child.pid ?? null
  await writeState(state)
  const watch = exitWatch(child, `Kafka node ${id}`, [node.logFile, join(node.logDir, 'stdout.log')])
  const abort = new AbortController()
  try {
    const deadline = Date.now() + timeoutMs
    const ready = waitForPort(node.port, deadline, abort.signal)
      .then(() => waitForBrokers(state.bootstrap, [id], deadline, abort.signal))
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

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** @param {number} ms */
function delay(ms) {
  return new Promise((res) => setTimeout(res, ms))
}

/** @param {() => boolean} cond @param {number} timeoutMs @param {string} what */
async function waitUntil(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(POLL_MS)
  }
}

/** @param {string} text @param {number} lines */
function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** The last lines of each existing file, labelled, for error messages. @param {string[]} files */
async function logTails(files, lines = 40) {
  const parts = []
  for (const file of files) {
    try {
      const fh = await open(file, 'r')
      try {
        const { size } = await fh.stat()
        const length = Math.min(size, 16 * 1024)
        const buf = Buffer.alloc(length)
        await fh.read(buf, 0, length, size - length)
        const text = tail(buf.toString('utf8'), lines)
        if (text) parts.push(`--- tail of ${file} ---\n${text}`)
      } finally {
        await fh.close()
      }
    } catch {
      // not written yet
    }
  }
  return parts.join('\n') || '(no log output)'
}
