// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/**
 * Binds every port at once before releasing any, so the n ports are distinct. Another process could still take
 * one before the JVM binds it; the JVM then dies and `up` reports it.
 * @param {number} n
 * @returns {Promise<number[]>}
 */
export function freePorts(n: number): Promise<number[]>;
/**
 * Kafka's Uuid string form: 16 random bytes, base64url; one with a leading '-' would read as a CLI flag.
 * @returns {string}
 */
export function clusterUuid(): string;
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
export function brokerProperties({ nodeId, voters, controllerPort, listeners, interBrokerListener, dataDir, nodes, extra }: {
    nodeId: number;
    voters: string;
    controllerPort: number;
    listeners: Listener[];
    interBrokerListener: string;
    dataDir: string;
    nodes: number;
    extra?: string[];
}): string;
/**
 * server.properties of node `node` of the test cluster `all`: PLAINTEXT between everyone, plus an SSL listener for
 * clients on `node.sslPort` when `tls` has certificates.
 * @param {import('./state.mjs').NodeState} node @param {import('./state.mjs').NodeState[]} all
 * @param {import('../tls-lib.mjs').TlsFiles | null} tls
 * @returns {string}
 */
export function nodeProperties(node: import("./state.mjs").NodeState, all: import("./state.mjs").NodeState[], tls: import("../tls-lib.mjs").TlsFiles | null): string;
/**
 * Writes `<dir>/log4j2.properties`, which every node of the cluster in `dir` logs with (to its own server.log).
 * @param {string} dir
 * @returns {Promise<void>}
 */
export function writeLog4j(dir: string): Promise<void>;
/**
 * The JVM arguments of a Kafka node of the cluster in `dir`, logging into `logDir`; the class and its arguments
 * follow.
 * @param {string} dir @param {string} libs @param {string} logDir
 * @returns {string[]}
 */
export function kafkaJvmArgs(dir: string, libs: string, logDir: string): string[];
/**
 * A node's files: its server.properties, the dir its JVM logs into and the one it runs in.
 * @typedef {{ properties: string, logDir: string, cwd: string }} NodeFiles
 */
/**
 * The files of node `node` of the test cluster in `dir`.
 * @param {string} dir @param {import('./state.mjs').NodeState} node
 * @returns {NodeFiles}
 */
export function nodeFiles(dir: string, node: import("./state.mjs").NodeState): NodeFiles;
/**
 * Starts a Kafka node of the cluster in `dir` (stdout into `<logDir>/stdout.log`).
 * @param {string} dir @param {string} libs @param {NodeFiles} files
 * @returns {import('node:child_process').ChildProcess}
 */
export function startKafka(dir: string, libs: string, files: NodeFiles): import("node:child_process").ChildProcess;
/**
 * Formats a node's storage with `clusterId`; `extraArgs` go to Kafka's StorageTool (e.g. `--add-scram`).
 * @param {string} dir @param {string} libs @param {NodeFiles} files @param {string} clusterId
 * @param {{ extraArgs?: string[], signal?: AbortSignal, what?: string }} [opts]
 * @returns {Promise<void>}
 */
export function formatStorage(dir: string, libs: string, files: NodeFiles, clusterId: string, { extraArgs, signal, what }?: {
    extraArgs?: string[];
    signal?: AbortSignal;
    what?: string;
}): Promise<void>;
/**
 * Polls metadata through node-rdkafka until every id in `ids` is listed as a broker (KRaft lists only registered,
 * unfenced brokers, i.e. ones that can lead partitions).
 * @param {string} bootstrap @param {number[]} ids @param {number} deadline epoch ms @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export function waitForBrokers(bootstrap: string, ids: number[], deadline: number, signal: AbortSignal): Promise<void>;
/**
 * A broker binds its client port only once the controller has unfenced it, so an accepted TCP connection means
 * this very process is serving. Metadata alone cannot tell: right after a SIGKILL the controller still lists the
 * dead incarnation until its session times out.
 * @param {number} port @param {number} deadline epoch ms @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export function waitForPort(port: number, deadline: number, signal: AbortSignal): Promise<void>;
/**
 * A client listener of a node: its name, port and security protocol.
 */
export type Listener = {
    name: string;
    port: number;
    protocol: string;
};
/**
 * A node's files: its server.properties, the dir its JVM logs into and the one it runs in.
 */
export type NodeFiles = {
    properties: string;
    logDir: string;
    cwd: string;
};
