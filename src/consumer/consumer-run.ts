/**
 * One `run()` of a consumer: its task scheduler, its outcome (what {@link Consumer.stopped} returns), and the end
 * of it: handlers finish, processed offsets are committed (retried while the group rebalances), and partitions
 * seek back to the messages fetched but not handled, so that the next run (or owner) gets them.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { DeadLetterQueue } from './dead-letter.js'
import type { OffsetTracker } from './offset-tracker.js'
import type { DeadLetterOptions } from './run-options.js'
import type { PartitionFlow } from './partition-flow.js'
import type { PartitionScheduler } from './partition-scheduler.js'
import type { PartitionTable } from './partition-state.js'

/** Commit failures that mean a rebalance is under way, not that the commit was wrong. */
const REBALANCE_COMMIT_CODES = new Set<number>([
  RESP_ERR.ILLEGAL_GENERATION,
  RESP_ERR.REBALANCE_IN_PROGRESS,
  RESP_ERR.NOT_COORDINATOR,
  RESP_ERR.COORDINATOR_NOT_AVAILABLE,
  RESP_ERR.COORDINATOR_LOAD_IN_PROGRESS,
])

/** A run in progress. */
export class ConsumerRun {
  /** Settles when the run ends: resolves after `stop()`, rejects with the error that ended it. */
  readonly outcome: Promise<void>
  /** The error that ends the run, once one did. */
  failure: KafkaError | undefined
  /** The stop in progress, once asked for. */
  stopping: Promise<void> | undefined
  #settle!: (error?: KafkaError) => void

  /** @param scheduler - the run's per-partition task scheduler */
  constructor(readonly scheduler: PartitionScheduler) {
    this.outcome = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve())
    })
  }

  /** Settles {@link outcome}: rejected with `error`, else resolved. */
  settle(error?: KafkaError): void {
    this.#settle(error)
  }
}

/** What ending a run needs of its consumer. */
export interface RunEndHost {
  readonly partitions: PartitionTable
  readonly tracker: OffsetTracker
  readonly flow: PartitionFlow
  readonly requestTimeoutMs: number
  /** Reports a problem through the consumer's `error` event. */
  report(error: KafkaError): void
}

/**
 * Ends a run's work: waits (up to `timeoutMs`) for running handlers, commits the processed offsets and seeks back
 * to the unhandled messages. Returns the commit's error, if it failed for good (it was reported already).
 */
export async function finishRun(
  run: ConsumerRun,
  timeoutMs: number,
  host: RunEndHost,
): Promise<KafkaError | undefined> {
  // Synchronously first: from here on no new work starts and retries give up.
  const finishing = run.scheduler.stop(timeoutMs)
  const finished = await finishing
  const states = [...host.partitions.all()]
  if (!finished) {
    const late = states.filter((s) => s.inFlight !== undefined)
    host.report(
      new TimeoutError(
        `stop() waited ${timeoutMs} ms for handlers of ${late.map((s) => `${s.topic}[${s.partition}]`).join(', ')}; their current messages stay uncommitted`,
      ),
    )
  }
  let commitError: KafkaError | undefined
  const commitDeadline = Date.now() + host.requestTimeoutMs
  for (;;) {
    try {
      // After a rebalance, only what this member still owns is committed (revoked partitions were committed
      // on revoke).
      await host.tracker.commit(commitError ? [...host.partitions.all()] : states, host.requestTimeoutMs)
      commitError = undefined
      break
    } catch (error) {
      commitError = error as KafkaError
      // A group rebalancing while we stop refuses the commit (stale generation); retry on the new generation.
      const rebalancing = commitError.rdkafkaCode !== undefined && REBALANCE_COMMIT_CODES.has(commitError.rdkafkaCode)
      if (!rebalancing || Date.now() > commitDeadline) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  if (commitError) host.report(commitError)
  for (const state of states) {
    // Unhandled messages were fetched past: move back so that the next run (or owner) gets them.
    const firstUnhandled = state.clear()
    state.invalidate()
    if (firstUnhandled !== undefined && state.status === 'active') {
      await host.flow.seek(state, firstUnhandled).catch((error: unknown) => {
        // The dropped messages must not be skipped: hold the partition until a seek back to them succeeds.
        state.pendingSeek = firstUnhandled
        host.report(
          fromRdkafkaError(error, {
            operation: 'stop',
            topic: state.topic,
            partition: state.partition,
            offset: String(firstUnhandled),
          }),
        )
      })
    }
  }
  return commitError
}

/**
 * The dead-letter queue a run with a dead-letter policy sends through: the current one when it serves the same
 * topic with a producer kafkit created, else a new one (the current one is closed).
 */
export function deadLetterQueueFor(
  current: DeadLetterQueue | undefined,
  options: DeadLetterOptions,
  connection: Record<string, unknown>,
  report: (error: KafkaError) => void,
): DeadLetterQueue {
  const reusable = current?.topic === options.topic && options.producer === undefined
  if (current !== undefined && reusable) return current
  // A producer kafkit created for an earlier run's dead letters is not needed any more.
  current
    ?.close()
    .catch((error: unknown) => report(fromRdkafkaError(error, { operation: 'closing the dead-letter producer' })))
  return new DeadLetterQueue(options, connection)
}

/** Waits until the dead-letter queue's producer is connected; throws `ERR_DEAD_LETTER` when it cannot connect. */
export async function deadLetterReady(queue: DeadLetterQueue): Promise<void> {
  try {
    await queue.ready()
  } catch (error) {
    throw new KafkaError(
      'ERR_DEAD_LETTER',
      `Consumer.run(): the dead-letter producer for topic ${queue.topic} could not connect: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
}
