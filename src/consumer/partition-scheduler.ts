/**
 * The per-partition task scheduler of one `run()`: runs the user's handlers one task at a time per partition (so
 * each partition is handled in offset order), up to `partitionsConsumedConcurrently` partitions at once,
 * marking each message processed only once its handler resolved.
 * @module
 */
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { tracingChannels } from '../tracing/channels.js'
import { traceSettled, tracedMessage } from '../tracing/trace.js'
import type { ConsumerBatchContext, ConsumerMessageContext, HandlingOutcome } from '../tracing/types.js'
import type { KafkaError } from '../errors/kafka-error.js'
import type { MessageSource, RawMessage } from '../native/consumer.js'
import { FetchedBatch } from '../native/fetched-batch.js'
import type { MessageDecoder } from './decoder.js'
import { isPromise } from '../internal/is-promise.js'
import { TaskLimiter } from '../internal/task-limiter.js'
import type { FailureContext, FailureHandler, Verdict } from './failure-handler.js'
import type { ResolvedRunOptions } from './run-options.js'
import type { BufferedRun, PartitionState } from './partition-state.js'
import type { AnyConsumerMessage, EachBatchPayload, EachMessagePayload } from './types.js'

/** What the scheduler needs from the consumer. */
export interface PartitionSchedulerHost {
  readonly decoder: MessageDecoder
  /** After each task: store offsets, lift backpressure, reschedule. */
  afterTask(state: PartitionState): void
  /** Ends the run: a message failed for good under the `stop` policy, or something unexpected broke. */
  endRun(error: KafkaError): void
  /** The partition's high watermark as last seen, for batches. */
  highWatermark(state: PartitionState): string | null
  /** Who is consuming, for the tracing channels' contexts. */
  readonly identity?: { readonly groupId: string; readonly clientId: string | undefined }
}

/** What a traced handling records: set by the handling itself, read by the tracing channel's subscribers. */
type Outcome = { outcome?: HandlingOutcome; error?: unknown }

/** The outcome of a message whose handling failed, given where the error policy left it. */
function failedOutcome(record: Outcome | undefined, verdict: Verdict, failure: unknown): void {
  if (record === undefined) return
  if (verdict.kind === 'ok') {
    record.outcome = 'processed'
    return
  }
  record.outcome = verdict.kind === 'skip' ? 'skipped' : 'unprocessed'
  // A stale verdict is no failure of the message: the work became moot (revoke, seek, a for-await loop left).
  if (verdict.kind !== 'stale') record.error = verdict.kind === 'stop' ? verdict.error : failure
}

type Handler<P> = (payload: P) => void | Promise<void>

/** Schedules and runs handler tasks for one `run()`, one task at a time per partition. */
export class PartitionScheduler {
  readonly #host: PartitionSchedulerHost
  readonly #run: ResolvedRunOptions
  readonly #policy: FailureHandler
  readonly #tasks: TaskLimiter
  readonly #stopping = new AbortController()
  #active = true

  /**
   * @param host - the consumer
   * @param run - the run's options
   * @param policy - retries and error policy
   */
  constructor(host: PartitionSchedulerHost, run: ResolvedRunOptions, policy: FailureHandler) {
    this.#host = host
    this.#run = run
    this.#policy = policy
    this.#tasks = new TaskLimiter(run.concurrency)
  }

  /** Whether the run still accepts work. */
  get active(): boolean {
    return this.#active
  }

  /** Queues a task for the partition if it has messages and none is queued or running. */
  schedule(state: PartitionState): void {
    if (state.scheduled || !this.#active || !state.dispatchable || state.size === 0) return
    state.scheduled = true
    this.#tasks.add(
      async () => {
        const task = this.#drain(state)
        state.inFlight = task
        try {
          await task
        } finally {
          state.inFlight = undefined
          state.scheduled = false
          this.#host.afterTask(state)
        }
      },
      (error) => this.#host.endRun(this.#policy.describe(error, state.peek() ?? placeholder(state))),
    )
  }

