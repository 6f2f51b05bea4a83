/**
 * The producer's native client: a librdkafka producer handle owned by kafkit's addon. Records cross the N-API
 * boundary in batches (bytes packed into one reused Buffer, lengths in an Int32Array), delivery reports come back in
 * bulk as typed arrays, blocking calls run on the client's worker thread, and JavaScript is woken only after
 * librdkafka's threads have stored what happened: JS never runs inside a librdkafka callback.
 * @module
 */
import { loadAddon } from './addon.js'
import type { ClientCoreAddon } from './client-addon.js'
import { Bootstrap, toStrings } from './client-config.js'
import type { RawMetadata } from './admin-addon.js'

/** librdkafka's `rd_kafka_msg_status_t`: whether a failed record may still have been written. */
export const PERSISTENCE = Object.freeze({ notPersisted: 0, possiblyPersisted: 1, persisted: 2 } as const)

/** An event of the client other than a delivery report, as the addon reports it. */
export type RawClientEvent =
  | {
      readonly kind: 'error'
      readonly code: number
      readonly rdkafkaName: string
      readonly message: string
      readonly isFatal: boolean
    }
  | { readonly kind: 'log'; readonly level: number; readonly facility: string; readonly message: string }
  | { readonly kind: 'stats'; readonly json: string }
  | { readonly kind: 'oauthbearer-refresh'; readonly config: string }

/** An OAUTHBEARER token for {@link NativeProducerClient.setOAuthToken}. */
export interface RawOAuthToken {
  readonly tokenValue: string
  /** When the token expires, ms since the epoch. */
  readonly expiresAtMs: number
  readonly principal: string
  /** Key, value, key, value... */
  readonly extensions: readonly string[]
}

/** Delivery reports drained from the client: entries `0 .. count-1` of each array are valid until the next drain. */
export interface DeliveryBatch {
  readonly count: number
  readonly seq: Uint32Array
  readonly partition: Int32Array
  readonly offset: Float64Array
  readonly timestamp: Float64Array
  readonly error: Int32Array
  readonly status: Int32Array
}

/** A header as it crosses the boundary: a name and bytes (null for a header without a value). */
export type RawHeader = readonly [name: string, value: Buffer | null]

interface ProducerAddon extends ClientCoreAddon<'producer', RawClientEvent> {
  clientSetActive(handle: object, active: boolean): void
  clientFatalError(handle: object): { code: number; rdkafkaName: string; message: string; isFatal: true } | null
  producerTopic(handle: object, name: string): number
  producerProduce(
    handle: object,
    meta: Int32Array,
    timestamps: Float64Array,
    data: Buffer,
    firstSeq: number,
    count: number,
    failures: Int32Array,
  ): number
  producerDrainDeliveries(
    handle: object,
    seq: Uint32Array,
    partition: Int32Array,
    offset: Float64Array,
    timestamp: Float64Array,
    error: Int32Array,
    status: Int32Array,
  ): number
  producerPurge(handle: object, inFlightToo: boolean): void
  producerQueueLength(handle: object): number
  producerFlush(handle: object, timeoutMs: number): Promise<void>
  producerSendNow(handle: object): Promise<void> | null
  transactionInit(handle: object, timeoutMs: number): Promise<void>
  transactionBegin(handle: object): void
  transactionCommit(handle: object, timeoutMs: number): Promise<void>
  transactionAbort(handle: object, timeoutMs: number): Promise<void>
  transactionSendOffsets(
    handle: object,
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
    groupMetadata: Buffer,
    timeoutMs: number,
  ): Promise<void>
}

/** Fields per record in the batch's Int32Array (see native/producer.c). */
const STRIDE = 6
const DRAIN_SIZE = 4096

/** The addon's functions for producers (loads the addon on first use). */
function addon(): ProducerAddon {
  return loadAddon<ProducerAddon>()
}

/**
 * Packs records into the arrays one `producerProduce` call takes. Reused across calls: a batch is built, handed over
 * and reset.
 */
class BatchBuilder {
  meta = new Int32Array(STRIDE * 1024)
  timestamps = new Float64Array(1024)
  data = Buffer.allocUnsafe(1 << 20)
  failures = new Int32Array(1 + 2 * 1024)
  count = 0
  #bytes = 0
  /** Header lengths, appended after the records' entries when the batch is handed over. */
  #headerLengths: number[] = []

  reset(): void {
    this.count = 0
    this.#bytes = 0
    this.#headerLengths.length = 0
  }

