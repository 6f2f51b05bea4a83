// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
export { readState } from "./cluster/state.mjs";
export { registryArgs } from "./cluster/registry.mjs";
export { freePorts } from "./cluster/kafka.mjs";
export type NodeState = import("./cluster/state.mjs").NodeState;
export type RegistryState = import("./cluster/state.mjs").RegistryState;
export type TlsState = import("./cluster/state.mjs").TlsState;
export type ClusterState = import("./cluster/state.mjs").ClusterState;
export type ClusterStatus = import("./cluster/api.mjs").ClusterStatus;
export { APICURIO_VERSION, DEFAULT_DIR, KAFKA_VERSION, REGISTRY_JAVA, ROOT } from "./cluster/config.mjs";
export { ensureApicurio, ensureKafka } from "./cluster/artifacts.mjs";
export { isAlive, spawnJvm, stopPid } from "./cluster/processes.mjs";
export { down, startNode, status, stopNode, up } from "./cluster/api.mjs";
