/**
 * The mediator (orchestration) topology: a {@link SagaMediator} owns the order of a saga's steps. Every
 * transition, i.e. the next command(s), the new saga record (compacted state topic, keyed by saga id) and the
 * offset of the message that caused it, commits in one transaction of a {@link Processor}.
 * @module
 */
import { diagnosticsChannels } from '../diagnostics/channels.js'
import { type ClientOptions, expectObject, expectString, globalRdkafka, integerOption } from '../config/index.js'
import { type KafkaError, StateError } from '../errors/kafka-error.js'
import { UnheardErrors } from '../internal/unheard.js'
import { Producer } from '../producer/producer.js'
import { serdes } from '../serde/index.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { Processor } from './processor.js'
import type {
  ProcessorConsumerOptions,
  ProcessorContext,
  ProcessorInput,
  ProcessorProducerOptions,
} from './processor-options.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { ProcessorOptions } from './processor-options.js'
import { reloadStateTopic } from './saga-state.js'
import { defineSaga, type SagaDefinition, type SagaMessage, type SagaRecord, transition } from './saga-machine.js'

/** Published on every saga transition (`kafkit:saga:transition`, `SagaTransitionPayload`); also `diagnosticsChannels.sagaTransition`. */
export const sagaTransitionChannel = diagnosticsChannels.sagaTransition

/** Mediator options. */
export interface SagaMediatorOptions<S> extends Omit<ClientOptions, 'rdkafka'> {
  /** The saga definition (see `defineSaga`). */
  saga: SagaDefinition<S>
  /** The mediator's consumer group on the reply topic. */
  groupId: string
  /** The mediator's transactional id (one per instance). */
  transactionalId: string
  /** Where participants reply and where `begin()` and step timeouts are written (keyed by saga id). */
  replyTopic: string
  /** The compacted topic holding each saga's latest record, keyed by saga id. */
  stateTopic: string
  /** How often step deadlines are checked, ms. @default 250 */
  timeoutCheckMs?: number
  /**
   * How long one reload of the state topic may take, ms (on start and on every assignment); a reload that takes
   * longer stops the mediator with a `TimeoutError`. @default 60000
   */
  rebuildTimeoutMs?: number
  /** Consumer group session timeout, ms. @default 45000 */
  sessionTimeoutMs?: number
  /** Tuning of the mediator's consumers, as {@link ProcessorOptions.consumer}. */
  consumer?: ProcessorConsumerOptions
  /** Tuning of the mediator's producers, as {@link ProcessorOptions.producer}. */
  producer?: ProcessorProducerOptions
}

/** Mediator defaults. */
export const SAGA_MEDIATOR_DEFAULTS = Object.freeze({
  timeoutCheckMs: 250,
  sessionTimeoutMs: 45_000,
  rebuildTimeoutMs: 60_000,
} as const)

/**
 * Runs sagas of one definition. Every live saga is held in memory, reloaded from the state topic whenever reply
 * partitions are assigned (so also after a restart or a handover); a saga is only ever advanced by the instance
 * owning its reply partition. With several instances, `get()` on a non-owner may return an older record.
 *
 * @example
 * ```ts
 * const mediator = new SagaMediator({ brokers, saga: orderSaga, groupId: 'order-saga', transactionalId: 'order-saga-1',
 *   replyTopic: 'order-saga.replies', stateTopic: 'order-saga.state' })
 * await mediator.start()
 * await mediator.begin('order-1', { orderId: 'order-1', amount: 30 })
 * ```
 */
export class SagaMediator<S> {
  readonly #definition: SagaDefinition<S>
  readonly #options: Required<
    Pick<SagaMediatorOptions<S>, 'replyTopic' | 'stateTopic' | 'groupId' | 'timeoutCheckMs' | 'rebuildTimeoutMs'>
  >
  readonly #connection: Record<string, unknown>
  readonly #adminConnection: Record<string, unknown>
  readonly #consumerTuning: Record<string, unknown>
  readonly #processor: Processor<TopicSerdeMap, TopicSerdeMap>
  readonly #producer: Producer<string, unknown>
  /** Committed records only: transitions land here after their transaction committed. */
  readonly #sagas = new Map<string, SagaRecord<S>>()
  readonly #staged = new WeakMap<object, Map<string, SagaRecord<S>>>()
  /** The running sagas that await a step with a deadline: what the deadline check walks (finished sagas are not). */
  readonly #deadlines = new Map<string, SagaRecord<S>>()
  /** Timeouts already written for `id:step`, so each deadline produces one timeout message. */
  readonly #timeoutsSent = new Set<string>()
  readonly #errorListeners: Array<(error: KafkaError) => void> = []
  readonly #unheard = new UnheardErrors('kafkit SagaMediator')
  #timer: NodeJS.Timeout | undefined
  #started = false
  #failure: unknown

