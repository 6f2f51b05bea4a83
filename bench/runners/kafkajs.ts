/**
 * KafkaJS, and the same code on @confluentinc/kafka-javascript's KafkaJS-compatible API (`argv[2] === 'ckjs'`):
 * `send()` promises, `send()` with many messages for batches, `eachMessage` / `eachBatch` consumers, and
 * transactions for exactly-once consume-transform-produce.
 * The peers are loaded at run time and described by the small interfaces below, so kafkit's own type-check
 * does not need bench/node_modules.
 * @module
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { RunSpec } from '../lib/protocol.js'
import { stampValue } from '../lib/payload.js'
import { BENCH_ORDER_SCHEMA, benchOrders } from '../lib/avro.js'
import { combineRoundTrip, paced } from './common.js'
import { ConsumeTracker } from './consume.js'
import { outputTopic, transform } from './pipeline.js'
import { awaited, batched, saturate } from './saturate.js'
import { runRunner, waitFor, type Outcome, type RunContext } from './runner.js'

interface KjsMessage {
  value: Buffer | null
  offset: string
}
/** What the transactional pipeline needs: KafkaJS's transaction object, or ckjs's producer in a transaction. */
interface KjsTransaction {
  send(record: { topic: string; messages: { value: Buffer }[] }): Promise<unknown>
  sendOffsets(offsets: {
    consumerGroupId?: string
    consumer?: KjsConsumer
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[]
  }): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}
interface KjsProducer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  send(record: { topic: string; messages: { value: Buffer }[]; acks?: number; compression?: number }): Promise<unknown>
  flush?(options?: { timeout?: number }): Promise<void>
  transaction(): Promise<KjsTransaction>
}
interface KjsConsumer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>
  run(config: {
    eachMessage?: (payload: { message: KjsMessage }) => Promise<void>
    eachBatch?: (payload: { batch: { topic: string; partition: number; messages: KjsMessage[] } }) => Promise<void>
    autoCommit?: boolean
  }): Promise<void>
  stop(): Promise<void>
  on?(event: string, listener: () => void): unknown
  events?: { GROUP_JOIN: string }
  assignment?(): unknown[]
}
interface KjsKafka {
  producer(config: Record<string, unknown>): KjsProducer
  consumer(config: Record<string, unknown>): KjsConsumer
}

const require = createRequire(import.meta.url)
const flavour = process.argv[2] === 'ckjs' ? 'ckjs' : 'kafkajs'

// KafkaJS ships gzip only; the other codecs need third-party packages the benchmark does not install.
const KAFKAJS_CODECS: Partial<Record<RunSpec['producer']['compression'], number>> = { none: 0, gzip: 1 }

/** Translates librdkafka security properties into KafkaJS's `ssl` / `sasl` options. */
function kafkajsSecurity(security: Readonly<Record<string, string>>): Record<string, unknown> {
  const protocol = (security['security.protocol'] ?? 'plaintext').toLowerCase()
  const options: Record<string, unknown> = {}
  if (protocol === 'ssl' || protocol === 'sasl_ssl') {
    options.ssl = security['ssl.ca.location'] ? { ca: [readFileSync(security['ssl.ca.location'])] } : true
  }
  if (protocol.startsWith('sasl')) {
    options.sasl = {
      mechanism: (security['sasl.mechanisms'] ?? security['sasl.mechanism'] ?? 'plain').toLowerCase(),
      username: security['sasl.username'],
      password: security['sasl.password'],
    }
  }
  return options
}

function client(spec: RunSpec): KjsKafka {
  const common = { clientId: spec.clientId, brokers: spec.brokers.split(','), ...kafkajsSecurity(spec.security) }
  if (flavour === 'ckjs') {
    const { KafkaJS } = require('@confluentinc/kafka-javascript') as {
      KafkaJS: { Kafka: new (config: unknown) => KjsKafka; logLevel: { ERROR: number } }
    }
    return new KafkaJS.Kafka({ kafkaJS: { ...common, logLevel: KafkaJS.logLevel.ERROR } })
  }
  const { Kafka, logLevel } = require('kafkajs') as {
    Kafka: new (config: unknown) => KjsKafka
    logLevel: { NOTHING: number }
  }
  return new Kafka({ ...common, logLevel: logLevel.NOTHING })
}

