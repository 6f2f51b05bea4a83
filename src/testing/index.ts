// kafkit/testing: helpers for testing services built on kafkit.
export { MockCluster, type MockClusterOptions } from './mock-cluster.js'
