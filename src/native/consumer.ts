/**
 * kafkit's adapter over node-rdkafka's KafkaConsumer: promise-returning calls, and the batch fetch without
 * node-rdkafka's per-message `data` event.
 * @module
 */
import { ADDON_PATH, loadAddon } from './addon.js'
import { rdkafka, type LibrdKafkaError, type NativeConsumer, type NativeMessage } from './binding.js'

/** librdkafka's `RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS`. */
export const ASSIGN_PARTITIONS = -175
/** librdkafka's `RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS`. */
export const REVOKE_PARTITIONS = -174
/** librdkafka's `RD_KAFKA_RESP_ERR__NO_OFFSET`: a commit found nothing new to commit. */
export const NO_OFFSET = -168
/** librdkafka's logical offset for "the partition's beginning". */
export const OFFSET_BEGINNING = -2
/** librdkafka's logical offset for "the partition's end". */
export const OFFSET_END = -1

/** A partition (and offset) as node-rdkafka passes them. */
export interface RawTopicPartition {
  readonly topic: string
  readonly partition: number
  readonly offset?: number
}

interface RegistryAddon {
  consumerGroupMetadata(token: string): Buffer
}

let registrySerial = 0

/** Callbacks librdkafka drives through node-rdkafka's dispatchers (all on the JS thread). */
export interface NativeConsumerCallbacks {
  rebalance(error: LibrdKafkaError, assignment: RawTopicPartition[]): void
  offsetCommit(error: LibrdKafkaError | undefined, offsets: RawTopicPartition[]): void
  error(error: LibrdKafkaError): void
  stats(json: string): void
}

interface InternalClient {
  consume(timeoutMs: number, size: number, cb: (error: unknown, messages: NativeMessage[]) => void): void
}

