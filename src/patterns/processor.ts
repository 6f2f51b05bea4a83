/**
 * `Processor`: exactly-once consume-transform-produce. Each transaction carries the outputs of a run of input
 * messages of one partition together with that partition's next input offset, so `read_committed` readers see
 * every output exactly once whatever crashes in between.
 * @module
 */
import { EventEmitter } from 'node:events'
import { notSkippable } from '../consumer/failure-handler.js'
import type { EachBatchPayload } from '../consumer/types.js'
import { KafkaError, StateError } from '../errors/kafka-error.js'
import { type ClientState, Lifecycle } from '../internal/lifecycle.js'
import { isPromise } from '../internal/is-promise.js'
import { UnheardErrors } from '../internal/unheard.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import {
  connectReplacement,
  createProcessorConsumer,
  createProcessorProducer,
  type ProcessorConsumer,
  type ProcessorProducer,
  replaceableCause,
} from './processor-clients.js'
import {
  type ProcessorInput,
  type ProcessorOptions,
  type ResolvedProcessorOptions,
  resolveProcessorOptions,
} from './processor-options.js'
import { firstUncommitted } from './committed-prefix.js'
import { offsetShare, processorContext } from './processor-context.js'
import { Doom, TransactionRounds } from './transaction-rounds.js'

/** Events a processor emits. */
export interface ProcessorEvents {
  /** A client-level error of the processor's consumer or producer; handler failures follow `errorPolicy`. */
  error: [error: KafkaError]
}

type AnyInput = ProcessorInput<TopicSerdeMap>

/** Producer replacements in a row without a committed transaction before the processor gives up and stops. */
const MAX_REPLACEMENTS = 5

