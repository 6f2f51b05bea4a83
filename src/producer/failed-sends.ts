/**
 * The record of failed sends: every send the producer rejects goes through here, and `flush()`/`disconnect()` ask
 * it for the failures nobody observed, so that fire-and-forget sends are never lost silently (and never crash the
 * process as unhandled rejections).
 * @module
 */
import { KafkaAggregateError, type KafkaError } from '../errors/kafka-error.js'
import type { PendingDelivery } from './pending-delivery.js'

/** How many failed sends are kept between two reports: a producer failing forever must not grow memory. */
export const FAILED_SENDS_KEPT = 10_000

/** Rejects sends and keeps them until the next report of the unobserved ones. */
export class FailedSends {
  #failed: PendingDelivery[] = []
  #dropped = 0

  /** Rejects one send with `error` and keeps it for the next report. */
  reject(delivery: PendingDelivery, error: unknown): void {
    delivery.reject(error)
    if (this.#failed.length < FAILED_SENDS_KEPT) this.#failed.push(delivery)
    else this.#dropped++
  }

  /**
   * Throws a {@link KafkaAggregateError} listing the sends that failed since the last report without anyone
   * observing them (no `await`, `.then` or `.catch`); forgets every kept send either way.
   * @param operation - what reports them, for the message (e.g. `Producer.flush()`)
   */
  throwUnobserved(operation: string): void {
    const failures = this.#failed
      .filter((delivery) => !delivery.observed)
      .map((delivery, index) => ({ index, error: delivery.error as KafkaError }))
    const dropped = this.#dropped
    this.#failed = []
    this.#dropped = 0
    if (failures.length === 0) return
    throw new KafkaAggregateError(
      failures,
      `${operation}: ${failures.length + dropped} sends that nobody awaited failed (first: ${failures[0]!.error.message}); await send() or attach .catch() to handle them one by one`,
    )
  }
}