  add(
    topicIndex: number,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number | undefined,
    headers: readonly RawHeader[] | undefined,
  ): void {
    const index = this.count
    if ((index + 1) * STRIDE > this.meta.length) this.#growRecords()
    let size = (key?.length ?? 0) + (value?.length ?? 0)
    if (headers) for (const [name, bytes] of headers) size += Buffer.byteLength(name) + (bytes?.length ?? 0)
    if (this.#bytes + size > this.data.length) this.#growData(this.#bytes + size)
    const meta = this.meta
    const base = index * STRIDE
    meta[base] = topicIndex
    meta[base + 1] = partition
    meta[base + 2] = key === null ? -1 : key.length
    meta[base + 3] = value === null ? -1 : value.length
    meta[base + 4] = headers?.length ?? 0
    meta[base + 5] = timestamp === undefined ? 0 : 1
    if (timestamp !== undefined) this.timestamps[index] = timestamp
    if (key !== null) this.#bytes += key.copy(this.data, this.#bytes)
    if (value !== null) this.#bytes += value.copy(this.data, this.#bytes)
    if (headers) {
      for (const [name, bytes] of headers) {
        const nameLength = this.data.write(name, this.#bytes, 'utf8')
        this.#bytes += nameLength
        this.#headerLengths.push(nameLength, bytes === null ? -1 : bytes.length)
        if (bytes !== null) this.#bytes += bytes.copy(this.data, this.#bytes)
      }
    }
    this.count = index + 1
  }

  /** The meta array with the header lengths appended after the records' entries. */
  finish(): Int32Array {
    const headers = this.#headerLengths.length
    if (headers === 0) return this.meta
    const needed = this.count * STRIDE + headers
    if (needed > this.meta.length) this.#growRecords(needed)
    this.meta.set(this.#headerLengths, this.count * STRIDE)
    return this.meta
  }

  #growRecords(minimumInts = this.meta.length * 2): void {
    let length = this.meta.length * 2
    while (length < minimumInts) length *= 2
    const meta = new Int32Array(length)
    meta.set(this.meta)
    this.meta = meta
    const records = Math.floor(length / STRIDE)
    if (records > this.timestamps.length) {
      const timestamps = new Float64Array(records)
      timestamps.set(this.timestamps)
      this.timestamps = timestamps
      this.failures = new Int32Array(1 + 2 * records)
    }
  }

  #growData(minimum: number): void {
    let length = this.data.length * 2
    while (length < minimum) length *= 2
    const data = Buffer.allocUnsafe(length)
    this.data.copy(data, 0, 0, this.#bytes)
    this.data = data
  }
}

/** What the client tells its owner. Called on the JS thread, after the native call that collected them. */
export interface NativeProducerCallbacks {
  /** A batch of delivery reports; the arrays are reused after the call returns. */
  deliveries(batch: DeliveryBatch): void
  /** Errors, logs, statistics, OAUTHBEARER refresh requests. */
  event(event: RawClientEvent): void
}

/** A librdkafka producer handle in kafkit's addon. */
export class NativeProducerClient {
  readonly #addon: ProducerAddon
  readonly #handle: object
  readonly #callbacks: NativeProducerCallbacks
  readonly #topics = new Map<string, number>()
  #lastTopic: string | undefined
  #lastTopicIndex = -1
  readonly #batch = new BatchBuilder()
  readonly #reports = {
    count: 0,
    seq: new Uint32Array(DRAIN_SIZE),
    partition: new Int32Array(DRAIN_SIZE),
    offset: new Float64Array(DRAIN_SIZE),
    timestamp: new Float64Array(DRAIN_SIZE),
    error: new Int32Array(DRAIN_SIZE),
    status: new Int32Array(DRAIN_SIZE),
  }
  #active = false
  readonly #bootstrap: Bootstrap

  /**
   * Creates the handle (librdkafka starts its threads; nothing connects before {@link connect}). Throws the addon's
   * error when a property is refused: its `properties` lists each refused property with librdkafka's reason.
   */
  constructor(config: Record<string, unknown>, callbacks: NativeProducerCallbacks, options: { oauthbearer: boolean }) {
    this.#addon = addon()
    this.#callbacks = callbacks
    const strings = toStrings(config)
    this.#bootstrap = new Bootstrap(strings)
    this.#handle = this.#addon.clientCreate('producer', strings, this.drain, options)
  }

  /** Hands librdkafka the bootstrap brokers, then proves they answer (fetches cluster metadata on the worker). */
  async connect(timeoutMs: number): Promise<void> {
    this.#bootstrap.start(this.#addon, this.#handle)
    await this.metadata(timeoutMs)
  }

  /** Fetches cluster metadata on the worker. */
  metadata(timeoutMs: number, topic?: string): Promise<RawMetadata> {
    return this.#addon.clientMetadata(this.#handle, topic === undefined ? { timeoutMs } : { timeoutMs, topic })
  }

  /** The batch being built; add records, then {@link produce}. */
  get batch(): { add: BatchBuilder['add']; readonly count: number; reset(): void } {
    return this.#batch
  }

  /** The index of a topic's handle, created on first use (consecutive records usually share a topic). */
  topicIndex(topic: string): number {
    if (topic === this.#lastTopic) return this.#lastTopicIndex
    let index = this.#topics.get(topic)
    if (index === undefined) {
      index = this.#addon.producerTopic(this.#handle, topic)
      this.#topics.set(topic, index)
    }
    this.#lastTopic = topic
    this.#lastTopicIndex = index
    return index
  }

  /**
   * Hands the built batch to librdkafka; record `i` gets sequence id `firstSeq + i`. Returns how many leading
   * records were taken; the rest found the queue full. `failures` holds (index, code) pairs of taken records that
   * librdkafka refused on their own (`failures[0]` pairs). The batch is reset.
   */
  produce(firstSeq: number): { taken: number; failures: Int32Array } {
    const batch = this.#batch
    const meta = batch.finish()
    const taken = this.#addon.producerProduce(
      this.#handle,
      meta,
      batch.timestamps,
      batch.data,
      firstSeq >>> 0,
      batch.count,
      batch.failures,
    )
    batch.reset()
    return { taken, failures: batch.failures }
  }

  /**
   * Hands over every delivery report collected so far, and the events unless `eventsPending` is false (the addon's
   * wake-up says so when it brings none).
   */
  drain = (eventsPending = true): void => {
    if (eventsPending) this.#drainEvents()
    this.#drainDeliveries()
  }

  #drainEvents(): void {
    const events = this.#addon.clientDrainEvents(this.#handle)
    for (const event of events) this.#callbacks.event(event)
  }

