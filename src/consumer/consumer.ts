import { EventEmitter } from 'node:events'
import { type KafkaError, StateError } from '../errors/kafka-error.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { ConfigError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { ClientLink } from '../internal/client-link.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { type ClientState, Lifecycle } from '../internal/lifecycle.js'
import { CONSUMER_GROUP_METADATA } from '../internal/symbols.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { MessageDecoder } from './decoder.js'
import { type IteratorOptions, MessageIterator } from './iterator.js'
import { NativeConsumerAdapter } from '../native/consumer.js'
import { committedOffsets, offsetsForTimes, parseOffset, partitionLag, watermarks } from './offset-queries.js'
import { OffsetTracker } from './offset-tracker.js'
import { type ConsumerOptions, type ResolvedConsumerOptions, resolveConsumerOptions } from './options.js'
import { resolveRunOptions, type RunOptions } from './run-options.js'
import { PartitionFlow } from './partition-flow.js'
import { PartitionTable } from './partition-state.js'
import { GroupMembership } from './group-membership.js'
import { RunControl } from './run-control.js'
import { UserPauses } from './user-pauses.js'
import type {
  ConsumerEvents,
  MessageFor,
  PartitionLag,
  TopicNameFor,
  TopicPartition,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js'

/**
 * A Kafka consumer-group member over librdkafka, at-least-once by construction: an offset is committed only after
 * its handler, and every earlier message of its partition, finished.
 *
 * Messages of one partition are handled one at a time in offset order; different partitions run concurrently up to
 * `partitionsConsumedConcurrently`. Fetched-but-unhandled messages are bounded per partition (the partition is
 * paused while full), and librdkafka is polled continuously whatever the handlers do, so a slow handler neither
 * grows memory nor gets the member evicted.
 *
 * @typeParam K - key type (from the `key` serde; `Buffer` without one)
 * @typeParam V - value type (from the `value` serde; `Buffer` without one)
 * @typeParam TM - per-topic serdes; messages then form a union discriminated by `topic`
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ brokers, groupId: 'billing', key: serdes.string(), value: serdes.json<Order>() })
 * await consumer.connect()
 * await consumer.subscribe({ topics: ['orders'] })
 * await consumer.run({ partitionsConsumedConcurrently: 4, eachMessage: async ({ message }) => bill(message.value) })
 * // later
 * await consumer.stop()
 * await consumer.disconnect()
 * ```
 */
export class Consumer<K = Buffer, V = Buffer, TM extends TopicSerdeMap | undefined = undefined>
  extends EventEmitter<ConsumerEvents>
  implements AsyncIterable<MessageFor<K, V, TM>>
{
  readonly #options: ResolvedConsumerOptions
  readonly #lifecycle = new Lifecycle('Consumer')
  readonly #native: NativeConsumerAdapter
  readonly #partitions = new PartitionTable()
  readonly #tracker: OffsetTracker
  readonly #membership: GroupMembership
  /** Fetching, buffering, pausing and seeking of each assigned partition. */
  readonly #flow: PartitionFlow
  readonly #decoder: MessageDecoder
  /** Who this consumer is, for the tracing channels. */
  readonly #identity: { readonly groupId: string; readonly clientId: string | undefined }
  readonly #pauses = new UserPauses()
  /** The current run (if any), the outcome of the last one and their dead-letter queue. */
  readonly #runs: RunControl
  /** Connect, client events and error reporting, as every client does them. */
  readonly #link: ClientLink<'Consumer'>

  /**
   * Validates the options (throwing {@link ConfigError} on any unknown or ill-typed one) and creates the native
   * client. Nothing connects until {@link Consumer.connect}.
   */
  constructor(options: ConsumerOptions<K, V, TM>) {
    super()
    this.#options = resolveConsumerOptions(options)
    this.#decoder = new MessageDecoder(this.#options.key, this.#options.value, this.#options.topics)
    const clientId = this.#options.globalConfig['client.id']
    this.#identity = {
      groupId: String(this.#options.globalConfig['group.id']),
      clientId: typeof clientId === 'string' ? clientId : undefined,
    }
    this.#link = new ClientLink('Consumer', this, options, this.#options.logger, this.#options.globalConfig['group.id'])
    this.#native = this.#link.createNative(
      (error) => this.#onClientError(error),
      (event, native) =>
        new NativeConsumerAdapter(
          this.#options.globalConfig,
          this.#options.topicConfig,
          {
            wake: () => this.#flow.signalled(),
            offsetCommit: (error, offsets) => this.#tracker.onCommitResult(error, offsets),
            event,
          },
          native,
        ),
    )
    this.#tracker = new OffsetTracker(this.#native, (error) => this.#onClientError(error), this.#options.commitOffsets)
    const shared = {
      native: this.#native,
      partitions: this.#partitions,
      tracker: this.#tracker,
      options: this.#options,
      report: (error: KafkaError) => this.#report(error),
    }
    this.#membership = new GroupMembership({
      ...shared,
      assigned: (states) => this.#flow.assigned(states),
      ready: (states) => {
        for (const state of states) this.#runs.scheduler?.schedule(state)
      },
      wake: () => this.#flow.wake(),
      rebalanced: (event) => this.emit('rebalance', event),
    })
    this.#flow = new PartitionFlow({
      ...shared,
      pauses: this.#pauses,
      scheduler: () => this.#runs.scheduler,
      closed: () => this.#lifecycle.state === 'closed',
      afterFetch: () => this.#membership.serveRebalances(),
      clientError: (error) => this.#onClientError(error),
    })
    this.#runs = new RunControl({
      ...shared,
      flow: this.#flow,
      decoder: this.#decoder,
      identity: this.#identity,
      assertConnected: (method) => this.#lifecycle.assertConnected(method),
      hasErrorListener: () => this.listenerCount('error') > 0,
    })
  }

  /** The lifecycle state: `idle` → `connecting` → `connected` → `closing` → `closed`. */
  get state(): ClientState {
    return this.#lifecycle.state
  }

  /**
   * The consumer's group metadata, for `tx.sendOffsets({ consumer })` of a transactional Producer (KIP-447 fencing).
   * Not part of the public API.
   * @internal
   */
  [CONSUMER_GROUP_METADATA](): Buffer {
    this.#lifecycle.assertConnected('sendOffsets')
    return this.#native.groupMetadata()
  }

  /** Whether a run is active (between `run()` and the end of `stop()`). */
  get running(): boolean {
    return this.#runs.running
  }

  /** Connects to the brokers. Group membership starts with `subscribe()`. */
  async connect(): Promise<void> {
    return this.#lifecycle.connect('connect', () => this.#connect())
  }

  async #connect(): Promise<void> {
    await this.#link.connect(
      (guard) => guard.run(this.#native.connect(this.#options.connectTimeoutMs)),
      () => {
        this.#lifecycle.set('closed')
        // Destroyed in the background: the handle's worker runs jobs in order, so the destroy waits for a metadata
        // request still running, which a hopeless error made pointless.
        void this.#native.disconnect().catch(() => undefined)
      },
    )
    this.#flow.start()
    this.#lifecycle.set('connected')
  }

  /**
   * Adds topics to the subscription: names, or regular expressions matched by librdkafka against every topic
   * (anchored at the start; JS flags are ignored). With a `topics` serde map, names must be keys of the map.
   */
  async subscribe(options: { topics: ReadonlyArray<TopicNameFor<TM> | RegExp> }): Promise<void> {
    this.#lifecycle.assertConnected('subscribe')
    await this.#membership.subscribe((options as { topics?: unknown })?.topics)
  }

  /**
   * Starts handling messages with `eachMessage` or `eachBatch`; resolves once running. Errors that end the run
   * (the `stop` error policy, fatal client errors) reject {@link Consumer.stopped}; when nobody awaits it and no
   * `error` listener exists, they surface as an unhandled rejection rather than stopping silently.
   */
  async run(options: RunOptions<MessageFor<K, V, TM>>): Promise<void> {
    this.#lifecycle.assertConnected('run')
    this.#runs.assertIdle()
    if (!this.#membership.subscribed)
      throw new StateError('Consumer.run() called without a subscription: await consumer.subscribe({ topics }) first')
    await this.#runs.start(resolveRunOptions(options, this.#options))
  }

  /** Settles when the current (or last) run ends: resolves after `stop()`, rejects with the error that ended it. */
  stopped(): Promise<void> {
    return this.#runs.outcome
  }

  /**
   * Stops gracefully: no new messages are handled, in-flight handlers finish (up to `timeoutMs`), and processed
   * offsets are committed. The member stays in the group with its partitions paused; `run()` may be called again.
   * @param options.timeoutMs - how long to wait for in-flight handlers @default revokeTimeoutMs
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.#runs.stop(options.timeoutMs ?? this.#options.revokeTimeoutMs)
  }

  /** Commits the processed offsets of every assigned partition now; resolves once the coordinator confirmed. */
  async commit(): Promise<void> {
    this.#lifecycle.assertConnected('commit')
    if (!this.#options.commitOffsets)
      throw new StateError(
        'Consumer.commit() refused: commitOffsets is false, offsets are committed through producer transactions (tx.sendOffsets())',
      )
    await this.#tracker.commit([...this.#partitions.all()], this.#options.requestTimeoutMs)
  }

  /** Pauses topics or partitions, also while running: in-flight handlers finish, nothing new starts until `resume()`. */
  pause(topics: readonly TopicPartitions[]): void {
    this.#lifecycle.assertConnected('pause')
    this.#pauses.pause(topics)
    this.#flow.applyUserPauses()
  }

  /** Resumes paused topics or partitions. */
  resume(topics: readonly TopicPartitions[]): void {
    this.#lifecycle.assertConnected('resume')
    this.#pauses.resume(topics, (topic) =>
      [...this.#partitions.all()].filter((s) => s.topic === topic).map((s) => s.partition),
    )
    this.#flow.applyUserPauses()
  }

  /**
   * Moves an assigned partition to `offset` (a decimal string, `'earliest'` or `'latest'`), also while running.
   * Buffered messages are dropped and an in-flight handler's result no longer moves the committed offset.
   */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the special offsets are named for editors and the API docs
  async seek(target: { topic: string; partition: number; offset: string | 'earliest' | 'latest' }): Promise<void> {
    this.#lifecycle.assertConnected('seek')
    const state = this.#partitions.get(target?.topic, target?.partition)
    if (!state || state.status !== 'active') {
      throw new StateError(`Consumer.seek(): ${target?.topic}[${target?.partition}] is not assigned to this member`)
    }
    const offset = parseOffset(target.offset)
    state.clear()
    state.invalidate()
    await this.#flow.seek(state, offset)
    // The user's position replaces one a failed seek in stop() left pending.
    state.pendingSeek = undefined
    this.#flow.syncPause(state)
    this.#runs.scheduler?.schedule(state)
  }

  /** The offset of the next message each assigned partition will hand to a handler (`null` when not known yet). */
  position(): TopicPartitionOffset[] {
    this.#lifecycle.assertConnected('position')
    return [...this.#partitions.all()].map((state) => ({
      topic: state.topic,
      partition: state.partition,
      offset: this.#flow.positionOf(state),
    }))
  }

  /** The group's committed offsets for `partitions` (default: the assignment), from the coordinator. */
  async committed(partitions?: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.#lifecycle.assertConnected('committed')
    return committedOffsets(this.#native, partitions ?? [...this.#partitions.all()], this.#options.requestTimeoutMs)
  }

  /**
   * For each partition, the offset of its earliest record whose timestamp is at or after `timestamp` (ms since the
   * epoch), asked of the brokers; `null` when no record is that recent yet. Pass the result to {@link Consumer.seek}
   * to replay from a point in time.
   *
   * @example
   * ```ts
   * const [target] = await consumer.offsetsForTimes([{ topic: 'orders', partition: 0, timestamp: Date.now() - 3_600_000 }])
   * if (target.offset !== null) await consumer.seek({ topic: 'orders', partition: 0, offset: target.offset })
   * ```
   */
  async offsetsForTimes(
    query: ReadonlyArray<TopicPartition & { readonly timestamp: number }>,
  ): Promise<TopicPartitionOffset[]> {
    this.#lifecycle.assertConnected('offsetsForTimes')
    return offsetsForTimes(this.#native, query, this.#options.requestTimeoutMs)
  }

  /**
   * A partition's low and high watermarks (its first offset, and the offset the next record will get), asked of its
   * leader; {@link Consumer.lag} uses the watermarks last seen while fetching instead, without a request.
   */
  async watermarks(topic: string, partition: number): Promise<{ low: string; high: string }> {
    this.#lifecycle.assertConnected('watermarks')
    return watermarks(this.#native, topic, partition, this.#options.requestTimeoutMs)
  }

  /** How far behind the end of each assigned partition this consumer is (high watermark minus position). */
  lag(): PartitionLag[] {
    this.#lifecycle.assertConnected('lag')
    return partitionLag(this.#native, this.#partitions.all(), (state) => this.#flow.positionOf(state))
  }

  /** The partitions currently assigned to this member. */
  assignment(): TopicPartition[] {
    return [...this.#partitions.all()].map(({ topic, partition }) => ({ topic, partition }))
  }

  /**
   * Iterates over messages one at a time (in order per partition). A message counts as processed when the loop
   * asks for the next one; leaving the loop stops the consumer.
   */
  messages(options: IteratorOptions = {}): AsyncIterableIterator<MessageFor<K, V, TM>> {
    return new MessageIterator<MessageFor<K, V, TM>>(this, options)
  }

  /** `for await (const message of consumer)`; see {@link Consumer.messages}. */
  [Symbol.asyncIterator](): AsyncIterator<MessageFor<K, V, TM>> {
    return this.messages()
  }

  /**
   * Stops the run (if any), releases the partitions (committing processed offsets) and leaves the group.
   * Called while `connect()` is still running, it waits for it to settle and then closes what it connected.
   * Never throws: problems on the way are reported through the `error` event.
   */
  async disconnect(): Promise<void> {
    if (!(await this.#lifecycle.beginClose())) return
    await this.stop().catch(() => undefined)
    try {
      // A dynamic member leaves through an unsubscribe, whose revoke the still-running fetch loop serves.
      await this.#membership.leave()
    } catch (error) {
      this.#report(fromRdkafkaError(error, { operation: 'Consumer.disconnect' }))
    }
    await this.#flow.stop()
    await this.#runs.closeDeadLetter()
    await this.#native.disconnect()
    this.#tracker.abandon(new StateError('Consumer disconnected before the commit was confirmed'))
    this.#lifecycle.set('closed')
  }

  #onClientError(error: unknown): void {
    const mapped = this.#link.clientError(error)
    this.#report(mapped)
    if (mapped.fatal) this.#runs.end(mapped)
  }

  #report(error: KafkaError): void {
    if (channels.consumerError.hasSubscribers) channels.consumerError.publish({ error })
    this.#link.emitError(error)
  }
}
