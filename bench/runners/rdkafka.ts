/**
 * Raw node-rdkafka written the best way we know, and the same code on @confluentinc/kafka-javascript's
 * node-rdkafka-style API (`argv[2] === 'ckjs'`): produce + poll with delivery reports on, `consume(n)` loop.
 * @module
 */
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import type { RunSpec } from '../lib/protocol.js'
import { readStamp, stampValue, nowMs } from '../lib/payload.js'
import {
  boundedConcurrency,
  LatencyRecorder,
  paced,
  rdkafkaConsumerProperties,
  rdkafkaProducerProperties,
  Stopwatch,
} from './common.js'
import { ConsumeTracker } from './consume.js'
import { outputTopic, transform } from './pipeline.js'
import { delay, runRunner, waitFor, type Outcome, type RunContext } from './runner.js'

const require = createRequire(import.meta.url)
const flavour = process.argv[2] === 'ckjs' ? 'ckjs' : 'node-rdkafka'
// Both expose the same node-rdkafka API; the Confluent package bundles a newer librdkafka.
const Kafka = (
  flavour === 'ckjs' ? require('@confluentinc/kafka-javascript') : require('node-rdkafka')
) as typeof NodeRdkafka

const QUEUE_FULL = -184
const ASSIGN_PARTITIONS = -175
const CONSUME_BATCH = 1000

type Delivered = (error: NodeRdkafka.LibrdKafkaError | null, report: NodeRdkafka.DeliveryReport) => void

async function connectProducer(spec: RunSpec, extra: Record<string, unknown> = {}): Promise<NodeRdkafka.Producer> {
  const producer = new Kafka.Producer({ ...rdkafkaProducerProperties(spec), dr_cb: true, ...extra })
  await new Promise<void>((resolve, reject) => {
    producer.connect({}, (error) => (error ? reject(error) : resolve()))
  })
  return producer
}

function disconnect(client: NodeRdkafka.Producer | NodeRdkafka.KafkaConsumer): Promise<void> {
  return new Promise((resolve) => {
    client.disconnect(() => resolve())
  })
}

/** Produces, and on a full local queue serves delivery reports until there is room: the back-pressure loop. */
async function produceWithRetry(
  producer: NodeRdkafka.Producer,
  topic: string,
  value: Buffer,
  opaque?: unknown,
): Promise<void> {
  for (;;) {
    try {
      producer.produce(topic, null, value, null, null, opaque)
      return
    } catch (error) {
      if ((error as { code?: number }).code !== QUEUE_FULL) throw error
      producer.poll()
      await delay(1)
    }
  }
}

