import type { DeliveryReport } from './types.js'

const PENDING = 0
const DELIVERED = 1
const FAILED = 2
/** Delivered, with the report not built yet (nobody has looked). */
const DELIVERED_RAW = 3

/**
 * What `send()` returns: a promise of the record's delivery report that only becomes a real `Promise` when someone
 * awaits it or attaches a handler.
 *
 * Why: the common bulk pattern sends many records without awaiting each and then calls `flush()`. Creating,
 * resolving and collecting one native promise per record costs more CPU than producing the record (measured:
 * about 2 s per million records on the benchmark machine). Un-awaited sends cost one small object instead, and
 * their failures are not lost as unhandled rejections: `flush()` reports them.
 */
export class PendingDelivery implements Promise<DeliveryReport> {
  #state: typeof PENDING | typeof DELIVERED | typeof FAILED | typeof DELIVERED_RAW = PENDING
  /** The DeliveryReport once delivered, the failure once failed. */
  #value: unknown = undefined
  /** Where the record went, kept as numbers until someone asks for the report. */
  #partition = -1
  #offset = -1
  #timestamp = -1
  /** The record's topic. */
  readonly topic: string

  /**
   * Creates the pending outcome of one send.
   * @param topic - the record's topic (the report names it)
   */
  constructor(topic: string) {
    this.topic = topic
  }
  #promise: Promise<DeliveryReport> | undefined = undefined
  #resolve: ((report: DeliveryReport) => void) | undefined = undefined
  #reject: ((error: unknown) => void) | undefined = undefined

  /** `'Promise'`-like tag for inspection. */
  get [Symbol.toStringTag](): string {
    return 'PendingDelivery'
  }

  #reported = false
  #listener: (() => void) | undefined = undefined

  /** Whether a handler was attached (the outcome will be seen by the caller), or the failure was reported otherwise. */
  get observed(): boolean {
    return this.#promise !== undefined || this.#reported
  }

  /** Marks the outcome as reported by other means (a transaction's rejection), so `flush()` does not report it again. */
  markReported(): void {
    this.#reported = true
  }

  /** Whether the record failed. */
  get failed(): boolean {
    return this.#state === FAILED
  }

  /** Whether the record was delivered. */
  get delivered(): boolean {
    return this.#state === DELIVERED || this.#state === DELIVERED_RAW
  }

  /** Whether the outcome is still unknown: the record waits in kafkit's queue or in librdkafka's. */
  get pending(): boolean {
    return this.#state === PENDING
  }

  /** The delivery report once delivered (converted on first access), else undefined. */
  get report(): DeliveryReport | undefined {
    if (this.#state === DELIVERED_RAW) this.#buildReport()
    return this.#state === DELIVERED ? (this.#value as DeliveryReport) : undefined
  }

  /** The failure, once failed. */
  get error(): unknown {
    return this.#state === FAILED ? this.#value : undefined
  }

  /**
   * Calls `listener` once when the delivery settles (at once if it has), without creating a promise: how
   * `sendBatch()` waits for many records. Several listeners run in the order they were added (tracing adds one to a
   * traced send, which its caller may observe the same way).
   */
  onSettled(listener: () => void): void {
    if (this.#state !== PENDING) {
      listener()
      return
    }
    const previous = this.#listener
    this.#listener =
      previous === undefined
        ? listener
        : () => {
            previous()
            listener()
          }
  }

  #notify(listener: () => void): void {
    this.#listener = undefined
    listener()
  }

  /** Settles with a delivery report. Later settle calls are ignored. */
  resolve(report: DeliveryReport): void {
    this.#settle(DELIVERED, report, this.#resolve)
  }

  /** Settles (unless settled already) in `state` with `value`: hands it to `callback`, then notifies the listener. */
  #settle<T>(state: typeof DELIVERED | typeof FAILED, value: T, callback: ((value: T) => void) | undefined): void {
    if (this.#state !== PENDING) return
    this.#state = state
    this.#value = value
    callback?.(value)
    if (this.#listener !== undefined) this.#notify(this.#listener)
  }

  /**
   * Settles as delivered at `partition`/`offset`; the report object is built only when someone observes it. Later
   * settle calls are ignored.
   */
  deliveredAt(partition: number, offset: number, timestamp: number): void {
    if (this.#state !== PENDING) return
    this.#partition = partition
    this.#offset = offset
    this.#timestamp = timestamp
    if (this.#resolve) {
      this.#buildReport()
      this.#resolve(this.#value as DeliveryReport)
    } else {
      this.#state = DELIVERED_RAW
    }
    if (this.#listener !== undefined) this.#notify(this.#listener)
  }

  #buildReport(): void {
    this.#state = DELIVERED
    this.#value = {
      topic: this.topic,
      partition: this.#partition,
      offset: String(this.#offset),
      timestamp: this.#timestamp,
    }
  }

  /** Settles with a failure. Later settle calls are ignored. */
  reject(error: unknown): void {
    this.#settle(FAILED, error, this.#reject)
  }

  /** Attaches handlers, as `Promise.prototype.then`. */
  then<R1 = DeliveryReport, R2 = never>(
    onFulfilled?: ((report: DeliveryReport) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#materialize().then(onFulfilled, onRejected)
  }

  /** Attaches a failure handler, as `Promise.prototype.catch`. */
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<DeliveryReport | R> {
    return this.#materialize().catch(onRejected)
  }

  /** Attaches a handler run either way, as `Promise.prototype.finally`. */
  finally(onFinally?: (() => void) | null): Promise<DeliveryReport> {
    return this.#materialize().finally(onFinally)
  }

  #materialize(): Promise<DeliveryReport> {
    if (this.#promise) return this.#promise
    if (this.#state === DELIVERED_RAW) this.#buildReport()
    if (this.#state === DELIVERED) this.#promise = Promise.resolve(this.#value as DeliveryReport)
    else if (this.#state === FAILED) this.#promise = Promise.reject(this.#value)
    else {
      this.#promise = new Promise<DeliveryReport>((resolve, reject) => {
        this.#resolve = resolve
        this.#reject = reject
      })
    }
    return this.#promise
  }
}
