import { EventEmitter } from 'node:events'
import { isUtf8 } from 'node:buffer'
import { channels } from '../internal/diagnostics.js'
import { Lifecycle, type ClientState } from '../internal/lifecycle.js'
import {
  ConfigError,
  KafkaAggregateError,
  KafkaError,
  SerializationError,
  StateError,
  TimeoutError,
} from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { NativeProducerAdapter, QUEUE_FULL, type RawDeliveryReport } from '../native/producer.js'
import type { Serde, SerdeContext, TopicSerdeMap } from '../serde/types.js'
import { PendingDelivery, toDeliveryReport } from './pending-delivery.js'
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js'
import { SendQueue, type WaitingRecord } from './send-queue.js'
import { TransactionRunner, type Transaction } from './transaction.js'
import type { AnyRecord, DeliveryReport, Headers, ProducerEvents, RawData, RdkafkaStats, RecordFor } from './types.js'

const NO_PARTITION = -1

/**
 * A typed Kafka producer over librdkafka.
 *
 * `send()` resolves when the broker acknowledged the record and rejects with a {@link KafkaError} when it could
 * not be delivered. When librdkafka's bounded local queue is full, `send()` waits for room (up to `maxBlockMs`)
 * instead of failing; records always reach a partition in `send()` order.
 *
 * @typeParam K - key type for topics not in the `topics` map (from the `key` serde)
 * @typeParam V - value type for topics not in the `topics` map (from the `value` serde)
 * @typeParam T - the per-topic serde map
 *
 * @example
 * ```ts
 * const producer = new Producer({ brokers: 'localhost:9092', key: serdes.string(), value: serdes.json<Order>() })
 * await producer.connect()
 * const report = await producer.send({ topic: 'orders', key: order.id, value: order })
 * await producer.disconnect()
 * ```
 */
export class Producer<K = RawData, V = RawData, T extends TopicSerdeMap = {}> extends EventEmitter<ProducerEvents> {
  readonly #options: ResolvedProducerOptions
  readonly #lifecycle = new Lifecycle('Producer')
  readonly #native: NativeProducerAdapter
  readonly #waiting = new SendQueue()
  /** Every send handed to librdkafka and not yet reported, so that none is left unsettled at disconnect. */
  readonly #inFlight = new Map<number, PendingDelivery>()
  /**
   * The opaque handed to librdkafka is a small integer, not the PendingDelivery: node-rdkafka keeps each opaque in a V8
   * persistent handle until its report, and handles to young objects are scanned by every scavenge (measured: the
   * GC share of a 1M-record run fell from ~16% to ~2% with integer ids).
   */
  #nextId = 0
  readonly #transactions: TransactionRunner
  #drainScheduled = false
  #expiryTimer: NodeJS.Timeout | undefined
  #idleWaiters: Array<() => void> = []
  /** Woken by waitForCapacity() once the queue has drained to half of its size. */
  #capacityWaiters: Array<() => void> = []
  readonly #queueLimit: number
  /** Woken when the last in-flight record is reported. */
  #settledWaiters: Array<() => void> = []
  /** Records purged before the fatal error that purged them was reported. */
  #purgedAwaitingCause: Array<{ id: number; failure: KafkaError; topic: string }> = []
  #purgeTimer: NodeJS.Timeout | undefined
  #fatal: KafkaError | undefined
  /** Failed sends, kept until the next flush() reports those whose promise nobody observed. */
  #failed: PendingDelivery[] = []
  #failedDropped = 0

