/**
 * Delivery tracking: the sends handed to librdkafka and not yet reported, and their settlement when librdkafka's
 * delivery reports arrive. A record purged because the producer failed fatally fails with that fatal error, which
 * may be reported just after the purge: such records are held (still in flight) until it arrives.
 * @module
 */
import type { KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { RESP_ERR } from '../errors/codes.generated.js'
import { PERSISTENCE, type DeliveryBatch } from '../native/producer.js'
import { InFlightSends } from './in-flight.js'
import type { PendingDelivery } from './pending-delivery.js'

/** Delivery failures that only say the record was dropped because the producer failed fatally. */
const PURGED_BY_FATAL = new Set(['_PURGE_QUEUE', '_PURGE_INFLIGHT', '_FATAL'])
/**
 * How long purged records wait for the fatal error event that explains them, ms. It normally comes within
 * milliseconds and then settles them at once; the bound only matters on a starved machine.
 */
export const FATAL_CAUSE_WAIT_MS = 5_000

/** What the tracker needs of its producer. */
export interface DeliveryTrackerHost {
  /** Whether the producer is transactional (an abort purges its queue without any fatal error). */
  readonly transactional: boolean
  /** The fatal error the producer hit, if any. */
  fatal(): KafkaError | undefined
  /** librdkafka's fatal error, read from the handle (it is recorded before the purge it causes). */
  nativeFatalError(): unknown
  /** Records the producer's fatal error. */
  failFatally(error: KafkaError): void
  /** Rejects one send (and keeps it for the report of unobserved failures). */
  rejectSend(delivery: PendingDelivery, error: unknown): void
  /** Called after a round of settlements: room was freed, waiters may wake ({@link DeliveryTracker.wakeIfAllSettled}). */
  afterSettle(): void
}

/** The sends in flight in librdkafka, settled by its delivery reports. */
export class DeliveryTracker {
  readonly #inFlight: InFlightSends<PendingDelivery>
  readonly #host: DeliveryTrackerHost
  /** Woken when the last in-flight record is reported. */
  #settledWaiters: Array<() => void> = []
  /** Records purged before the fatal error that purged them was reported. */
  #purgedAwaitingCause: Array<{ seq: number; failure: KafkaError }> = []
  #purgeTimer: NodeJS.Timeout | undefined

  /** @param capacityHint - librdkafka's queue size, the expected number of sends in flight at most */
  constructor(capacityHint: number, host: DeliveryTrackerHost) {
    this.#inFlight = new InFlightSends(capacityHint)
    this.#host = host
  }

  /** Number of sends in flight. */
  get size(): number {
    return this.#inFlight.size
  }

  /** Tracks a send librdkafka took under sequence id `seq`. */
  track(seq: number, delivery: PendingDelivery): void {
    this.#inFlight.set(seq, delivery)
  }

  /** Stops tracking the send under `seq` (librdkafka refused it at once) and returns it. */
  untrack(seq: number): PendingDelivery | undefined {
    return this.#inFlight.take(seq)
  }

  /** Settles the sends a batch of delivery reports is about. */
  onDeliveries(batch: DeliveryBatch): void {
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
        operation: 'send',
        topic: deferred.topic,
        ...(partition[index]! >= 0 ? { partition: partition[index]! } : {}),
      })
      if (status[index] === PERSISTENCE.possiblyPersisted) failure.possiblyPersisted = true
      if (this.#purgedWithoutCause(failure)) {
        // librdkafka records the fatal error before it purges: ask for it rather than wait for its event.
        const fatal = this.#host.nativeFatalError()
        if (fatal) this.#host.failFatally(fromRdkafkaError(fatal, { operation: 'Producer' }))
      }
      if (this.#purgedWithoutCause(failure)) {
        // Only a fatal error purges a non-transactional producer's queue, and its event may come just after the
        // purged reports: hold them (still in flight) until the cause arrives.
        this.#purgedAwaitingCause.push({ seq: seq[index]!, failure })
        // Unref'd: the held sends keep the client active anyway; the wait itself must not keep a process alive.
        this.#purgeTimer ??= setTimeout(() => this.settlePurged(), FATAL_CAUSE_WAIT_MS).unref()
        continue
      }
      this.#settleFailure(seq[index]!, failure)
    }
    this.#host.afterSettle()
  }

  /** Settles the purged records held for their cause (which is now known, or did not come in time). */
  settlePurged(): void {
    clearTimeout(this.#purgeTimer)
    this.#purgeTimer = undefined
    const held = this.#purgedAwaitingCause
    if (held.length === 0) return
    this.#purgedAwaitingCause = []
    for (const { seq, failure } of held) this.#settleFailure(seq, failure)
    this.#host.afterSettle()
  }

  /**
   * Waits (up to `left` ms, at most 50 at a time) for the last in-flight send to be reported; resolves earlier
   * either way, the caller checks {@link size} again.
   */
  waitForSettled(left: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 50))
      this.#settledWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Wakes the {@link waitForSettled} waiters once no send is in flight any more. */
  wakeIfAllSettled(): void {
    if (this.#inFlight.size === 0 && this.#settledWaiters.length > 0) {
      const waiters = this.#settledWaiters
      this.#settledWaiters = []
      for (const wake of waiters) wake()
    }
  }

  /** Rejects every send in flight with `error` and forgets them; returns how many there were. */
  rejectAll(error: unknown): number {
    const count = this.#inFlight.size
    for (const deferred of this.#inFlight.values()) this.#host.rejectSend(deferred, error)
    this.#inFlight.clear()
    return count
  }

  #purgedWithoutCause(failure: KafkaError): boolean {
    return PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') && !this.#host.fatal() && !this.#host.transactional
  }

  /** Fails an in-flight record; a record purged by a fatal error fails with the fatal error itself. */
  #settleFailure(seq: number, failure: KafkaError): void {
    const deferred = this.#inFlight.take(seq)
    if (deferred === undefined) return
    // "Purged in queue" says nothing: the record's real failure is the fatal error (e.g. no permission to produce).
    const fatal = this.#host.fatal()
    const cause = fatal && PURGED_BY_FATAL.has(failure.rdkafkaName ?? '') ? fatal : failure
    this.#host.rejectSend(deferred, cause)
    if (channels.producerError.hasSubscribers) channels.producerError.publish({ error: cause, topic: deferred.topic })
  }
}
