/**
 * A kafkit consumer instrumented with OpenTelemetry in a child process, so that a test can check that a trace
 * crosses processes through record headers. The child runs the transpiled sources (see consumer-child.ts), records
 * its spans with the SDK's in-memory exporter and reports them over IPC once the consumer's span ended.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export { transpileSources } from './consumer-child.js'

/** A finished span as the child reports it. */
export interface ReportedSpan {
  name: string
  kind: number
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  attributes: Record<string, unknown>
  links: Array<{ traceId: string; spanId: string }>
  status: number
}

/** Options of the child consumer. */
export interface OtelChildOptions {
  brokers: string
  groupId: string
  topic: string
  /** `message`: eachMessage; `batch`: eachBatch. */
  mode: 'message' | 'batch'
  /** How many messages to wait for. */
  count: number
}

const CHILD = `
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Consumer } from './consumer/index.js'
import { serdes } from './serde/index.js'
import { instrumentKafkit } from './otel/index.js'

const options = JSON.parse(process.argv[2])
const send = (message) => new Promise((resolve, reject) => process.send(message, (error) => (error ? reject(error) : resolve())))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
instrumentKafkit({ tracerProvider: provider, propagator: new W3CTraceContextPropagator() })
const tracer = provider.getTracer('child-handler')

// The handler's own work: a span that must become a child of kafkit's process span (the context is current).
const work = async () => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  tracer.startActiveSpan('handle', (span) => span.end())
}
const consumer = new Consumer({ brokers: options.brokers, groupId: options.groupId, fromBeginning: true, value: serdes.string() })
await consumer.connect()
await consumer.subscribe({ topics: [options.topic] })
let handled = 0
await consumer.run(options.mode === 'message'
  ? { eachMessage: async () => { await work(); handled++ } }
  : { maxBatchSize: 100, eachBatch: async ({ batch }) => { await work(); handled += batch.messages.length } })
const processSpans = () => exporter.getFinishedSpans().filter((span) => span.name.startsWith('process '))
const deadline = Date.now() + 60_000
while ((handled < options.count || processSpans().length === 0 || processSpans().reduce((n, s) => n + (s.attributes['messaging.batch.message_count'] ?? 1), 0) < options.count) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50))
}
await consumer.disconnect()
await send({
  type: 'spans',
  spans: exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? span.parentSpanId,
    attributes: span.attributes,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    status: span.status.code,
  })),
})
process.exit(0)
`

/** Writes the child script into the transpiled sources directory and starts it; resolves with its spans. */
export async function runOtelChild(
  dir: string,
  options: OtelChildOptions,
): Promise<{ child: ChildProcess; spans: Promise<ReportedSpan[]> }> {
  const script = join(dir, 'otel-child.js')
  await writeFile(script, CHILD)
  const child = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const spans = new Promise<ReportedSpan[]>((resolve, reject) => {
    child.on('message', (message) => resolve((message as { spans: ReportedSpan[] }).spans))
    child.on('exit', (code) => reject(new Error(`the OpenTelemetry child exited (${code}) before reporting its spans`)))
  })
  return { child, spans }
}
