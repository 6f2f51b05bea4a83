import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Admin, Producer, serdes } from '../../src/index.js'
import { instrumentKafkit, type KafkitInstrumentation } from '../../src/otel/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'
import { runOtelChild, transpileSources, type ReportedSpan } from './helpers/otel-child.js'

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const tracer = provider.getTracer('test')
const contextManager = new AsyncLocalStorageContextManager()
let instrumentation: KafkitInstrumentation
let sources: { dir: string; cleanup: () => Promise<void> }
let producer: Producer<string, string>

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable())
  instrumentation = instrumentKafkit({ tracerProvider: provider, propagator: new W3CTraceContextPropagator() })
  sources = await transpileSources()
  producer = new Producer({ brokers: brokers(), key: serdes.string(), value: serdes.string() })
  await producer.connect()
})
afterAll(async () => {
  await producer?.disconnect()
  instrumentation?.disable()
  context.disable()
  await sources?.cleanup()
})

const parentOf = (span: ReadableSpan): string | undefined =>
  (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ??
  (span as { parentSpanId?: string }).parentSpanId

function sendSpans(topic: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === `send ${topic}`)
}

describe('kafkit/otel against a real broker', () => {
  it('eachMessage in another process: the consumer span is a child of the producer span, found in the headers', async () => {
    const topic = uniqueName('otel-message')
    await createTopic(topic)
    let rootSpanId = ''
    const report = await tracer.startActiveSpan('checkout', async (root) => {
      rootSpanId = root.spanContext().spanId
      try {
        return await producer.send({ topic, key: 'order-1', value: 'paid' })
      } finally {
        root.end()
      }
    })
    const [send] = sendSpans(topic)
    expect(send).toBeDefined()
    expect(send!.kind).toBe(SpanKind.PRODUCER)
    expect(parentOf(send!)).toBe(rootSpanId)
    expect(send!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.kafka.message.key': 'order-1',
      'messaging.kafka.destination.partition': report.partition,
      'messaging.kafka.message.offset': Number(report.offset),
    })
    const { traceId, spanId } = send!.spanContext()
    const [written] = await readAll(topic, 1)
    expect(written!.headers.traceparent?.toString()).toBe(`00-${traceId}-${spanId}-01`)

    const groupId = uniqueName('otel-group')
    const { spans } = await runOtelChild(sources.dir, { brokers: brokers(), groupId, topic, mode: 'message', count: 1 })
    const childSpans = await spans
    const processSpan = childSpans.find((span) => span.name === `process ${topic}`)
    expect(processSpan).toBeDefined()
    expect(processSpan!.kind).toBe(SpanKind.CONSUMER)
    expect(processSpan!.traceId).toBe(traceId)
    expect(processSpan!.parentSpanId).toBe(spanId)
    expect(processSpan!.status).toBe(SpanStatusCode.UNSET)
    expect(processSpan!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': groupId,
      'messaging.kafka.destination.partition': 0,
      'messaging.kafka.message.offset': 0,
      'messaging.kafka.message.key': 'order-1',
      'kafkit.consumer.outcome': 'processed',
    })
    // The handler ran with the process span current: its own span is a child, in the same trace.
    const handle = childSpans.find((span) => span.name === 'handle')
    expect(handle?.traceId).toBe(traceId)
    expect(handle?.parentSpanId).toBe(processSpan!.spanId)
  })

  it('eachBatch in another process: the batch span links to the span of each record it handled', async () => {
    const topic = uniqueName('otel-batch')
    await createTopic(topic)
    for (const value of ['a', 'b', 'c']) await producer.send({ topic, value })
    const sends = sendSpans(topic)
    expect(sends).toHaveLength(3)

    const { spans } = await runOtelChild(sources.dir, {
      brokers: brokers(),
      groupId: uniqueName('otel-batch-group'),
      topic,
      mode: 'batch',
      count: 3,
    })
    const processSpans = (await spans).filter((span) => span.name === `process ${topic}`)
    expect(processSpans.length).toBeGreaterThan(0)
    const counted = processSpans.reduce(
      (sum, span) => sum + Number(span.attributes['messaging.batch.message_count']),
      0,
    )
    expect(counted).toBe(3)
    const linked = processSpans
      .flatMap((span: ReportedSpan) => span.links)
      .map((link) => `${link.traceId}/${link.spanId}`)
      .sort()
    expect(linked).toEqual(sends.map((span) => `${span.spanContext().traceId}/${span.spanContext().spanId}`).sort())
  })

  it('a transaction span is the parent of the sends inside it; Admin calls get CLIENT spans', async () => {
    const topic = uniqueName('otel-tx')
    await createTopic(topic)
    const transactional = new Producer({
      brokers: brokers(),
      transactionalId: uniqueName('otel-tx-id'),
      value: serdes.string(),
    })
    await transactional.connect()
    try {
      await transactional.transaction(async (tx) => {
        await tx.send({ topic, value: 'in-tx' })
      })
    } finally {
      await transactional.disconnect()
    }
    const transaction = exporter.getFinishedSpans().find((span) => span.name === 'transaction')
    const [send] = sendSpans(topic)
    expect(transaction?.kind).toBe(SpanKind.INTERNAL)
    expect(parentOf(send!)).toBe(transaction!.spanContext().spanId)
    expect(send!.attributes['kafkit.transactional_id']).toBe(transaction!.attributes['kafkit.transactional_id'])

    const admin = new Admin({ brokers: brokers() })
    await admin.connect()
    try {
      await admin.listTopics()
    } finally {
      await admin.disconnect()
    }
    const listTopics = exporter.getFinishedSpans().find((span) => span.name === 'listTopics')
    expect(listTopics?.kind).toBe(SpanKind.CLIENT)
    expect(listTopics?.attributes['kafkit.admin.attempts']).toBe(1)
  })

  it('records a failed send as an error span', async () => {
    const topic = uniqueName('otel-fail')
    await createTopic(topic)
    await expect(producer.send({ topic, value: 'x'.repeat(2_000_000) })).rejects.toThrow()
    const [send] = sendSpans(topic)
    expect(send!.status.code).toBe(SpanStatusCode.ERROR)
    expect(send!.attributes['error.type']).toMatch(/^ERR_/)
    expect(send!.events.some((event) => event.name === 'exception')).toBe(true)
  })

  it('injects no headers and makes no spans once disabled', async () => {
    instrumentation.disable()
    const topic = uniqueName('otel-off')
    await createTopic(topic)
    await trace.getTracer('test').startActiveSpan('outside', async (span) => {
      await producer.send({ topic, value: 'plain' })
      span.end()
    })
    const [written] = await readAll(topic, 1)
    expect(written!.headerList).toEqual([])
    expect(sendSpans(topic)).toEqual([])
  })
})