  /**
   * Stops starting work; aborts retry backoffs. Resolves `true` once every running handler finished, or `false`
   * after `timeoutMs` (handlers still running then have their signal aborted).
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.#active = false
    this.#stopping.abort()
    return waitFor(this.#tasks.onIdle(), timeoutMs)
  }

  /** Waits up to `timeoutMs` for the running tasks of `states` to finish; `false` on timeout. */
  static async idle(states: readonly PartitionState[], timeoutMs: number): Promise<boolean> {
    const running = states.map((s) => s.inFlight).filter((p): p is Promise<void> => p !== undefined)
    if (running.length === 0) return true
    return waitFor(Promise.allSettled(running), timeoutMs)
  }

  async #drain(state: PartitionState): Promise<void> {
    const generation = state.generation
    // What a failing handler's retries wait on: built on first use (AbortSignal.any costs ~10 µs per call, measured
    // as a third of a small fetch's time to its first handler), since handlers that succeed never need it.
    let signal: AbortSignal | undefined
    const stopSignal = (): AbortSignal =>
      (signal ??= AbortSignal.any([state.abort.signal, state.leaving.signal, this.#stopping.signal]))
    const live = (): boolean => this.#active && state.generation === generation && state.dispatchable
    // A fairness quantum: partitions waiting for a slot get their turn after this many messages.
    let budget = this.#run.maxBatchSize
    while (budget > 0 && live() && state.size > 0) {
      // A message whose handler returned without a promise is done without one: no await, no microtask per message.
      const result =
        this.#run.mode === 'message'
          ? this.#handleMessage(state, generation, stopSignal)
          : this.#handleBatch(state, generation, stopSignal, budget)
      const handled = typeof result === 'number' ? result : await result
      if (handled === 0) return
      budget -= handled
    }
  }

  /** Handles the oldest buffered message, traced while someone subscribes to `kafkit:consumer:process`. */
  #handleMessage(state: PartitionState, generation: number, stopSignal: () => AbortSignal): number | Promise<number> {
    const channel = tracingChannels.consumerProcess
    if (!channel.hasSubscribers) return this.#processMessage(state, generation, stopSignal, undefined)
    const context: ConsumerMessageContext = {
      ...tracedMessage(state.peek()!),
      groupId: this.#host.identity?.groupId ?? '',
      clientId: this.#host.identity?.clientId,
    }
    return traceSettled(channel, context, async () => this.#processMessage(state, generation, stopSignal, context))
  }

  /**
   * Runs the handler once; when it fails, the failure handler retries it and applies the error policy. `undefined`
   * when the first attempt returned without a promise and did not throw, else a promise of the verdict (`undefined`
   * when the first attempt's promise resolved). `failure` describes the failing work (made only then).
   */
  #runHandler(
    attempt: () => unknown,
    record: Outcome | undefined,
    failure: () => FailureContext,
  ): undefined | Promise<Verdict | undefined> {
    let out: unknown
    try {
      out = attempt()
    } catch (error) {
      return this.#recover(error, record, failure)
    }
    if (!isPromise(out)) {
      if (record !== undefined) record.outcome = 'processed'
      return undefined
    }
    return Promise.resolve(out).then(
      () => {
        if (record !== undefined) record.outcome = 'processed'
        return undefined
      },
      (error: unknown) => this.#recover(error, record, failure),
    )
  }

  /** The failure handler's verdict on a failed attempt, recorded for the tracing channel. */
  async #recover(error: unknown, record: Outcome | undefined, failure: () => FailureContext): Promise<Verdict> {
    const verdict = await this.#policy.recover(error, failure())
    failedOutcome(record, verdict, error)
    return verdict
  }

