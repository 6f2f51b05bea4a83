// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
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
export function up({ nodes, registry, tls, dir, timeoutMs }?: {
    nodes?: number;
    registry?: boolean;
    tls?: boolean;
    dir?: string;
    timeoutMs?: number;
}): Promise<ClusterState>;
/**
 * Stops every process recorded in the state dir (SIGTERM, SIGKILL after a deadline) and deletes the data.
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<ClusterState | null>} the state that was stopped, or null if there was none
 */
export function down({ dir }?: {
    dir?: string;
}): Promise<ClusterState | null>;
/**
 * The recorded state with whether each process is alive, or null when there is no cluster in the dir.
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<ClusterStatus | null>}
 */
export function status({ dir }?: {
    dir?: string;
}): Promise<ClusterStatus | null>;
/**
 * Stops one node, for failover tests: SIGTERM lets it hand over leadership (controlled shutdown); `kill` is a crash.
 * @param {number} id @param {{ dir?: string, kill?: boolean }} [opts]
 * @returns {Promise<ClusterState>}
 */
export function stopNode(id: number, { dir, kill }?: {
    dir?: string;
    kill?: boolean;
}): Promise<ClusterState>;
/**
 * Restarts a stopped node with its old ports and data, and waits until it is a broker in the metadata again.
 * @param {number} id @param {{ dir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<ClusterState>}
 */
export function startNode(id: number, { dir, timeoutMs }?: {
    dir?: string;
    timeoutMs?: number;
}): Promise<ClusterState>;
export type ClusterState = import("./state.mjs").ClusterState;
export type NodeState = import("./state.mjs").NodeState;
export type RegistryState = import("./state.mjs").RegistryState;
/**
 * A cluster's state with whether each process is alive.
 */
export type ClusterStatus = Omit<ClusterState, "nodes" | "registry"> & {
    nodes: Array<NodeState & {
        alive: boolean;
    }>;
    registry: (RegistryState & {
        alive: boolean;
    }) | null;
};
