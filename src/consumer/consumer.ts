import { EventEmitter } from 'node:events'
import { RESP_ERR } from '../errors/codes.generated.js'
import { AuthenticationError, ConfigError, ConnectionError, KafkaError, StateError, TimeoutError } from '../errors/kafka-error.js'
import { authenticationFailed, authFailureReported, configErrorFrom, fromRdkafkaError, hopelessConnect } from '../errors/map.js'
import { ConnectGuard } from '../internal/connect-guard.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { type ClientState, Lifecycle } from '../internal/lifecycle.js'
import { LogRouter } from '../internal/log.js'
import { OAuthRefresher } from '../internal/oauth.js'
import { UnheardErrors } from '../internal/unheard.js'
import { tokenProviderOf } from '../config/index.js'
import type { RawClientEvent } from '../native/producer.js'
import { CONSUMER_GROUP_METADATA } from '../internal/symbols.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { DeadLetterQueue } from './dead-letter.js'
import { MessageDecoder } from './decoder.js'
import { ErrorPolicy } from './error-policy.js'
import { FetchLoop } from './fetch-loop.js'
import { type IteratorOptions, MessageIterator } from './iterator.js'
import { type FetchedBatch, NativeConsumerAdapter, OFFSET_BEGINNING, OFFSET_END } from '../native/consumer.js'
import { OffsetTracker } from './offset-tracker.js'
import { type ConsumerOptions, type RebalanceHook, type ResolvedConsumerOptions, resolveConsumerOptions, resolveRunOptions, type RunOptions } from './options.js'
import { type PartitionState, PartitionTable } from './partition-state.js'
import { RebalanceHandler } from './rebalance.js'
import { Runner } from './runner.js'
import { UserPauses } from './user-pauses.js'
import type {
  ConsumerEvents, ConsumerStats, MessageFor, PartitionLag, RebalanceEvent, TopicNameFor, TopicPartition, TopicPartitionOffset, TopicPartitions,
} from './types.js'

/** Commit failures that mean a rebalance is under way, not that the commit was wrong. */
const REBALANCE_COMMIT_CODES = new Set<number>([
  RESP_ERR.ILLEGAL_GENERATION, RESP_ERR.REBALANCE_IN_PROGRESS, RESP_ERR.NOT_COORDINATOR,
  RESP_ERR.COORDINATOR_NOT_AVAILABLE, RESP_ERR.COORDINATOR_LOAD_IN_PROGRESS,
])
const STORE_INTERVAL_MS = 1_000