  /**
   * Handles the oldest buffered message; returns how many messages were consumed from the buffer (0 or 1), without a
   * promise when the handler returned without one and succeeded.
   */
  #processMessage(
    state: PartitionState,
    generation: number,
    stopSignal: () => AbortSignal,
    record: Outcome | undefined,
  ): number | Promise<number> {
    // Decoded straight from its fetched batch: the message is made as an object only if handling it fails, and so
    // are the closures that retrying it needs.
    const source = state.headSource()!
    const index = state.headIndex()
    let out: unknown
    try {
      out = this.#handleAt(state, source, index)
    } catch (error) {
      return this.#messageFailed(error, state, generation, stopSignal, record, source, index)
    }
    if (!isPromise(out)) {
      if (record !== undefined) record.outcome = 'processed'
      return this.#messageDone(state, generation, source.offset(index), undefined, record)
    }
    return Promise.resolve(out).then(
      () => {
        if (record !== undefined) record.outcome = 'processed'
        return this.#messageDone(state, generation, source.offset(index), undefined, record)
      },
      (error: unknown) => this.#messageFailed(error, state, generation, stopSignal, record, source, index),
    )
  }

  /** Decodes message `index` of `source` and runs the message handler on it. */
  #handleAt(state: PartitionState, source: MessageSource, index: number): unknown {
    const handler = this.#run.handler as Handler<EachMessagePayload<AnyConsumerMessage>>
    const decoded = this.#host.decoder.decodeAt(source, index)
    if (isPromise(decoded)) return decoded.then((message) => handler({ message, signal: state.abort.signal }))
    return handler({ message: decoded, signal: state.abort.signal })
  }

  /** A message's first attempt failed: the failure handler retries it and applies the error policy. */
  async #messageFailed(
    error: unknown,
    state: PartitionState,
    generation: number,
    stopSignal: () => AbortSignal,
    record: Outcome | undefined,
    source: MessageSource,
    index: number,
  ): Promise<number> {
    const verdict = await this.#recover(error, record, () => ({
      raw: source.message(index),
      attempt: () => this.#handleAt(state, source, index),
      signal: stopSignal(),
      isStale: () => !this.#active || state.generation !== generation || state.status !== 'active',
    }))
    return this.#messageDone(state, generation, source.offset(index), verdict, record)
  }

  /** After a message's handling: drops it from the buffer unless its partition moved on; how many were consumed. */
  #messageDone(
    state: PartitionState,
    generation: number,
    offset: number,
    verdict: Verdict | undefined,
    record: Outcome | undefined,
  ): number {
    if (state.generation !== generation) {
      if (record !== undefined) record.outcome = 'unprocessed'
      return 0
    }
    if (verdict !== undefined && !this.#settleVerdict(verdict)) return 0
    state.drop(1)
    state.processedNext = offset + 1
    if (channels.consumerMessage.hasSubscribers)
      channels.consumerMessage.publish({ topic: state.topic, partition: state.partition, offset: String(offset) })
    return 1
  }

  /** Handles a batch from the head of the buffer; returns how many messages were consumed from the buffer. */
  async #handleBatch(
    state: PartitionState,
    generation: number,
    stopSignal: () => AbortSignal,
    budget: number,
  ): Promise<number> {
    const isStale = (): boolean => state.generation !== generation || state.status !== 'active'
    // Decoded straight from the fetched batches: a message is made as an object only when something needs it.
    const taken = state.head(Math.min(state.size, budget))
    const messages: AnyConsumerMessage[] = []
    let decodeError: unknown
    const decoder = this.#host.decoder
    const raw = decoder.raw
    decoding: for (const part of taken.parts) {
      if (raw && part.source instanceof FetchedBatch) {
        decoder.decodeRawRun(part.source, part.next, part.end, messages)
        continue
      }
      for (let i = part.next; i < part.end; i++) {
        try {
          const decoded = decoder.decodeAt(part.source, i)
          messages.push(isPromise(decoded) ? await decoded : decoded)
        } catch (error) {
          decodeError = error
          break decoding
        }
      }
    }
    if (isStale()) return 0
    if (messages.length === 0) {
      // The head message cannot be decoded: it alone takes the failure path.
      const raw = state.peek()!
      const verdict = await this.#policy.recover(decodeError, {
        raw,
        attempt: () => this.#host.decoder.decode(raw),
        signal: stopSignal(),
        isStale: () => !this.#active || isStale(),
      })
      if (isStale() || !this.#settleVerdict(verdict)) return 0
      if (verdict.kind === 'ok') return messages.length // decodes now: build the batch on the next turn
      state.drop(1)
      state.processedNext = raw.offset + 1
      return 1
    }
    const channel = tracingChannels.consumerProcessBatch
    if (!channel.hasSubscribers)
      return this.#processBatch(state, generation, stopSignal, messages, taken, isStale, undefined)
    const context: ConsumerBatchContext = {
      groupId: this.#host.identity?.groupId ?? '',
      clientId: this.#host.identity?.clientId,
      topic: state.topic,
      partition: state.partition,
      messages: taken.messages(messages.length).map(tracedMessage),
    }
    return traceSettled(channel, context, () =>
      this.#processBatch(state, generation, stopSignal, messages, taken, isStale, context),
    )
  }

  /** Runs the batch handler on decoded messages; returns how many messages were consumed from the buffer. */
  async #processBatch(
    state: PartitionState,
    generation: number,
    stopSignal: () => AbortSignal,
    messages: AnyConsumerMessage[],
    taken: BufferedRun,
    isStale: () => boolean,
    record: (Outcome & { processed?: number }) | undefined,
  ): Promise<number> {
    // Messages are processed only as a contiguous run from the start of the batch: a handler that works on several
    // messages at once may resolve a later one while an earlier one fails, and the committed offset must not pass it.
    let resolved = 0
    const done = new Array<boolean>(messages.length).fill(false)
    const handler = this.#run.handler as Handler<EachBatchPayload<AnyConsumerMessage>>
    const attempt = (): unknown =>
      handler(
        this.#batchPayload(
          state,
          messages.slice(resolved),
          isStale,
          (index) => {
            done[index] = true
            while (resolved < done.length && done[resolved]) resolved++
          },
          resolved,
        ),
      )
    const verdict = await this.#runHandler(attempt, record, () => ({
      // Blamed on the first message the handler did not resolve.
      get raw(): RawMessage {
        return taken.message(Math.min(resolved, messages.length - 1))
      },
      attempt,
      signal: stopSignal(),
      isStale: () => !this.#active || isStale(),
    }))
    if (state.generation !== generation) {
      if (record !== undefined) {
        record.outcome = 'unprocessed'
        record.processed = 0
      }
      return 0
    }
    // Messages the handler resolved are processed whatever happened to the rest.
    let consumed = verdict === undefined || verdict.kind === 'ok' ? messages.length : resolved
    if (verdict !== undefined && verdict.kind === 'skip') consumed = Math.min(messages.length, resolved + 1)
    if (verdict !== undefined) this.#settleVerdict(verdict)
    if (record !== undefined) record.processed = consumed
    if (consumed > 0) {
      const last = taken.offset(consumed - 1)
      state.drop(consumed)
      state.processedNext = last + 1
    }
    return consumed
  }

  #batchPayload(
    state: PartitionState,
    messages: AnyConsumerMessage[],
    isStale: () => boolean,
    onResolve: (index: number) => void,
    base: number,
  ): EachBatchPayload<AnyConsumerMessage> {
    const first = messages[0]!.offset
    const last = messages[messages.length - 1]!.offset
    const highWatermark = this.#host.highWatermark(state)
    let indexOf: Map<string, number> | undefined
    // Handlers mostly resolve in order: the message after the last one resolved is looked at first.
    let next = 0
    return {
      batch: {
        topic: state.topic,
        partition: state.partition,
        messages,
        highWatermark,
        firstOffset: () => first,
        lastOffset: () => last,
      },
      resolveOffset: (offset: string) => {
        let index: number | undefined = next
        if (messages[index]?.offset !== offset) {
          // Out of order: a map, built on first use, keeps handlers that resolve every message linear.
          indexOf ??= new Map(messages.map((m, at) => [m.offset, at]))
          index = indexOf.get(offset)
          if (index === undefined) return
        }
        next = index + 1
        onResolve(base + index)
      },
      heartbeat: () => Promise.resolve(),
      isRunning: () => this.#active,
      isStale,
      signal: state.abort.signal,
    }
  }

  /** Acts on a verdict; returns whether the message may be marked processed. */
  #settleVerdict(verdict: Verdict): boolean {
    if (verdict.kind === 'stop') {
      this.#host.endRun(verdict.error)
      return false
    }
    return verdict.kind !== 'stale'
  }
}

async function waitFor(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function placeholder(state: PartitionState): RawMessage {
  return {
    topic: state.topic,
    partition: state.partition,
    offset: state.processedNext ?? -1,
    timestamp: -1,
    key: null,
    value: null,
    headers: [],
    size: 0,
  }
}