/** A handler failed at `index` of the messages a transaction covered. */
class HandlerFailure {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

/**
 * Exactly-once consume-transform-produce. Offsets of the input group are committed only inside the processor's
 * transactions (`sendOffsetsToTransaction` with the group's metadata, KIP-447), never by the consumer itself.
 *
 * Partitions handled at about the same time (up to `partitionsPerTransaction`) share one transaction, each with up
 * to `maxBatchSize` consecutive messages taken for at most `maxBatchMs`. A handler that throws aborts the
 * transaction: the messages of its partition before it are then committed in the next transaction, so retries and
 * `skip` apply to the failing message only, and the other partitions run their messages again. On revoke the
 * consumer waits for the open transaction to commit or abort before the partitions move.
 *
 * @typeParam I - serdes of the input topics
 * @typeParam O - serdes of the output topics
 *
 * @example
 * ```ts
 * const enricher = new Processor({
 *   brokers, groupId: 'enricher', transactionalId: 'enricher-1',
 *   input: { orders: { key: serdes.string(), value: serdes.json<Order>() } },
 *   output: { 'orders.enriched': { key: serdes.string(), value: serdes.json<Enriched>() } },
 *   handle: (message, ctx) => ctx.send({ topic: 'orders.enriched', key: message.key, value: enrich(message.value!) }),
 * })
 * await enricher.start()
 * await enricher.stop()
 * ```
 */
export class Processor<I extends TopicSerdeMap, O extends TopicSerdeMap> extends EventEmitter<ProcessorEvents> {
  readonly #options: ResolvedProcessorOptions
  readonly #lifecycle = new Lifecycle('Processor')
  readonly #consumer: ProcessorConsumer
  #producer: ProcessorProducer
  /** Set while a failed producer is being replaced: no transaction begins until it settles. */
  #replacing: Promise<void> | undefined
  /** Replacements since the last committed transaction. */
  #replacements = 0
  /**
   * Partitions (`topic:partition`) whose last transaction's outcome is unknown: before their messages run again,
   * the group's committed offset says which of them that transaction committed.
   */
  readonly #unverified = new Set<string>()
  #fatal: KafkaError | undefined
  readonly #unheard = new UnheardErrors('kafkit Processor')
  readonly #rounds = new TransactionRounds({
    transaction: (fn) => this.#producer.transaction(fn),
    sendOffsets: (tx, shares) =>
      tx.sendOffsets({
        consumer: this.#consumer,
        offsets: shares.map((share) => ({ topic: share.topic, partition: share.partition, offset: share.next })),
      }),
    staleError: (share) => new StateError(share.describe()),
    ready: () => this.#replacing,
  })

  /** Validates the options (throwing `ConfigError`) and creates the clients. Nothing connects until {@link Processor.start}. */
  constructor(options: ProcessorOptions<I, O>) {
    super()
    this.#options = resolveProcessorOptions(options)
    this.#consumer = createProcessorConsumer(this.#options)
    this.#producer = this.#createProducer()
    this.#consumer.on('error', (error) => this.#report(error))
  }

  #createProducer(): ProcessorProducer {
    const producer = createProcessorProducer(this.#options)
    producer.on('error', (error) => this.#report(error))
    return producer
  }

  /**
   * Replaces a failed producer (see {@link replaceableCause}): the new producer's connect() fences the old one and
   * completes or aborts its open transaction. Rounds wait for it ({@link RoundHost.ready}); failing to connect the
   * new producer stops the processor. Returns false when no replacement runs (the processor stopped or is stopping).
   */
  #replaceProducer(cause: KafkaError): boolean {
    if (this.#fatal !== undefined || this.#lifecycle.state === 'closing' || this.#lifecycle.state === 'closed')
      return false
    if (this.#replacing !== undefined) return true
    this.#report(cause)
    this.#replacements++
    const old = this.#producer
    this.#replacing = (async () => {
      const next = this.#createProducer()
      try {
        await connectReplacement(next)
      } catch (fatal) {
        this.#failed(fatal)
        throw fatal
      }
      this.#producer = next
      // Returns at once: a stuck call holds the old client until librdkafka lets go of it.
      old.disconnect().catch(() => undefined)
    })().finally(() => {
      this.#replacing = undefined
    })
    this.#replacing.catch(() => undefined)
    return true
  }

  /** The processor's lifecycle state. */
  get state(): ClientState {
    return this.#lifecycle.state
  }

  /**
   * Connects (initializing transactions fences an older instance with the same `transactionalId`), subscribes to
   * the input topics and starts processing. Resolves once running.
   */
  async start(): Promise<void> {
    return this.#lifecycle.connect('start', () => this.#start())
  }

  async #start(): Promise<void> {
    try {
      await this.#producer.connect()
      await this.#consumer.connect()
      await this.#consumer.subscribe({ topics: Object.keys(this.#options.input) })
      await this.#consumer.run({
        eachBatch: (payload) => this.#onBatch(payload),
        maxBatchSize: this.#options.maxBatchSize,
        // Partitions handled at once share the open transaction (one transactional producer runs one at a time).
        partitionsConsumedConcurrently: this.#options.partitionsPerTransaction,
        errorPolicy: this.#options.errorPolicy,
        ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
      })
    } catch (error) {
      await this.#close()
      throw error
    }
    // stop() waits for start() to settle before closing anything.
    if (this.#lifecycle.state === 'connecting') this.#lifecycle.set('connected')
  }

  /**
   * Settles when processing ends: resolves after {@link Processor.stop}, rejects with the error that stopped it
   * (a message failing under the `stop` policy, a fenced producer).
   */
  async stopped(): Promise<void> {
    await this.#consumer.stopped()
    if (this.#fatal) throw this.#fatal
  }

  /**
   * Stops gracefully: the open transaction commits (or aborts, and its inputs are processed again later), then both
   * clients disconnect. Uncommitted work is never committed by the consumer on its own. Called while `start()` is
   * still running, it waits for it to settle and then closes everything it connected.
   */
  async stop(): Promise<void> {
    if (this.#lifecycle.state === 'closed' || this.#lifecycle.state === 'closing') return
    if (this.#lifecycle.state === 'connecting') {
      // Let start() settle first: closing the clients under it would leave whichever it connects next running.
      this.#lifecycle.set('closing')
      await this.#lifecycle.connectSettled()
      // A start() that failed closed everything itself.
      if ((this.#lifecycle.state as ClientState) === 'closed') return
    }
    this.#lifecycle.set('closing')
    await this.#close()
  }

  async #close(): Promise<void> {
    await this.#replacing?.catch(() => undefined)
    try {
      await this.#consumer.stop().catch(() => undefined)
      if (this.#consumer.state !== 'idle') await this.#consumer.disconnect()
    } finally {
      if (this.#producer.state !== 'idle')
        await this.#producer.disconnect().catch((error: unknown) => this.#report(error as KafkaError))
      this.#lifecycle.set('closed')
    }
  }

  async #onBatch({ batch, resolveOffset, signal, isStale }: EachBatchPayload<AnyInput>): Promise<void> {
    const messages = batch.messages
    const stale = (): boolean => signal.aborted || isStale()
    let from = 0
    let limit = messages.length
    // A handler failure: reported once the messages before it are committed, so that the retry (or skip) concerns
    // the failing message alone.
    let failure: HandlerFailure | undefined
    const key = `${batch.topic}:${batch.partition}`
    while (from < limit) {
      const me = {}
      let end: number
      try {
        if (this.#unverified.has(key)) {
          from = await this.#skipCommitted(key, messages, from, limit, resolveOffset)
          if (from >= limit) break
        }
        end = await this.#share(me, messages, from, limit, signal, stale)
      } catch (error) {
        if (error instanceof Doom && error.owner !== me) {
          // Another partition's failure aborted the round: these messages run again in the next one, unless this
          // partition left meanwhile (then the failure, another partition's, must not become this one's).
          if (!stale()) continue
          throw this.#failed(error.cause instanceof HandlerFailure ? error.cause.error : error.cause)
        }
        const cause = error instanceof Doom ? error.cause : error
        const replaceable = this.#fatal === undefined ? replaceableCause(cause) : undefined
        // The producer failed with the transaction's outcome unknown: a new producer settles it, then the group's
        // committed offset says which of these messages it committed. Not the messages' fault: no retry is used.
        if (replaceable !== undefined && this.#replacements < MAX_REPLACEMENTS && this.#replaceProducer(replaceable)) {
          // A partition leaving (revoked or lost) is not run again here: its next owner starts from the committed
          // offset, which the new producer's connect() settled.
          if (signal.aborted) return
          this.#unverified.add(key)
          continue
        }
        if (cause instanceof HandlerFailure && failure === undefined) {
          failure = cause
          limit = cause.index
          continue
        }
        throw this.#failed(cause instanceof HandlerFailure ? cause.error : cause)
      }
      // Each message of the committed transaction: resolving one does not resolve the earlier ones.
      for (let index = from; index < end; index++) resolveOffset(messages[index]!.offset)
      from = end
    }
    if (failure !== undefined) throw failure.error
  }

  /**
   * After a producer failure left a transaction's outcome unknown: waits for the new producer (whose connect()
   * settled that transaction), reads the group's committed offset of the partition (a stable read: the consumer
   * reads committed), marks the messages below it handled, and returns the index of the first one to run again.
   */
  async #skipCommitted(
    key: string,
    messages: readonly AnyInput[],
    from: number,
    limit: number,
    resolveOffset: (offset: string) => void,
  ): Promise<number> {
    await this.#replacing?.catch(() => undefined)
    if (this.#fatal !== undefined) throw this.#fatal
    const { topic, partition } = messages[from]!
    const [entry] = await this.#consumer.committed([{ topic, partition }])
    const next = firstUncommitted(messages, from, limit, entry?.offset == null ? -1n : BigInt(entry.offset))
    for (let index = from; index < next; index++) resolveOffset(messages[index]!.offset)
    this.#unverified.delete(key)
    return next
  }

  /**
   * Handles messages `from`..`limit` (bounded by size and time) inside the open round and waits for the round's
   * commit; returns where it ended. Rejects with a {@link Doom} when the round aborted on a member's account.
   */
  async #share(
    me: object,
    messages: readonly AnyInput[],
    from: number,
    limit: number,
    signal: AbortSignal,
    stale: () => boolean,
  ): Promise<number> {
    const round = await this.#rounds.join()
    const started = Date.now()
    const { maxBatchSize, maxBatchMs, handle } = this.#options
    const first = messages[from]!
    const committed: Array<() => void> = []
    let end = from
    // Handlers run in the round beyond `end`: the failing one.
    let ran = 0
    if (round.tx === undefined) {
      // The transaction could not begin: the round's outcome says why.
      round.done()
    } else {
      const ctx = processorContext(round.tx, this.#options.output, signal, committed)
      try {
        while (end < limit && !round.doomed) {
          try {
            const handled = handle(messages[end]!, ctx)
            if (isPromise(handled)) await handled
          } catch (error) {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- internal marker, unwrapped by #onBatch (instanceof) before anything leaves the processor
            throw new HandlerFailure(end, error)
          }
          end++
          if (end - from >= maxBatchSize || Date.now() - started >= maxBatchMs) break
        }
        round.done(end === from ? undefined : offsetShare(me, messages[end - 1]!, stale))
      } catch (failure) {
        round.fail(me, failure)
        ran = 1
      }
    }
    try {
      await round.outcome
    } catch (error) {
      this.#publish(round.id, first, end - from + ran, 'abort', error instanceof Doom ? error.cause : error)
      throw error
    }
    this.#replacements = 0
    this.#publish(round.id, first, end - from, 'commit')
    for (const callback of committed) callback()
    return end
  }

  /**
   * A failure of the transaction machinery (commit, offsets, deliveries; not the handler's): retried, but never
   * skipped or dead-lettered, since the next commit would then move past the input and lose its outputs. A fatal
   * one that a new producer does not cure (fenced; or producers failing in a row, {@link MAX_REPLACEMENTS}) ends
   * the processor at once.
   */
  #failed(error: unknown): unknown {
    notSkippable(error)
    if (error instanceof KafkaError && error.fatal && this.#fatal === undefined) {
      this.#fatal = error
      this.#report(error)
      // Not awaited: stop() waits for this very handler to return.
      this.#consumer.stop().catch(() => undefined)
    }
    return error
  }

  #publish(transaction: number, first: AnyInput, messages: number, outcome: 'commit' | 'abort', error?: unknown): void {
    if (!channels.processorTransaction.hasSubscribers) return
    const payload = {
      groupId: this.#options.groupId,
      transaction,
      topic: first.topic,
      partition: first.partition,
      messages,
      outcome,
      error: error instanceof HandlerFailure ? error.error : error,
    }
    channels.processorTransaction.publish(payload)
  }

  #report(error: KafkaError): void {
    if (channels.processorError.hasSubscribers)
      channels.processorError.publish({ groupId: this.#options.groupId, error })
    if (this.listenerCount('error') > 0) this.emit('error', error)
    else this.#unheard.warn(error)
  }
}