async function connectProducer(
  spec: RunSpec,
): Promise<{ producer: KjsProducer; send: (values: Buffer[]) => Promise<unknown> }> {
  const kafka = client(spec)
  let producer: KjsProducer
  let send: (values: Buffer[]) => Promise<unknown>
  if (flavour === 'ckjs') {
    producer = kafka.producer({
      kafkaJS: {
        idempotent: spec.producer.idempotent,
        acks: spec.producer.acks,
        compression: spec.producer.compression,
      },
      'linger.ms': spec.producer.lingerMs,
    })
    send = (values) => producer.send({ topic: spec.topic, messages: values.map((value) => ({ value })) })
  } else {
    const codec = KAFKAJS_CODECS[spec.producer.compression]
    if (codec === undefined) throw new Error(`KafkaJS has no built-in ${spec.producer.compression} codec`)
    // KafkaJS has no linger: each send() call is one request, which is what its users get.
    producer = kafka.producer({ idempotent: spec.producer.idempotent, allowAutoTopicCreation: false })
    send = (values) =>
      producer.send({
        topic: spec.topic,
        acks: spec.producer.acks,
        compression: codec,
        messages: values.map((value) => ({ value })),
      })
  }
  await producer.connect()
  return { producer, send }
}

async function produce(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { producer, send } = await connectProducer(spec)
  const outcome = await saturate(
    spec,
    context,
    (value) => send([value]),
    producer.flush ? () => producer.flush!({ timeout: spec.deadlineMs }) : undefined,
  )
  await disconnectQuietly(producer)
  return outcome
}

async function produceAwaited(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { producer, send } = await connectProducer(spec)
  const outcome = await awaited(spec, context, (value) => send([value]))
  await disconnectQuietly(producer)
  return outcome
}

async function produceBatch(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const { producer, send } = await connectProducer(spec)
  const outcome = await batched(spec, context, send)
  await disconnectQuietly(producer)
  return outcome
}

function makeConsumer(spec: RunSpec): KjsConsumer {
  const kafka = client(spec)
  return flavour === 'ckjs'
    ? kafka.consumer({ kafkaJS: { groupId: spec.groupId, fromBeginning: true } })
    : kafka.consumer({ groupId: spec.groupId, allowAutoTopicCreation: false })
}

async function subscribe(consumer: KjsConsumer, spec: RunSpec): Promise<void> {
  await consumer.connect()
  // ckjs takes fromBeginning in the consumer's config and rejects it here.
  await consumer.subscribe(
    flavour === 'ckjs' ? { topics: [spec.topic] } : { topics: [spec.topic], fromBeginning: true },
  )
}

async function consume(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = makeConsumer(spec)
  await subscribe(consumer, spec)
  const tracker = new ConsumeTracker(spec, context)
  if (spec.variant === 'eachBatch') {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        let bytes = 0
        for (const message of batch.messages) bytes += message.value?.length ?? 0
        tracker.batch(batch.messages.length, bytes)
      },
    })
  } else {
    await consumer.run({
      eachMessage: async ({ message }) => {
        tracker.message(message.value)
      },
    })
  }
  await tracker.done
  const outcome = tracker.outcome()
  await consumer.stop().catch(() => {})
  await disconnectQuietly(consumer)
  return outcome
}

interface ConfluentSchemaRegistry {
  SchemaRegistryClient: new (config: { baseURLs: string[] }) => {
    register(subject: string, schema: { schemaType: string; schema: string }): Promise<number>
  }
  AvroSerializer: new (
    client: unknown,
    type: number,
    config: Record<string, unknown>,
  ) => { serialize(topic: string, value: unknown): Promise<Buffer> }
  AvroDeserializer: new (
    client: unknown,
    type: number,
    config: Record<string, unknown>,
  ) => { deserialize(topic: string, value: Buffer): Promise<unknown> }
  SerdeType: { VALUE: number }
}

/**
 * Produce then consume `spec.messages` records, the Confluent way: `@confluentinc/schemaregistry`'s Avro
 * serializer called by the application around `send()` and in `eachMessage` (its KafkaJS API has no serde hook).
 */