async function produce(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  let delivered = 0
  let errors = 0
  let bytes = 0
  const watch = new Stopwatch()
  producer.on('delivery-report', (error, report) => {
    if (error) errors++
    else {
      delivered++
      bytes += report.size
    }
    if (delivered + errors === spec.messages) watch.stop()
  })
  // Serves delivery reports while the loop below is busy producing.
  producer.setPollInterval(5)
  watch.start()
  let sent = 0
  for (; sent < spec.messages && !context.expired(); sent++) {
    const value = context.pool[sent % context.pool.length]!
    try {
      producer.produce(spec.topic, null, value)
    } catch (error) {
      if ((error as { code?: number }).code !== QUEUE_FULL) throw error
      producer.poll()
      await delay(1)
      sent--
      continue
    }
    if ((sent & 0x3ff) === 0) {
      producer.poll()
      context.progress(delivered)
      // Let the poll timer and delivery reports run between chunks.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  while (delivered + errors < sent && !context.expired()) {
    context.progress(delivered)
    await delay(5)
  }
  if (delivered + errors < spec.messages) watch.stop()
  await disconnect(producer)
  return { messages: delivered, bytes, elapsedMs: watch.elapsedMs(), completed: delivered === spec.messages, errors }
}

/** Awaited sends: a promise per message, resolved from its delivery report through the opaque. */
async function produceAwaited(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const producer = await connectProducer(spec)
  let delivered = 0
  let errors = 0
  let bytes = 0
  producer.on('delivery-report', (error, report) => {
    ;(report.opaque as Delivered)(error, report)
  })
  producer.setPollInterval(1)
  const watch = new Stopwatch()
  watch.start()
  await boundedConcurrency(
    spec.messages,
    spec.concurrency,
    async (index) => {
      const value = context.pool[index % context.pool.length]!
      await new Promise<void>((resolve) => {
        const done: Delivered = (error, report) => {
          if (error) errors++
          else {
            delivered++
            bytes += report.size
          }
          context.progress(delivered)
          resolve()
        }
        void produceWithRetry(producer, spec.topic, value, done)
      })
    },
    context.expired,
  )
  watch.stop()
  await disconnect(producer)
  return { messages: delivered, bytes, elapsedMs: watch.elapsedMs(), completed: delivered === spec.messages, errors }
}

async function connectConsumer(spec: RunSpec, extra: Record<string, unknown> = {}): Promise<NodeRdkafka.KafkaConsumer> {
  const { 'auto.offset.reset': reset, ...global } = rdkafkaConsumerProperties(spec)
  const consumer = new Kafka.KafkaConsumer({ ...global, ...extra }, { 'auto.offset.reset': reset as 'earliest' })
  await new Promise<void>((resolve, reject) => {
    consumer.connect({}, (error) => (error ? reject(error) : resolve()))
  })
  return consumer
}

/** One `consume(CONSUME_BATCH)` call: the messages ready, none after an error (which `onError` counts). */
function consumeBatch(consumer: NodeRdkafka.KafkaConsumer, onError: () => void): Promise<NodeRdkafka.Message[]> {
  return new Promise((resolve) => {
    consumer.consume(CONSUME_BATCH, (error, messages) => {
      if (error) onError()
      resolve(messages ?? [])
    })
  })
}

/**
 * librdkafka pauses a partition's fetches for `fetch.queue.backoff.ms` (1 s by default) whenever its local queue
 * holds `queued.min.messages`; a Node consumer drains that queue in well under a second, then waits. The tuned
 * variant shortens the pause: the best raw consumer we know.
 */
const TUNED_CONSUMER = Object.freeze({ 'fetch.queue.backoff.ms': 10 })

async function consume(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = await connectConsumer(spec, spec.variant === 'consume-tuned' ? TUNED_CONSUMER : {})
  consumer.subscribe([spec.topic])
  const watch = new Stopwatch()
  let received = 0
  let bytes = 0
  let errors = 0
  while (received < spec.messages && !context.expired()) {
    const batch = await consumeBatch(consumer, () => errors++)
    if (batch.length === 0) continue
    watch.start()
    received += batch.length
    for (const message of batch) bytes += message.size
    context.progress(received)
  }
  watch.stop()
  await disconnect(consumer)
  return { messages: received, bytes, elapsedMs: watch.elapsedMs(), completed: received >= spec.messages, errors }
}

/** Produce at a fixed rate and measure until each message reaches the consumer's handler ('data' events). */
async function latency(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = await connectConsumer(spec, { rebalance_cb: true })
  let assigned = false
  consumer.on('rebalance', (error) => {
    if ((error as { code?: number }).code === ASSIGN_PARTITIONS) assigned = true
  })
  const recorder = new LatencyRecorder()
  let bytes = 0
  consumer.on('data', (message) => {
    recorder.record(readStamp(message.value), nowMs())
    bytes += message.size
    context.progress(recorder.samples.length)
  })
  consumer.subscribe([spec.topic])
  // The flowing loop otherwise sleeps 500 ms after any empty poll, which shows up as a 500 ms tail.
  consumer.setDefaultConsumeLoopTimeoutDelay(1)
  consumer.consume()
  await waitFor(() => assigned, 30_000, 'partition assignment')
  const producer = await connectProducer(spec, { dr_cb: false })
  producer.setPollInterval(100)
  const sent = await paced(
    spec.messages,
    spec.rate,
    (at) => {
      producer.produce(spec.topic, null, stampValue(context.pool[0]!, at))
    },
    context.expired,
  )
  await waitFor(() => recorder.samples.length >= sent || context.expired(), spec.deadlineMs, 'the last message').catch(
    () => {},
  )
  await Promise.all([disconnect(producer), disconnect(consumer)])
  return {
    messages: recorder.samples.length,
    bytes,
    elapsedMs: (sent * 1000) / spec.rate,
    completed: recorder.samples.length >= spec.messages,
    errors: 0,
    latencyMs: recorder.samples,
  }
}

/**
 * Produces the transformed value of each message of a consumed batch to `output` (serving delivery reports only
 * while the local queue is full); returns the next input offset of each partition in the batch and the bytes
 * produced.
 */
async function produceTransformed(
  producer: NodeRdkafka.Producer,
  output: string,
  batch: readonly NodeRdkafka.Message[],
): Promise<{ offsets: NodeRdkafka.TopicPartitionOffset[]; bytes: number }> {
  const next = new Map<number, NodeRdkafka.TopicPartitionOffset>()
  let bytes = 0
  for (const message of batch) {
    const value = transform(message.value)
    bytes += value.length
    try {
      producer.produce(output, null, value)
    } catch (error) {
      if ((error as { code?: number }).code !== QUEUE_FULL) throw error
      await produceWithRetry(producer, output, value)
    }
    next.set(message.partition, { topic: message.topic, partition: message.partition, offset: message.offset + 1 })
  }
  return { offsets: [...next.values()], bytes }
}

/**
 * At-least-once consume-transform-produce, raw: a `consume(n)` batch is transformed and produced, `flush()` waits
 * for its delivery reports, and only then are the inputs' offsets stored (auto-commit commits stored offsets only).
 */
async function pipeline(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const output = outputTopic(spec)
  const tracker = new ConsumeTracker(spec, context)
  const producer = await connectProducer(spec)
  producer.on('delivery-report', (error) => {
    if (error) tracker.error()
  })
  producer.setPollInterval(1)
  const consumer = await connectConsumer(spec, { ...TUNED_CONSUMER, 'enable.auto.offset.store': false })
  consumer.subscribe([spec.topic])
  while (!tracker.complete() && !context.expired()) {
    const batch = await consumeBatch(consumer, () => tracker.error())
    if (batch.length === 0) continue
    tracker.started()
    const { offsets, bytes } = await produceTransformed(producer, output, batch)
    await new Promise<void>((resolve, reject) =>
      producer.flush(spec.deadlineMs, (error) => (error ? reject(error) : resolve())),
    )
    consumer.offsetsStore(offsets)
    tracker.batch(batch.length, bytes)
  }
  const outcome = tracker.outcome()
  await Promise.all([disconnect(producer), disconnect(consumer)])
  return outcome
}

/** Calls a node-rdkafka method that reports through a callback, as a promise. */
function settle(call: (done: (error: NodeRdkafka.LibrdKafkaError | null | undefined) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    call((error) => (error ? reject(error) : resolve()))
  })
}

