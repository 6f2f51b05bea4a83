import { EventEmitter } from 'node:events'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { Lifecycle, type ClientState } from '../internal/lifecycle.js'
import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  KafkaAggregateError,
  KafkaError,
  SerializationError,
  StateError,
  TimeoutError,
} from '../errors/kafka-error.js'
import { RESP_ERR } from '../errors/codes.generated.js'
import { authenticationFailed, authFailureReported, configErrorFrom, fromRdkafkaError, hopelessConnect } from '../errors/map.js'
import { ConnectGuard } from '../internal/connect-guard.js'
import { LogRouter } from '../internal/log.js'
import { UnheardErrors } from '../internal/unheard.js'
import { OAuthRefresher } from '../internal/oauth.js'
import { tokenProviderOf } from '../config/index.js'
import { NativeProducerClient, PERSISTENCE, type DeliveryBatch, type RawClientEvent, type RawHeader } from '../native/producer.js'
import type { Serde, SerdeContext, TopicSerdeMap } from '../serde/types.js'
import { InFlightSends } from './in-flight.js'
import { PendingDelivery } from './pending-delivery.js'
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js'
import { SendQueue, type WaitingRecord } from './send-queue.js'
import { TRANSACTION_STUCK } from './stuck-call.js'
import { TransactionRunner, type Transaction } from './transaction.js'
import { ProducerTracing, withExtraHeaders } from './tracing.js'
import { tracingChannels } from '../tracing/channels.js'
import type { AnyRecord, DeliveryReport, Headers, ProducerEvents, ProducerRecord, RawData, RdkafkaStats, RecordFor } from './types.js'

const NO_PARTITION = -1
/** Records per native produce call. */
const BATCH_SIZE = 1024

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
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the empty TopicSerdeMap (no topic has its own serdes), not "any object"
export class Producer<K = RawData, V = RawData, T extends TopicSerdeMap = {}> extends EventEmitter<ProducerEvents> {
  readonly #options: ResolvedProducerOptions
  readonly #lifecycle = new Lifecycle('Producer')
  readonly #native: NativeProducerClient
  readonly #waiting = new SendQueue()
  /** Every send handed to librdkafka and not yet reported, by the sequence id librdkafka reports it with. */
  readonly #inFlight: InFlightSends<PendingDelivery>
  #nextSeq = 0
  readonly #transactions: TransactionRunner
  readonly #log: LogRouter
  #oauth: OAuthRefresher | undefined
  /** librdkafka's queue refused a record: nothing more is produced until a delivery report frees room. */
  #full = false
  /** A sendBatch() handed records over: once they are in librdkafka's queue, they leave without waiting linger.ms. */
  #sendNowWanted = false
  /** sendBatch() calls not settled yet: send-now rounds follow each other until none is left. */
  #batchesUnsettled = 0
  #sendNowRunning = false
  #drainScheduled = false
  /** The records of the batch being handed over (reused). */
  readonly #batchRecords: WaitingRecord[] = []
  #expiryTimer: NodeJS.Timeout | undefined
  #idleWaiters: Array<() => void> = []
  /** Woken by waitForCapacity() once the queue has drained to half of its size. */
  #capacityWaiters: Array<() => void> = []
  readonly #queueLimit: number
  /** Woken when the last in-flight record is reported. */
  #settledWaiters: Array<() => void> = []
  /** Records purged before the fatal error that purged them was reported. */
  #purgedAwaitingCause: Array<{ seq: number; failure: KafkaError }> = []
  #purgeTimer: NodeJS.Timeout | undefined
  #fatal: KafkaError | undefined
  /** Failed sends, kept until the next flush() reports those whose promise nobody observed. */
  #failed: PendingDelivery[] = []
  #failedDropped = 0
  /** The last authentication failure librdkafka reported, for connect() to name as its reason. */
  #authFailure: AuthenticationError | undefined
  readonly #guard = new ConnectGuard()
  #connecting: Promise<void> | undefined
  readonly #unheard = new UnheardErrors('kafkit Producer')
  readonly #tracing: ProducerTracing

