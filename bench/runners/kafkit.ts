/**
 * kafkit: its own bulk idiom for saturation and backpressure (send without a handler, wait for capacity, flush),
 * `sendBatch()` and awaited sends like the other promise clients, `eachBatch`, `eachMessage` and `for await`
 * consumers, the Avro serde over a Schema Registry, and the exactly-once `Processor`. kafkit is loaded from the
 * repository's `dist/` (`npm run build`), typed as `kafkit` (its declarations in `dist/` for the benchmark's build, its
 * sources for `npm run typecheck`).
 * @module
 */
import diagnostics from 'node:diagnostics_channel'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as Kafkit from 'kafkit'
import type { Consumer as KafkitConsumer, Producer as KafkitProducer } from 'kafkit'
import { BENCH_ORDER_SCHEMA, benchOrders, type BenchOrder } from '../lib/avro.js'
import { ROOT } from '../lib/paths.js'
import type { RunSpec } from '../lib/protocol.js'
import { stampValue } from '../lib/payload.js'
import { combineRoundTrip, paced, Stopwatch } from './common.js'
import { ConsumeTracker } from './consume.js'
import { outputTopic, transform } from './pipeline.js'
import { awaited, batched, saturate } from './saturate.js'
import { runRunner, waitFor, type Outcome, type RunContext } from './runner.js'

const kafkit = (await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)) as typeof Kafkit

function connection(spec: RunSpec): { brokers: string; clientId: string; rdkafka?: Record<string, string> } {
  // Security goes through the librdkafka passthrough so every librdkafka client gets the very same properties.
  return Object.keys(spec.security).length > 0
    ? { brokers: spec.brokers, clientId: spec.clientId, rdkafka: { ...spec.security } }
    : { brokers: spec.brokers, clientId: spec.clientId }
}

function producerOptions(spec: RunSpec) {
  return {
    ...connection(spec),
    idempotent: spec.producer.idempotent,
    acks: spec.producer.acks === -1 ? ('all' as const) : spec.producer.acks,
    compression: spec.producer.compression,
    lingerMs: spec.producer.lingerMs,
  }
}

async function connectProducer(spec: RunSpec): Promise<KafkitProducer> {
  const producer = new kafkit.Producer(producerOptions(spec))
  await producer.connect()
  return producer
}

/**
 * kafkit's own bulk idiom: `send()` without a handler per record (no promise is created then), a wait for capacity
 * whenever librdkafka's queue is full (memory stays bounded), and one `flush()`, which rejects with the failures.
 * Same yielding cadence as the shared saturation loop; acknowledgements are confirmed by flush() and by the
 * harness's offset check of the topic.
 */
async function produce(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  const watch = new Stopwatch()
  watch.start()
  let issued = 0
  let bytes = 0
  while (issued < spec.messages) {
    const value = context.pool[issued % context.pool.length]!
    void producer.send({ topic: spec.topic, value })
    issued++
    bytes += value.length
    if (!producer.hasCapacity) {
      await producer.waitForCapacity()
      context.progress(issued)
      if (context.expired()) break
    } else if ((issued & 1023) === 0) {
      await new Promise((resolve) => setImmediate(resolve))
      if (context.expired()) break
    }
  }
  let errors = 0
  let note: string | undefined
  let completed = issued === spec.messages
  try {
    const flushed = await Promise.race([
      producer.flush({ timeoutMs: 600_000 }).then(() => true),
      context.deadline.then(() => false),
    ])
    if (!flushed) completed = false
  } catch (error) {
    const failures = (error as { failures?: unknown[] }).failures
    errors = failures?.length ?? issued
    completed = false
    note = `flush: ${error instanceof Error ? error.message : String(error)}`
  }
  watch.stop()
  context.progress(issued - errors)
  await producer.disconnect().catch(() => {})
  return {
    messages: issued - errors,
    bytes,
    elapsedMs: watch.elapsedMs(),
    completed,
    errors,
    ...(note === undefined ? {} : { note }),
  }
}

