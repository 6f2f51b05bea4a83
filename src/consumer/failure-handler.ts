/**
 * What happens when a handler (or a deserializer) fails: retries with exponential backoff, then the configured
 * policy — stop the consumer, skip the message, or send it to a dead-letter topic and go on.
 * @module
 */
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { KafkaError } from '../errors/kafka-error.js'
import type { RawMessage } from '../native/consumer.js'
import type { DeadLetterQueue } from './dead-letter.js'
import type { ResolvedRunOptions } from './run-options.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { ErrorPolicy } from './run-options.js'

/** The end of a failed message's road. */
export type Verdict =
  /** A retry succeeded. */
  | { readonly kind: 'ok' }
  /** Given up on (skipped or dead-lettered): it counts as processed. */
  | { readonly kind: 'skip' }
  /** The partition was revoked, seeked or the run stopped meanwhile: the message stays unprocessed. */
  | { readonly kind: 'stale' }
  /** The consumer must stop with this error; the message stays unprocessed. */
  | { readonly kind: 'stop'; readonly error: KafkaError }

const OK: Verdict = Object.freeze({ kind: 'ok' })
const SKIP: Verdict = Object.freeze({ kind: 'skip' })
const STALE: Verdict = Object.freeze({ kind: 'stale' })

const notSkippableErrors = new WeakSet<object>()

/**
 * Marks `error` as one the `skip` and dead-letter policies must not give up on: after the retries it stops the run
 * instead. For failures that are not the message's fault (a Processor's transaction machinery): skipping would
 * commit past the message and lose its effects silently. Not part of the public API.
 * @internal
 */
export function notSkippable<E>(error: E): E {
  if (typeof error === 'object' && error !== null) notSkippableErrors.add(error)
  return error
}

function isNotSkippable(failure: KafkaError): boolean {
  return (
    notSkippableErrors.has(failure) ||
    (typeof failure.cause === 'object' && failure.cause !== null && notSkippableErrors.has(failure.cause))
  )
}

/** The circumstances of one failing message. */
export interface FailureContext {
  /** The message whose handling failed (for batches: the first unresolved one). */
  readonly raw: RawMessage
  /** Tries the handling again; throws when it fails again. */
  readonly attempt: () => unknown
  /** Whether the work became moot (revoke, seek). */
  readonly isStale: () => boolean
  /** Aborted when the run stops or the partition is taken away: ends backoff waits early. */
  readonly signal: AbortSignal
}

/** Applies retries and the {@link ErrorPolicy} of one run to each failing message (the handler of failures). */
export class FailureHandler {
  readonly #retry: ResolvedRunOptions['retry']
  readonly #policy: ResolvedRunOptions['errorPolicy']
  readonly #deadLetter: DeadLetterQueue | undefined
  readonly #handlerName: string
  readonly #report: (error: KafkaError) => void

  /**
   * @param run - the run's retry and policy settings
   * @param deadLetter - the dead-letter queue, for the `deadLetter` policy
   * @param report - told of every failure (for the `error` event and diagnostics)
   */
  constructor(run: ResolvedRunOptions, deadLetter: DeadLetterQueue | undefined, report: (error: KafkaError) => void) {
    this.#retry = run.retry
    this.#policy = run.errorPolicy
    this.#deadLetter = deadLetter
    this.#handlerName = run.mode === 'message' ? 'eachMessage' : 'eachBatch'
    this.#report = report
  }

  /** The delay before retry number `retry` (1-based), ms. */
  delayMs(retry: number): number {
    const { initialDelayMs, multiplier, maxDelayMs } = this.#retry
    return Math.min(maxDelayMs, initialDelayMs * multiplier ** (retry - 1))
  }

  /** Retries a failed handling, then applies the policy. `error` is the first attempt's failure. */
  async recover(error: unknown, context: FailureContext): Promise<Verdict> {
    let failure = this.describe(error, context.raw)
    for (let retry = 1; ; retry++) {
      if (context.isStale()) return STALE
      this.#report(failure)
      if (retry > this.#retry.retries) return this.#giveUp(failure, context)
      if (!(await sleep(this.delayMs(retry), context.signal)) || context.isStale()) return STALE
      try {
        await context.attempt()
        return OK
      } catch (next) {
        failure = this.describe(next, context.raw)
      }
    }
  }

  /** A handler's failure as a {@link KafkaError} naming the message. Serde failures are kept as they are. */
  describe(error: unknown, raw: RawMessage): KafkaError {
    if (error instanceof KafkaError) return error
    const reason = error instanceof Error ? error.message : String(error)
    return new KafkaError(
      'ERR_HANDLER',
      `${this.#handlerName} failed on topic ${raw.topic} partition ${raw.partition} offset ${raw.offset}: ${reason}`,
      { cause: error, topic: raw.topic, partition: raw.partition, offset: String(raw.offset) },
    )
  }

  async #giveUp(failure: KafkaError, context: FailureContext): Promise<Verdict> {
    const policy = this.#policy
    if (policy === 'stop' || isNotSkippable(failure)) return { kind: 'stop', error: failure }
    if (policy === 'skip') {
      publishGiveUp('skip', failure)
      return SKIP
    }
    const deadLetter = this.#deadLetter!
    for (let retry = 1; ; retry++) {
      try {
        await deadLetter.send(context.raw, failure)
        publishGiveUp('deadLetter', failure)
        return SKIP
      } catch (sendError) {
        const error = new KafkaError(
          'ERR_DEAD_LETTER',
          `Could not send topic ${context.raw.topic} partition ${context.raw.partition} offset ${context.raw.offset} to dead-letter topic ${deadLetter.topic}: ${sendError instanceof Error ? sendError.message : String(sendError)}`,
          {
            cause: sendError,
            topic: context.raw.topic,
            partition: context.raw.partition,
            offset: String(context.raw.offset),
          },
        )
        this.#report(error)
        // Skipping without a dead letter would lose the message: keep trying, then stop.
        if (retry > this.#retry.retries) return { kind: 'stop', error }
        if (!(await sleep(this.delayMs(retry), context.signal)) || context.isStale()) return STALE
      }
    }
  }
}

function publishGiveUp(action: 'skip' | 'deadLetter', error: KafkaError): void {
  if (channels.consumerError.hasSubscribers) channels.consumerError.publish({ error, action })
}

/** Waits `ms`; resolves `false` at once if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