  /** Validates the options; nothing connects until {@link SagaMediator.start}. */
  constructor(options: SagaMediatorOptions<S>) {
    const opts = expectObject(options, 'options')
    this.#definition = defineSaga(options.saga)
    this.#options = {
      replyTopic: expectString(opts.replyTopic, 'replyTopic'),
      stateTopic: expectString(opts.stateTopic, 'stateTopic'),
      groupId: expectString(opts.groupId, 'groupId'),
      timeoutCheckMs: integerOption(opts, SAGA_MEDIATOR_DEFAULTS, 'timeoutCheckMs', '', 1, 3_600_000),
      rebuildTimeoutMs: integerOption(opts, SAGA_MEDIATOR_DEFAULTS, 'rebuildTimeoutMs', '', 1, 3_600_000),
    }
    this.#connection = {}
    for (const key of ['brokers', 'clientId', 'ssl', 'sasl'] as const)
      if (opts[key] !== undefined) this.#connection[key] = opts[key]
    const output: TopicSerdeMap = {
      [this.#options.stateTopic]: { key: serdes.string(), value: serdes.json<SagaRecord<S>>() },
    }
    for (const step of this.#definition.steps) {
      output[step.command.topic] = { key: serdes.string(), value: serdes.json<unknown>() }
      if (step.compensation) output[step.compensation.topic] = { key: serdes.string(), value: serdes.json<unknown>() }
    }
    this.#processor = new Processor({
      ...(this.#connection as { brokers: string }),
      groupId: this.#options.groupId,
      transactionalId: expectString(opts.transactionalId, 'transactionalId'),
      fromBeginning: true,
      sessionTimeoutMs: integerOption(opts, SAGA_MEDIATOR_DEFAULTS, 'sessionTimeoutMs', '', 1, 3_600_000),
      input: { [this.#options.replyTopic]: { key: serdes.string(), value: serdes.json<SagaMessage>() } },
      output,
      handle: (message, ctx) => this.#handle(message as unknown as ProcessorInput<TopicSerdeMap>, ctx),
      // Every assignment reloads the state topic: the previous owner's transactions were committed (revoke) or
      // fenced (our producer initialized first) by then, so what is read is all there is.
      onAssign: () => this.#rebuild().catch((error: unknown) => this.#fail(error)),
      ...(opts.consumer === undefined ? {} : { consumer: opts.consumer as ProcessorConsumerOptions }),
      ...(opts.producer === undefined ? {} : { producer: opts.producer as ProcessorProducerOptions }),
    })
    // The processor validated both tuning blocks: the mediator's other clients take them as they are.
    this.#consumerTuning = { ...(opts.consumer as object | undefined) }
    // Security settings may only be given through the tuning blocks' rdkafka: the Admin needs them too.
    const adminRdkafka = {
      ...globalRdkafka((opts.producer as { rdkafka?: unknown } | undefined)?.rdkafka),
      ...globalRdkafka((opts.consumer as { rdkafka?: unknown } | undefined)?.rdkafka),
    }
    this.#adminConnection =
      Object.keys(adminRdkafka).length === 0 ? this.#connection : { ...this.#connection, rdkafka: adminRdkafka }
    this.#producer = new Producer({
      ...(opts.producer as object | undefined),
      ...(this.#connection as { brokers: string }),
      key: serdes.string(),
      value: serdes.json<unknown>(),
    })
    this.#processor.on('error', (error) => this.#report(error))
    this.#producer.on('error', (error) => this.#report(error))
  }

  /**
   * Listens to the mediator's errors: client errors of its clients and malformed saga records skipped while loading
   * the state topic. Without a listener they become process warnings (see docs/errors.md).
   */
  onError(listener: (error: KafkaError) => void): this {
    this.#errorListeners.push(listener)
    return this
  }