const TRANSACTION_TIMEOUT_MS = 30_000

/**
 * Exactly-once consume-transform-produce, raw: per `consume(n)` batch, one transaction holding the outputs and the
 * batch's next offsets (`sendOffsetsToTransaction` with the consumer), then its commit. The consumer reads committed
 * data only and never commits on its own. The pipeline scenario runs it, unmeasured, as its warm-up.
 */
async function transactionalPipeline(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const output = outputTopic(spec)
  const tracker = new ConsumeTracker(spec, context)
  const producer = await connectProducer(spec, { 'transactional.id': `${spec.groupId}-tx`, dr_cb: false })
  await settle((done) => producer.initTransactions(TRANSACTION_TIMEOUT_MS, done))
  const consumer = await connectConsumer(spec, {
    ...TUNED_CONSUMER,
    'enable.auto.commit': false,
    'isolation.level': 'read_committed',
  })
  consumer.subscribe([spec.topic])
  while (!tracker.complete() && !context.expired()) {
    const batch = await consumeBatch(consumer, () => tracker.error())
    if (batch.length === 0) continue
    tracker.started()
    await settle((done) => producer.beginTransaction(done))
    const { offsets, bytes } = await produceTransformed(producer, output, batch)
    await settle((done) => producer.sendOffsetsToTransaction(offsets, consumer, TRANSACTION_TIMEOUT_MS, done))
    await settle((done) => producer.commitTransaction(TRANSACTION_TIMEOUT_MS, done))
    tracker.batch(batch.length, bytes)
  }
  const outcome = tracker.outcome()
  await Promise.all([disconnect(producer), disconnect(consumer)])
  return outcome
}

runRunner(flavour, {
  produce,
  'produce-awaited': produceAwaited,
  backpressure: produce,
  consume,
  latency,
  pipeline: (spec, context) =>
    spec.variant === 'transaction' ? transactionalPipeline(spec, context) : pipeline(spec, context),
})