  /**
   * Validates the options (throwing {@link ConfigError} on any unknown or ill-typed one) and creates the
   * native client. Nothing connects until {@link Producer.connect}.
   */
  constructor(options: ProducerOptions<K, V, T>) {
    super()
    this.#options = resolveProducerOptions(options)
    this.#queueLimit = Number(this.#options.rdkafkaConfig['queue.buffering.max.messages'])
    this.#inFlight = new InFlightSends(this.#queueLimit)
    const logName = this.#options.rdkafkaConfig['client.id']
    this.#log = new LogRouter(this.#options.logger, `producer ${typeof logName === 'string' ? logName : ''}`.trim())
    const tokenProvider = tokenProviderOf(options)
    try {
      this.#native = new NativeProducerClient(this.#options.rdkafkaConfig, {
        deliveries: (batch) => this.#onDeliveries(batch),
        event: (event) => this.#onEvent(event),
      }, { oauthbearer: tokenProvider !== undefined })
    } catch (error) {
      // librdkafka validates property values at creation (e.g. acks: 'most'); the addon names each refused one.
      throw configErrorFrom(error)
    }
    const clientId = this.#options.rdkafkaConfig['client.id']
    const transactionalId = this.#options.rdkafkaConfig['transactional.id']
    this.#tracing = new ProducerTracing(
      typeof clientId === 'string' ? clientId : undefined, typeof transactionalId === 'string' ? transactionalId : undefined,
    )
    if (tokenProvider) this.#oauth = new OAuthRefresher(tokenProvider, (token) => this.#native.setOAuthToken(token))
    this.#transactions = new TransactionRunner(this.#native, this.#options, {
      fail: (error) => this.#failFatally(error),
      fatalError: () => this.#fatal,
      handedOver: (timeoutMs) => this.#handedOver(timeoutMs, 'Producer.transaction() commit'),
      discardWaiting: (operation) => this.#discardWaiting(operation),
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
    return !this.#full && this.#inFlight.size + this.#waiting.length < this.#queueLimit
  }

  /** Number of records waiting in kafkit's queue: for room in librdkafka's, or for the next batch handed over. */
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
    if (this.#waiting.length > 0) this.#drain()
    if (this.hasCapacity) return Promise.resolve()
    return new Promise((resolve) => this.#capacityWaiters.push(resolve))
  }

  /** Connects to the brokers (and initializes transactions when `transactionalId` is set). */
  async connect(): Promise<void> {
    this.#lifecycle.assertIdle('connect')
    this.#lifecycle.set('connecting')
    this.#connecting = this.#connect()
    return this.#connecting
  }

  async #connect(): Promise<void> {
    this.#authFailure = undefined
    try {
      await this.#guard.run(this.#native.connect(this.#options.connectTimeoutMs))
      if (this.#options.transactional) await this.#guard.run(this.#transactions.init())
      this.#lifecycle.set('connected')
    } catch (error) {
      const failure = error instanceof KafkaError ? error : fromRdkafkaError(error, { operation: 'Producer.connect' })
      // librdkafka reports refused credentials as a client error and the connect itself only as a transport failure
      // or a timeout; the client error may arrive just after a fast failure.
      if (failure instanceof ConnectionError) await authFailureReported(() => this.#authFailure !== undefined)
      this.#lifecycle.set('closed')
      // Destroyed in the background: the handle's worker runs jobs in order, so the destroy waits for a metadata
      // request still running, which a hopeless error made pointless.
      void this.#native.destroy().catch(() => undefined)
      if (this.#authFailure) throw authenticationFailed('Producer', this.#authFailure)
      throw hopelessConnect('Producer', failure)
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
    return this.#send(record)
  }

  /** One record into the queue, traced while someone subscribes to `kafkit:producer:send`. */
  #send(record: AnyRecord<K, V, T>): PendingDelivery {
    if (!tracingChannels.producerSend.hasSubscribers) return this.#enqueue(record)
    return this.#tracing.send(record, this.#enqueueTraced)
  }

  #enqueueTraced = (record: ProducerRecord<unknown, unknown>, extra: readonly RawHeader[] | undefined): PendingDelivery =>
    this.#enqueue(record as AnyRecord<K, V, T>, extra)

  /**
   * Sends several records (any topics) in order and resolves with their reports in the same order. If some fail,
   * rejects with a {@link KafkaAggregateError} whose `failures` name each failed record's index; the others were
   * delivered.
   *
   * The batch does not wait `lingerMs`: once its records are in librdkafka's queue, librdkafka is made to send what
   * it holds at once (records of `send()` queued meanwhile go along).
   */
  async sendBatch(records: ReadonlyArray<AnyRecord<K, V, T>>): Promise<DeliveryReport[]> {
    if (!Array.isArray(records)) throw new ConfigError('records', 'sendBatch() takes an array of records')
    if (this.#lifecycle.state !== 'connected' || this.#fatal) throw this.#refusal('sendBatch')
    if (this.#options.transactional && !this.#transactions.open) {
      throw new StateError('Producer.sendBatch() on a transactional producer must run inside producer.transaction()')
    }
    if (!tracingChannels.producerSend.hasSubscribers) return this.#sendBatch(records, undefined)
    return this.#tracing.sendBatch(records as ReadonlyArray<ProducerRecord<unknown, unknown>>, (extra) => this.#sendBatch(records, extra))
  }

  async #sendBatch(records: ReadonlyArray<AnyRecord<K, V, T>>, extra: readonly RawHeader[] | undefined): Promise<DeliveryReport[]> {
    // The caller waits for the whole batch, which is already as large as it will get: lingering only delays it.
    this.#sendNowWanted = true
    const deliveries = records.map((record) => this.#enqueue(record, extra))
    this.#batchesUnsettled++
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
    }).finally(() => this.#batchesUnsettled--)
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

  /** Fails every record not handed to librdkafka yet, as librdkafka fails the records it purges. */
  #discardWaiting(operation: string): void {
    for (const record of this.#waiting) {
      if (record.state === 'settled') continue
      record.state = 'settled'
      this.#fail(record.deferred, fromRdkafkaError(RESP_ERR._PURGE_QUEUE, {
        operation, topic: record.topic, ...(record.partition === NO_PARTITION ? {} : { partition: record.partition }),
      }))
    }
    while (this.#waiting.length > 0) this.#waiting.shift()
    this.#wakeIdleWaiters()
    this.#wakeCapacityWaiters()
    if (this.#inFlight.size === 0) this.#native.setActive(false)
  }

  async #deliverAll(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    await this.#handedOver(timeoutMs, 'Producer.flush()')
    try {
      await this.#native.flush(Math.max(0, deadline - Date.now()))
    } catch (error) {
      throw fromRdkafkaError(error, { operation: `Producer.flush() (${this.#inFlight.size} records unacknowledged)` })
    }
    // librdkafka's flush returns once its reports are stored; hand them over now rather than at the next wake-up.
    this.#native.drain()
    while (this.#inFlight.size > 0) {
      const left = deadline - Date.now()
      if (left <= 0) throw new TimeoutError(`Producer.flush() timed out after ${timeoutMs} ms with ${this.#inFlight.size} records unacknowledged`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50))
        this.#settledWaiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
      this.#native.drain()
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
    const run = (): Promise<R> => this.#transactions.run(fn, (record) => this.#send(record as AnyRecord<K, V, T>))
    return tracingChannels.producerTransaction.hasSubscribers ? this.#tracing.transaction(run) : run()
  }

  /**
   * Delivers what is queued (up to `disconnectTimeoutMs`), then disconnects. Records that could not be delivered
   * in time are rejected with a {@link TimeoutError}; nothing whose `send()` resolved is lost. Like `flush()`, it
   * rejects (after closing) with a {@link KafkaAggregateError} if sends nobody awaited failed. Called while
   * `connect()` is still running, it waits for it to settle and then closes what it connected.
   */
  async disconnect(): Promise<void> {
    if (this.#lifecycle.state === 'closed' || this.#lifecycle.state === 'closing') return
    if (this.#lifecycle.state === 'connecting') {
      // Let connect() settle first, so that it cannot mark a closed producer connected (and leave it running).
      await this.#connecting?.catch(() => undefined)
      return this.disconnect()
    }
    if (this.#lifecycle.state !== 'connected') {
      this.#lifecycle.set('closed')
      return
    }
    this.#lifecycle.set('closing')
    // A transactional call stuck in librdkafka holds the client's worker: a flush or destroy would queue behind it.
    const stuck = this.#fatal?.code === TRANSACTION_STUCK
    let flushError: unknown = stuck ? this.#fatal : undefined
    try {
      if (!stuck) await this.#deliverAll(this.#options.disconnectTimeoutMs)
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
    // Whatever librdkafka still holds could not be delivered in time: those sends fail with the TimeoutError, and the
    // purge drops the records (their reports then find nothing left to settle) so that destroy does not wait for them.
    this.#settlePurged()
    const undeliveredCount = this.#inFlight.size
    for (const deferred of this.#inFlight.values()) this.#fail(deferred, undelivered)
    this.#inFlight.clear()
    if (undeliveredCount > 0) this.#native.purge(true)
    const destroyed = this.#native.destroy()
    // Destroyed once the stuck call returns; until then the client's thread waits in librdkafka.
    if (stuck) destroyed.catch(() => undefined)
    else await destroyed
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

  /** Validates and serializes a record into the wait line; `extra` headers (from tracing subscribers) are added. */
  #enqueue(record: AnyRecord<K, V, T>, extra?: readonly RawHeader[]): PendingDelivery {
    const topic = record?.topic
    const deferred = new PendingDelivery(typeof topic === 'string' ? topic : '')
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
    let headers: RawHeader[] | undefined
    try {
      headers = record.headers === undefined ? undefined : encodeHeaders(record.headers)
      if (extra !== undefined) headers = withExtraHeaders(headers, extra)
      const serdes = this.#serdesFor(topic)
      key = encode(record.key, serdes.key, topic, 'key', record.headers)
      value = encode(record.value, serdes.value, topic, 'value', record.headers)
    } catch (error) {
      this.#fail(deferred, serializationError(error, topic))
      return deferred
    }
    const waiting: WaitingRecord = {
      deferred, topic, partition, timestamp, headers,
      key: null, value: null, state: 'pending', deadline: Date.now() + this.#options.maxBlockMs,
    }
    this.#waiting.push(waiting)
    this.#native.setActive(true)
    if (!(key instanceof Promise) && !(value instanceof Promise)) {
      waiting.key = key
      waiting.value = value
      waiting.state = 'ready'
      // Records cross into librdkafka in batches: now when a batch is full, else once the caller's code yields. With
      // librdkafka's queue full, only a delivery report makes room: retrying per send would repack a batch each time.
      if (this.#waiting.length >= BATCH_SIZE && !this.#full) this.#drain()
      else this.#scheduleDrain()
      return deferred
    }
    this.#startExpiryTimer()
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

  #scheduleDrain(): void {
    if (this.#drainScheduled) return
    this.#drainScheduled = true
    queueMicrotask(this.#drain)
  }

  /** Hands the ready records at the head of the wait line to librdkafka, a batch per native call, in order. */
  #drain = (): void => {
    this.#drainScheduled = false
    if (this.#lifecycle.state === 'closed') return
    const native = this.#native
    const batch = native.batch
    const records = this.#batchRecords
    let retried = false
    for (;;) {
      let head: WaitingRecord | undefined
      while ((head = this.#waiting.peek()) !== undefined && head.state === 'settled') this.#waiting.shift()
      records.length = 0
      for (const record of this.#waiting) {
        if (record.state !== 'ready' || records.length === BATCH_SIZE) break
        batch.add(native.topicIndex(record.topic), record.partition, record.key, record.value, record.timestamp, record.headers)
        records.push(record)
      }
      if (records.length === 0) break
      const firstSeq = this.#nextSeq
      const { taken, failures } = native.produce(firstSeq)
      for (let index = 0; index < taken; index++) {
        const record = this.#waiting.shift()!
        record.state = 'settled'
        this.#inFlight.set((firstSeq + index) >>> 0, record.deferred)
      }
      this.#nextSeq = (firstSeq + taken) >>> 0
      for (let pair = 0; pair < failures[0]!; pair++) {
        const index = failures[1 + 2 * pair]!
        const code = failures[2 + 2 * pair]!
        const record = records[index]!
        this.#inFlight.take((firstSeq + index) >>> 0)
        this.#fail(record.deferred, fromRdkafkaError(code, {
          operation: 'send', topic: record.topic, ...(record.partition === NO_PARTITION ? {} : { partition: record.partition }),
        }))
      }
      this.#full = taken < records.length
      if (this.#full) {
        // Serving the reports librdkafka already has frees room; worth one retry, after that a report wakes the drain.
        if (retried) break
        retried = true
        native.drain()
      }
    }
    records.length = 0
    if (this.#sendNowWanted && this.#waiting.length === 0) {
      this.#sendNowWanted = false
      this.#sendNow()
    }
    if (this.#waiting.length > 0) this.#startExpiryTimer()
    else this.#wakeIdleWaiters()
    if (this.#capacityWaiters.length > 0) this.#wakeCapacityWaiters()
    if (this.#waiting.length === 0 && this.#inFlight.size === 0) native.setActive(false)
  }

  /** Send-now rounds, one at a time, for as long as a sendBatch() waits (its records may outlast one round). */
  #sendNow(): void {
    if (this.#sendNowRunning || this.#lifecycle.state !== 'connected') return
    const round = this.#native.sendNow()
    if (round === null) return
    this.#sendNowRunning = true
    const next = (): void => {
      this.#sendNowRunning = false
      if (this.#batchesUnsettled > 0) this.#sendNow()
    }
    round.then(next, next)
  }

  #wakeCapacityWaiters(force = false): void {
    if (!force && (this.#full || this.#inFlight.size + this.#waiting.length > this.#queueLimit / 2)) return
    const waiters = this.#capacityWaiters
    this.#capacityWaiters = []
    for (const wake of waiters) wake()
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }

  #onDeliveries(batch: DeliveryBatch): void {
    const { seq, partition, offset, timestamp, error, status } = batch
    const publish = channels.producerDelivery.hasSubscribers
    for (let index = 0; index < batch.count; index++) {
      const code = error[index]!
      if (code === RESP_ERR.NO_ERROR) {
        const deferred = this.#inFlight.take(seq[index]!)
        if (deferred === undefined) continue
        deferred.deliveredAt(partition[index]!, offset[index]!, timestamp[index]!)
        if (publish) channels.producerDelivery.publish(deferred.report!)
        continue
      }
      const deferred = this.#inFlight.get(seq[index]!)
      if (deferred === undefined) continue
      const failure = fromRdkafkaError(code, {
        operation: 'send', topic: deferred.topic, ...(partition[index]! >= 0 ? { partition: partition[index]! } : {}),
      })
      if (status[index] === PERSISTENCE.possiblyPersisted) failure.possiblyPersisted = true
      if (PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') && !this.#fatal && !this.#options.transactional) {
        // librdkafka records the fatal error before it purges: ask for it rather than wait for its event.
        const fatal = this.#native.fatalError()
        if (fatal) this.#failFatally(fromRdkafkaError(fatal, { operation: 'Producer' }))
      }
      if (PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') && !this.#fatal && !this.#options.transactional) {
        // Only a fatal error purges a non-transactional producer's queue, and its event may come just after the
        // purged reports: hold them (still in flight) until the cause arrives.
        this.#purgedAwaitingCause.push({ seq: seq[index]!, failure })
        // Unref'd: the held sends keep the client active anyway; the wait itself must not keep a process alive.
        this.#purgeTimer ??= setTimeout(() => this.#settlePurged(), FATAL_CAUSE_WAIT_MS).unref()
        continue
      }
      this.#settleFailure(seq[index]!, failure)
    }
    this.#afterSettle()
  }

  /** Fails an in-flight record; a record purged by a fatal error fails with the fatal error itself. */
  #settleFailure(seq: number, failure: KafkaError): void {
    const deferred = this.#inFlight.take(seq)
    if (deferred === undefined) return
    // "Purged in queue" says nothing: the record's real failure is the fatal error (e.g. no permission to produce).
    const cause = this.#fatal && PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') ? this.#fatal : failure
    this.#fail(deferred, cause)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: cause, topic: deferred.topic })
  }

  /** Settles the purged records held for their cause (which is now known, or did not come in time). */
  #settlePurged(): void {
    clearTimeout(this.#purgeTimer)
    this.#purgeTimer = undefined
    const held = this.#purgedAwaitingCause
    if (held.length === 0) return
    this.#purgedAwaitingCause = []
    for (const { seq, failure } of held) this.#settleFailure(seq, failure)
    this.#afterSettle()
  }

  #afterSettle(): void {
    if (this.#capacityWaiters.length > 0) this.#wakeCapacityWaiters()
    if (this.#inFlight.size === 0 && this.#settledWaiters.length > 0) {
      const waiters = this.#settledWaiters
      this.#settledWaiters = []
      for (const wake of waiters) wake()
    }
    if (this.#waiting.length > 0) this.#scheduleDrain()
    else if (this.#inFlight.size === 0) this.#native.setActive(false)
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

  #onEvent(event: RawClientEvent): void {
    if (event.kind === 'error') this.#onClientError(event)
    else if (event.kind === 'log') this.#log.log(event.level, event.facility, event.message)
    else if (event.kind === 'stats') this.#onStats(event.json)
    else this.#oauth?.refresh(event.config)
  }

  #onClientError(error: unknown): void {
    const mapped = fromRdkafkaError(error, { operation: 'Producer' })
    if (mapped instanceof AuthenticationError) this.#authFailure = mapped
    this.#guard.report(mapped)
    if (mapped.fatal) this.#failFatally(mapped)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: mapped })
    if (this.listenerCount('error') > 0) this.emit('error', mapped)
    else this.#unheard.warn(mapped)
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
/**
 * How long purged records wait for the fatal error event that explains them, ms. It normally comes within
 * milliseconds and then settles them at once; the bound only matters on a starved machine.
 */
const FATAL_CAUSE_WAIT_MS = 5_000

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

/** A record's headers as name/bytes pairs: string values as UTF-8, Buffers as they are, arrays as repeated names. */
function encodeHeaders(headers: Headers): RawHeader[] {
  if (typeof headers !== 'object' || headers === null) throw new HeaderError(`headers must be an object, got ${typeof headers}`)
  const out: RawHeader[] = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (Array.isArray(value)) for (const item of value) out.push([name, headerBytes(name, item)])
    else out.push([name, headerBytes(name, value)])
  }
  return out
}

function headerBytes(name: string, value: unknown): Buffer | null {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (Buffer.isBuffer(value)) return value
  if (value === null) return null
  throw new HeaderError(`header ${name} must be a string, a Buffer, null or an array of them, got ${typeof value}`)
}