async function produceAwaited(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  const outcome = await awaited(spec, context, (value) => producer.send({ topic: spec.topic, value }))
  await producer.disconnect()
  return outcome
}

async function produceBatch(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  const outcome = await batched(spec, context, (values) =>
    producer.sendBatch(values.map((value) => ({ topic: spec.topic, value }))),
  )
  await producer.disconnect()
  return outcome
}

async function subscribedConsumer(spec: RunSpec): Promise<KafkitConsumer> {
  const consumer = new kafkit.Consumer({ ...connection(spec), groupId: spec.groupId, fromBeginning: true })
  await consumer.connect()
  await consumer.subscribe({ topics: [spec.topic] })
  return consumer
}

async function consume(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = await subscribedConsumer(spec)
  const tracker = new ConsumeTracker(spec, context)
  if (spec.variant === 'iterator') {
    const iterate = async (): Promise<void> => {
      for await (const message of consumer) {
        tracker.message(message.value)
        if (tracker.complete() || context.expired()) break
      }
    }
    await Promise.race([iterate(), tracker.done])
  } else {
    if (spec.variant === 'eachBatch') {
      await consumer.run({
        eachBatch: ({ batch }) => {
          let bytes = 0
          for (const message of batch.messages) bytes += message.value?.length ?? 0
          tracker.batch(batch.messages.length, bytes)
        },
      })
    } else {
      await consumer.run({ eachMessage: ({ message }) => tracker.message(message.value) })
    }
    await tracker.done
  }
  const outcome = tracker.outcome()
  await consumer.stop().catch(() => {})
  await consumer.disconnect()
  return outcome
}

/** Produce then consume `spec.messages` records: Avro through the registry (`avro`) or the raw values (`raw`). */
async function avroRoundTrip(spec: RunSpec, context: RunContext): Promise<Outcome> {
  if (spec.variant === 'raw') return rawRoundTrip(spec, context)
  if (!spec.registryUrl) throw new Error('no Schema Registry URL')
  const registry = new kafkit.SchemaRegistry({ url: spec.registryUrl })
  const orders = benchOrders()
  const valueSerde = kafkit.serdes.avro<BenchOrder>({ registry, schema: BENCH_ORDER_SCHEMA })
  // Outside the window, as in the Confluent row: the first call registers the schema and caches its id.
  await valueSerde.serialize(orders[0]!, { topic: spec.topic, field: 'value' })
  const producer = new kafkit.Producer({ ...producerOptions(spec), value: valueSerde })
  await producer.connect()
  const produced = await saturate(
    spec,
    context,
    (_value, index) => producer.send({ topic: spec.topic, value: orders[index % orders.length]! }),
    () => producer.flush(),
  )
  await producer.disconnect()
  const consumer = new kafkit.Consumer({
    ...connection(spec),
    groupId: spec.groupId,
    fromBeginning: true,
    value: kafkit.serdes.avro<BenchOrder>({ registry }),
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [spec.topic] })
  const tracker = new ConsumeTracker({ ...spec, messages: produced.messages }, context)
  // Decoded values are objects: count the records, not their bytes.
  await consumer.run({ eachMessage: () => tracker.message(null) })
  await tracker.done
  const consumed = tracker.outcome()
  await consumer.stop().catch(() => {})
  await consumer.disconnect()
  return combineRoundTrip(produced, consumed)
}

async function rawRoundTrip(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  const produced = await saturate(
    spec,
    context,
    (value) => producer.send({ topic: spec.topic, value }),
    () => producer.flush(),
  )
  await producer.disconnect()
  const consumer = await subscribedConsumer(spec)
  const tracker = new ConsumeTracker({ ...spec, messages: produced.messages }, context)
  await consumer.run({ eachMessage: ({ message }) => tracker.message(message.value) })
  await tracker.done
  const consumed = tracker.outcome()
  await consumer.stop().catch(() => {})
  await consumer.disconnect()
  return combineRoundTrip(produced, consumed)
}

