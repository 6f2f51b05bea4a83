import { ConfigError, StateError } from '../errors/kafka-error.js'
import { RDKAFKA_ERROR_CODES } from '../errors/codes.generated.js'
import { fromRdkafkaError, kafkitCodeFor } from '../errors/map.js'
import { startNativeMockCluster, type NativeMockCluster } from '../native/mock-cluster.js'

/** Kafka protocol API keys of the requests whose failures {@link MockCluster.failRequests} can inject. */
export const MOCK_API = Object.freeze({
  produce: 0,
  fetch: 1,
  listOffsets: 2,
  metadata: 3,
  offsetCommit: 8,
  offsetFetch: 9,
  findCoordinator: 10,
  joinGroup: 11,
  heartbeat: 12,
  leaveGroup: 13,
  syncGroup: 14,
  initProducerId: 22,
  addPartitionsToTxn: 24,
  addOffsetsToTxn: 25,
  endTxn: 26,
  txnOffsetCommit: 28,
} as const)

/** A request API by name (see {@link MOCK_API}) or by its protocol API key. */
export type MockApi = keyof typeof MOCK_API | number

const codeByName = new Map<string, number>()
for (const entry of RDKAFKA_ERROR_CODES) {
  codeByName.set(entry.name, entry.code)
  codeByName.set(kafkitCodeFor(entry.name), entry.code)
}

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
 * performance tests. What a real broker cannot do on demand, it can: fail the next requests of an API with given
 * errors ({@link MockCluster.failRequests}) and take brokers down and up ({@link MockCluster.setBrokerUp}).
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
      throw new ConfigError('brokers', `MockCluster.start() takes an integer from 1 to 16, got ${String(count)}`)
    }
    try {
      return new MockCluster(startNativeMockCluster(count))
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'MockCluster.start' })
    }
  }

  /** The mock brokers as a bootstrap string for kafkit's `brokers` option. */
  get bootstrapServers(): string {
    if (!this.#native) throw new StateError('MockCluster.bootstrapServers read after stop(): start a new MockCluster')
    return this.#native.brokers.join(',')
  }

  /**
   * Makes the next requests of `api` fail, one error per request, in order; later requests succeed again. Errors are
   * kafkit codes (`'ERR_KAFKA_NOT_LEADER_FOR_PARTITION'`), librdkafka names (`'NOT_LEADER_FOR_PARTITION'`) or
   * numbers. librdkafka's own retries count as requests.
   * @example
   * ```ts
   * cluster.failRequests('produce', ['ERR_KAFKA_NOT_LEADER_FOR_PARTITION', 'ERR_KAFKA_REQUEST_TIMED_OUT'])
   * await producer.send(record) // retried by librdkafka, then delivered
   * ```
   */
  failRequests(api: MockApi, errors: ReadonlyArray<string | number>): void {
    const native = this.#live('failRequests')
    const apiKey = typeof api === 'number' ? api : MOCK_API[api]
    if (!Number.isInteger(apiKey) || apiKey < 0) {
      throw new ConfigError(
        'api',
        `MockCluster.failRequests(): unknown API ${JSON.stringify(api)}; use one of ${Object.keys(MOCK_API).join(', ')} or a protocol API key`,
      )
    }
    const codes = errors.map((error, index) => {
      const code = typeof error === 'number' ? error : codeByName.get(error)
      if (code === undefined || !Number.isInteger(code)) {
        throw new ConfigError(
          `errors[${index}]`,
          `MockCluster.failRequests(): unknown error ${JSON.stringify(error)}; use a kafkit code such as 'ERR_KAFKA_NOT_LEADER_FOR_PARTITION'`,
        )
      }
      return code
    })
    native.pushRequestErrors(apiKey, codes)
  }

  /** Takes broker `brokerId` (1 to the broker count) down: its connections close and new ones fail. `true` brings it back. */
  setBrokerUp(brokerId: number, up: boolean): void {
    const native = this.#live('setBrokerUp')
    try {
      native.setBrokerUp(brokerId, up)
    } catch (error) {
      throw fromRdkafkaError(error, { operation: `MockCluster.setBrokerUp(${brokerId})` })
    }
  }

  /**
   * Makes broker `brokerId` the coordinator of consumer group `key` (`keyType` `'group'`) or of transactional id
   * `key` (`'transaction'`), for tests of a coordinator going down.
   */
  setCoordinator(keyType: 'group' | 'transaction', key: string, brokerId: number): void {
    const native = this.#live('setCoordinator')
    if (keyType !== 'group' && keyType !== 'transaction') {
      throw new ConfigError(
        'keyType',
        `MockCluster.setCoordinator() takes 'group' or 'transaction', got ${JSON.stringify(keyType)}`,
      )
    }
    try {
      native.setCoordinator(keyType, key, brokerId)
    } catch (error) {
      throw fromRdkafkaError(error, { operation: `MockCluster.setCoordinator(${keyType}, ${key})` })
    }
  }

  /** Creates a topic with `partitions` partitions (topics are also created on first use with librdkafka's defaults). */
  createTopic(topic: string, partitions = 1): void {
    const native = this.#live('createTopic')
    try {
      native.createTopic(topic, partitions, 1)
    } catch (error) {
      throw fromRdkafkaError(error, { operation: `MockCluster.createTopic(${topic})` })
    }
  }

  #live(method: string): NativeMockCluster {
    if (!this.#native) throw new StateError(`MockCluster.${method}() called after stop(): start a new MockCluster`)
    return this.#native
  }

  /** Stops the mock brokers. Clients still connected to them see the brokers go down. */
  async stop(): Promise<void> {
    const native = this.#native
    this.#native = undefined
    await native?.close()
  }
}
