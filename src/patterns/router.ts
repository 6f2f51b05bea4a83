/**
 * `EventRouter`: the broker (choreography) topology. Services react to each other's events; each reaction,
 * with the events it emits and the input offset, commits in one transaction of a {@link Processor}.
 * @module
 */
import { DEAD_LETTER_HEADERS } from '../consumer/dead-letter.js'
import { expectObject, expectOneOf, expectString, rejectUnknownKeys } from '../config/index.js'
import { ConfigError, KafkaError, StateError } from '../errors/kafka-error.js'
import type { Headers } from '../producer/types.js'
import type { SerdeContext, TopicSerdeMap, ValueOf } from '../serde/types.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { Processor, type ProcessorEvents } from './processor.js'
import type { ProcessorContext, ProcessorInput, ProcessorOptions, ProcessorOutput } from './processor-options.js'
import type { ClientState } from '../internal/lifecycle.js'

/** Where the event type is read: a record header (its UTF-8 text) or a top-level field of the decoded value. */
export type EventTypeSource<F extends string> = { readonly header: string } | { readonly field: F }

/** What happens to events of a type no handler is registered for. */
export type UnknownEventPolicy = 'skip' | 'stop' | { readonly deadLetter: { readonly topic: string } }

/** The value types of all input topics. */
type InputValue<I extends TopicSerdeMap> = { [T in keyof I]: ValueOf<I[T]> }[keyof I]

/**
 * The event type names a router accepts: with `eventType: { field }`, the literal values of that field in the
 * input value types (a discriminated union); with a header, any string.
 */
export type EventTypeOf<I extends TopicSerdeMap, F extends string | undefined> = [F] extends [string]
  ? InputValue<I> extends infer V
    ? V extends { readonly [K in F]: infer T }
      ? T extends string
        ? T
        : never
      : never
    : never
  : string

/** The message a handler of `T` receives: with a field, its value is narrowed to the union member of type `T`. */
export type RoutedEvent<I extends TopicSerdeMap, F extends string | undefined, T extends string> = [F] extends [string]
  ? Omit<ProcessorInput<I>, 'value'> & { readonly value: Extract<InputValue<I>, { readonly [K in F]: T }> }
  : ProcessorInput<I>

/** A router handler's context: the processor context plus `emit()`, which stamps the event type header. */
export interface RouterContext<O extends TopicSerdeMap> extends ProcessorContext<O> {
  /**
   * Sends an event in the current transaction, with its type in a header: the `eventType` header of this router,
   * or `event-type` when this router reads types from a field (downstream routers then read the default header).
   */
  emit(type: string, record: ProcessorOutput<O>): void
}

/** Reacts to one event; whatever it emits commits together with the event's offset. */
export type EventHandler<
  I extends TopicSerdeMap,
  O extends TopicSerdeMap,
  F extends string | undefined,
  T extends string,
> = (event: RoutedEvent<I, F, T>, ctx: RouterContext<O>) => void | Promise<void>

/** Event router options: those of a {@link Processor} without `handle`, plus how events are typed. */
export interface EventRouterOptions<
  I extends TopicSerdeMap,
  O extends TopicSerdeMap,
  F extends string | undefined,
> extends Omit<ProcessorOptions<I, O>, 'handle'> {
  /** Where the event type is read. @default { header: 'event-type' } */
  eventType?: EventTypeSource<F & string>
  /**
   * Events of a type without a handler (or without any type): `skip` them (offset committed, nothing emitted),
   * `stop` the router, or write them to a dead-letter topic inside the same transaction (exactly once), re-encoded
   * with the input topic's serdes and with `kafkit-*` headers saying where they came from. @default 'stop'
   */
  unknownEvents?: UnknownEventPolicy
}

/** Event router defaults. */
export const EVENT_ROUTER_DEFAULTS = Object.freeze({
  eventType: Object.freeze({ header: 'event-type' }),
  unknownEvents: 'stop',
} as const)

type AnyHandler = (event: ProcessorInput<TopicSerdeMap>, ctx: RouterContext<TopicSerdeMap>) => void | Promise<void>

