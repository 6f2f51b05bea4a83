// Tracing: kafkit's TracingChannels (node:diagnostics_channel), and OpenTelemetry spans through kafkit/otel whose
// trace context travels from producer to consumer in the records' headers (W3C traceparent).
// Run: KAFKA_BROKERS=localhost:9092 npx tsx examples/tracing.ts
import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { Consumer, Producer, serdes, tracingChannels, type ProducerSendContext } from 'kafkit'
import { instrumentKafkit } from 'kafkit/otel'

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092'
const topic = `example-traced-orders-${Date.now()}`

// 1. The channels themselves: no OpenTelemetry needed. One context object travels through the events of one call,
// so per-call state can be kept in a WeakMap keyed by it. Nothing is published while nobody subscribes.
const sendStarted = new WeakMap<ProducerSendContext, number>()
tracingChannels.producerSend.subscribe({
  start: (call) => sendStarted.set(call, performance.now()),
  end: () => {},
  asyncStart: () => {},
  error: (call) => console.log(`send to ${call.records[0]?.topic} failed: ${String(call.error)}`),
  asyncEnd: (call) => {
    const ms = performance.now() - (sendStarted.get(call) ?? performance.now())
    console.log(`channel: ${call.operation} of ${call.records.length} record(s) acknowledged in ${ms.toFixed(1)} ms`)
  },
})

// 2. OpenTelemetry. A service would start the SDK (e.g. NodeSDK from @opentelemetry/sdk-node with an OTLP exporter),
// which registers the tracer provider, the W3C propagator and the context manager; instrumentKafkit() then needs no
// options. Here the spans stay in memory so that the example can print the trace.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const instrumentation = instrumentKafkit({ tracerProvider: provider, propagator: new W3CTraceContextPropagator() })
const tracer = provider.getTracer('example-shop')

// The producer side: an incoming request, and a record sent while handling it.
const producer = new Producer({ brokers, key: serdes.string(), value: serdes.json<{ id: string; total: number }>() })
await producer.connect()
await tracer.startActiveSpan('POST /checkout', async (request) => {
  await producer.send({ topic, key: 'order-1', value: { id: 'order-1', total: 42 } })
  request.end()
})
await producer.disconnect()

// The consumer side (another service, usually): the process span continues the trace found in the headers, and
// the handler runs with it current, so its own spans join the trace too.
const consumer = new Consumer({
  brokers,
  groupId: `example-billing-${process.pid}`,
  fromBeginning: true,
  value: serdes.json<{ id: string }>(),
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
let received!: () => void
const done = new Promise<void>((resolve) => {
  received = resolve
})
await consumer.run({
  eachMessage: async ({ message }) => {
    await tracer.startActiveSpan(`bill ${message.value?.id}`, async (span) => {
      span.end()
    })
    received()
  },
})
await done
await consumer.disconnect() // waits for the handler: the process span has ended when it returns
instrumentation.disable()

// Print the trace as a tree and check it is one trace from the request to the billing.
const spans = exporter.getFinishedSpans()
const parentId = (span: ReadableSpan): string | undefined =>
  (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ??
  (span as { parentSpanId?: string }).parentSpanId
const print = (span: ReadableSpan, depth: number): void => {
  const partition = span.attributes['messaging.kafka.destination.partition']
  console.log(
    `${'  '.repeat(depth)}${span.name}${partition === undefined ? '' : ` (partition ${JSON.stringify(partition)})`}`,
  )
  for (const child of spans.filter((candidate) => parentId(candidate) === span.spanContext().spanId))
    print(child, depth + 1)
}
const root = spans.find((span) => span.name === 'POST /checkout')
if (!root) throw new Error('no request span')
print(root, 0)
const billing = spans.find((span) => span.name === 'bill order-1')
if (billing?.spanContext().traceId !== root.spanContext().traceId)
  throw new Error('the consumer did not continue the producer trace')
console.log(`one trace from request to billing: ${root.spanContext().traceId}`)
