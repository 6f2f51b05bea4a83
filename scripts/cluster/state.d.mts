// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
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
export function stateDir(dir: string | undefined): string;
/**
 * The state recorded in `dir`, or null when there is none.
 * @param {string} [dir]
 * @returns {Promise<ClusterState | null>}
 */
export function readState(dir?: string): Promise<ClusterState | null>;
/**
 * Records `state` in its dir (atomically: written beside, then renamed).
 * @param {ClusterState} state
 * @returns {Promise<void>}
 */
export function writeState(state: ClusterState): Promise<void>;
/**
 * One Kafka node (combined broker and controller).
 */
export type NodeState = {
    id: number;
    /**
     * null after stopNode
     */
    pid: number | null;
    port: number;
    controllerPort: number;
    /**
     * The SSL listener's port, when `up` was given `tls`; else null.
     */
    sslPort: number | null;
    /**
     * Kafka's `log.dirs` (partition data).
     */
    dataDir: string;
    /**
     * Where the JVM's own logs go (server.log, stdout.log).
     */
    logDir: string;
    logFile: string;
};
/**
 * The schema registry.
 */
export type RegistryState = {
    /**
     * Base URL; the Confluent-compatible API is under `/apis/ccompat/v7`.
     */
    url: string;
    port: number;
    pid: number | null;
    logFile: string;
};
/**
 * The SSL listeners of a cluster started with `tls`, and the PEM files clients need.
 */
export type TlsState = {
    /**
     * `127.0.0.1:s1,127.0.0.1:s2,...`: every node's SSL listener.
     */
    bootstrap: string;
    /**
     * The CA that signed the brokers' certificate (it names 127.0.0.1 and localhost).
     */
    caPem: string;
    /**
     * A client certificate signed by the CA, for mutual TLS (offered certificates are
     * checked, none is required).
     */
    clientCertPem: string;
    /**
     * Its key, unencrypted PKCS#8.
     */
    clientKeyPem: string;
    /**
     * How long keytool took.
     */
    certificatesMs: number;
};
/**
 * A running cluster, as state.json records it.
 */
export type ClusterState = {
    dir: string;
    /**
     * `127.0.0.1:p1,127.0.0.1:p2,...`; '' when only a registry was started.
     */
    bootstrap: string;
    clusterId: string | null;
    nodes: NodeState[];
    registry: RegistryState | null;
    /**
     * null unless started with `tls`.
     */
    tls: TlsState | null;
    kafkaVersion: string;
    apicurioVersion: string | null;
    startedAt: string;
    timings: {
        totalMs: number;
        kafkaMs: number | null;
        registryMs: number | null;
    };
};
