// A real local Kafka cluster (KRaft, combined broker+controller nodes) plus an Apicurio schema registry, for
// integration tests and benchmarks. Jars come from Maven Central through scripts/cluster/pom.xml into .cache/
// (once); every cluster lives in its own state dir with its own loopback ports, so several can run side by side
// (parallel test runs, other workers on the same machine). Only processes recorded in a state dir are ever
// signalled, and only after checking that their command line still names that dir (pids get reused).
//
// This file is the entry the CLI (scripts/cluster.mjs), the test setup, the benchmark and the chaos runs import; the
// code lives in scripts/cluster/, one module per concern. Types: each module's .d.mts is generated from its JSDoc
// (node scripts/gen-cluster-types.mjs; a unit test fails when one is out of date).
export { APICURIO_VERSION, DEFAULT_DIR, KAFKA_VERSION, REGISTRY_JAVA, ROOT } from './cluster/config.mjs'
export { ensureApicurio, ensureKafka } from './cluster/artifacts.mjs'
export { readState } from './cluster/state.mjs'
export { isAlive, spawnJvm, stopPid } from './cluster/processes.mjs'
export { registryArgs } from './cluster/registry.mjs'
export { freePorts } from './cluster/kafka.mjs'
export { down, startNode, status, stopNode, up } from './cluster/api.mjs'

/** @typedef {import('./cluster/state.mjs').NodeState} NodeState */
/** @typedef {import('./cluster/state.mjs').RegistryState} RegistryState */
/** @typedef {import('./cluster/state.mjs').TlsState} TlsState */
/** @typedef {import('./cluster/state.mjs').ClusterState} ClusterState */
/** @typedef {import('./cluster/api.mjs').ClusterStatus} ClusterStatus */
