// kafkit/testing: helpers for testing services built on kafkit.
export { MOCK_API, MockCluster, type MockApi, type MockClusterOptions } from './mock-cluster.js'
