import { EventEmitter } from 'node:events'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { Lifecycle, type ClientState } from '../internal/lifecycle.js'
import { ConfigError, KafkaAggregateError, type KafkaError, StateError } from '../errors/kafka-error.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { TimeoutError } from '../errors/kafka-error.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { SerializationError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { ClientLink } from '../internal/client-link.js'
import { NativeProducerClient, type RawHeader } from '../native/producer.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { DeliveryTracker } from './delivery-tracker.js'
import { deliverAll, type DrainParts, drainAndDestroy } from './drain.js'
import { encodeRecord, topicOf, type TopicSerdes } from './encode-record.js'
import { FailedSends } from './failed-sends.js'
import { PendingDelivery } from './pending-delivery.js'
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js'
import { SendPipeline } from './send-pipeline.js'
import { TRANSACTION_STUCK } from './stuck-call.js'
import { TransactionRunner, type Transaction } from './transaction.js'
import { ProducerTracing } from './tracing.js'
import { tracingChannels } from '../tracing/channels.js'
import type { AnyRecord, DeliveryReport, ProducerEvents, ProducerRecord, RawData, RecordFor } from './types.js'

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
  /** kafkit's wait line and its hand-over to librdkafka. */
  readonly #pipeline: SendPipeline
  /** Every send handed to librdkafka and not yet reported. */
  readonly #deliveries: DeliveryTracker
  readonly #transactions: TransactionRunner
  /** Connect, client events and error reporting, as every client does them. */
  readonly #link: ClientLink<'Producer'>
  #fatal: KafkaError | undefined
  /** Failed sends, kept until the next flush() reports those whose promise nobody observed. */
  readonly #failed = new FailedSends()
  readonly #tracing: ProducerTracing

  /**
   * Validates the options (throwing {@link ConfigError} on any unknown or ill-typed one) and creates the
   * native client. Nothing connects until {@link Producer.connect}.
   */
  constructor(options: ProducerOptions<K, V, T>) {
    super()
    this.#options = resolveProducerOptions(options)
    this.#topicSerdes = new Map(
      Object.entries(this.#options.topics).map(([topic, serdes]) => [topic, { key: serdes.key, value: serdes.value }]),
    )
    this.#defaultSerdes = { key: this.#options.key, value: this.#options.value }
    const queueLimit = Number(this.#options.rdkafkaConfig['queue.buffering.max.messages'])
    const clientId = this.#options.rdkafkaConfig['client.id']
    this.#link = new ClientLink('Producer', this, options, this.#options.logger, clientId)
    this.#native = this.#link.createNative(
      (error) => this.#onClientError(error),
      (event, native) =>
        new NativeProducerClient(
          this.#options.rdkafkaConfig,
          { deliveries: (batch) => this.#deliveries.onDeliveries(batch), event },
          native,
        ),
    )
    const rejectSend = (delivery: PendingDelivery, error: unknown): void => this.#failed.reject(delivery, error)
    this.#deliveries = new DeliveryTracker(queueLimit, {
      transactional: this.#options.transactional,
      fatal: () => this.#fatal,
      nativeFatalError: () => this.#native.fatalError(),
      failFatally: (error) => this.#failFatally(error),
      rejectSend,
      afterSettle: () => this.#afterSettle(),
    })
    this.#pipeline = new SendPipeline({
      native: this.#native,
      deliveries: this.#deliveries,
      maxBlockMs: this.#options.maxBlockMs,
      queueLimit,
      closed: () => this.#lifecycle.state === 'closed',
      connected: () => this.#lifecycle.state === 'connected',
      rejectSend,
      fatalRefusal: () => {
        if (this.#fatal === undefined) {
          // librdkafka records the fatal error before it refuses records for it; its event may still be on the way.
          const native = this.#native.fatalError()
          if (native) this.#failFatally(fromRdkafkaError(native, { operation: 'Producer' }))
        }
        return this.#fatal === undefined ? undefined : this.#refusal('send')
      },
    })
    const transactionalId = this.#options.rdkafkaConfig['transactional.id']
    this.#tracing = new ProducerTracing(
      typeof clientId === 'string' ? clientId : undefined,
      typeof transactionalId === 'string' ? transactionalId : undefined,
    )
    this.#transactions = new TransactionRunner(this.#native, this.#options, {
      fail: (error) => this.#failFatally(error),
      fatalError: () => this.#fatal,
      handedOver: (timeoutMs) => this.#pipeline.handedOver(timeoutMs, 'Producer.transaction() commit'),
      discardWaiting: (operation) => this.#pipeline.discardWaiting(operation),
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
    return this.#pipeline.hasCapacity
  }

  /** Number of records waiting in kafkit's queue: for room in librdkafka's, or for the next batch handed over. */
  get waitingRecords(): number {
    return this.#pipeline.length
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
    return this.#pipeline.waitForCapacity()
  }

  /** Connects to the brokers (and initializes transactions when `transactionalId` is set). */
  async connect(): Promise<void> {
    return this.#lifecycle.connect('connect', () => this.#connect())
  }

  async #connect(): Promise<void> {
    await this.#link.connect(
      async (guard) => {
        await guard.run(this.#native.connect(this.#options.connectTimeoutMs))
        if (this.#options.transactional) await guard.run(this.#transactions.init())
      },
      () => {
        this.#lifecycle.set('closed')
        // Destroyed in the background: the handle's worker runs jobs in order, so the destroy waits for a metadata
        // request still running, which a hopeless error made pointless.
        void this.#native.destroy().catch(() => undefined)
      },
    )
    this.#lifecycle.set('connected')
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
      return Promise.reject(
        new StateError(
          'Producer.send() on a transactional producer must run inside producer.transaction(async (tx) => tx.send(...))',
        ),
      )
    }
    return this.#send(record)
  }

  /** One record into the queue, traced while someone subscribes to `kafkit:producer:send`. */
  #send(record: AnyRecord<K, V, T>): PendingDelivery {
    if (!tracingChannels.producerSend.hasSubscribers) return this.#enqueue(record)
    return this.#tracing.send(record, this.#enqueueTraced)
  }

  #enqueueTraced = (
    record: ProducerRecord<unknown, unknown>,
    extra: readonly RawHeader[] | undefined,
  ): PendingDelivery => this.#enqueue(record as AnyRecord<K, V, T>, extra)

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
    return this.#tracing.sendBatch(records as ReadonlyArray<ProducerRecord<unknown, unknown>>, (extra) =>
      this.#sendBatch(records, extra),
    )
  }

  async #sendBatch(
    records: ReadonlyArray<AnyRecord<K, V, T>>,
    extra: readonly RawHeader[] | undefined,
  ): Promise<DeliveryReport[]> {
    const deliveries = records.map((record) => this.#enqueue(record, extra))
    // The caller waits for the whole batch, which is already as large as it will get: lingering only delays it.
    this.#pipeline.sendNowOnceHandedOver()
    this.#pipeline.batchWaits()
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
    }).finally(() => this.#pipeline.batchSettled())
    const failures: Array<{ index: number; error: KafkaError }> = []
    const reports: DeliveryReport[] = []
    deliveries.forEach((delivery, index) => {
      if (delivery.failed) failures.push({ index, error: delivery.error as KafkaError })
      else reports.push(delivery.report!)
    })
    if (failures.length > 0) {
      throw new KafkaAggregateError(
        failures,
        `${failures.length} of ${records.length} records were not delivered; see .failures`,
      )
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
    await deliverAll(this.#drainParts(), options.timeoutMs ?? this.#options.disconnectTimeoutMs)
    this.#failed.throwUnobserved('Producer.flush()')
  }

  /**
   * Runs `fn` in a Kafka transaction: commits when it resolves, aborts and rethrows when it throws. Records sent
   * through `tx` become visible to `read_committed` consumers only on commit. Requires `transactionalId`.
   * Transactions on one producer run one at a time.
   */
  async transaction<R>(fn: (tx: Transaction<K, V, T>) => Promise<R>): Promise<R> {
    if (this.#lifecycle.state !== 'connected' || this.#fatal) throw this.#refusal('transaction')
    if (!this.#options.transactional) {
      throw new StateError(
        'Producer.transaction() needs a transactional producer: pass transactionalId to new Producer({...})',
      )
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
    if (!(await this.#lifecycle.beginClose())) return
    // A transactional call stuck in librdkafka holds the client's worker: a flush or destroy would queue behind it.
    const stuck = this.#fatal?.code === TRANSACTION_STUCK ? this.#fatal : undefined
    await drainAndDestroy(this.#drainParts(), this.#options.disconnectTimeoutMs, stuck)
    this.#lifecycle.set('closed')
    this.#failed.throwUnobserved('Producer.disconnect()')
  }

  #drainParts(): DrainParts {
    return { native: this.#native, pipeline: this.#pipeline, deliveries: this.#deliveries }
  }

  #refusal(method: string): KafkaError {
    if (this.#fatal) {
      return new StateError(
        `Producer.${method}() refused: the producer hit a fatal error (${this.#fatal.message}); create a new Producer`,
        { cause: this.#fatal, fatal: true },
      )
    }
    try {
      this.#lifecycle.assertConnected(method)
    } catch (error) {
      return error as KafkaError
    }
    return new StateError(`Producer.${method}() refused`)
  }

  /** The serdes of each topic named in `topics`, and of every other topic: built once, not per send. */
  readonly #topicSerdes: ReadonlyMap<string, TopicSerdes>
  readonly #defaultSerdes: TopicSerdes

  #serdesFor = (topic: string): TopicSerdes => this.#topicSerdes.get(topic) ?? this.#defaultSerdes

  /** Validates and serializes a record into the wait line; `extra` headers (from tracing subscribers) are added. */
  #enqueue(record: AnyRecord<K, V, T>, extra?: readonly RawHeader[]): PendingDelivery {
    const deferred = new PendingDelivery(topicOf(record))
    try {
      this.#pipeline.push(deferred, encodeRecord(record, this.#serdesFor, extra))
    } catch (error) {
      this.#failed.reject(deferred, error)
    }
    return deferred
  }

  /** Settled deliveries freed room: wake who waits for it, and hand over what waits. */
  #afterSettle(): void {
    this.#pipeline.wakeCapacityWaiters()
    this.#deliveries.wakeIfAllSettled()
    if (this.#pipeline.length > 0) this.#pipeline.scheduleDrain()
    else if (this.#deliveries.size === 0) this.#native.setActive(false)
  }

  #onClientError(error: unknown): void {
    const mapped = this.#link.clientError(error)
    if (mapped.fatal) this.#failFatally(mapped)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: mapped })
    this.#link.emitError(mapped)
  }

  #failFatally(error: KafkaError): void {
    this.#fatal ??= error
    this.#deliveries.settlePurged()
  }
}