  /**
   * Validates the options (throwing {@link ConfigError} on any unknown or ill-typed one) and creates the
   * native client. Nothing connects until {@link Producer.connect}.
   */
  constructor(options: ProducerOptions<K, V, T>) {
    super()
    this.#options = resolveProducerOptions(options)
    this.#queueLimit = Number(this.#options.rdkafkaConfig['queue.buffering.max.messages'])
    try {
      this.#native = new NativeProducerAdapter(this.#options.rdkafkaConfig, this.#onDelivery, {
        error: (error) => this.#onClientError(error),
        stats: (json) => this.#onStats(json),
      })
    } catch (error) {
      // librdkafka validates property values at creation (e.g. acks: 'most').
      throw new ConfigError('rdkafka', error instanceof Error ? error.message : String(error), { cause: error })
    }
    this.#transactions = new TransactionRunner(this.#native, this.#options, {
      fail: (error) => this.#failFatally(error),
      fatalError: () => this.#fatal,
      handedOver: (timeoutMs) => this.#handedOver(timeoutMs, 'Producer.transaction() commit'),
    })
  }

  /** The lifecycle state: `idle` → `connecting` → `connected` → `closing` → `closed`. */
  get state(): ClientState {
    return this.#lifecycle.state
  }

  /**
   * Whether a `send()` now would go straight to librdkafka. `false` once librdkafka's local queue is full and
   * records wait in kafkit's queue: a producing loop that must keep memory bounded awaits
   * {@link Producer.waitForCapacity} then, as a stream writer awaits `'drain'`.
   */
  get hasCapacity(): boolean {
    return this.#waiting.length === 0 && this.#inFlight.size < this.#queueLimit
  }

  /** Number of records waiting in kafkit's queue for room in librdkafka's (0 when {@link hasCapacity}). */
  get waitingRecords(): number {
    return this.#waiting.length
  }

  /**
   * Resolves once no record waits for room and librdkafka's queue is at most half full (immediately when
   * {@link hasCapacity}). The half-full mark keeps a waiting loop from waking for every single free slot.
   *
   * @example
   * ```ts
   * for (const record of records) {
   *   producer.send(record)
   *   if (!producer.hasCapacity) await producer.waitForCapacity()
   * }
   * await producer.flush()
   * ```
   */
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve()
    return new Promise((resolve) => this.#capacityWaiters.push(resolve))
  }

  /** Connects to the brokers (and initializes transactions when `transactionalId` is set). */
  async connect(): Promise<void> {
    this.#lifecycle.assertIdle('connect')
    this.#lifecycle.set('connecting')
    try {
      await this.#native.connect(this.#options.connectTimeoutMs)
      this.#native.setPollInterval(this.#options.pollIntervalMs)
      if (this.#options.transactional) await this.#transactions.init()
      this.#lifecycle.set('connected')
    } catch (error) {
      this.#lifecycle.set('closed')
      await this.#native.disconnect().catch(() => undefined)
      throw fromRdkafkaError(error as never, { operation: 'Producer.connect' })
    }
  }

  /**
   * Sends one record and resolves with its delivery report once the broker acknowledged it.
   * Rejects with a {@link SerializationError} when a serde throws, {@link TimeoutError} when the local queue stayed
   * full for `maxBlockMs` or delivery took longer than `deliveryTimeoutMs`, or the {@link KafkaError} librdkafka
   * reported (e.g. `ERR_KAFKA_MSG_SIZE_TOO_LARGE`). Other sends are unaffected.
   *
   * The returned promise is a {@link PendingDelivery}: it costs next to nothing until awaited, so bulk loops may
   * send without awaiting and call {@link Producer.flush} at the end, which reports any failure.
   */
  send<Topic extends string>(record: RecordFor<K, V, T, Topic>): Promise<DeliveryReport> {
    if (this.#lifecycle.state !== 'connected' || this.#fatal) return Promise.reject(this.#refusal('send'))
    if (this.#options.transactional && !this.#transactions.open) {
      return Promise.reject(new StateError('Producer.send() on a transactional producer must run inside producer.transaction(async (tx) => tx.send(...))'))
    }
    return this.#enqueue(record as AnyRecord<K, V, T>)
  }

  /**
   * Sends several records (any topics) in order and resolves with their reports in the same order. If some fail,
   * rejects with a {@link KafkaAggregateError} whose `failures` name each failed record's index; the others were
   * delivered.
   */
  async sendBatch(records: ReadonlyArray<AnyRecord<K, V, T>>): Promise<DeliveryReport[]> {
    if (!Array.isArray(records)) throw new ConfigError('records', 'sendBatch() takes an array of records')
    if (this.#lifecycle.state !== 'connected' || this.#fatal) throw this.#refusal('sendBatch')
    if (this.#options.transactional && !this.#transactions.open) {
      throw new StateError('Producer.sendBatch() on a transactional producer must run inside producer.transaction()')
    }
    const deliveries = records.map((record) => this.#enqueue(record))
    // One promise for the batch, not one per record (which costs more than producing the record).
    await new Promise<void>((resolve) => {
      let pending = deliveries.length
      if (pending === 0) resolve()
      const settled = (): void => {
        if (--pending === 0) resolve()
      }
      for (const delivery of deliveries) {
        // The batch's rejection reports each failure: flush() must not report them again.
        delivery.markReported()
        delivery.onSettled(settled)
      }
    })
    const failures: Array<{ index: number; error: KafkaError }> = []
    const reports: DeliveryReport[] = []
    deliveries.forEach((delivery, index) => {
      if (delivery.failed) failures.push({ index, error: delivery.error as KafkaError })
      else reports.push(delivery.report!)
    })
    if (failures.length > 0) {
      throw new KafkaAggregateError(failures, `${failures.length} of ${records.length} records were not delivered; see .failures`)
    }
    return reports
  }

  /**
   * Waits until every record sent so far was acknowledged (or failed) and its `send()` promise settled.
   * Sends that failed while nobody awaited them (no `await`, `.then` or `.catch` when they failed) are reported
   * here: `flush()` then rejects with a {@link KafkaAggregateError} listing them, so fire-and-forget sends are
   * never lost silently (and never crash the process as unhandled rejections).
   * @param options.timeoutMs - give up after this long with a {@link TimeoutError} @default 30000
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#lifecycle.state !== 'connected') throw this.#refusal('flush')
    await this.#deliverAll(options.timeoutMs ?? this.#options.disconnectTimeoutMs)
    this.#reportUnobservedFailures('Producer.flush()')
  }

  /** Waits until kafkit's own queue is empty: every record sent so far is in librdkafka's queue or failed. */
  async #handedOver(timeoutMs: number, operation: string): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#waiting.length > 0) {
      const left = deadline - Date.now()
      if (left <= 0) throw new TimeoutError(`${operation} timed out after ${timeoutMs} ms with ${this.#waiting.length} records still waiting for room`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#idleWaiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async #deliverAll(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    await this.#handedOver(timeoutMs, 'Producer.flush()')
    try {
      await this.#native.flush(Math.max(0, deadline - Date.now()))
    } catch (error) {
      throw fromRdkafkaError(error as never, { operation: `Producer.flush() (${this.#inFlight.size} records unacknowledged)` })
    }
    // librdkafka's flush returns once its reports are served; node-rdkafka hands them to JS a moment later.
    while (this.#inFlight.size > 0) {
      const left = deadline - Date.now()
      if (left <= 0) throw new TimeoutError(`Producer.flush() timed out after ${timeoutMs} ms with ${this.#inFlight.size} records unacknowledged`)
      this.#native.poll()
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50))
        this.#settledWaiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /**
   * Runs `fn` in a Kafka transaction: commits when it resolves, aborts and rethrows when it throws. Records sent
   * through `tx` become visible to `read_committed` consumers only on commit. Requires `transactionalId`.
   * Transactions on one producer run one at a time.
   */
  async transaction<R>(fn: (tx: Transaction<K, V, T>) => Promise<R>): Promise<R> {
    if (this.#lifecycle.state !== 'connected' || this.#fatal) throw this.#refusal('transaction')
    if (!this.#options.transactional) {
      throw new StateError('Producer.transaction() needs a transactional producer: pass transactionalId to new Producer({...})')
    }
    return this.#transactions.run(fn, (record) => this.#enqueue(record as AnyRecord<K, V, T>))
  }

  /**
   * Delivers what is queued (up to `disconnectTimeoutMs`), then disconnects. Records that could not be delivered
   * in time are rejected with a {@link TimeoutError}; nothing whose `send()` resolved is lost. Like `flush()`, it
   * rejects (after closing) with a {@link KafkaAggregateError} if sends nobody awaited failed.
   */
  async disconnect(): Promise<void> {
    if (this.#lifecycle.state === 'closed' || this.#lifecycle.state === 'closing') return
    if (this.#lifecycle.state !== 'connected') {
      this.#lifecycle.set('closed')
      return
    }
    this.#lifecycle.set('closing')
    let flushError: unknown
    try {
      await this.#deliverAll(this.#options.disconnectTimeoutMs)
    } catch (error) {
      flushError = error
    }
    clearInterval(this.#expiryTimer)
    const undelivered = new TimeoutError(
      `Producer.disconnect(): record not delivered within disconnectTimeoutMs (${this.#options.disconnectTimeoutMs} ms)`,
      { cause: flushError },
    )
    for (const record of this.#waiting) if (record.state !== 'settled') this.#fail(record.deferred, undelivered)
    while (this.#waiting.length > 0) this.#waiting.shift()
    this.#wakeIdleWaiters()
    this.#wakeCapacityWaiters(true)
    await this.#native.disconnect()
    this.#settlePurged()
    for (const deferred of this.#inFlight.values()) this.#fail(deferred, undelivered)
    this.#inFlight.clear()
    this.#lifecycle.set('closed')
    this.#reportUnobservedFailures('Producer.disconnect()')
  }

  #fail(delivery: PendingDelivery, error: unknown): void {
    delivery.reject(error)
    // Bounded: a producer that fails forever without flushing must not grow memory for its error report.
    if (this.#failed.length < 10_000) this.#failed.push(delivery)
    else this.#failedDropped++
  }

  /** Throws the failures of sends nobody awaited since the last report, so that none is lost silently. */
  #reportUnobservedFailures(operation: string): void {
    const failures = this.#failed
      .filter((delivery) => !delivery.observed)
      .map((delivery, index) => ({ index, error: delivery.error as KafkaError }))
    const dropped = this.#failedDropped
    this.#failed = []
    this.#failedDropped = 0
    if (failures.length === 0) return
    throw new KafkaAggregateError(
      failures,
      `${operation}: ${failures.length + dropped} sends that nobody awaited failed (first: ${failures[0]!.error.message}); await send() or attach .catch() to handle them one by one`,
    )
  }

  #refusal(method: string): KafkaError {
    if (this.#fatal) {
      return new StateError(`Producer.${method}() refused: the producer hit a fatal error (${this.#fatal.message}); create a new Producer`, { cause: this.#fatal, fatal: true })
    }
    try {
      this.#lifecycle.assertConnected(method)
    } catch (error) {
      return error as KafkaError
    }
    return new StateError(`Producer.${method}() refused`)
  }

  #serdesFor(topic: string): { key: Serde<unknown> | undefined; value: Serde<unknown> | undefined } {
    const perTopic = this.#options.topics[topic]
    return perTopic
      ? { key: perTopic.key, value: perTopic.value }
      : { key: this.#options.key, value: this.#options.value }
  }

  #enqueue(record: AnyRecord<K, V, T>): PendingDelivery {
    const deferred = new PendingDelivery()
    const topic = record?.topic
    if (typeof topic !== 'string' || topic === '') {
      this.#fail(deferred, new ConfigError('record.topic', `expected a topic name, got ${JSON.stringify(topic)}`))
      return deferred
    }
    const partition = record.partition ?? NO_PARTITION
    if (!Number.isInteger(partition) || partition < NO_PARTITION) {
      this.#fail(deferred, new ConfigError('record.partition', `expected a partition number >= 0, got ${String(record.partition)}`, { topic }))
      return deferred
    }
    const timestamp = record.timestamp
    if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isFinite(timestamp))) {
      this.#fail(deferred, new ConfigError('record.timestamp', `expected ms since the epoch, got ${String(timestamp)}`, { topic }))
      return deferred
    }
    let key: Buffer | null | Promise<Buffer>
    let value: Buffer | null | Promise<Buffer>
    let headers: Array<Record<string, string>> | undefined
    try {
      headers = record.headers === undefined ? undefined : encodeHeaders(record.headers, topic)
      const serdes = this.#serdesFor(topic)
      key = encode(record.key, serdes.key, topic, 'key', record.headers)
      value = encode(record.value, serdes.value, topic, 'value', record.headers)
    } catch (error) {
      this.#fail(deferred, serializationError(error, topic))
      return deferred
    }
    if (this.#waiting.length === 0 && !(key instanceof Promise) && !(value instanceof Promise)) {
      // Fast path: nothing ahead of this record, so it can go straight to librdkafka.
      const code = this.#produce(deferred, topic, partition, value, key, timestamp, headers, true)
      if (code !== QUEUE_FULL) return deferred
    }
    const waiting: WaitingRecord = {
      deferred, topic, partition, timestamp, headers,
      key: null, value: null, state: 'pending', deadline: Date.now() + this.#options.maxBlockMs,
    }
    this.#waiting.push(waiting)
    this.#startExpiryTimer()
    if (!(key instanceof Promise) && !(value instanceof Promise)) {
      waiting.key = key
      waiting.value = value
      waiting.state = 'ready'
      return deferred
    }
    Promise.all([key, value]).then(
      ([encodedKey, encodedValue]) => {
        if (waiting.state !== 'pending') return
        waiting.key = encodedKey
        waiting.value = encodedValue
        waiting.state = 'ready'
        this.#drain()
      },
      (error: unknown) => {
        if (waiting.state !== 'pending') return
        waiting.state = 'settled'
        this.#fail(deferred, serializationError(error, topic))
        this.#drain()
      },
    )
    return deferred
  }

  /** Hands one record to librdkafka; returns QUEUE_FULL (record not taken) or 0/another code (record settled or in flight). */
  #produce(
    deferred: PendingDelivery, topic: string, partition: number, value: Buffer | null, key: Buffer | null,
    timestamp: number | undefined, headers: Array<Record<string, string>> | undefined, pollWhenFull: boolean,
  ): number {
    const id = this.#nextId
    let code = this.#native.produce(topic, partition, value, key, timestamp, id, headers)
    if (code === QUEUE_FULL && pollWhenFull) {
      // Serving delivery reports frees queue slots for messages the broker already acknowledged. Only worth it
      // on the first full queue: the drain runs right after reports were served.
      this.#native.poll()
      code = this.#native.produce(topic, partition, value, key, timestamp, id, headers)
    }
    if (code === 0) {
      this.#inFlight.set(id, deferred)
      this.#nextId = (id + 1) & 0x3fffffff
    }
    else if (code !== QUEUE_FULL) this.#fail(deferred, fromRdkafkaError(code, { operation: 'send', topic, ...(partition === NO_PARTITION ? {} : { partition }) }))
    return code
  }

  #drain = (): void => {
    this.#drainScheduled = false
    let head: WaitingRecord | undefined
    while ((head = this.#waiting.peek()) !== undefined) {
      if (head.state === 'pending') return
      if (head.state === 'ready') {
        const code = this.#produce(head.deferred, head.topic, head.partition, head.value, head.key, head.timestamp, head.headers, false)
        if (code === QUEUE_FULL) return
        head.state = 'settled'
      }
      this.#waiting.shift()
    }
    this.#wakeIdleWaiters()
  }

  #wakeCapacityWaiters(force = false): void {
    if (!force && (this.#waiting.length > 0 || this.#inFlight.size > this.#queueLimit / 2)) return
    const waiters = this.#capacityWaiters
    this.#capacityWaiters = []
    for (const wake of waiters) wake()
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }

  #onDelivery = (error: Error | null, report: RawDeliveryReport): void => {
    const id = report.opaque as number
    const deferred = this.#inFlight.get(id)
    if (deferred === undefined) return
    if (error) {
      const failure = fromRdkafkaError(error, { operation: 'send', topic: report.topic, partition: report.partition })
      if (PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') && !this.#fatal && !this.#options.transactional) {
        // Only a fatal error purges a non-transactional producer's queue, and node-rdkafka may hand over the purged
        // reports before the error event that says why: hold them (still in flight) until the cause arrives.
        this.#purgedAwaitingCause.push({ id, failure, topic: report.topic })
        this.#purgeTimer ??= setTimeout(() => this.#settlePurged(), FATAL_CAUSE_WAIT_MS)
        return
      }
      this.#settleFailure(id, failure, report.topic)
    } else {
      this.#inFlight.delete(id)
      // The report object is built only if someone looks at it (an awaited send, a diagnostics subscriber).
      deferred.delivered(report)
      if (channels.producerDelivery.hasSubscribers) channels.producerDelivery.publish(toDeliveryReport(report))
    }
    this.#afterSettle()
  }

  /** Fails an in-flight record; a record purged by a fatal error fails with the fatal error itself. */
  #settleFailure(id: number, failure: KafkaError, topic: string): void {
    const deferred = this.#inFlight.get(id)
    if (deferred === undefined) return
    this.#inFlight.delete(id)
    // "Purged in queue" says nothing: the record's real failure is the fatal error (e.g. no permission to produce).
    const cause = this.#fatal && PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') ? this.#fatal : failure
    this.#fail(deferred, cause)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: cause, topic })
  }

  /** Settles the purged records held for their cause (which is now known, or did not come in time). */
  #settlePurged(): void {
    clearTimeout(this.#purgeTimer)
    this.#purgeTimer = undefined
    const held = this.#purgedAwaitingCause
    if (held.length === 0) return
    this.#purgedAwaitingCause = []
    for (const { id, failure, topic } of held) this.#settleFailure(id, failure, topic)
    this.#afterSettle()
  }

  #afterSettle(): void {
    if (this.#capacityWaiters.length > 0) this.#wakeCapacityWaiters()
    if (this.#inFlight.size === 0 && this.#settledWaiters.length > 0) {
      const waiters = this.#settledWaiters
      this.#settledWaiters = []
      for (const wake of waiters) wake()
    }
    if (this.#waiting.length > 0 && !this.#drainScheduled) {
      this.#drainScheduled = true
      setImmediate(this.#drain)
    }
  }

  #startExpiryTimer(): void {
    if (this.#expiryTimer !== undefined) return
    this.#expiryTimer = setInterval(() => {
      const now = Date.now()
      for (const record of this.#waiting) {
        if (record.deadline > now) break
        if (record.state === 'settled') continue
        record.state = 'settled'
        this.#fail(record.deferred, new TimeoutError(
          `send to ${record.topic} waited ${this.#options.maxBlockMs} ms (maxBlockMs) for room in the local queue; the brokers are too slow or unreachable`,
          { topic: record.topic },
        ))
      }
      this.#drain()
      if (this.#waiting.length === 0) {
        clearInterval(this.#expiryTimer)
        this.#expiryTimer = undefined
      }
    }, Math.min(100, Math.max(1, this.#options.maxBlockMs)))
    this.#expiryTimer.unref()
  }

  #onClientError(error: unknown): void {
    const mapped = fromRdkafkaError(error as never, { operation: 'Producer' })
    if (mapped.fatal) this.#failFatally(mapped)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: mapped })
    if (this.listenerCount('error') > 0) this.emit('error', mapped)
  }

  #failFatally(error: KafkaError): void {
    this.#fatal ??= error
    if (this.#purgedAwaitingCause.length > 0) this.#settlePurged()
  }

  #onStats(json: string): void {
    const stats = JSON.parse(json) as RdkafkaStats
    if (channels.producerStats.hasSubscribers) channels.producerStats.publish(stats)
    this.emit('stats', stats)
  }
}

/** Delivery failures that only say the record was dropped because the producer failed fatally. */
const PURGED_BY_FATAL = new Set(['_PURGE_QUEUE', '_PURGE_INFLIGHT', '_FATAL'])
/** How long purged records wait for the fatal error event that explains them, ms. */
const FATAL_CAUSE_WAIT_MS = 1_000

function encode(
  data: unknown, serde: Serde<unknown> | undefined, topic: string, field: 'key' | 'value', headers: Headers | undefined,
): Buffer | null | Promise<Buffer> {
  if (data === null || data === undefined) return null
  if (serde === undefined) {
    if (Buffer.isBuffer(data)) return data
    if (typeof data === 'string') return Buffer.from(data, 'utf8')
    throw new TypeError(`${field} of a topic without a ${field} serde must be a Buffer or a string, got ${typeof data}; configure a serde (e.g. serdes.json()) for topic ${topic}`)
  }
  const context: SerdeContext = { topic, field, headers }
  const out = serde.serialize(data, context)
  if (out instanceof Promise) {
    return out.then((bytes) => checkBytes(bytes, field))
  }
  return checkBytes(out, field)
}

function checkBytes(bytes: unknown, field: string): Buffer {
  if (!Buffer.isBuffer(bytes)) throw new TypeError(`the ${field} serde returned ${typeof bytes}, not a Buffer`)
  return bytes
}

function serializationError(error: unknown, topic: string): KafkaError {
  if (error instanceof KafkaError) return error
  const field = error instanceof HeaderError ? 'headers' : undefined
  return new SerializationError(`Cannot serialize record for topic ${topic}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error, topic, ...(field ? { field } : {}),
  })
}

class HeaderError extends TypeError {}

function encodeHeaders(headers: Headers, topic: string): Array<Record<string, string>> {
  if (typeof headers !== 'object' || headers === null) throw new HeaderError(`headers must be an object, got ${typeof headers}`)
  const out: Array<Record<string, string>> = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (typeof value === 'string') out.push({ [name]: value })
    else if (Buffer.isBuffer(value)) {
      // node-rdkafka passes header values to librdkafka as UTF-8 text: refuse what would be corrupted.
      if (!isUtf8(value)) throw new HeaderError(`header ${name} is not valid UTF-8; base64-encode binary header values (topic ${topic})`)
      out.push({ [name]: value.toString('utf8') })
    } else throw new HeaderError(`header ${name} must be a string or Buffer, got ${typeof value}`)
  }
  return out
}
