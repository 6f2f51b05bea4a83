/**
 * OpenTelemetry spans from kafkit's tracing channels: a PRODUCER span per send call whose context travels in the
 * records' headers, a CONSUMER span per handled message (child of the producer's span) or batch (linked to them),
 * and spans for transactions and Admin calls.
 * @module
 */
import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api'
import type { AsyncLocalStorage } from 'node:async_hooks'
import { tracingChannels, type KafkitTracingChannel } from '../tracing/channels.js'
import type {
  AdminCallContext,
  ConsumerBatchContext,
  ConsumerMessageContext,
  ProducerSendContext,
  ProducerTransactionContext,
} from '../tracing/types.js'
import { MESSAGING_ATTRIBUTES as A } from './attributes.js'
import { headerGetter, headerSetter, textKey } from './headers.js'
import {
  resolveInstrumentationOptions,
  type KafkitInstrumentationOptions,
  type ResolvedInstrumentationOptions,
} from './options.js'

/** A running instrumentation, from {@link instrumentKafkit}. */
export interface KafkitInstrumentation {
  /** Stops creating spans and injecting headers; spans already started still end. Calling it twice does nothing. */
  disable(): void
}

/** The tracer name of kafkit's spans. */
export const TRACER_NAME = 'kafkit'

/**
 * A store for `channel.start.bindStore()` that makes an OpenTelemetry context current: the channel calls
 * `run(value, fn)`, which is all it needs of an `AsyncLocalStorage`. Whatever context manager the SDK registered
 * (normally `AsyncLocalStorageContextManager`) then carries the span into the handler's awaits.
 */
function contextStore(): AsyncLocalStorage<unknown> {
  return {
    run: <R>(value: Context, fn: () => R): R => otelContext.with(value, fn),
  } as unknown as AsyncLocalStorage<unknown>
}

/**
 * Creates OpenTelemetry spans for everything kafkit traces, following the messaging semantic conventions:
 * - `send <topic>` (kind PRODUCER) per `send()`/`sendBatch()`/`tx.send()`, from the call to the broker's
 *   acknowledgement, its context written into each record's headers (W3C `traceparent`/`tracestate` by default);
 * - `process <topic>` (kind CONSUMER) per message handled by `eachMessage` or a `for await` loop, child of the
 *   producer's span found in the headers; per `eachBatch` batch, linked to each message's producer span. The
 *   `eachMessage`/`eachBatch` handler runs with this span current, so spans and sends inside it join the trace;
 * - `transaction` (kind INTERNAL) per `producer.transaction(fn)`, parent of the sends inside `fn`;
 * - one span (kind CLIENT) per `Admin` call, named after the method.
 *
 * Nothing is injected into headers unless an instrumentation is enabled. Enable it once per process.
 *
 * @example
 * ```ts
 * import { instrumentKafkit } from 'kafkit/otel'
 *
 * // After the OpenTelemetry SDK started (it registers the tracer provider, the propagator, the context manager):
 * const instrumentation = instrumentKafkit()
 * // ... on shutdown:
 * instrumentation.disable()
 * ```
 *
 * @throws `ConfigError` (exported by `kafkit`) when an option is unknown or of the wrong kind
 */
export function instrumentKafkit(options: KafkitInstrumentationOptions = {}): KafkitInstrumentation {
  const resolved = resolveInstrumentationOptions(options)
  const tracer = resolved.tracerProvider.getTracer(TRACER_NAME)
  const undo: Array<() => void> = []
  const spans = new WeakMap<object, Span>()
  // One store per instrumentation: a channel keeps one transform per store object.
  const store = contextStore()

  const endSpan = (context: object): void => {
    spans.get(context)?.end()
    spans.delete(context)
  }
  const failSpan = (context: { error?: unknown }): void => {
    const span = spans.get(context)
    if (span !== undefined) recordError(span, context.error)
  }
  /** Subscribes the span-ending handlers (and `start`, when given) to a channel. */
  const follow = <C extends object>(
    channel: KafkitTracingChannel<C>,
    start: (context: C) => void,
    asyncEnd: (context: C) => void,
  ): void => {
    const handlers = {
      start,
      end: noop,
      asyncStart: noop,
      asyncEnd: (context: C) => {
        asyncEnd(context)
        endSpan(context)
      },
      error: (context: C) => failSpan(context),
    }
    channel.subscribe(handlers)
    undo.push(() => channel.unsubscribe(handlers))
  }
  /** Binds a store whose value is the context of a span the transform starts, so that the traced function runs in it. */
  const bind = <C extends object>(channel: KafkitTracingChannel<C>, startSpan: (context: C) => Span): void => {
    channel.start.bindStore(store, (context) => {
      const span = startSpan(context)
      spans.set(context, span)
      return trace.setSpan(otelContext.active(), span)
    })
    undo.push(() => channel.start.unbindStore(store))
  }

  follow(tracingChannels.producerSend, (context) => startSend(tracer, resolved, spans, context), finishSend(spans))

  bind(tracingChannels.consumerProcess, (context) => startProcess(tracer, resolved, context))
  follow(tracingChannels.consumerProcess, noop, (context) => setOutcome(spans.get(context), context.outcome))
  bind(tracingChannels.consumerProcessBatch, (context) => startProcessBatch(tracer, resolved, context))
  follow(tracingChannels.consumerProcessBatch, noop, (context) => setOutcome(spans.get(context), context.outcome))

  if (resolved.transactions) {
    bind(tracingChannels.producerTransaction, (context) => startTransaction(tracer, context))
    follow(tracingChannels.producerTransaction, noop, noop)
  }
  if (resolved.admin) {
    follow(
      tracingChannels.adminCall,
      (context) => spans.set(context, startAdmin(tracer, context)),
      (context) => {
        if (context.attempts !== undefined) spans.get(context)?.setAttribute(A.adminAttempts, context.attempts)
      },
    )
  }

  let enabled = true
  return {
    disable() {
      if (!enabled) return
      enabled = false
      for (const step of undo) step()
    },
  }
}

