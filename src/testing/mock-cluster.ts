import { StateError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { startNativeMockCluster, type NativeMockCluster } from '../native/mock-cluster.js'

/** Options of {@link MockCluster.start}. */
export interface MockClusterOptions {
  /** How many mock brokers to start. @default 1 */
  brokers?: number
}

/**
 * An in-process Kafka cluster for unit-testing services that use kafkit, with no JVM and no network beyond
 * loopback: librdkafka's built-in mock cluster (`test.mock.num.brokers`).
 *
 * Any kafkit client in the same process can use it through `bootstrapServers`. Topics are auto-created on first
 * use (with several partitions, librdkafka's mock default). Limits: it is librdkafka's test double, not Kafka — consumer fetch is slow (a few
 * thousand messages per second), there is no authentication, ACLs or admin beyond topic creation, transactions and
 * consumer groups are simplified, and it only lives as long as this process. Use a real broker for
 * performance and failure tests.
 *
 * @example
 * ```ts
 * import { MockCluster } from 'kafkit/testing'
 * const cluster = await MockCluster.start()
 * const producer = new Producer({ brokers: cluster.bootstrapServers })
 * // ... test your service ...
 * await cluster.stop()
 * ```
 */
export class MockCluster {
  #native: NativeMockCluster | undefined

  private constructor(native: NativeMockCluster) {
    this.#native = native
  }

  /** Starts a mock cluster; resolves once its brokers listen. */
  static async start(options: MockClusterOptions = {}): Promise<MockCluster> {
    const count = options.brokers ?? 1
    if (!Number.isInteger(count) || count < 1 || count > 16) {
      throw new StateError(`MockCluster.start(): brokers must be an integer from 1 to 16, got ${String(count)}`)
    }
    try {
      return new MockCluster(await startNativeMockCluster(count))
    } catch (error) {
      throw fromRdkafkaError(error as never, { operation: 'MockCluster.start' })
    }
  }

  /** The mock brokers as a bootstrap string for kafkit's `brokers` option. */
  get bootstrapServers(): string {
    if (!this.#native) throw new StateError('MockCluster.bootstrapServers read after stop(): start a new MockCluster')
    return this.#native.brokers.join(',')
  }

  /** Stops the mock brokers. Clients still connected to them see the brokers go down. */
  async stop(): Promise<void> {
    const native = this.#native
    this.#native = undefined
    await native?.close()
  }
}