  #drainDeliveries(): void {
    const reports = this.#reports
    for (;;) {
      reports.count = this.#addon.producerDrainDeliveries(
        this.#handle,
        reports.seq,
        reports.partition,
        reports.offset,
        reports.timestamp,
        reports.error,
        reports.status,
      )
      if (reports.count === 0) break
      this.#callbacks.deliveries(reports)
      if (reports.count < DRAIN_SIZE) break
    }
  }

  /** librdkafka's fatal error of this handle, when it has one (a cheap local read). */
  fatalError(): { code: number; rdkafkaName: string; message: string; isFatal: true } | undefined {
    return this.#addon.clientFatalError(this.#handle) ?? undefined
  }

  /** Whether the client keeps the process alive (while sends are in flight). */
  setActive(active: boolean): void {
    if (active === this.#active) return
    this.#active = active
    this.#addon.clientSetActive(this.#handle, active)
  }

  /** Waits on the worker until every record got its report, or rejects with `_TIMED_OUT`. */
  flush(timeoutMs: number): Promise<void> {
    return this.#addon.producerFlush(this.#handle, timeoutMs)
  }

  /**
   * One round on the worker that makes librdkafka send the records it holds now rather than after linger.ms (a
   * flush of at most linger.ms, capped at 100 ms); resolves when the round ends. null when linger.ms is 0.
   */
  sendNow(): Promise<void> | null {
    return this.#addon.producerSendNow(this.#handle)
  }

  /** Drops queued records (and in-flight ones when asked): their reports say `_PURGE_QUEUE` / `_PURGE_INFLIGHT`. */
  purge(inFlightToo: boolean): void {
    this.#addon.producerPurge(this.#handle, inFlightToo)
  }

  /** Answers an OAUTHBEARER refresh request. */
  setOAuthToken(token: RawOAuthToken | { failure: string }): void {
    this.#addon.clientSetOAuthToken(this.#handle, token)
  }

  /** Initializes transactions (once per producer), on the worker. */
  initTransactions(timeoutMs: number): Promise<void> {
    return this.#addon.transactionInit(this.#handle, timeoutMs)
  }

  /** Begins a transaction (does not block). */
  beginTransaction(): void {
    this.#addon.transactionBegin(this.#handle)
  }

  /** Commits the current transaction (librdkafka flushes first), on the worker. */
  commitTransaction(timeoutMs: number): Promise<void> {
    return this.#addon.transactionCommit(this.#handle, timeoutMs)
  }

  /** Aborts the current transaction, on the worker. */
  abortTransaction(timeoutMs: number): Promise<void> {
    return this.#addon.transactionAbort(this.#handle, timeoutMs)
  }

  /** Adds consumer offsets to the transaction with the consumer's serialized group metadata, on the worker. */
  sendOffsetsToTransaction(
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
    groupMetadata: Buffer,
    timeoutMs: number,
  ): Promise<void> {
    return this.#addon.transactionSendOffsets(this.#handle, offsets, groupMetadata, timeoutMs)
  }

  /** Destroys the handle on the worker, then hands over the last reports. */
  async destroy(): Promise<void> {
    await this.#addon.clientDestroy(this.#handle)
    this.drain()
    this.setActive(false)
  }
}