function noop(): void {}

function startSend(
  tracer: Tracer,
  options: ResolvedInstrumentationOptions,
  spans: WeakMap<object, Span>,
  context: ProducerSendContext,
): void {
  const records = context.records
  const topic = commonTopic(records.map((record) => record?.topic))
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.operationName]: 'send',
    [A.operationType]: 'send',
  }
  if (topic !== undefined) attributes[A.destinationName] = topic
  if (context.clientId !== undefined) attributes[A.clientId] = context.clientId
  if (context.transactionalId !== undefined) attributes[A.transactionalId] = context.transactionalId
  if (records.length === 1) {
    const record = records[0]!
    if (typeof record.key === 'string') attributes[A.kafkaMessageKey] = record.key
    if (typeof record.partition === 'number') setPartition(attributes, record.partition)
    if (record.value === null) attributes[A.kafkaMessageTombstone] = true
  } else {
    attributes[A.batchMessageCount] = records.length
  }
  const span = tracer.startSpan(
    topic === undefined ? 'send' : `send ${topic}`,
    { kind: SpanKind.PRODUCER, attributes },
    otelContext.active(),
  )
  spans.set(context, span)
  if (options.injectHeaders)
    options.propagator.inject(trace.setSpan(otelContext.active(), span), context.headers, headerSetter)
}

function finishSend(spans: WeakMap<object, Span>): (context: ProducerSendContext) => void {
  return (context) => {
    const report = context.result
    const span = spans.get(context)
    if (span === undefined || report === undefined || Array.isArray(report)) return
    const attributes: Attributes = {}
    setPartition(attributes, report.partition)
    attributes[A.kafkaMessageOffset] = Number(report.offset)
    span.setAttributes(attributes)
  }
}

function startProcess(tracer: Tracer, options: ResolvedInstrumentationOptions, context: ConsumerMessageContext): Span {
  const attributes = consumerAttributes(context.topic, context.partition, context.groupId, context.clientId)
  attributes[A.kafkaMessageOffset] = Number(context.offset)
  const key = textKey(context.key)
  if (key !== undefined) attributes[A.kafkaMessageKey] = key
  // The producer's span, when the record carries one, is the parent: the trace crosses from producer to consumer.
  const parent = options.propagator.extract(otelContext.active(), context.headers, headerGetter)
  return tracer.startSpan(`process ${context.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent)
}

function startProcessBatch(
  tracer: Tracer,
  options: ResolvedInstrumentationOptions,
  context: ConsumerBatchContext,
): Span {
  const attributes = consumerAttributes(context.topic, context.partition, context.groupId, context.clientId)
  attributes[A.batchMessageCount] = context.messages.length
  // A batch has many producers: each message's span is a link, not the parent.
  const links: Link[] = []
  const seen = new Set<string>()
  for (const message of context.messages) {
    const spanContext = trace.getSpanContext(options.propagator.extract(ROOT_CONTEXT, message.headers, headerGetter))
    if (spanContext === undefined || seen.has(spanContext.spanId)) continue
    seen.add(spanContext.spanId)
    links.push({ context: spanContext, attributes: { [A.kafkaMessageOffset]: Number(message.offset) } })
  }
  return tracer.startSpan(
    `process ${context.topic}`,
    { kind: SpanKind.CONSUMER, attributes, links },
    otelContext.active(),
  )
}

function startTransaction(tracer: Tracer, context: ProducerTransactionContext): Span {
  const attributes: Attributes = { [A.system]: 'kafka', [A.transactionalId]: context.transactionalId }
  if (context.clientId !== undefined) attributes[A.clientId] = context.clientId
  return tracer.startSpan('transaction', { kind: SpanKind.INTERNAL, attributes }, otelContext.active())
}

function startAdmin(tracer: Tracer, context: AdminCallContext): Span {
  return tracer.startSpan(
    context.operation,
    {
      kind: SpanKind.CLIENT,
      attributes: { [A.system]: 'kafka', [A.adminOperation]: context.operation },
    },
    otelContext.active(),
  )
}

function consumerAttributes(
  topic: string,
  partition: number,
  groupId: string,
  clientId: string | undefined,
): Attributes {
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.operationName]: 'process',
    [A.operationType]: 'process',
    [A.destinationName]: topic,
    [A.consumerGroupName]: groupId,
  }
  setPartition(attributes, partition)
  if (clientId !== undefined) attributes[A.clientId] = clientId
  return attributes
}

function setPartition(attributes: Attributes, partition: number): void {
  if (partition < 0) return
  attributes[A.destinationPartitionId] = String(partition)
  attributes[A.kafkaDestinationPartition] = partition
}

function setOutcome(span: Span | undefined, outcome: string | undefined): void {
  if (span !== undefined && outcome !== undefined) span.setAttribute(A.handlingOutcome, outcome)
}

/** The topic every record names, or undefined when they differ (or there are none). */
function commonTopic(topics: ReadonlyArray<unknown>): string | undefined {
  const first = topics[0]
  if (typeof first !== 'string' || first === '') return undefined
  return topics.every((topic) => topic === first) ? first : undefined
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error)
  const code = (error as { code?: unknown } | null)?.code
  span.setAttribute(A.errorType, typeof code === 'string' ? code : error instanceof Error ? error.name : '_OTHER')
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
}
