/**
 * Counting for handler-based consumers: the window runs from the first message handed to the application to
 * the last one, so the group join is left out (as Kafka's and librdkafka's own tools do).
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'
import { nowMs, readStamp } from '../lib/payload.js'
import { LatencyRecorder, Stopwatch } from './common.js'
import type { Outcome, RunContext } from './runner.js'

/** Counts consumed messages and says when the run is done. */
export class ConsumeTracker {
  private received = 0
  private bytes = 0
  private errors = 0
  private readonly watch = new Stopwatch()
  private finish!: () => void
  /** Resolves once every message arrived or the deadline passed. */
  readonly done: Promise<void>
  private readonly latency: LatencyRecorder | undefined

  constructor(
    private readonly spec: RunSpec,
    private readonly context: RunContext,
    options: { latency?: boolean } = {},
  ) {
    this.latency = options.latency ? new LatencyRecorder() : undefined
    this.done = Promise.race([
      new Promise<void>((resolve) => {
        this.finish = resolve
      }),
      context.deadline,
    ])
  }

  /** Starts the window without counting anything (input reached the application; counted once carried through). */
  started(): void {
    this.watch.start()
  }

  /** Records one message (value may be null for tombstones, which the benchmark never sends). */
  message(value: Buffer | null | undefined): void {
    this.watch.start()
    this.received++
    if (value) {
      this.bytes += value.length
      this.latency?.record(readStamp(value), nowMs())
    }
    this.after()
  }

  /** Records a whole batch without looking at each message. */
  batch(count: number, bytes: number): void {
    this.watch.start()
    this.received += count
    this.bytes += bytes
    this.after()
  }

  /** Counts an error reported by the client. */
  error(): void {
    this.errors++
  }

  /** True once every expected message has arrived. */
  complete(): boolean {
    return this.received >= this.spec.messages
  }

  private after(): void {
    this.context.progress(this.received)
    if (this.received >= this.spec.messages) {
      this.watch.stop()
      this.finish()
    }
  }

  /** The run's figures. */
  outcome(note?: string): Outcome {
    if (!this.complete()) this.watch.stop()
    return {
      messages: this.received,
      bytes: this.bytes,
      elapsedMs: this.latency ? (this.spec.messages * 1000) / this.spec.rate : this.watch.elapsedMs(),
      completed: this.complete(),
      errors: this.errors,
      ...(this.latency ? { latencyMs: this.latency.samples } : {}),
      ...(note === undefined ? {} : { note }),
    }
  }
}