async function avroRoundTrip(spec: RunSpec, context: RunContext): Promise<Outcome> {
  if (flavour !== 'ckjs') throw new Error('KafkaJS needs a separate registry package, not installed')
  const useAvro = spec.variant === 'avro'
  if (useAvro && !spec.registryUrl) throw new Error('no Schema Registry URL')
  const sr = require('@confluentinc/schemaregistry') as ConfluentSchemaRegistry
  const registry = useAvro ? new sr.SchemaRegistryClient({ baseURLs: [spec.registryUrl!] }) : undefined
  if (registry)
    await registry.register(`${spec.topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(BENCH_ORDER_SCHEMA) })
  const serializer = registry
    ? new sr.AvroSerializer(registry, sr.SerdeType.VALUE, { useLatestVersion: true })
    : undefined
  const deserializer = registry ? new sr.AvroDeserializer(registry, sr.SerdeType.VALUE, {}) : undefined
  const orders = benchOrders()
  // Outside the window, as in kafkit's row: the first call fetches the schema id; without it, thousands of
  // concurrent first calls would each ask the registry.
  await serializer?.serialize(spec.topic, orders[0])
  const { producer, send } = await connectProducer(spec)
  const produced = await saturate(
    spec,
    context,
    async (value, index) =>
      send([serializer ? await serializer.serialize(spec.topic, orders[index % orders.length]) : value]),
    producer.flush ? () => producer.flush!({ timeout: spec.deadlineMs }) : undefined,
  )
  await disconnectQuietly(producer)
  const consumer = makeConsumer(spec)
  await subscribe(consumer, spec)
  const tracker = new ConsumeTracker({ ...spec, messages: produced.messages }, context)
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (deserializer && message.value) {
        await deserializer.deserialize(spec.topic, message.value)
        tracker.message(null)
      } else tracker.message(message.value)
    },
  })
  await tracker.done
  const consumed = tracker.outcome()
  await consumer.stop().catch(() => {})
  await disconnectQuietly(consumer)
  return combineRoundTrip(produced, consumed)
}

async function latency(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const consumer = makeConsumer(spec)
  let joined = false
  // The Confluent KafkaJS API throws on `events`; it answers assignment() instead.
  if (flavour === 'kafkajs' && consumer.on && consumer.events)
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true))
  await subscribe(consumer, spec)
  const tracker = new ConsumeTracker(spec, context, { latency: true })
  await consumer.run({
    eachMessage: async ({ message }) => {
      tracker.message(message.value)
    },
  })
  await waitFor(() => joined || (consumer.assignment?.().length ?? 0) > 0, 60_000, 'partition assignment')
  const { producer, send } = await connectProducer(spec)
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
  await Promise.all([consumer.stop().catch(() => {}), disconnectQuietly(producer)])
  await disconnectQuietly(consumer)
  return outcome
}

/**
 * Exactly-once consume-transform-produce the way both APIs document it: per eachBatch call, one transaction with
 * the outputs and the batch's next offset (KafkaJS: by group id; the Confluent API: with the consumer), commit.
 * The consumer reads committed data only and never commits on its own.
 */
async function pipeline(spec: RunSpec, context: RunContext): Promise<Outcome> {
  const output = outputTopic(spec)
  const tracker = new ConsumeTracker(spec, context)
  const kafka = client(spec)
  const transactionalId = `${spec.groupId}-tx`
  const producer =
    flavour === 'ckjs'
      ? kafka.producer({
          kafkaJS: { transactionalId, idempotent: true, maxInFlightRequests: 1 },
          'linger.ms': spec.producer.lingerMs,
        })
      : kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  const consumer =
    flavour === 'ckjs'
      ? kafka.consumer({
          kafkaJS: { groupId: spec.groupId, fromBeginning: true, autoCommit: false, readUncommitted: false },
        })
      : kafka.consumer({ groupId: spec.groupId, allowAutoTopicCreation: false, readUncommitted: false })
  await producer.connect()
  await subscribe(consumer, spec)
  await consumer.run({
    // ckjs takes autoCommit in the consumer's config and rejects it here.
    ...(flavour === 'ckjs' ? {} : { autoCommit: false }),
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return
      tracker.started()
      const transaction = await producer.transaction()
      try {
        const messages = batch.messages.map((message) => ({ value: transform(message.value) }))
        await transaction.send({ topic: output, messages })
        const next = (BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n).toString()
        const topics = [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }]
        await transaction.sendOffsets(
          flavour === 'ckjs' ? { consumer, topics } : { consumerGroupId: spec.groupId, topics },
        )
        await transaction.commit()
      } catch (error) {
        tracker.error()
        await transaction.abort().catch(() => {})
        throw error
      }
      tracker.batch(batch.messages.length, batch.messages.length * spec.messageSize)
    },
  })
  await tracker.done
  const outcome = tracker.outcome()
  await consumer.stop().catch(() => {})
  await Promise.all([disconnectQuietly(consumer), disconnectQuietly(producer)])
  return outcome
}

async function disconnectQuietly(client: { disconnect(): Promise<void> }): Promise<void> {
  await Promise.race([client.disconnect().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000).unref())])
}

runRunner(flavour, {
  avro: avroRoundTrip,
  produce,
  'produce-awaited': produceAwaited,
  'produce-batch': produceBatch,
  backpressure: produce,
  consume,
  latency,
  pipeline,
})
