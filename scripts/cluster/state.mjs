// A cluster's state dir and its state.json: what was started, on which ports, with which pids.
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DEFAULT_DIR } from './config.mjs'

/**
 * One Kafka node (combined broker and controller).
 * @typedef {object} NodeState
 * @property {number} id
 * @property {number | null} pid null after stopNode
 * @property {number} port
 * @property {number} controllerPort
 * @property {number | null} sslPort The SSL listener's port, when `up` was given `tls`; else null.
 * @property {string} dataDir Kafka's `log.dirs` (partition data).
 * @property {string} logDir Where the JVM's own logs go (server.log, stdout.log).
 * @property {string} logFile
 */
/**
 * The schema registry.
 * @typedef {object} RegistryState
 * @property {string} url Base URL; the Confluent-compatible API is under `/apis/ccompat/v7`.
 * @property {number} port
 * @property {number | null} pid
 * @property {string} logFile
 */
/**
 * The SSL listeners of a cluster started with `tls`, and the PEM files clients need.
 * @typedef {object} TlsState
 * @property {string} bootstrap `127.0.0.1:s1,127.0.0.1:s2,...`: every node's SSL listener.
 * @property {string} caPem The CA that signed the brokers' certificate (it names 127.0.0.1 and localhost).
 * @property {string} clientCertPem A client certificate signed by the CA, for mutual TLS (offered certificates are
 *   checked, none is required).
 * @property {string} clientKeyPem Its key, unencrypted PKCS#8.
 * @property {number} certificatesMs How long keytool took.
 */
/**
 * A running cluster, as state.json records it.
 * @typedef {object} ClusterState
 * @property {string} dir
 * @property {string} bootstrap `127.0.0.1:p1,127.0.0.1:p2,...`; '' when only a registry was started.
 * @property {string | null} clusterId
 * @property {NodeState[]} nodes
 * @property {RegistryState | null} registry
 * @property {TlsState | null} tls null unless started with `tls`.
 * @property {string} kafkaVersion
 * @property {string | null} apicurioVersion
 * @property {string} startedAt
 * @property {{ totalMs: number, kafkaMs: number | null, registryMs: number | null }} timings
 */

/**
 * The absolute state dir: `dir`, else KAFKIT_CLUSTER_DIR, else the default.
 * @param {string | undefined} dir
 * @returns {string}
 */
export function stateDir(dir) {
  return resolve(dir ?? process.env.KAFKIT_CLUSTER_DIR ?? DEFAULT_DIR)
}

/**
 * The state recorded in `dir`, or null when there is none.
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

/**
 * Records `state` in its dir (atomically: written beside, then renamed).
 * @param {ClusterState} state
 * @returns {Promise<void>}
 */
export async function writeState(state) {
  const file = join(state.dir, 'state.json')
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  await rename(`${file}.tmp`, file)
}