interface RunState {
  readonly runner: Runner
  readonly outcome: Promise<void>
  readonly settle: (error?: KafkaError) => void
  failure: KafkaError | undefined
  stopping: Promise<void> | undefined
}

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
  implements AsyncIterable<MessageFor<K, V, TM>> {
  readonly #options: ResolvedConsumerOptions
  readonly #lifecycle = new Lifecycle('Consumer')
  readonly #native: NativeConsumerAdapter
  readonly #partitions = new PartitionTable()
  readonly #tracker: OffsetTracker
  readonly #rebalance: RebalanceHandler
  readonly #fetchLoop: FetchLoop
  readonly #decoder: MessageDecoder
  /** Who this consumer is, for the tracing channels. */
  readonly #identity: { readonly groupId: string; readonly clientId: string | undefined }
  readonly #subscription = new Set<string>()
  readonly #pauses = new UserPauses()
  #run: RunState | undefined
  /** The outcome of the current or last run. */
  #outcome: Promise<void> = Promise.resolve()
  #deadLetter: DeadLetterQueue | undefined
  #storeTimer: NodeJS.Timeout | undefined
  readonly #log: LogRouter
  #oauth: OAuthRefresher | undefined
  /** The last authentication failure librdkafka reported, for connect() to name as its reason. */
  #authFailure: AuthenticationError | undefined
  readonly #guard = new ConnectGuard()
  /** Subscribed, and librdkafka has not raised the group's first rebalance yet (a join is under way). */
  #joining = false
  #connecting: Promise<void> | undefined
  readonly #unheard = new UnheardErrors('kafkit Consumer')

  /**
   * Validates the options (throwing {@link ConfigError} on any unknown or ill-typed one) and creates the native
   * client. Nothing connects until {@link Consumer.connect}.
   */
  constructor(options: ConsumerOptions<K, V, TM>) {
    super()
    this.#options = resolveConsumerOptions(options)
    this.#decoder = new MessageDecoder(this.#options.key, this.#options.value, this.#options.topics)
    const clientId = this.#options.globalConfig['client.id']
    this.#identity = { groupId: String(this.#options.globalConfig['group.id']), clientId: typeof clientId === 'string' ? clientId : undefined }
    this.#log = new LogRouter(this.#options.logger, `consumer ${this.#identity.groupId}`.trim())
    const tokenProvider = tokenProviderOf(options)
    try {
      this.#native = new NativeConsumerAdapter(this.#options.globalConfig, this.#options.topicConfig, {
        wake: () => this.#fetchLoop.wake(),
        offsetCommit: (error, offsets) => this.#tracker.onCommitResult(error, offsets),
        event: (event) => this.#onEvent(event),
      }, { oauthbearer: tokenProvider !== undefined })
    } catch (error) {
      // librdkafka validates property values at creation; the addon names each refused one.
      throw configErrorFrom(error)
    }
    if (tokenProvider) this.#oauth = new OAuthRefresher(tokenProvider, (token) => this.#native.setOAuthToken(token))
    this.#tracker = new OffsetTracker(this.#native, (error) => this.#onClientError(error), this.#options.commitOffsets)
    this.#rebalance = new RebalanceHandler({
      native: this.#native,
      partitions: this.#partitions,
      tracker: this.#tracker,
      revokeTimeoutMs: this.#options.revokeTimeoutMs,
      // librdkafka waits for the rebalance to be answered: a hook that never settles would hold the whole group.
      hooks: {
        onAssign: boundedHook(this.#options.onAssign, 'onAssign', this.#options.revokeTimeoutMs),
        onRevoke: boundedHook(this.#options.onRevoke, 'onRevoke', this.#options.revokeTimeoutMs),
        onLost: boundedHook(this.#options.onLost, 'onLost', this.#options.revokeTimeoutMs),
      },
      assigned: (states) => this.#assigned(states),
      ready: (states) => {
        for (const state of states) this.#run?.runner.schedule(state)
      },
      released: () => this.#fetchLoop.wake(),
      rebalanced: (event) => this.#rebalanced(event),
      report: (error) => this.#report(error),
    })
    this.#fetchLoop = new FetchLoop(
      {
        consume: (size) => this.#native.consume(size),
        onMessages: (batch, poll) => this.#onMessages(batch, poll),
        afterFetch: () => {
          for (const event of this.#native.takeRebalances()) {
            this.#joining = false
            this.#rebalance.onRebalance(event)
          }
        },
        onError: (error) => this.#onClientError(error),
        hasRoom: () => this.#hasRoom(),
      },
      {
        batchSize: this.#options.fetchBatchSize,
        maxWaitMs: this.#options.maxPollWaitMs,
        saturatedPollMs: Math.min(1_000, Math.floor(this.#options.rebalanceTimeoutMs / 10)),
      },
    )
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
    return this.#run?.runner.active === true
  }

  /** Connects to the brokers. Group membership starts with `subscribe()`. */
  async connect(): Promise<void> {
    this.#lifecycle.assertIdle('connect')
    this.#lifecycle.set('connecting')
    this.#connecting = this.#connect()
    return this.#connecting
  }

  async #connect(): Promise<void> {
    this.#authFailure = undefined
    try {
      await this.#guard.run(this.#native.connect(this.#options.connectTimeoutMs))
    } catch (error) {
      const failure = error instanceof KafkaError ? error : fromRdkafkaError(error, { operation: 'Consumer.connect' })
      // librdkafka reports refused credentials as a client error and the connect itself only as a transport failure
      // or a timeout; the client error may arrive just after a fast failure.
      if (failure instanceof ConnectionError) await authFailureReported(() => this.#authFailure !== undefined)
      this.#lifecycle.set('closed')
      // Destroyed in the background: the handle's worker runs jobs in order, so the destroy waits for a metadata
      // request still running, which a hopeless error made pointless.
      void this.#native.disconnect().catch(() => undefined)
      if (this.#authFailure) throw authenticationFailed('Consumer', this.#authFailure)
      throw hopelessConnect('Consumer', failure)
    }
    this.#fetchLoop.start()
    // Offsets are also stored by each handler task; this bounds how stale they get under a long task.
    this.#storeTimer = setInterval(() => this.#storeOffsets(), STORE_INTERVAL_MS).unref()
    this.#lifecycle.set('connected')
  }

  /**
   * Adds topics to the subscription: names, or regular expressions matched by librdkafka against every topic
   * (anchored at the start; JS flags are ignored). With a `topics` serde map, names must be keys of the map.
   */
  async subscribe(options: { topics: ReadonlyArray<TopicNameFor<TM> | RegExp> }): Promise<void> {
    this.#lifecycle.assertConnected('subscribe')
    const topics = (options as { topics?: unknown })?.topics
    if (!Array.isArray(topics) || topics.length === 0) throw new ConfigError('topics', 'expected a non-empty array of topic names or RegExps')
    const added = topics.map((topic: unknown, index) => {
      if (topic instanceof RegExp) return topic.source.startsWith('^') ? topic.source : `^${topic.source}`
      if (typeof topic !== 'string' || topic === '') throw new ConfigError(`topics[${index}]`, `expected a topic name or RegExp, got ${JSON.stringify(topic)}`)
      if (this.#options.topics !== undefined && !(topic in this.#options.topics)) {
        throw new ConfigError(`topics[${index}]`, `topic ${topic} has no serdes in the consumer's topics map`)
      }
      return topic
    })
    for (const topic of added) this.#subscription.add(topic)
    try {
      await this.#native.subscribe([...this.#subscription])
      if (this.#partitions.size === 0) this.#joining = true
    } catch (error) {
      for (const topic of added) this.#subscription.delete(topic)
      throw fromRdkafkaError(error, { operation: 'Consumer.subscribe' })
    }
    this.#fetchLoop.wake()
  }

  /**
   * Starts handling messages with `eachMessage` or `eachBatch`; resolves once running. Errors that end the run
   * (the `stop` error policy, fatal client errors) reject {@link Consumer.stopped}; when nobody awaits it and no
   * `error` listener exists, they surface as an unhandled rejection rather than stopping silently.
   */
  async run(options: RunOptions<MessageFor<K, V, TM>>): Promise<void> {
    this.#lifecycle.assertConnected('run')
    if (this.#run) throw new StateError('Consumer.run() called while running: await consumer.stop() first')
    if (this.#subscription.size === 0) throw new StateError('Consumer.run() called without a subscription: await consumer.subscribe({ topics }) first')
    const resolved = resolveRunOptions(options, this.#options)
    const policy = resolved.errorPolicy
    if (typeof policy === 'object') {
      const reusable = this.#deadLetter?.topic === policy.deadLetter.topic && policy.deadLetter.producer === undefined
      if (!reusable) {
        // A producer kafkit created for an earlier run's dead letters is not needed any more.
        this.#deadLetter?.close().catch((error: unknown) => this.#report(fromRdkafkaError(error, { operation: 'closing the dead-letter producer' })))
        this.#deadLetter = new DeadLetterQueue(policy.deadLetter, this.#options.connection)
      }
      try {
        await this.#deadLetter!.ready()
      } catch (error) {
        throw new KafkaError('ERR_DEAD_LETTER', `Consumer.run(): the dead-letter producer for topic ${policy.deadLetter.topic} could not connect: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      }
      // Awaited: the consumer may have been disconnected, or run() called again, meanwhile.
      this.#lifecycle.assertConnected('run')
      if (this.#run) throw new StateError('Consumer.run() called while running: await consumer.stop() first')
    }
    const errorPolicy = new ErrorPolicy(resolved, this.#deadLetter, (error) => this.#report(error))
    const runner = new Runner({
      decoder: this.#decoder,
      afterTask: (state) => this.#afterTask(state),
      fail: (error) => this.#fail(error),
      highWatermark: (state) => {
        const high = this.#native.cachedWatermarks(state.topic, state.partition)?.high
        return high === undefined ? null : String(high)
      },
      identity: this.#identity,
    }, resolved, errorPolicy)
    let settle!: (error?: KafkaError) => void
    const outcome = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve())
    })
    this.#run = { runner, outcome, settle, failure: undefined, stopping: undefined }
    this.#outcome = outcome
    for (const state of this.#partitions.all()) {
      if (state.pendingSeek !== undefined) void this.#retrySeek(state)
      this.#syncPause(state)
      runner.schedule(state)
    }
    this.#fetchLoop.wake()
  }

  /** Settles when the current (or last) run ends: resolves after `stop()`, rejects with the error that ended it. */
  stopped(): Promise<void> {
    return this.#outcome
  }

  /**
   * Stops gracefully: no new messages are handled, in-flight handlers finish (up to `timeoutMs`), and processed
   * offsets are committed. The member stays in the group with its partitions paused; `run()` may be called again.
   * @param options.timeoutMs - how long to wait for in-flight handlers @default revokeTimeoutMs
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const run = this.#run
    if (!run) return Promise.resolve()
    run.stopping ??= this.#stopRun(run, options.timeoutMs ?? this.#options.revokeTimeoutMs)
    return run.stopping
  }

  /** Commits the processed offsets of every assigned partition now; resolves once the coordinator confirmed. */
  async commit(): Promise<void> {
    this.#lifecycle.assertConnected('commit')
    if (!this.#options.commitOffsets) throw new StateError('Consumer.commit() refused: commitOffsets is false, offsets are committed through producer transactions (tx.sendOffsets())')
    await this.#tracker.commit([...this.#partitions.all()], this.#options.requestTimeoutMs)
  }

  /** Pauses topics or partitions, also while running: in-flight handlers finish, nothing new starts until `resume()`. */
  pause(topics: readonly TopicPartitions[]): void {
    this.#lifecycle.assertConnected('pause')
    this.#pauses.pause(topics)
    this.#applyUserPauses()
  }

  /** Resumes paused topics or partitions. */
  resume(topics: readonly TopicPartitions[]): void {
    this.#lifecycle.assertConnected('resume')
    this.#pauses.resume(topics, (topic) => [...this.#partitions.all()].filter((s) => s.topic === topic).map((s) => s.partition))
    this.#applyUserPauses()
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
    await this.#seek(state, offset)
    // The user's position replaces one a failed seek in stop() left pending.
    state.pendingSeek = undefined
    this.#syncPause(state)
    this.#run?.runner.schedule(state)
  }

  /** The offset of the next message each assigned partition will hand to a handler (`null` when not known yet). */
  position(): TopicPartitionOffset[] {
    this.#lifecycle.assertConnected('position')
    return [...this.#partitions.all()].map((state) => ({ topic: state.topic, partition: state.partition, offset: this.#positionOf(state) }))
  }

  /** The group's committed offsets for `partitions` (default: the assignment), from the coordinator. */
  async committed(partitions?: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.#lifecycle.assertConnected('committed')
    const list = (partitions ?? [...this.#partitions.all()]).map(({ topic, partition }) => ({ topic, partition }))
    if (list.length === 0) return []
    try {
      const result = await this.#native.committed(list, this.#options.requestTimeoutMs)
      return result.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset === undefined || p.offset < 0 ? null : String(p.offset) }))
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'Consumer.committed' })
    }
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
  async offsetsForTimes(query: ReadonlyArray<TopicPartition & { readonly timestamp: number }>): Promise<TopicPartitionOffset[]> {
    this.#lifecycle.assertConnected('offsetsForTimes')
    const seen = new Set<string>()
    const list = query.map(({ topic, partition, timestamp }, index) => {
      const key = `${topic}\u0000${partition}`
      if (seen.has(key)) throw new ConfigError(`query[${index}]`, `${topic}[${partition}] is asked for twice: ask for each partition once per call`)
      seen.add(key)
      if (typeof topic !== 'string' || topic === '') throw new ConfigError(`query[${index}].topic`, 'expected a topic name')
      if (!Number.isInteger(partition) || partition < 0) throw new ConfigError(`query[${index}].partition`, 'expected a partition number')
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw new ConfigError(`query[${index}].timestamp`, `expected ms since the epoch, got ${JSON.stringify(timestamp)}`)
      }
      return { topic, partition, offset: timestamp }
    })
    if (list.length === 0) return []
    try {
      const result = await this.#native.offsetsForTimes(list, this.#options.requestTimeoutMs)
      return result.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset === undefined || p.offset < 0 ? null : String(p.offset) }))
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'Consumer.offsetsForTimes' })
    }
  }

  /**
   * A partition's low and high watermarks (its first offset, and the offset the next record will get), asked of its
   * leader; {@link Consumer.lag} uses the watermarks last seen while fetching instead, without a request.
   */
  async watermarks(topic: string, partition: number): Promise<{ low: string; high: string }> {
    this.#lifecycle.assertConnected('watermarks')
    try {
      const { low, high } = await this.#native.queryWatermarks(topic, partition, this.#options.requestTimeoutMs)
      return { low: String(low), high: String(high) }
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'Consumer.watermarks', topic, partition })
    }
  }

  /** How far behind the end of each assigned partition this consumer is (high watermark minus position). */
  lag(): PartitionLag[] {
    this.#lifecycle.assertConnected('lag')
    return [...this.#partitions.all()].map((state) => {
      const high = this.#native.cachedWatermarks(state.topic, state.partition)?.high
      const position = this.#positionOf(state)
      return {
        topic: state.topic,
        partition: state.partition,
        highWatermark: high === undefined ? null : String(high),
        position,
        lag: high === undefined || position === null ? null : Math.max(0, high - Number(position)),
        buffered: state.size,
      }
    })
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
    const state = this.#lifecycle.state
    if (state === 'closed' || state === 'closing') return
    if (state === 'connecting') {
      // Let connect() settle first, so that it cannot mark a closed consumer connected (and leave it running).
      await this.#connecting?.catch(() => undefined)
      return this.disconnect()
    }
    if (state !== 'connected') {
      this.#lifecycle.set('closed')
      return
    }
    this.#lifecycle.set('closing')
    await this.stop().catch(() => undefined)
    try {
      // A dynamic member leaves through an unsubscribe, whose revoke the still-running fetch loop serves. A static
      // member must not leave (a restart within the session timeout should move nothing): close() revokes locally.
      if (this.#subscription.size > 0 && !this.#options.staticMember) {
        const deadline = Date.now() + this.#options.requestTimeoutMs
        // Closing in the middle of the group's first join would leave the broker a member that never says goodbye
        // (librdkafka terminates without a LeaveGroup there), holding its partitions for the session timeout: let
        // the join finish, so that the unsubscribe below revokes and leaves in order.
        while (this.#joining && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
        await this.#native.unsubscribe()
        // The fetch loop keeps serving the revoke librdkafka raises for the unsubscribe.
        while ((this.#partitions.size > 0 || this.#rebalance.busy) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
      }
    } catch (error) {
      this.#report(fromRdkafkaError(error, { operation: 'Consumer.disconnect' }))
    }
    await this.#fetchLoop.stop()
    clearInterval(this.#storeTimer)
    await this.#deadLetter?.close().catch((error: unknown) => this.#report(fromRdkafkaError(error, { operation: 'closing the dead-letter producer' })))
    await this.#native.disconnect()
    this.#tracker.abandon(new StateError('Consumer disconnected before the commit was confirmed'))
    this.#lifecycle.set('closed')
  }

  async #stopRun(run: RunState, timeoutMs: number): Promise<void> {
    // Synchronously first: from here on no new work starts and retries give up.
    const finishing = run.runner.stop(timeoutMs)
    const finished = await finishing
    const states = [...this.#partitions.all()]
    if (!finished) {
      const late = states.filter((s) => s.inFlight !== undefined)
      this.#report(new TimeoutError(`stop() waited ${timeoutMs} ms for handlers of ${late.map((s) => `${s.topic}[${s.partition}]`).join(', ')}; their current messages stay uncommitted`))
    }
    let commitError: KafkaError | undefined
    const commitDeadline = Date.now() + this.#options.requestTimeoutMs
    for (;;) {
      try {
        // After a rebalance, only what this member still owns is committed (revoked partitions were committed
        // on revoke).
        await this.#tracker.commit(commitError ? [...this.#partitions.all()] : states, this.#options.requestTimeoutMs)
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
    if (commitError) this.#report(commitError)
    for (const state of states) {
      // Unhandled messages were fetched past: move back so that the next run (or owner) gets them.
      const firstUnhandled = state.clear()
      state.invalidate()
      if (firstUnhandled !== undefined && state.status === 'active') {
        await this.#seek(state, firstUnhandled).catch((error: unknown) => {
          // The dropped messages must not be skipped: hold the partition until a seek back to them succeeds.
          state.pendingSeek = firstUnhandled
          this.#report(fromRdkafkaError(error, { operation: 'stop', topic: state.topic, partition: state.partition, offset: String(firstUnhandled) }))
        })
      }
    }
    if (this.#run === run) this.#run = undefined
    for (const state of this.#partitions.all()) this.#syncPause(state)
    const failure = run.failure
    if (failure !== undefined && this.listenerCount('error') > 0) run.outcome.catch(() => undefined)
    run.settle(failure)
    if (failure === undefined && commitError !== undefined) throw commitError
  }

  #fail(error: KafkaError): void {
    const run = this.#run
    if (!run || run.failure !== undefined) return
    run.failure = error
    // Already reported when it happened; this only says what came of it.
    if (channels.consumerError.hasSubscribers) channels.consumerError.publish({ error, action: 'stop' })
    this.stop().catch(() => undefined)
  }

  #onMessages(batch: FetchedBatch, poll: number): void {
    const runner = this.#run?.runner
    const { maxBufferedMessagesPerPartition: maxMessages, maxBufferedBytesPerPartition: maxBytes } = this.#options
    let state: PartitionState | undefined
    let topic = ''
    let partition = -1
    for (let i = 0; i < batch.count; i++) {
      const code = batch.error(i)
      if (code !== RESP_ERR.NO_ERROR) {
        // Fetch errors travel with the messages; reaching a partition's end is not one.
        if (code !== RESP_ERR._PARTITION_EOF) this.#onClientError({ code, message: batch.errorText(i) })
        continue
      }
      const messageTopic = batch.topic(i)
      const messagePartition = batch.partition(i)
      if (messagePartition !== partition || messageTopic !== topic) {
        if (state !== undefined) this.#buffered(state, runner, maxMessages, maxBytes)
        topic = messageTopic
        partition = messagePartition
        state = this.#partitions.get(topic, partition)
      }
      // Stale: fetched for a partition being released, or before a seek took effect (or while one is pending).
      // Nothing was stored for it.
      if (state === undefined || state.status !== 'active' || state.seeking || state.pendingSeek !== undefined || poll < state.acceptFromPoll) continue
      state.push(batch.message(i))
    }
    if (state !== undefined) this.#buffered(state, runner, maxMessages, maxBytes)
  }

  #buffered(state: PartitionState, runner: Runner | undefined, maxMessages: number, maxBytes: number): void {
    if (!state.backpressured && (state.size >= maxMessages || state.bytes >= maxBytes)) {
      state.backpressured = true
      this.#syncPause(state)
    }
    runner?.schedule(state)
  }

  #afterTask(state: PartitionState): void {
    if (state.status === 'gone') return
    const storeError = this.#tracker.store([state])
    if (storeError) this.#report(storeError)
    if (state.backpressured && state.size <= this.#options.maxBufferedMessagesPerPartition / 2 && state.bytes <= this.#options.maxBufferedBytesPerPartition / 2) {
      state.backpressured = false
      this.#syncPause(state)
    }
    this.#run?.runner.schedule(state)
    if (this.#hasRoom()) this.#fetchLoop.wake()
  }

  /**
   * Whether polling may bring messages someone is waiting for: some fetching partition's buffer is below half its
   * bound. When every fetching partition is that full, polling would only overfill buffers and trigger pauses.
   */
  #hasRoom(): boolean {
    const { maxBufferedMessagesPerPartition: maxMessages, maxBufferedBytesPerPartition: maxBytes } = this.#options
    let fetching = false
    for (const state of this.#partitions.all()) {
      if (state.nativePaused) continue
      if (state.size < maxMessages / 2 && state.bytes < maxBytes / 2) return true
      fetching = true
    }
    return !fetching
  }

  #storeOffsets(): void {
    if (this.#partitions.size === 0) return
    const error = this.#tracker.store(this.#partitions.all())
    if (error) this.#report(error)
  }

  /** Pauses or resumes the partition in librdkafka so that it fetches exactly when kafkit wants its messages. */
  #syncPause(state: PartitionState): void {
    const wanted = !this.running || state.userPaused || state.backpressured || state.seeking || state.pendingSeek !== undefined || state.status !== 'active'
    if (wanted === state.nativePaused || this.#lifecycle.state === 'closed') return
    try {
      const partition = [{ topic: state.topic, partition: state.partition }]
      if (wanted) this.#native.pause(partition)
      else this.#native.resume(partition)
      state.nativePaused = wanted
    } catch (error) {
      this.#report(fromRdkafkaError(error, { operation: wanted ? 'pause' : 'resume', topic: state.topic, partition: state.partition }))
    }
  }

  async #seek(state: PartitionState, offset: number): Promise<void> {
    state.seeking = true
    // Pausing first fences off everything fetched before; the seek then applies from the paused state.
    this.#syncPause(state)
    try {
      this.#native.seek({ topic: state.topic, partition: state.partition, offset })
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'seek', topic: state.topic, partition: state.partition, offset: String(offset) })
    } finally {
      state.seeking = false
      state.acceptFromPoll = this.#fetchLoop.nextPoll
      this.#syncPause(state)
      this.#fetchLoop.wake()
    }
  }

  /** Seeks back to the messages a failed seek in `stop()` left behind; the partition is handled again once it worked. */
  async #retrySeek(state: PartitionState): Promise<void> {
    const offset = state.pendingSeek
    if (offset === undefined || state.seeking) return
    try {
      await this.#seek(state, offset)
    } catch (error) {
      this.#report(fromRdkafkaError(error, { operation: 'seek back to unhandled messages', topic: state.topic, partition: state.partition, offset: String(offset) }))
      return
    }
    if (state.pendingSeek !== offset) return
    state.pendingSeek = undefined
    this.#syncPause(state)
    this.#run?.runner.schedule(state)
  }

  #applyUserPauses(): void {
    for (const state of this.#partitions.all()) {
      const userPaused = this.#pauses.has(state.topic, state.partition)
      if (userPaused === state.userPaused) continue
      state.userPaused = userPaused
      this.#syncPause(state)
      if (!userPaused) this.#run?.runner.schedule(state)
    }
    this.#fetchLoop.wake()
  }

  #assigned(states: readonly PartitionState[]): void {
    for (const state of states) {
      state.userPaused = this.#pauses.has(state.topic, state.partition)
      this.#syncPause(state)
    }
    this.#fetchLoop.wake()
  }

  #rebalanced(event: RebalanceEvent): void {
    this.emit('rebalance', event)
  }

  #positionOf(state: PartitionState): string | null {
    const next = state.nextToHandle
    if (next !== undefined) return String(next)
    try {
      const offset = this.#native.position([{ topic: state.topic, partition: state.partition }])[0]?.offset
      return offset === undefined || offset < 0 ? null : String(offset)
    } catch {
      return null
    }
  }

  #onEvent(event: RawClientEvent): void {
    if (event.kind === 'error') this.#onClientError(event)
    else if (event.kind === 'log') this.#log.log(event.level, event.facility, event.message)
    else if (event.kind === 'stats') this.#onStats(event.json)
    else this.#oauth?.refresh(event.config)
  }

  #onClientError(error: unknown): void {
    const mapped = fromRdkafkaError(error, { operation: 'Consumer' })
    if (mapped instanceof AuthenticationError) this.#authFailure = mapped
    this.#guard.report(mapped)
    this.#report(mapped)
    if (mapped.fatal) this.#fail(mapped)
  }

  #report(error: KafkaError): void {
    if (channels.consumerError.hasSubscribers) channels.consumerError.publish({ error })
    if (this.listenerCount('error') > 0) this.emit('error', error)
    else this.#unheard.warn(error)
  }

  #onStats(json: string): void {
    const stats = JSON.parse(json) as ConsumerStats
    if (channels.consumerStats.hasSubscribers) channels.consumerStats.publish(stats)
    this.emit('stats', stats)
  }
}

/** The hook, rejecting with a {@link TimeoutError} when it has not settled after `timeoutMs`. */
function boundedHook(hook: RebalanceHook | undefined, name: string, timeoutMs: number): RebalanceHook | undefined {
  if (hook === undefined) return undefined
  return async (partitions) => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${name} did not finish within revokeTimeoutMs (${timeoutMs} ms); the rebalance went on without it`)), timeoutMs)
    })
    try {
      await Promise.race([hook(partitions), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

function parseOffset(offset: unknown): number {
  if (offset === 'earliest') return OFFSET_BEGINNING
  if (offset === 'latest') return OFFSET_END
  if (typeof offset === 'string' && /^\d+$/.test(offset) && Number.isSafeInteger(Number(offset))) return Number(offset)
  throw new ConfigError('offset', `expected a decimal offset string, 'earliest' or 'latest', got ${JSON.stringify(offset)}`)
}