/**
 * A typed event router for choreography, built on {@link Processor} so each reaction is exactly once.
 *
 * @example
 * ```ts
 * const payments = new EventRouter({
 *   brokers, groupId: 'payments', transactionalId: 'payments-1',
 *   input: { orders: { key: serdes.string(), value: serdes.json<OrderEvent>() } },
 *   output: { payments: { key: serdes.string(), value: serdes.json<PaymentEvent>() } },
 *   eventType: { field: 'type' },
 * })
 * payments.on('OrderPlaced', (event, ctx) => ctx.send({ topic: 'payments', key: event.key, value: charge(event.value) }))
 * await payments.start()
 * ```
 */
export class EventRouter<I extends TopicSerdeMap, O extends TopicSerdeMap, F extends string | undefined = undefined> {
  readonly #handlers = new Map<string, AnyHandler[]>()
  readonly #processor: Processor<I, TopicSerdeMap>
  readonly #source: { header: string } | { field: string }
  readonly #emitHeader: string
  readonly #unknown: 'skip' | 'stop' | { deadLetter: { topic: string } }
  readonly #input: TopicSerdeMap

  /** Validates the options (throwing `ConfigError`); nothing connects until {@link EventRouter.start}. */
  constructor(options: EventRouterOptions<I, O, F>) {
    const opts = expectObject(options, 'options')
    const { eventType, unknownEvents, ...processorOptions } = opts as unknown as EventRouterOptions<I, O, F>
    this.#source = resolveSource(eventType)
    this.#emitHeader = 'header' in this.#source ? this.#source.header : EVENT_ROUTER_DEFAULTS.eventType.header
    this.#unknown = resolveUnknown(unknownEvents)
    this.#input = expectObject(processorOptions.input, 'input') as TopicSerdeMap
    const output: TopicSerdeMap = { ...(expectObject(processorOptions.output, 'output') as TopicSerdeMap) }
    if (typeof this.#unknown === 'object') {
      // Raw serdes: dead letters are encoded by the router with the input topic's own serdes.
      output[this.#unknown.deadLetter.topic] = {}
    }
    this.#processor = new Processor<I, TopicSerdeMap>({
      ...(processorOptions as unknown as ProcessorOptions<I, TopicSerdeMap>),
      output,
      handle: (message, ctx) => this.#route(message as unknown as ProcessorInput<TopicSerdeMap>, ctx),
    })
  }

  /** The router's lifecycle state. */
  get state(): ClientState {
    return this.#processor.state
  }

  /** Registers a handler for events of `type`; several handlers of one type run in order, in one transaction. */
  on<T extends EventTypeOf<I, F>>(type: T, handler: EventHandler<I, O, F, T>): this {
    if (this.#processor.state !== 'idle')
      throw new StateError('EventRouter.on() called after start(): register every handler first')
    const list = this.#handlers.get(type) ?? []
    list.push(handler as unknown as AnyHandler)
    this.#handlers.set(type, list)
    return this
  }

  /** Listens to client-level errors of the underlying processor. */
  onError(listener: (...args: ProcessorEvents['error']) => void): this {
    this.#processor.on('error', listener)
    return this
  }

  /** Connects and starts routing. */
  async start(): Promise<void> {
    if (this.#handlers.size === 0)
      throw new StateError('EventRouter.start() called without handlers: register them with on(type, handler) first')
    await this.#processor.start()
  }

  /** Settles when routing ends: resolves after `stop()`, rejects with the error that stopped it. */
  stopped(): Promise<void> {
    return this.#processor.stopped()
  }

  /** Stops gracefully: the open transaction finishes, then the clients disconnect. */
  stop(): Promise<void> {
    return this.#processor.stop()
  }

  async #route(message: ProcessorInput<TopicSerdeMap>, ctx: ProcessorContext<TopicSerdeMap>): Promise<void> {
    const type = this.#typeOf(message)
    const handlers = type === undefined ? undefined : this.#handlers.get(type)
    if (channels.routerEvent.hasSubscribers) {
      channels.routerEvent.publish({
        type: type ?? null,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        handled: handlers !== undefined,
      })
    }
    if (handlers === undefined) {
      await this.#unknownEvent(message, type, ctx)
      return
    }
    const routerCtx: RouterContext<TopicSerdeMap> = {
      send: (record) => ctx.send(record),
      signal: ctx.signal,
      onCommit: (callback) => ctx.onCommit(callback),
      emit: (eventType, record) =>
        ctx.send({ ...record, headers: { ...record.headers, [this.#emitHeader]: eventType } }),
    }
    for (const handler of handlers) await handler(message, routerCtx)
  }

  #typeOf(message: ProcessorInput<TopicSerdeMap>): string | undefined {
    if ('header' in this.#source) return message.headers[this.#source.header]?.toString('utf8')
    const value = message.value as Record<string, unknown> | null
    const type = value !== null && typeof value === 'object' ? value[this.#source.field] : undefined
    return typeof type === 'string' ? type : undefined
  }

  async #unknownEvent(
    message: ProcessorInput<TopicSerdeMap>,
    type: string | undefined,
    ctx: ProcessorContext<TopicSerdeMap>,
  ): Promise<void> {
    const policy = this.#unknown
    if (policy === 'skip') return
    const reason = type === undefined ? 'event without a type' : `no handler for event type '${type}'`
    const error = new KafkaError(
      'ERR_UNKNOWN_EVENT',
      `${message.topic}[${message.partition}]@${message.offset}: ${reason}`,
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
      },
    )
    if (policy === 'stop') throw error
    const serdes = this.#input[message.topic] ?? {}
    const context = (field: 'key' | 'value'): SerdeContext => ({
      topic: message.topic,
      field,
      headers: message.headers,
    })
    const encode = async (
      serde: (typeof serdes)['key'],
      value: unknown,
      field: 'key' | 'value',
    ): Promise<Buffer | null> =>
      value === null ? null : serde === undefined ? (value as Buffer) : serde.serialize(value, context(field))
    const headers: Record<string, Headers[string]> = { ...(message.headers as Headers) }
    headers[DEAD_LETTER_HEADERS.errorMessage] = error.message
    headers[DEAD_LETTER_HEADERS.errorCode] = error.code
    headers[DEAD_LETTER_HEADERS.originalTopic] = message.topic
    headers[DEAD_LETTER_HEADERS.originalPartition] = String(message.partition)
    headers[DEAD_LETTER_HEADERS.originalOffset] = message.offset
    headers[DEAD_LETTER_HEADERS.originalTimestamp] = String(message.timestamp)
    ctx.send({
      topic: policy.deadLetter.topic,
      key: await encode(serdes.key, message.key, 'key'),
      value: await encode(serdes.value, message.value, 'value'),
      headers,
    })
  }
}

function resolveSource(value: unknown): { header: string } | { field: string } {
  if (value === undefined) return { ...EVENT_ROUTER_DEFAULTS.eventType }
  const source = expectObject(value, 'eventType')
  rejectUnknownKeys(source, ['header', 'field'], 'eventType')
  if ((source.header === undefined) === (source.field === undefined))
    throw new ConfigError('eventType', 'expected exactly one of { header } or { field }')
  return source.header !== undefined
    ? { header: expectString(source.header, 'eventType.header') }
    : { field: expectString(source.field, 'eventType.field') }
}

function resolveUnknown(value: unknown): 'skip' | 'stop' | { deadLetter: { topic: string } } {
  if (value === undefined) return EVENT_ROUTER_DEFAULTS.unknownEvents
  if (typeof value === 'string') return expectOneOf(value, ['skip', 'stop'], 'unknownEvents')
  const policy = expectObject(value, 'unknownEvents')
  rejectUnknownKeys(policy, ['deadLetter'], 'unknownEvents')
  const deadLetter = expectObject(policy.deadLetter, 'unknownEvents.deadLetter')
  rejectUnknownKeys(deadLetter, ['topic'], 'unknownEvents.deadLetter')
  return { deadLetter: { topic: expectString(deadLetter.topic, 'unknownEvents.deadLetter.topic') } }
}
