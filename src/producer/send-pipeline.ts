/**
 * The send pipeline: encoded records wait in kafkit's ordered queue (for an async serde, for room in librdkafka's
 * bounded queue, or for the next batch) and cross into librdkafka in batches, a native call per batch, strictly in
 * `send()` order. Records that wait longer than `maxBlockMs` fail with a {@link TimeoutError}.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { type KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import type { NativeProducerClient } from '../native/producer.js'
import type { DeliveryTracker } from './delivery-tracker.js'
import { NO_PARTITION, serializationError, type EncodedRecord } from './encode-record.js'
import type { PendingDelivery } from './pending-delivery.js'
import { SendQueue, type WaitingRecord } from './send-queue.js'

/** The most records one native produce call takes. */
export const BATCH_SIZE = 1024

/**
 * Records waiting in kafkit's queue that make `send()` hand them over at once instead of when the caller's code
 * yields. librdkafka's `linger.ms` clock starts at a partition's first record, so the first records of a burst should
 * not wait for its last one: when a thousand awaited sends resolve together and their callers send again, the new
 * records otherwise reach librdkafka only after the whole burst has run, and the batch leaves that much later. Small
 * enough to start the clock early, large enough that a native call's fixed cost stays a small share of its records'.
 */
export const HANDOVER_AT = 128

/** What the pipeline needs of its producer. */
export interface SendPipelineHost {
  /** The native client the batches go to. */
  readonly native: NativeProducerClient
  /** Where the sends librdkafka took are tracked until their delivery report. */
  readonly deliveries: DeliveryTracker
  /** How long a record may wait for room in librdkafka's queue, ms. */
  readonly maxBlockMs: number
  /** librdkafka's queue size (`queue.buffering.max.messages`). */
  readonly queueLimit: number
  /** Whether the producer is closed (nothing is handed over any more). */
  closed(): boolean
  /** Whether the producer is connected (send-now rounds run only then). */
  connected(): boolean
  /** Rejects one send (and keeps it for the report of unobserved failures). */
  rejectSend(delivery: PendingDelivery, error: unknown): void
  /**
   * What a record librdkafka refused with `_FATAL` fails with: the producer's refusal naming its fatal error (read
   * from the handle when its event has not arrived yet); `undefined` when no fatal error is known.
   */
  fatalRefusal(): KafkaError | undefined
}

/** The wait line of one producer and its hand-over to librdkafka. */
export class SendPipeline {
  readonly #host: SendPipelineHost
  readonly #waiting = new SendQueue()
  /** The sequence id the next record handed to librdkafka gets (librdkafka reports its delivery with it). */
  #nextSeq = 0
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

  /** @param host - the producer: its native client, delivery tracker, limits and rejection of sends */
  constructor(host: SendPipelineHost) {
    this.#host = host
  }

  /** Number of records waiting in kafkit's queue. */
  get length(): number {
    return this.#waiting.length
  }

  /** Whether a send now would go straight to librdkafka. */
  get hasCapacity(): boolean {
    return !this.#full && this.#host.deliveries.size + this.#waiting.length < this.#host.queueLimit
  }