async function latency(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = await subscribedConsumer(spec)
  const tracker = new ConsumeTracker(spec, context, { latency: true })
  await consumer.run({ eachMessage: ({ message }) => tracker.message(message.value) })
  await waitFor(() => consumer.assignment().length > 0, 60_000, 'partition assignment')
  const producer = await connectProducer(spec)
  let failed = 0
  await paced(
    spec.messages,
    spec.rate,
    (at) => {
      producer.send({ topic: spec.topic, value: stampValue(context.pool[0]!, at) }).catch(() => failed++)
    },
    context.expired,
  )
  await tracker.done
  const outcome = tracker.outcome(failed > 0 ? `${failed} sends failed` : undefined)
  await Promise.all([consumer.stop().catch(() => {}), producer.disconnect()])
  await consumer.disconnect()
  return outcome
}

/**
 * Consume-transform-produce. `processor`: kafkit's exactly-once `Processor` with its defaults (partitions handled
 * at about the same time share a transaction, up to 2000 inputs per partition), counted as its transactions commit (the `kafkit:processor:transaction`
 * diagnostics channel). `processor-per-partition`: the same with `partitionsPerTransaction: 1` (a transaction per
 * partition instead of one shared by the partitions handled at about the same time).
 * `at-least-once`: a Consumer whose eachBatch handler awaits `sendBatch()` of the outputs, so input offsets are
 * stored only after their outputs were acknowledged.
 */
async function pipeline(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const output = outputTopic(spec)
  const tracker = new ConsumeTracker(spec, context)
  if (spec.variant === 'processor' || spec.variant === 'processor-per-partition') {
    const channel = diagnostics.channel('kafkit:processor:transaction')
    const onTransaction = (event: unknown): void => {
      const { outcome, messages } = event as { outcome: 'commit' | 'abort'; messages: number }
      if (outcome === 'commit') tracker.batch(messages, messages * spec.messageSize)
      else tracker.error()
    }
    channel.subscribe(onTransaction)
    const processor = new kafkit.Processor({
      brokers: spec.brokers,
      clientId: spec.clientId,
      groupId: spec.groupId,
      transactionalId: `${spec.groupId}-tx`,
      input: { [spec.topic]: {} },
      output: { [output]: {} },
      fromBeginning: true,
      ...(spec.variant === 'processor-per-partition' ? { partitionsPerTransaction: 1 } : {}),
      // Security goes through the tuning blocks' librdkafka passthrough, as for the other kafkit rows.
      ...(Object.keys(spec.security).length > 0
        ? { consumer: { rdkafka: { ...spec.security } }, producer: { rdkafka: { ...spec.security } } }
        : {}),
      handle: (message, ctx) => {
        tracker.started()
        ctx.send({ topic: output, value: transform(message.value) })
      },
    })
    processor.on('error', () => tracker.error())
    await processor.start()
    await tracker.done
    await processor.stop()
    channel.unsubscribe(onTransaction)
    return tracker.outcome()
  }
  const producer = await connectProducer(spec)
  const consumer = await subscribedConsumer(spec)
  await consumer.run({
    eachBatch: async ({ batch }) => {
      tracker.started()
      const outputs = batch.messages.map((message) => ({ topic: output, value: transform(message.value) }))
      await producer.sendBatch(outputs)
      tracker.batch(outputs.length, outputs.length * spec.messageSize)
    },
  })
  await tracker.done
  await consumer.stop().catch(() => {})
  await Promise.all([consumer.disconnect(), producer.disconnect()])
  return tracker.outcome()
}

runRunner('kafkit', {
  produce,
  'produce-awaited': produceAwaited,
  'produce-batch': produceBatch,
  backpressure: produce,
  consume,
  avro: avroRoundTrip,
  latency,
  pipeline,
})
