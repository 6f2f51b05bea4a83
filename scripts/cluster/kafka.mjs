// Kafka nodes (KRaft, combined broker and controller): their ports, server.properties, JVM, storage format, and
// readiness. The building blocks serve the test cluster and any differently configured node (the secure cluster of
// the security tests).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { brokerSslProperties } from '../tls-lib.mjs'
import { JAVA, POLL_MS } from './config.mjs'
import { spawnJvm } from './processes.mjs'
import { delay, logTails, tail } from './util.mjs'

const execFileAsync = promisify(execFile)
const require = createRequire(import.meta.url)

/**
 * Binds every port at once before releasing any, so the n ports are distinct. Another process could still take
 * one before the JVM binds it; the JVM then dies and `up` reports it.
 * @param {number} n
 * @returns {Promise<number[]>}
 */
export async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((res, rej) => {
          const server = createServer()
          server.once('error', rej)
          server.listen(0, '127.0.0.1', () => res(server))
        }),
    ),
  )
  const ports = servers.map((s) => /** @type {import('node:net').AddressInfo} */ (s.address()).port)
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))))
  return ports
}

/**
 * Kafka's Uuid string form: 16 random bytes, base64url; one with a leading '-' would read as a CLI flag.
 * @returns {string}
 */
export function clusterUuid() {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/**
 * A client listener of a node: its name, port and security protocol.
 * @typedef {{ name: string, port: number, protocol: string }} Listener
 */

/**
 * server.properties of a combined broker+controller node. Internal topics are replicated min(3, `nodes`) times and
 * need 2 in-sync replicas from 3 nodes; `extra` lines (security, TLS, authorizer) are appended.
 * @param {{ nodeId: number, voters: string, controllerPort: number, listeners: Listener[],
 *   interBrokerListener: string, dataDir: string, nodes: number, extra?: string[] }} spec
 * @returns {string}
 */
export function brokerProperties(spec) {
  const { nodeId, voters, controllerPort, listeners, interBrokerListener, dataDir, nodes, extra = [] } = spec
  const rf = Math.min(3, nodes)
  const minIsr = nodes >= 3 ? 2 : 1
  const addresses = listeners.map((l) => `${l.name}://127.0.0.1:${l.port}`).join(',')
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${addresses},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=${addresses}`,
    'controller.listener.names=CONTROLLER',
    `inter.broker.listener.name=${interBrokerListener}`,
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${listeners.map((l) => `${l.name}:${l.protocol}`).join(',')}`,
    ...extra,
    `log.dirs=${dataDir}`,
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

/**
 * server.properties of node `node` of the test cluster `all`: PLAINTEXT between everyone, plus an SSL listener for
 * clients on `node.sslPort` when `tls` has certificates.
 * @param {import('./state.mjs').NodeState} node @param {import('./state.mjs').NodeState[]} all
 * @param {import('../tls-lib.mjs').TlsFiles | null} tls
 * @returns {string}
 */
export function nodeProperties(node, all, tls) {
  const ssl = tls && node.sslPort ? [{ name: 'SSL', port: node.sslPort, protocol: 'SSL' }] : []
  return brokerProperties({
    nodeId: node.id,
    voters: all.map((x) => `${x.id}@127.0.0.1:${x.controllerPort}`).join(','),
    controllerPort: node.controllerPort,
    listeners: [{ name: 'PLAINTEXT', port: node.port, protocol: 'PLAINTEXT' }, ...ssl],
    interBrokerListener: 'PLAINTEXT',
    dataDir: node.dataDir,
    nodes: all.length,
    // TLS for clients only (brokers talk plaintext among themselves). A client certificate signed by the CA is
    // checked when offered (mutual TLS) and not required; there is no authorizer, so it grants nothing more.
    extra: ssl.length && tls ? brokerSslProperties(tls, { clientAuth: 'requested' }) : [],
  })
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

/**
 * Writes `<dir>/log4j2.properties`, which every node of the cluster in `dir` logs with (to its own server.log).
 * @param {string} dir
 * @returns {Promise<void>}
 */
export async function writeLog4j(dir) {
  await writeFile(join(dir, 'log4j2.properties'), LOG4J2)
}

/**
 * The JVM arguments of a Kafka node of the cluster in `dir`, logging into `logDir`; the class and its arguments
 * follow.
 * @param {string} dir @param {string} libs @param {string} logDir
 * @returns {string[]}
 */
export function kafkaJvmArgs(dir, libs, logDir) {
  return [
    '-Xmx1g',
    '-Xms1g',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    // Every pause with its wall-clock time, so that a benchmark's latency tail can be matched to the broker's GC.
    `-Xlog:gc:file=${join(logDir, 'gc.log')}:time,uptime:filecount=2,filesize=20m`,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${logDir}`,
    `-Dkafkit.cluster=${dir}`,
    '-cp',
    `${libs}/*`,
  ]
}

/**
 * A node's files: its server.properties, the dir its JVM logs into and the one it runs in.
 * @typedef {{ properties: string, logDir: string, cwd: string }} NodeFiles
 */

/**
 * The files of node `node` of the test cluster in `dir`.
 * @param {string} dir @param {import('./state.mjs').NodeState} node
 * @returns {NodeFiles}
 */
export function nodeFiles(dir, node) {
  const home = join(dir, `node-${node.id}`)
  return { properties: join(home, 'server.properties'), logDir: node.logDir, cwd: home }
}

/**
 * Starts a Kafka node of the cluster in `dir` (stdout into `<logDir>/stdout.log`).
 * @param {string} dir @param {string} libs @param {NodeFiles} files
 * @returns {import('node:child_process').ChildProcess}
 */
export function startKafka(dir, libs, files) {
  const args = [...kafkaJvmArgs(dir, libs, files.logDir), 'kafka.Kafka', files.properties]
  return spawnJvm(JAVA, args, join(files.logDir, 'stdout.log'), files.cwd)
}

/**
 * Formats a node's storage with `clusterId`; `extraArgs` go to Kafka's StorageTool (e.g. `--add-scram`).
 * @param {string} dir @param {string} libs @param {NodeFiles} files @param {string} clusterId
 * @param {{ extraArgs?: string[], signal?: AbortSignal, what?: string }} [opts]
 * @returns {Promise<void>}
 */
export async function formatStorage(dir, libs, files, clusterId, { extraArgs = [], signal, what = 'a node' } = {}) {
  try {
    await execFileAsync(
      JAVA,
      [
        ...kafkaJvmArgs(dir, libs, files.logDir),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        files.properties,
        ...extraArgs,
      ],
      { maxBuffer: 16 << 20, ...(signal ? { signal } : {}) },
    )
  } catch (err) {
    const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (err)
    // eslint-disable-next-line preserve-caught-error -- the message carries the output's tail; as a cause, the whole captured output would be printed
    throw new Error(
      `formatting ${what} failed: ${e.message}\n${tail(`${e.stdout ?? ''}${e.stderr ?? ''}`, 30)}\n` +
        (await logTails([join(files.logDir, 'server.log')])),
    )
  }
}

/**
 * Polls metadata through node-rdkafka until every id in `ids` is listed as a broker (KRaft lists only registered,
 * unfenced brokers, i.e. ones that can lead partitions).
 * @param {string} bootstrap @param {number[]} ids @param {number} deadline epoch ms @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export async function waitForBrokers(bootstrap, ids, deadline, signal) {
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
      log_level: 0,
    })
    try {
      await new Promise((res, rej) => producer.connect({ timeout: 2000 }, (err) => (err ? rej(err) : res(undefined))))
      while (Date.now() < deadline) {
        signal.throwIfAborted()
        /** @type {import('node-rdkafka').Metadata} */
        const md = await new Promise((res, rej) =>
          producer.getMetadata({ timeout: 2000 }, (err, data) => (err ? rej(err) : res(data))),
        )
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
 * @returns {Promise<void>}
 */
export async function waitForPort(port, deadline, signal) {
  while (Date.now() < deadline) {
    signal.throwIfAborted()
    const open = await new Promise((res) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.setTimeout(1000)
      socket.once('connect', () => {
        socket.destroy()
        res(true)
      })
      socket.once('error', () => res(false))
      socket.once('timeout', () => {
        socket.destroy()
        res(false)
      })
    })
    if (open) return
    await delay(POLL_MS)
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} in time`)
}