function callback<T>(executor: (done: (error: LibrdKafkaError | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => executor((error, value) => (error ? reject(error) : resolve(value as T))))
}

/** The native consumer with kafkit's rebalance and commit callbacks installed. */
export class NativeConsumerAdapter {
  readonly #registryToken = `consumer-${process.pid}-${++registrySerial}`
  readonly #consumer: NativeConsumer
  #client: InternalClient | undefined

  /**
   * @param globalConfig - librdkafka global and consumer properties
   * @param topicConfig - librdkafka topic properties
   * @param callbacks - where librdkafka's events go
   */
  constructor(globalConfig: Record<string, unknown>, topicConfig: Record<string, unknown>, callbacks: NativeConsumerCallbacks) {
    // librdkafka loads the addon as a plugin: librdkafka's symbols must already be visible to it.
    loadAddon<RegistryAddon>()
    this.#consumer = new rdkafka.KafkaConsumer(
      {
        ...globalConfig,
        // Loads kafkit's addon as a librdkafka plugin that registers this handle under the token (see
        // native/handle_registry.c); the token property must come after the plugin path.
        'plugin.library.paths': ADDON_PATH,
        'kafkit.handle.token': this.#registryToken,
        rebalance_cb: (error: LibrdKafkaError, assignment: RawTopicPartition[]) => callbacks.rebalance(error, assignment),
        offset_commit_cb: (error: LibrdKafkaError | undefined, offsets: RawTopicPartition[]) => callbacks.offsetCommit(error, offsets),
      } as never,
      topicConfig as never,
    )
    this.#consumer.on('event.error', callbacks.error)
    this.#consumer.on('event.stats', (event: { message: string }) => callbacks.stats(event.message))
  }

  /**
   * The consumer's group metadata, serialized by librdkafka, for a transactional producer's
   * `sendOffsetsToTransaction` (KIP-447 fencing). kafkit's addon reads it from this consumer's librdkafka handle,
   * which registered itself with the addon when it was created.
   */
  groupMetadata(): Buffer {
    return loadAddon<RegistryAddon>().consumerGroupMetadata(this.#registryToken)
  }

  /** Connects and fetches metadata. */
  async connect(timeoutMs: number): Promise<void> {
    await callback<unknown>((done) => this.#consumer.connect({ timeout: timeoutMs }, done))
    this.#client = (this.#consumer as unknown as { _client: InternalClient })._client
  }

  /**
   * Takes up to `size` ready messages without waiting (timeout 0), so the libuv thread is busy only while copying
   * messages out. Calls back on the JS thread. Bypasses node-rdkafka's wrapper, which emits one event per message.
   */
  consume(size: number, cb: (error: unknown, messages: NativeMessage[]) => void): void {
    if (!this.#client) throw new Error('not connected')
    this.#client.consume(0, size, cb)
  }

  /** Replaces the subscription. Names starting with `^` are regular expressions. */
  subscribe(topics: string[]): void {
    this.#consumer.subscribe(topics)
  }

  /** Drops the subscription; librdkafka then revokes every partition through the rebalance callback. */
  unsubscribe(): void {
    this.#consumer.unsubscribe()
  }

  /** `COOPERATIVE`, `EAGER` or `NONE`. */
  rebalanceProtocol(): string {
    return this.#consumer.rebalanceProtocol()
  }

  /** Adds partitions to the assignment (cooperative) or replaces it (eager). */
  assign(partitions: RawTopicPartition[], cooperative: boolean): void {
    if (cooperative) this.#consumer.incrementalAssign(partitions)
    else this.#consumer.assign(partitions)
  }

  /** Removes partitions from the assignment (cooperative) or clears it (eager). */
  unassign(partitions: RawTopicPartition[], cooperative: boolean): void {
    if (cooperative) this.#consumer.incrementalUnassign(partitions)
    else this.#consumer.unassign()
  }

  /** Stops fetching the partitions. librdkafka drops what it prefetched and refetches on resume. */
  pause(partitions: RawTopicPartition[]): void {
    this.#consumer.pause(partitions)
  }

  /** Resumes fetching the partitions from the position after the last message handed to kafkit. */
  resume(partitions: RawTopicPartition[]): void {
    this.#consumer.resume(partitions)
  }

  /** Moves a partition's fetch position (absolute or logical offset). */
  seek(partition: RawTopicPartition & { offset: number }, timeoutMs: number): Promise<void> {
    return callback<void>((done) => this.#consumer.seek(partition, timeoutMs, done))
  }

  /** Stores processed offsets for the next (auto or explicit) commit. */
  offsetsStore(offsets: Array<RawTopicPartition & { offset: number }>): void {
    this.#consumer.offsetsStore(offsets)
  }

  /** Starts an asynchronous commit; its result arrives through the offset-commit callback. */
  commit(offsets: Array<RawTopicPartition & { offset: number }>): void {
    this.#consumer.commit(offsets)
  }

  /** The group's committed offsets of the partitions, from the coordinator. */
  committed(partitions: RawTopicPartition[], timeoutMs: number): Promise<RawTopicPartition[]> {
    return callback<RawTopicPartition[]>((done) => this.#consumer.committed(partitions, timeoutMs, done))
  }

  /** The fetch positions (offset after the last message handed to kafkit) of the partitions. */
  position(partitions: RawTopicPartition[]): RawTopicPartition[] {
    return this.#consumer.position(partitions)
  }

  /** The current assignment. */
  assignments(): RawTopicPartition[] {
    return this.#consumer.assignments()
  }

  /** The watermarks librdkafka last saw for a partition, without a request; `undefined` when none yet. */
  cachedWatermarks(topic: string, partition: number): { low: number; high: number } | undefined {
    try {
      const { lowOffset, highOffset } = this.#consumer.getWatermarkOffsets(topic, partition)
      return highOffset >= 0 ? { low: lowOffset, high: highOffset } : undefined
    } catch {
      return undefined
    }
  }

  /** Leaves the group (committing stored offsets) and destroys the native client. */
  disconnect(): Promise<void> {
    return new Promise((resolve) => this.#consumer.disconnect(() => resolve()))
  }
}
