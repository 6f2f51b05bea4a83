/**
 * The ordered wait line of records that cannot be handed to librdkafka yet: their serializer is still running
 * (async serde), librdkafka's bounded queue is full, or an earlier record is waiting. Records leave it strictly
 * in `send()` order, which is what keeps per-partition order with async serializers and under backpressure.
 * @module
 */
import type { RawHeader } from '../native/producer.js'
import type { PendingDelivery } from './pending-delivery.js'

/** A record waiting to be produced. */
export interface WaitingRecord {
  readonly deferred: PendingDelivery
  readonly topic: string
  readonly partition: number
  key: Buffer | null
  value: Buffer | null
  readonly timestamp: number | undefined
  headers: RawHeader[] | undefined
  /** `pending` while serializing, `ready` to produce, `settled` once rejected (skipped by the drain). */
  state: 'pending' | 'ready' | 'settled'
  /** `Date.now()` after which the record is rejected with a TimeoutError (maxBlockMs). */
  readonly deadline: number
}

/** A FIFO with O(1) push/shift that does not keep shifted items reachable. */
export class SendQueue {
  #items: Array<WaitingRecord | undefined> = []
  #head = 0

  /** Number of waiting records. */
  get length(): number {
    return this.#items.length - this.#head
  }

  /** Adds a record at the end. */
  push(record: WaitingRecord): void {
    this.#items.push(record)
  }

  /** The oldest record, if any. */
  peek(): WaitingRecord | undefined {
    return this.#items[this.#head]
  }

  /** Removes the oldest record. */
  shift(): WaitingRecord | undefined {
    const record = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    if (this.#head === this.#items.length) {
      this.#items = []
      this.#head = 0
    }
    return record
  }

  /** Visits every waiting record, oldest first. */
  *[Symbol.iterator](): IterableIterator<WaitingRecord> {
    for (let index = this.#head; index < this.#items.length; index++) yield this.#items[index]!
  }
}
