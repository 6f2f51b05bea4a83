/**
 * The runs of a consumer: starting one (`run()`), stopping it (`stop()`), ending it on an error, and the dead-letter
 * queue runs with a dead-letter policy share.
 * @module
 */
import { type KafkaError, StateError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import type { NativeConsumerAdapter } from '../native/consumer.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { ConsumerRun, deadLetterQueueFor, deadLetterReady, finishRun } from './consumer-run.js'
import type { DeadLetterQueue } from './dead-letter.js'
import type { MessageDecoder } from './decoder.js'
import { FailureHandler } from './failure-handler.js'
import type { OffsetTracker } from './offset-tracker.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { PartitionFlow } from './partition-flow.js'
import { PartitionScheduler } from './partition-scheduler.js'
import type { PartitionTable } from './partition-state.js'
import type { ResolvedRunOptions } from './run-options.js'

/** What running needs of its consumer. */
export interface RunControlHost {
  readonly options: ResolvedConsumerOptions
  readonly native: NativeConsumerAdapter
  readonly partitions: PartitionTable
  readonly tracker: OffsetTracker
  /** Fetching, buffering, pausing and seeking of each assigned partition. */
  readonly flow: PartitionFlow
  readonly decoder: MessageDecoder
  /** Who the consumer is, for the tracing channels. */
  readonly identity: { readonly groupId: string; readonly clientId: string | undefined }
  /** Throws a StateError naming `Consumer.<method>()` unless the consumer is connected. */
  assertConnected(method: string): void
  /** Whether the consumer has an `error` listener (it then hears a run's failure; no unhandled rejection needed). */
  hasErrorListener(): boolean
  /** Reports a problem through the consumer's `error` event. */
  report(error: KafkaError): void
}

/** Starts, stops and ends a consumer's runs; at most one runs at a time. */
export class RunControl {
  readonly #host: RunControlHost
  #run: ConsumerRun | undefined
  /** The outcome of the current or last run. */
  #outcome: Promise<void> = Promise.resolve()
  #deadLetter: DeadLetterQueue | undefined

  /** @param host - the consumer's parts a run works with */
  constructor(host: RunControlHost) {
    this.#host = host
  }

  /** The current run's task scheduler, if a run is active or stopping. */
  get scheduler(): PartitionScheduler | undefined {
    return this.#run?.scheduler
  }

  /** Whether a run is active (between `run()` and the end of `stop()`). */
  get running(): boolean {
    return this.#run?.scheduler.active === true
  }

  /** Settles when the current (or last) run ends: resolves after `stop()`, rejects with the error that ended it. */
  get outcome(): Promise<void> {
    return this.#outcome
  }

  /** Throws a {@link StateError} while a run is active or stopping. */
  assertIdle(): void {
    if (this.#run) throw new StateError('Consumer.run() called while running: await consumer.stop() first')
  }

  /**
   * Starts a run with `options` once its dead-letter producer (if any) is connected; throws `ERR_DEAD_LETTER` when
   * it cannot connect, and a {@link StateError} when the consumer was disconnected or another run started meanwhile.
   */
  async start(options: ResolvedRunOptions): Promise<void> {
    const host = this.#host
    const policy = options.errorPolicy
    if (typeof policy === 'object') {
      this.#deadLetter = deadLetterQueueFor(this.#deadLetter, policy.deadLetter, host.options.connection, (error) =>
        host.report(error),
      )
      await deadLetterReady(this.#deadLetter)
      // Awaited: the consumer may have been disconnected, or run() called again, meanwhile.
      host.assertConnected('run')
      this.assertIdle()
    }
    const failures = new FailureHandler(options, this.#deadLetter, (error) => host.report(error))
    const scheduler = new PartitionScheduler(
      {
        decoder: host.decoder,
        afterTask: (state) => host.flow.afterTask(state),
        endRun: (error) => this.end(error),
        highWatermark: (state) => {
          const high = host.native.cachedWatermarks(state.topic, state.partition)?.high
          return high === undefined ? null : String(high)
        },
        identity: host.identity,
      },
      options,
      failures,
    )
    this.#run = new ConsumerRun(scheduler)
    this.#outcome = this.#run.outcome
    for (const state of host.partitions.all()) {
      if (state.pendingSeek !== undefined) void host.flow.retrySeek(state)
      host.flow.syncPause(state)
      scheduler.schedule(state)
    }
    host.flow.wake()
  }

  /** Stops the current run (see `Consumer.stop()`); every call during one stop shares its promise. */
  stop(timeoutMs: number): Promise<void> {
    const run = this.#run
    if (!run) return Promise.resolve()
    run.stopping ??= this.#stopRun(run, timeoutMs)
    return run.stopping
  }

  async #stopRun(run: ConsumerRun, timeoutMs: number): Promise<void> {
    const host = this.#host
    const commitError = await finishRun(run, timeoutMs, {
      partitions: host.partitions,
      tracker: host.tracker,
      flow: host.flow,
      requestTimeoutMs: host.options.requestTimeoutMs,
      report: (error) => host.report(error),
    })
    if (this.#run === run) this.#run = undefined
    for (const state of host.partitions.all()) host.flow.syncPause(state)
    const failure = run.failure
    if (failure !== undefined && host.hasErrorListener()) run.outcome.catch(() => undefined)
    run.settle(failure)
    if (failure === undefined && commitError !== undefined) throw commitError
  }

  /** Ends the run with `error` (it rejects the run's outcome); the first such error wins. */
  end(error: KafkaError): void {
    const run = this.#run
    if (!run || run.failure !== undefined) return
    run.failure = error
    // Already reported when it happened; this only says what came of it.
    if (channels.consumerError.hasSubscribers) channels.consumerError.publish({ error, action: 'stop' })
    this.stop(this.#host.options.revokeTimeoutMs).catch(() => undefined)
  }

  /** Closes the dead-letter queue's producer, if kafkit created one; a failure is reported, not thrown. */
  async closeDeadLetter(): Promise<void> {
    await this.#deadLetter
      ?.close()
      .catch((error: unknown) =>
        this.#host.report(fromRdkafkaError(error, { operation: 'closing the dead-letter producer' })),
      )
  }
}
