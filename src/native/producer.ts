/**
 * kafkit's adapter over node-rdkafka's Producer: the produce hot path without the per-message costs of the
 * EventEmitter API (no `emit` per delivery report, no exception per full queue).
 * @module
 */
import { rdkafka, type LibrdKafkaError, type NativeConsumer, type NativeMetadata, type NativeProducer } from './binding.js'

/** A delivery report as node-rdkafka builds it. `opaque` is what was passed to {@link NativeProducerAdapter.produce}. */
export interface RawDeliveryReport {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp?: number
  readonly opaque?: unknown
}

/** Called once per delivered (or failed) message, straight from node-rdkafka's dispatcher. */
export type DeliveryCallback = (error: Error | null, report: RawDeliveryReport) => void

/** librdkafka's `RD_KAFKA_RESP_ERR__QUEUE_FULL`. */
export const QUEUE_FULL = -184

interface InternalClient {
  produce(topic: string, partition: number, value: Buffer | null, key: Buffer | string | null | undefined,
    timestamp: number | null | undefined, opaque: unknown, headers: Array<Record<string, string | Buffer>> | undefined): number
  poll(): unknown
}

/** The native producer with kafkit's delivery callback installed. */
export class NativeProducerAdapter {
  readonly #producer: NativeProducer
  #client: InternalClient | undefined

  /**
   * @param config - the complete librdkafka configuration (global and topic properties together)
   * @param onDelivery - the single function that settles every send
   * @param onEvent - errors, logs and statistics
   */
  constructor(
    config: Record<string, unknown>,
    onDelivery: DeliveryCallback,
    onEvent: { error(error: LibrdKafkaError): void; stats(json: string): void },
  ) {
    this.#producer = new rdkafka.Producer({ ...config, dr_cb: true } as never, {})
    // node-rdkafka wraps each report in LibrdKafkaError.create + EventEmitter.emit. Replacing the dispatcher's
    // callback (the object node-rdkafka hands to C++ in connect()) keeps one JS call per report and no emit.
    const callbacks = (this.#producer as unknown as { _cb_configs: { event: { delivery_cb: DeliveryCallback & { dr_msg_cb?: boolean } } } })
      ._cb_configs.event
    const replacement: DeliveryCallback & { dr_msg_cb?: boolean } = onDelivery
    replacement.dr_msg_cb = false
    callbacks.delivery_cb = replacement
    this.#producer.on('event.error', onEvent.error)
    this.#producer.on('event.stats', (event: { message: string }) => onEvent.stats(event.message))
  }

  /** Connects and fetches metadata; rejects with node-rdkafka's error. */
  connect(timeoutMs: number): Promise<NativeMetadata> {
    return new Promise((resolve, reject) => {
      this.#producer.connect({ timeout: timeoutMs }, (error, metadata) => {
        if (error) reject(error)
        else {
          this.#client = (this.#producer as unknown as { _client: InternalClient })._client
          resolve(metadata)
        }
      })
    })
  }

  /**
   * Enqueues one message. Returns librdkafka's error code: 0 when enqueued, {@link QUEUE_FULL} when the local
   * queue has no room (nothing was enqueued, no report will come), another code on other failures.
   */
  produce(
    topic: string,
    partition: number,
    value: Buffer | null,
    key: Buffer | null,
    timestamp: number | undefined,
    opaque: unknown,
    headers: Array<Record<string, string>> | undefined,
  ): number {
    return this.#client!.produce(topic, partition, value, key, timestamp, opaque, headers)
  }

  /** Serves queued delivery reports (hands them to the dispatcher). Cheap; never blocks. */
  poll(): void {
    this.#client?.poll()
  }

  /** Starts or stops (0) node-rdkafka's poll timer. */
  setPollInterval(ms: number): void {
    this.#producer.setPollInterval(ms)
  }

  /** Waits until every enqueued message got its report or `timeoutMs` passed (rejects with a TIMED_OUT error). */
  flush(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#producer.flush(timeoutMs, (error) => (error ? reject(error) : resolve()))
    })
  }

  /** Fetches cluster metadata. */
  getMetadata(options: { topic?: string; timeout: number }): Promise<NativeMetadata> {
    return new Promise((resolve, reject) => {
      this.#producer.getMetadata(options, (error, metadata) => (error ? reject(error) : resolve(metadata)))
    })
  }

  /** Disconnects (node-rdkafka's own flush has already been done by the caller). */
  disconnect(): Promise<void> {
    return new Promise((resolve) => {
      this.#producer.setPollInterval(0)
      // Call the base disconnect: node-rdkafka's Producer.disconnect would flush again for up to 5 s.
      const base = (this.#producer as unknown as { _disconnect(cb: () => void): void })._disconnect
      base.call(this.#producer, () => resolve())
    })
  }

  /** Initializes transactions (once per producer). */
  initTransactions(timeoutMs: number): Promise<void> {
    return this.#callback((cb) => this.#producer.initTransactions(timeoutMs, cb))
  }

  /** Begins a transaction. */
  beginTransaction(): Promise<void> {
    return this.#callback((cb) => this.#producer.beginTransaction(cb))
  }

  /** Commits the current transaction (flushes first). */
  commitTransaction(timeoutMs: number): Promise<void> {
    return this.#callback((cb) => this.#producer.commitTransaction(timeoutMs, cb))
  }

  /** Aborts the current transaction. */
  abortTransaction(timeoutMs: number): Promise<void> {
    return this.#callback((cb) => this.#producer.abortTransaction(timeoutMs, cb))
  }

  /** Adds consumer offsets to the current transaction, with the consumer's group metadata. */
  sendOffsetsToTransaction(
    offsets: Array<{ topic: string; partition: number; offset: number }>,
    consumer: NativeConsumer,
    timeoutMs: number,
  ): Promise<void> {
    return this.#callback((cb) => this.#producer.sendOffsetsToTransaction(offsets, consumer, timeoutMs, cb))
  }

  #callback(start: (cb: (error: LibrdKafkaError | null | undefined) => void) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      start((error) => (error ? reject(error) : resolve()))
    })
  }
}
