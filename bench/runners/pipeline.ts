/**
 * The consume-transform-produce scenario's shared parts: the transform every client applies and the counting of
 * input messages carried through (outputs delivered and inputs done with).
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'
import { Stopwatch } from './common.js'
import type { Outcome, RunContext } from './runner.js'

/** The transform: a new value holding the input's bytes in reverse order (the same work for every client). */
export function transform(value: Buffer | null | undefined): Buffer {
  return value ? Buffer.from(value).reverse() : Buffer.alloc(0)
}

/** The output topic of a pipeline run, or an error naming what the orchestrator forgot. */
export function outputTopic(spec: RunSpec): string {
  if (!spec.outputTopic) throw new Error('the pipeline scenario needs spec.outputTopic')
  return spec.outputTopic
}

/**
 * Counts input messages carried through: their outputs acknowledged (at-least-once) or committed with their input
 * offsets (exactly-once). The window runs from the first input message handed to the application to the moment
 * the last one is carried through.
 */
export class PipelineTracker {
  private carried = 0
  private bytes = 0
  private errors = 0
  private readonly watch = new Stopwatch()
  private finish!: () => void
  /** Resolves once every input was carried through or the deadline passed. */
  readonly done: Promise<void>

  constructor(
    private readonly spec: RunSpec,
    private readonly context: RunContext,
  ) {
    this.done = Promise.race([
      new Promise<void>((resolve) => {
        this.finish = resolve
      }),
      context.deadline,
    ])
  }

  /** Marks that input reached the application (starts the window once). */
  started(): void {
    this.watch.start()
  }

  /** Records `count` inputs carried through, with `bytes` of output values. */
  carriedThrough(count: number, bytes = count * this.spec.messageSize): void {
    this.carried += count
    this.bytes += bytes
    this.context.progress(this.carried)
    if (this.carried >= this.spec.messages) {
      this.watch.stop()
      this.finish()
    }
  }

  /** True once every input was carried through. */
  complete(): boolean {
    return this.carried >= this.spec.messages
  }

  /** Counts a failed delivery, an aborted transaction or a client error. */
  error(): void {
    this.errors++
  }

  /** The run's figures. */
  outcome(note?: string): Outcome {
    const completed = this.carried >= this.spec.messages
    if (!completed) this.watch.stop()
    return {
      messages: this.carried,
      bytes: this.bytes,
      elapsedMs: this.watch.elapsedMs(),
      completed,
      errors: this.errors,
      ...(note === undefined ? {} : { note }),
    }
  }
}