  /** Resolves once no record waits for room and librdkafka's queue is at most half full. */
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve()
    if (this.#waiting.length > 0) this.drain()
    if (this.hasCapacity) return Promise.resolve()
    return new Promise((resolve) => this.#capacityWaiters.push(resolve))
  }

  /** Queues an encoded record for `deferred`; it is handed over once its key and value are bytes. */
  push(deferred: PendingDelivery, record: EncodedRecord): void {
    const { topic, partition, timestamp, headers, key, value } = record
    const waiting: WaitingRecord = {
      deferred,
      topic,
      partition,
      timestamp,
      headers,
      key: null,
      value: null,
      state: 'pending',
      deadline: Date.now() + this.#host.maxBlockMs,
    }
    this.#waiting.push(waiting)
    this.#host.native.setActive(true)
    if (!(key instanceof Promise) && !(value instanceof Promise)) {
      waiting.key = key
      waiting.value = value
      waiting.state = 'ready'
      // Records cross into librdkafka in batches: now once HANDOVER_AT wait, else when the caller's code yields. With
      // librdkafka's queue full, only a delivery report makes room: retrying per send would repack a batch each time.
      if (this.#waiting.length >= HANDOVER_AT && !this.#full) this.#handOver(false)
      else this.scheduleDrain()
      return
    }
    this.#startExpiryTimer()
    Promise.all([key, value]).then(
      ([encodedKey, encodedValue]) => {
        if (waiting.state !== 'pending') return
        waiting.key = encodedKey
        waiting.value = encodedValue
        waiting.state = 'ready'
        this.drain()
      },
      (error: unknown) => {
        if (waiting.state !== 'pending') return
        waiting.state = 'settled'
        this.#host.rejectSend(deferred, serializationError(error, topic))
        this.drain()
      },
    )
  }

  /**
   * Makes librdkafka send what it holds at once (not after linger.ms) as soon as no record waits in kafkit's queue
   * any more: for `sendBatch()`, whose caller waits for the whole batch, already as large as it will get. Called once
   * the whole batch is queued: called before, the batch's first handover (at {@link HANDOVER_AT} records) would empty
   * the queue and start sending while the rest of the batch is still being queued, in many small requests.
   */
  sendNowOnceHandedOver(): void {
    this.#sendNowWanted = true
    // The records may all be handed over already (the last one completed a handover): a drain sees to it either way.
    this.scheduleDrain()
  }

  /** A sendBatch() waits for its deliveries: send-now rounds go on until {@link batchSettled}. */
  batchWaits(): void {
    this.#batchesUnsettled++
  }

  /** A sendBatch() got all its delivery reports. */
  batchSettled(): void {
    this.#batchesUnsettled--
  }

  /** Drains once the caller's code yields (at most one drain is scheduled at a time). */
  scheduleDrain(): void {
    if (this.#drainScheduled) return
    this.#drainScheduled = true
    queueMicrotask(this.drain)
  }

  /** Hands the ready records at the head of the wait line to librdkafka, a batch per native call, in order. */
  drain = (): void => {
    this.#handOver(true)
  }

  /**
   * {@link drain}; `callerYielded` is false for the handover inside `send()` while the caller is still sending, which
   * must not start a send-now round: the caller's batch is not complete yet.
   */
  #handOver(callerYielded: boolean): void {
    if (callerYielded) this.#drainScheduled = false
    if (this.#host.closed()) return
    const { native, deliveries } = this.#host
    const batch = native.batch
    const records = this.#batchRecords
    let retried = false
    for (;;) {
      let head: WaitingRecord | undefined
      while ((head = this.#waiting.peek()) !== undefined && head.state === 'settled') this.#waiting.shift()
      records.length = 0
      for (const record of this.#waiting) {
        if (record.state !== 'ready' || records.length === BATCH_SIZE) break
        batch.add(
          native.topicIndex(record.topic),
          record.partition,
          record.key,
          record.value,
          record.timestamp,
          record.headers,
        )
        records.push(record)
      }
      if (records.length === 0) break
      const firstSeq = this.#nextSeq
      const { taken, failures } = native.produce(firstSeq)
      for (let index = 0; index < taken; index++) {
        const record = this.#waiting.shift()!
        record.state = 'settled'
        deliveries.track((firstSeq + index) >>> 0, record.deferred)
      }
      this.#nextSeq = (firstSeq + taken) >>> 0
      for (let pair = 0; pair < failures[0]!; pair++) {
        const index = failures[1 + 2 * pair]!
        const code = failures[2 + 2 * pair]!
        const record = records[index]!
        deliveries.untrack((firstSeq + index) >>> 0)
        // A producer failed fatally refuses every record with "_FATAL", which says nothing of why: name the cause.
        const refusal = code === RESP_ERR._FATAL ? this.#host.fatalRefusal() : undefined
        this.#host.rejectSend(
          record.deferred,
          refusal ?? fromRdkafkaError(code, { operation: 'send', ...placeOf(record) }),
        )
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
    if (callerYielded && this.#sendNowWanted && this.#waiting.length === 0) {
      this.#sendNowWanted = false
      this.#sendNow()
    }
    if (this.#waiting.length > 0) this.#startExpiryTimer()
    else this.#wakeIdleWaiters()
    if (this.#capacityWaiters.length > 0) this.wakeCapacityWaiters()
    if (this.#waiting.length === 0 && deliveries.size === 0) native.setActive(false)
  }

  /** Send-now rounds, one at a time, for as long as a sendBatch() waits (its records may outlast one round). */
  #sendNow(): void {
    if (this.#sendNowRunning || !this.#host.connected()) return
    const round = this.#host.native.sendNow()
    if (round === null) return
    this.#sendNowRunning = true
    const next = (): void => {
      this.#sendNowRunning = false
      if (this.#batchesUnsettled > 0) this.#sendNow()
    }
    round.then(next, next)
  }

  /** Wakes {@link waitForCapacity} once the queues are at most half full (`force`: at once). */
  wakeCapacityWaiters(force = false): void {
    if (this.#capacityWaiters.length === 0) return
    if (!force && (this.#full || this.#host.deliveries.size + this.#waiting.length > this.#host.queueLimit / 2)) return
    const waiters = this.#capacityWaiters
    this.#capacityWaiters = []
    for (const wake of waiters) wake()
  }

  /** Waits until kafkit's own queue is empty: every record sent so far is in librdkafka's queue or failed. */
  async handedOver(timeoutMs: number, operation: string): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#waiting.length > 0) {
      const left = deadline - Date.now()
      if (left <= 0)
        throw new TimeoutError(
          `${operation} timed out after ${timeoutMs} ms with ${this.#waiting.length} records still waiting for room`,
        )
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
  discardWaiting(operation: string): void {
    for (const record of this.#waiting) {
      if (record.state === 'settled') continue
      record.state = 'settled'
      this.#host.rejectSend(record.deferred, fromRdkafkaError(RESP_ERR._PURGE_QUEUE, { operation, ...placeOf(record) }))
    }
    this.#clear()
    this.wakeCapacityWaiters()
    if (this.#host.deliveries.size === 0) this.#host.native.setActive(false)
  }

  /** Closing: stops the expiry timer, fails every waiting record with `error` and wakes every waiter. */
  rejectWaiting(error: unknown): void {
    clearInterval(this.#expiryTimer)
    for (const record of this.#waiting) if (record.state !== 'settled') this.#host.rejectSend(record.deferred, error)
    this.#clear()
    this.wakeCapacityWaiters(true)
  }

  #clear(): void {
    while (this.#waiting.length > 0) this.#waiting.shift()
    this.#wakeIdleWaiters()
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }

  #startExpiryTimer(): void {
    if (this.#expiryTimer !== undefined) return
    const { maxBlockMs } = this.#host
    this.#expiryTimer = setInterval(
      () => {
        const now = Date.now()
        for (const record of this.#waiting) {
          if (record.deadline > now) break
          if (record.state === 'settled') continue
          record.state = 'settled'
          this.#host.rejectSend(
            record.deferred,
            new TimeoutError(
              `send to ${record.topic} waited ${maxBlockMs} ms (maxBlockMs) for room in the local queue; the brokers are too slow or unreachable`,
              { topic: record.topic },
            ),
          )
        }
        this.drain()
        if (this.#waiting.length === 0) {
          clearInterval(this.#expiryTimer)
          this.#expiryTimer = undefined
        }
      },
      Math.min(100, Math.max(1, maxBlockMs)),
    )
    this.#expiryTimer.unref()
  }
}

/** The topic and (when chosen) partition of a record, for its error. */
function placeOf(record: WaitingRecord): { topic: string; partition?: number } {
  return record.partition === NO_PARTITION
    ? { topic: record.topic }
    : { topic: record.topic, partition: record.partition }
}