  /** Starts consuming replies (loading the state topic on each assignment) and checking step deadlines; resolves once the state topic was read. */
  async start(): Promise<void> {
    if (this.#started) throw new StateError('SagaMediator.start() called twice: create a new SagaMediator')
    this.#started = true
    await this.#producer.connect()
    await this.#processor.start()
    // Assigned partitions were loaded before their first reply; this load makes get() complete for every saga,
    // also those of partitions another instance owns (or before the first assignment arrived).
    await this.#rebuild()
    // Not unref'd on purpose: a started mediator is a service that runs until stop(), or until its processing ends.
    this.#timer = setInterval(() => this.#checkDeadlines(), this.#options.timeoutCheckMs)
    this.#processor
      .stopped()
      .catch(() => undefined)
      .finally(() => clearInterval(this.#timer))
  }

  /** Stops the deadline checks and the processor (its open transaction finishes first). */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#processor.stop()
    if (this.#producer.state === 'connected') await this.#producer.disconnect()
  }

  /** Settles when the mediator's processing ends; rejects with the error that stopped it. */
  async stopped(): Promise<void> {
    await this.#processor.stopped()
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the error that stopped the processing, recorded as caught
    if (this.#failure !== undefined) throw this.#failure
  }

  /**
   * Starts a saga: writes a start request to the reply topic, which the mediator turns into the first command
   * exactly once. Beginning an id that already exists does nothing.
   */
  async begin(id: string, state: S): Promise<void> {
    await this.#producer.send({
      topic: this.#options.replyTopic,
      key: id,
      value: { kind: 'start', sagaId: id, state } satisfies SagaMessage,
    })
  }

  /** The committed record of a saga, or `undefined` when this mediator knows no saga with that id. */
  get(id: string): SagaRecord<S> | undefined {
    return this.#sagas.get(id)
  }

  /** Every committed saga record this mediator knows. */
  list(): SagaRecord<S>[] {
    return [...this.#sagas.values()]
  }

  #handle(message: ProcessorInput<TopicSerdeMap>, ctx: ProcessorContext<TopicSerdeMap>): void {
    const body = message.value as unknown as SagaMessage | null
    if (body === null || typeof body !== 'object' || typeof body.sagaId !== 'string') return
    let staged = this.#staged.get(ctx)
    if (staged === undefined) {
      const batch = new Map<string, SagaRecord<S>>()
      staged = batch
      this.#staged.set(ctx, batch)
      ctx.onCommit(() => {
        for (const record of batch.values()) {
          this.#remember(record)
          if (sagaTransitionChannel.hasSubscribers) {
            sagaTransitionChannel.publish({
              saga: this.#definition.name,
              id: record.id,
              status: record.status,
              step: record.step,
              reason: record.reason,
            })
          }
        }
      })
    }
    const current = staged.get(body.sagaId) ?? this.#sagas.get(body.sagaId)
    const next = transition(this.#definition, current, body, Date.now())
    if (next === undefined) return
    for (const { topic, command } of next.commands) ctx.send({ topic, key: body.sagaId, value: command } as never)
    ctx.send({ topic: this.#options.stateTopic, key: body.sagaId, value: next.record } as never)
    staged.set(body.sagaId, next.record)
  }

  /** Handling replies without the saga records would redo or lose steps: a failed reload stops the mediator. */
  #fail(error: unknown): void {
    this.#failure ??= error
    clearInterval(this.#timer)
    this.#processor.stop().catch(() => undefined)
  }

  /** Keeps the newer of two copies of a record. */
  #remember(record: SagaRecord<S>): void {
    const known = this.#sagas.get(record.id)
    if (known !== undefined && known.version >= record.version) return
    this.#sagas.set(record.id, record)
    if (record.status === 'running' && record.deadline !== null) this.#deadlines.set(record.id, record)
    else this.#deadlines.delete(record.id)
  }

  /**
   * A tombstone in the state topic: the user deleted a saga (to bound the state topic and this mediator's memory).
   * Only a finished saga is forgotten; a running one keeps its record, which its next transition writes again.
   */
  #forget(id: string): void {
    const known = this.#sagas.get(id)
    if (known === undefined || known.status === 'running') return
    this.#sagas.delete(id)
    this.#deadlines.delete(id)
  }

  #report(error: KafkaError): void {
    if (this.#errorListeners.length === 0) this.#unheard.warn(error)
    for (const listener of this.#errorListeners) listener(error)
  }

  #checkDeadlines(): void {
    const now = Date.now()
    for (const record of this.#deadlines.values()) {
      if (record.deadline === null || record.deadline > now) continue
      const key = `${record.id}:${record.step}`
      if (this.#timeoutsSent.has(key)) continue
      this.#timeoutsSent.add(key)
      // A duplicate timeout (after a restart) is harmless: the transition ignores it once the step moved on.
      const timeout: SagaMessage = { kind: 'timeout', sagaId: record.id, step: record.step }
      this.#producer
        .send({ topic: this.#options.replyTopic, key: record.id, value: timeout })
        .catch(() => this.#timeoutsSent.delete(key))
    }
  }

  /** Reloads the state topic into memory (see reloadStateTopic in saga-state.ts). */
  async #rebuild(): Promise<void> {
    await reloadStateTopic({
      producer: this.#producer,
      connection: this.#connection,
      adminConnection: this.#adminConnection,
      consumerTuning: this.#consumerTuning,
      groupId: this.#options.groupId,
      stateTopic: this.#options.stateTopic,
      rebuildTimeoutMs: this.#options.rebuildTimeoutMs,
      remember: (record) => this.#remember(record as SagaRecord<S>),
      forget: (id) => this.#forget(id),
      report: (error) => this.#report(error),
    })
  }
}
