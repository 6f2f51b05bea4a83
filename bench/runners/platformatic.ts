/**
 * @platformatic/kafka (pure TypeScript, Node >= 22; run with the node given by `--node22`): `send()` with one
 * or many messages, and the consumer's message stream. Loaded at run time and described by the small interfaces
 * below, so kafkit's own type-check does not need bench/node_modules.
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'
import { stampValue } from '../lib/payload.js'
import { paced } from './common.js'
import { ConsumeTracker } from './consume.js'
import { awaited, batched, saturate } from './saturate.js'
import { runRunner, waitFor, type Outcome, type RunContext } from './runner.js'

interface PlatformaticMessage {
  readonly value: Buffer | null | undefined
}
interface PlatformaticStream extends NodeJS.EventEmitter {
  close(): Promise<void>
}
interface PlatformaticProducer {
  send(options: { messages: { topic: string; value: Buffer }[] }): Promise<unknown>
  close(force?: boolean): Promise<void>
}
interface PlatformaticConsumer {
  consume(options: { topics: string[]; mode: string; autocommit: boolean }): Promise<PlatformaticStream>
  close(force?: boolean): Promise<void>
  assignments: unknown[] | null
}
interface PlatformaticModule {
  Producer: new (options: Record<string, unknown>) => PlatformaticProducer
  Consumer: new (options: Record<string, unknown>) => PlatformaticConsumer
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widening the specifier keeps TypeScript from typing the module by its own declarations, which PlatformaticModule only partly mirrors
const platformatic = (await import('@platformatic/kafka' as string)) as PlatformaticModule

function base(spec: RunSpec): Record<string, unknown> {
  if (Object.keys(spec.security).length > 0)
    throw new Error('the benchmark does not translate SASL/SSL settings for @platformatic/kafka')
  return { clientId: spec.clientId, bootstrapBrokers: spec.brokers.split(',') }
}

function producer(spec: RunSpec): { client: PlatformaticProducer; send: (values: Buffer[]) => Promise<unknown> } {
  const client = new platformatic.Producer({
    ...base(spec),
    idempotent: spec.producer.idempotent,
    acks: spec.producer.acks,
    compression: spec.producer.compression,
    autocreateTopics: false,
  })
  // No linger in this client: each send() call is one produce request, which is what its users get.
  return { client, send: (values) => client.send({ messages: values.map((value) => ({ topic: spec.topic, value })) }) }
}

async function produce(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { client, send } = producer(spec)
  const outcome = await saturate(spec, context, (value) => send([value]))
  await client.close(true).catch(() => {})
  return outcome
}

async function produceAwaited(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { client, send } = producer(spec)
  const outcome = await awaited(spec, context, (value) => send([value]))
  await client.close(true).catch(() => {})
  return outcome
}

async function produceBatch(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { client, send } = producer(spec)
  const outcome = await batched(spec, context, send)
  await client.close(true).catch(() => {})
  return outcome
}

async function stream(
  spec: RunSpec,
  tracker: ConsumeTracker,
): Promise<{ consumer: PlatformaticConsumer; messages: PlatformaticStream }> {
  const consumer = new platformatic.Consumer({ ...base(spec), groupId: spec.groupId })
  const messages = await consumer.consume({ topics: [spec.topic], mode: 'earliest', autocommit: true })
  messages.on('data', (message: PlatformaticMessage) => tracker.message(message.value))
  messages.on('error', () => tracker.error())
  return { consumer, messages }
}

async function consume(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const tracker = new ConsumeTracker(spec, context)
  const { consumer, messages } = await stream(spec, tracker)
  await tracker.done
  const outcome = tracker.outcome()
  await messages.close().catch(() => {})
  await consumer.close(true).catch(() => {})
  return outcome
}

async function latency(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const tracker = new ConsumeTracker(spec, context, { latency: true })
  const { consumer, messages } = await stream(spec, tracker)
  await waitFor(() => (consumer.assignments?.length ?? 0) > 0, 60_000, 'partition assignment')
  const { client, send } = producer(spec)
  let failed = 0
  await paced(
    spec.messages,
    spec.rate,
    (at) => {
      send([stampValue(context.pool[0]!, at)]).catch(() => failed++)
    },
    context.expired,
  )
  await tracker.done
  const outcome = tracker.outcome(failed > 0 ? `${failed} sends failed` : undefined)
  await messages.close().catch(() => {})
  await Promise.all([consumer.close(true).catch(() => {}), client.close(true).catch(() => {})])
  return outcome
}

runRunner('platformatic', {
  produce,
  'produce-awaited': produceAwaited,
  'produce-batch': produceBatch,
  backpressure: produce,
  consume,
  latency,
})
