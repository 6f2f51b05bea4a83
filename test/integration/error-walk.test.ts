// Walks the public API's failure cases and checks that every one of them throws or rejects with a KafkaError
// (`instanceof KafkaError`, KafkaAggregateError included) carrying the literal code the case names; for an aggregate,
// each failure's code too. A real broker (and the test cluster's registry) wherever the failure can be produced for
// real; the mock cluster only where a fault must be injected (a broker taken down, a request failed on purpose).
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Admin,
  Consumer,
  defineSaga,
  EventRouter,
  generateAvroTypes,
  KafkaAggregateError,
  KafkaError,
  type KafkaErrorCode,
  Processor,
  Producer,
  SagaMediator,
  sagaParticipant,
  SchemaRegistry,
  serdes,
} from '../../src/index.js'
import { MockCluster } from '../../src/testing/index.js'
import { registryUrl } from './helpers/avro.js'
import { brokers, createTopic, uniqueName } from './helpers/kafka.js'

/** One failure of the public API: what is called, and the code it must fail with. */
interface FailureCase {
  readonly name: string
  readonly code: KafkaErrorCode
  /** For an aggregate: the code of each failure, in order. */
  readonly failures?: readonly KafkaErrorCode[]
  readonly run: () => unknown
}

const closers: Array<() => Promise<unknown>> = []
function closeLater<
  T extends { disconnect(): Promise<unknown> } | { stop(): Promise<unknown> } | { close(): Promise<unknown> },
>(client: T): T {
  closers.push(async () => {
    const c = client as Partial<Record<'disconnect' | 'stop' | 'close', () => Promise<unknown>>>
    await (c.disconnect ?? c.stop ?? c.close)?.call(client).catch(() => undefined)
  })
  return client
}

const avroSchema = {
  type: 'record',
  name: 'Reading',
  namespace: 'kafkit.test.walk',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
  ],
} as const

let topic: string
let producer: Producer
let closedProducer: Producer
let txProducer: Producer
let smallProducer: Producer
let consumer: Consumer
let manualConsumer: Consumer
let subscribed: Consumer
let admin: Admin
let closedPortUrl: string
let mock: MockCluster

beforeAll(async () => {
  topic = uniqueName('walk')
  await createTopic(topic, { partitions: 2 })
  producer = closeLater(new Producer({ brokers: brokers() }))
  closedProducer = new Producer({ brokers: brokers() })
  txProducer = closeLater(new Producer({ brokers: brokers(), transactionalId: uniqueName('walk-tx') }))
  smallProducer = closeLater(new Producer({ brokers: brokers(), rdkafka: { 'message.max.bytes': 1_000 } }))
  consumer = closeLater(new Consumer({ brokers: brokers(), groupId: uniqueName('walk-group') }))
  manualConsumer = closeLater(
    new Consumer({ brokers: brokers(), groupId: uniqueName('walk-manual'), commitOffsets: false }),
  )
  subscribed = closeLater(new Consumer({ brokers: brokers(), groupId: uniqueName('walk-subscribed') }))
  admin = closeLater(new Admin({ brokers: brokers() }))
  await Promise.all(
    [producer, closedProducer, txProducer, smallProducer, consumer, manualConsumer, subscribed, admin].map((client) =>
      client.connect(),
    ),
  )
  await subscribed.subscribe({ topics: [topic] })
  await closedProducer.disconnect()
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  closedPortUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await new Promise((resolve) => server.close(resolve))
  mock = await MockCluster.start()
}, 120_000)

afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await mock?.stop()
}, 120_000)

const saga = defineSaga<{ n: number }>({
  name: 'walk',
  steps: [{ name: 'a', command: { topic: 'walk.commands', build: (state) => state } }],
})
const processorBase = {
  brokers: 'localhost:9092',
  groupId: 'g',
  transactionalId: 't',
  input: { a: {} },
  output: { b: {} },
  handle: () => undefined,
}
const mediatorBase = {
  brokers: 'localhost:9092',
  saga,
  groupId: 'g',
  transactionalId: 't',
  replyTopic: 'r',
  stateTopic: 'st',
}
const participantBase = {
  brokers: 'localhost:9092',
  groupId: 'p',
  transactionalId: 'pt',
  commandTopic: 'c',
  replyTopic: 'r',
  handle: () => undefined,
}

const producerCases: FailureCase[] = [
  { name: 'new Producer() without brokers', code: 'ERR_CONFIG', run: () => new Producer({} as never) },
  {
    name: 'new Producer() with a malformed broker',
    code: 'ERR_CONFIG',
    run: () => new Producer({ brokers: 'no-port' }),
  },
  {
    name: 'new Producer() with an unknown option',
    code: 'ERR_CONFIG',
    run: () => new Producer({ brokers: brokers(), lingerMS: 5 } as never),
  },
  {
    name: 'new Producer() with an unknown rdkafka property',
    code: 'ERR_CONFIG',
    run: () => new Producer({ brokers: brokers(), rdkafka: { 'linger.mss': 5 } as never }),
  },
  {
    name: 'new Producer() with an ill-typed rdkafka property',
    code: 'ERR_CONFIG',
    run: () => new Producer({ brokers: brokers(), rdkafka: { 'compression.codec': 'rar' as never } }),
  },
  {
    name: 'new Producer() with a reserved rdkafka property',
    code: 'ERR_CONFIG',
    run: () => new Producer({ brokers: brokers(), rdkafka: { dr_cb: true } }),
  },
  {
    name: 'send() before connect()',
    code: 'ERR_STATE',
    run: () => new Producer({ brokers: brokers() }).send({ topic, value: 'x' }),
  },
  { name: 'send() after disconnect()', code: 'ERR_STATE', run: () => closedProducer.send({ topic, value: 'x' }) },
  {
    name: 'sendBatch() after disconnect()',
    code: 'ERR_STATE',
    run: () => closedProducer.sendBatch([{ topic, value: 'x' }]),
  },
  { name: 'flush() after disconnect()', code: 'ERR_STATE', run: () => closedProducer.flush() },
  { name: 'send() without a topic', code: 'ERR_CONFIG', run: () => producer.send({ value: 'x' } as never) },
  {
    name: 'send() to a negative partition',
    code: 'ERR_CONFIG',
    run: () => producer.send({ topic, partition: -2, value: 'x' }),
  },
  {
    name: 'send() with a bad timestamp',
    code: 'ERR_CONFIG',
    run: () => producer.send({ topic, value: 'x', timestamp: Number.NaN }),
  },
  {
    name: 'send() of a value no serde can write',
    code: 'ERR_SERIALIZATION',
    run: () => producer.send({ topic, value: 42 as never }),
  },
  {
    name: 'send() with an ill-typed header',
    code: 'ERR_SERIALIZATION',
    run: () => producer.send({ topic, value: 'x', headers: { h: 42 as never } }),
  },
  {
    name: 'send() whose serde throws',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const throwing = closeLater(
        new Producer({
          brokers: brokers(),
          value: {
            serialize: () => {
              throw new Error('boom')
            },
            deserialize: () => null,
          } as never,
        }),
      )
      await throwing.connect()
      return throwing.send({ topic, value: 'x' })
    },
  },
  {
    name: 'send() of a record larger than message.max.bytes',
    code: 'ERR_KAFKA_MSG_SIZE_TOO_LARGE',
    run: () => smallProducer.send({ topic, value: 'x'.repeat(5_000) }),
  },
  {
    name: 'sendBatch() of something else than an array',
    code: 'ERR_CONFIG',
    run: () => producer.sendBatch('x' as never),
  },
  {
    name: 'sendBatch() with an oversized and an untopiced record',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_MSG_SIZE_TOO_LARGE', 'ERR_CONFIG'],
    run: () =>
      smallProducer.sendBatch([{ topic, value: 'ok' }, { topic, value: 'x'.repeat(5_000) }, { value: 'x' } as never]),
  },
  {
    name: 'flush() after sends nobody awaited failed',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_MSG_SIZE_TOO_LARGE'],
    run: () => {
      void smallProducer.send({ topic, value: 'y'.repeat(5_000) })
      return smallProducer.flush()
    },
  },
  {
    name: 'flush() while the only broker is down (mock cluster)',
    code: 'ERR_KAFKA_TIMED_OUT',
    run: async () => {
      const down = closeLater(
        new Producer({ brokers: mock.bootstrapServers, rdkafka: { 'message.timeout.ms': 60_000 } }),
      )
      await down.connect()
      mock.setBrokerUp(1, false)
      try {
        void down.send({ topic: 'walk-mock', value: 'x' }).catch(() => undefined)
        await down.flush({ timeoutMs: 300 })
      } finally {
        mock.setBrokerUp(1, true)
      }
    },
  },
  {
    name: 'transaction() on a producer without transactionalId',
    code: 'ERR_STATE',
    run: () => producer.transaction(async () => undefined),
  },
  {
    name: 'send() of a transactional producer outside a transaction',
    code: 'ERR_STATE',
    run: () => txProducer.send({ topic, value: 'x' }),
  },
  {
    name: 'sendBatch() of a transactional producer outside a transaction',
    code: 'ERR_STATE',
    run: () => txProducer.sendBatch([{ topic, value: 'x' }]),
  },
  {
    name: 'a second transaction() while one runs',
    code: 'ERR_STATE',
    run: async () => {
      let release!: () => void
      const first = txProducer.transaction(
        () =>
          new Promise<void>((resolve) => {
            release = resolve
          }),
      )
      try {
        await txProducer.transaction(async () => undefined)
      } finally {
        release()
        await first
      }
    },
  },
  {
    name: 'tx.send() after the transaction ended',
    code: 'ERR_STATE',
    run: async () => {
      let leaked: { send(record: unknown): Promise<unknown> } | undefined
      await txProducer.transaction(async (tx) => {
        leaked = tx
      })
      return leaked!.send({ topic, value: 'late' })
    },
  },
  {
    name: 'tx.sendOffsets() without a kafkit Consumer',
    code: 'ERR_STATE',
    run: () => txProducer.transaction(async (tx) => tx.sendOffsets({ consumer: {}, offsets: [] })),
  },
  {
    name: 'connect() to a closed port',
    code: 'ERR_KAFKA_TRANSPORT',
    run: () => new Producer({ brokers: '127.0.0.1:1', connectTimeoutMs: 1_500 }).connect(),
  },
]

const consumerCases: FailureCase[] = [
  {
    name: 'new Consumer() without groupId',
    code: 'ERR_CONFIG',
    run: () => new Consumer({ brokers: brokers() } as never),
  },
  {
    name: 'new Consumer() with an unknown option',
    code: 'ERR_CONFIG',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g', autoCommit: true } as never),
  },
  {
    name: 'new Consumer() with group.id in rdkafka',
    code: 'ERR_CONFIG',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g', rdkafka: { 'group.id': 'h' } }),
  },
  {
    name: 'new Consumer() with a producer property',
    code: 'ERR_CONFIG',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g', rdkafka: { 'linger.ms': 5 } as never }),
  },
  {
    name: 'subscribe() before connect()',
    code: 'ERR_STATE',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g' }).subscribe({ topics: [topic] }),
  },
  { name: 'subscribe() to no topic', code: 'ERR_CONFIG', run: () => consumer.subscribe({ topics: [] }) },
  {
    name: 'subscribe() to something else than topics',
    code: 'ERR_CONFIG',
    run: () => consumer.subscribe({ topics: [42 as never] }),
  },
  {
    name: 'commit() before connect()',
    code: 'ERR_STATE',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g' }).commit(),
  },
  { name: 'commit() when offsets go through transactions', code: 'ERR_STATE', run: () => manualConsumer.commit() },
  {
    name: 'pause() before connect()',
    code: 'ERR_STATE',
    run: () => new Consumer({ brokers: brokers(), groupId: 'g' }).pause([{ topic }]),
  },
  { name: 'run() before subscribe()', code: 'ERR_STATE', run: () => consumer.run({ eachMessage: () => undefined }) },
  { name: 'run() without a handler', code: 'ERR_CONFIG', run: () => subscribed.run({} as never) },
  {
    name: 'seek() of a partition not assigned to the member',
    code: 'ERR_STATE',
    run: () => consumer.seek({ topic, partition: 0, offset: '0' }),
  },
  {
    name: 'connect() to a closed port',
    code: 'ERR_KAFKA_TRANSPORT',
    run: () => new Consumer({ brokers: '127.0.0.1:1', groupId: 'g', connectTimeoutMs: 1_500 }).connect(),
  },
  {
    name: 'run() whose handler keeps throwing (errorPolicy stop)',
    code: 'ERR_HANDLER',
    run: async () => {
      const handlerTopic = uniqueName('walk-handler')
      await createTopic(handlerTopic)
      await producer.send({ topic: handlerTopic, value: 'poison' })
      const failing = closeLater(
        new Consumer({ brokers: brokers(), groupId: uniqueName('walk-handler'), fromBeginning: true }),
      )
      await failing.connect()
      await failing.subscribe({ topics: [handlerTopic] })
      await failing.run({
        eachMessage: () => {
          throw new Error('handler bug')
        },
        retry: { retries: 0 },
      })
      return failing.stopped()
    },
  },
  {
    name: 'run() over a value its serde cannot read (errorPolicy stop)',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const badTopic = uniqueName('walk-decode')
      await createTopic(badTopic)
      await producer.send({ topic: badTopic, value: '{not json' })
      const reader = closeLater(
        new Consumer({
          brokers: brokers(),
          groupId: uniqueName('walk-decode'),
          fromBeginning: true,
          value: serdes.json(),
        }),
      )
      await reader.connect()
      await reader.subscribe({ topics: [badTopic] })
      await reader.run({ eachMessage: () => undefined })
      return reader.stopped()
    },
  },
]

const adminCases: FailureCase[] = [
  { name: 'new Admin() without brokers', code: 'ERR_CONFIG', run: () => new Admin({} as never) },
  { name: 'a call before connect()', code: 'ERR_STATE', run: () => new Admin({ brokers: brokers() }).listTopics() },
  {
    name: 'createTopics() of an existing topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_TOPIC_ALREADY_EXISTS'],
    run: () => admin.createTopics([{ topic }]),
  },
  {
    name: 'createTopics() with zero partitions',
    code: 'ERR_CONFIG',
    run: () => admin.createTopics([{ topic: uniqueName('walk-zero'), partitions: 0 }]),
  },
  {
    name: 'createTopics() of something else than an array',
    code: 'ERR_CONFIG',
    run: () => admin.createTopics('x' as never),
  },
  {
    name: 'deleteTopics() of an unknown topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_UNKNOWN_TOPIC_OR_PART'],
    run: () => admin.deleteTopics([uniqueName('walk-missing')]),
  },
  {
    name: 'describeTopics() of an unknown topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_UNKNOWN_TOPIC_OR_PART'],
    run: () =>
      admin.describeTopics([topic, uniqueName('walk-missing')]).then(() => {
        throw new Error('resolved')
      }),
  },
  {
    name: 'createPartitions() that would shrink a topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_INVALID_PARTITIONS'],
    run: () => admin.createPartitions([{ topic, count: 1 }]),
  },
  {
    name: 'alterConfigs() with an unknown topic config',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_INVALID_CONFIG'],
    run: () => admin.alterConfigs([{ type: 'topic', name: topic, set: { 'no.such.config': '1' } }] as never),
  },
  {
    name: 'listOffsets() of a negative partition',
    code: 'ERR_CONFIG',
    run: () => admin.listOffsets([{ topic, partition: -1, at: 'latest' }] as never),
  },
]

const serdeCases: FailureCase[] = [
  { name: 'new SchemaRegistry() without url', code: 'ERR_CONFIG', run: () => new SchemaRegistry({} as never) },
  {
    name: 'SchemaRegistry: latest schema of an unknown subject',
    code: 'ERR_SCHEMA_REGISTRY_SUBJECT_NOT_FOUND',
    run: () =>
      closeLater(new SchemaRegistry({ url: registryUrl() })).getLatest({ subject: uniqueName('walk-nosubject') }),
  },
  {
    name: 'SchemaRegistry: unreachable registry',
    code: 'ERR_SCHEMA_REGISTRY_UNAVAILABLE',
    run: () => closeLater(new SchemaRegistry({ url: closedPortUrl, maxRetries: 0 })).listSubjects(),
  },
  {
    name: 'SchemaRegistry: call after close()',
    code: 'ERR_STATE',
    run: async () => {
      const registry = new SchemaRegistry({ url: registryUrl() })
      await registry.close()
      return registry.listSubjects()
    },
  },
  {
    name: 'send() of an Avro value that does not match its schema',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const avroProducer = closeLater(
        new Producer({
          brokers: brokers(),
          value: serdes.avro<{ sensor: string; celsius: number }>({
            registry: closeLater(new SchemaRegistry({ url: registryUrl() })),
            schema: avroSchema,
          }),
        }),
      )
      await avroProducer.connect()
      return avroProducer.send({ topic, value: { sensor: 's', celsius: 'warm' as never } })
    },
  },
  {
    name: 'send() through an Avro serde whose registry is unreachable',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const registry = closeLater(new SchemaRegistry({ url: closedPortUrl, maxRetries: 0 }))
      const avroProducer = closeLater(
        new Producer({
          brokers: brokers(),
          value: serdes.avro<{ sensor: string; celsius: number }>({ registry, schema: avroSchema }),
        }),
      )
      await avroProducer.connect()
      return avroProducer.send({ topic, value: { sensor: 's', celsius: 1 } })
    },
  },
  {
    name: 'send() of a value its JSON Schema refuses',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const validating = closeLater(
        new Producer({ brokers: brokers(), value: serdes.json({ validate: { type: 'object', required: ['id'] } }) }),
      )
      await validating.connect()
      return validating.send({ topic, value: {} })
    },
  },
  {
    name: 'serdes.json({ validate }) writing a value its JSON Schema refuses',
    code: 'ERR_SERIALIZATION',
    run: () =>
      serdes.json({ validate: { type: 'object', required: ['id'] } }).serialize({}, { topic, field: 'value' } as never),
  },
  {
    name: 'serdes.avro() without a registry',
    code: 'ERR_CONFIG',
    run: () => serdes.avro({ schema: avroSchema } as never),
  },
  {
    name: 'generateAvroTypes() of a file that is not a schema',
    code: 'ERR_AVRO_CODEGEN',
    run: () => generateAvroTypes([{ path: 'bad.avsc', text: '{"type": "recordz"' }]),
  },
]

const patternCases: FailureCase[] = [
  {
    name: 'new Processor() without groupId',
    code: 'ERR_CONFIG',
    run: () => new Processor({ ...processorBase, groupId: undefined } as never),
  },
  {
    name: 'new Processor() without input',
    code: 'ERR_CONFIG',
    run: () => new Processor({ ...processorBase, input: {} }),
  },
  {
    name: 'new Processor() with a bad errorPolicy',
    code: 'ERR_CONFIG',
    run: () => new Processor({ ...processorBase, errorPolicy: 'retry' } as never),
  },
  {
    name: 'new Processor() that turns idempotence off',
    code: 'ERR_CONFIG',
    run: () => new Processor({ ...processorBase, producer: { idempotent: false } } as never),
  },
  {
    name: 'new Processor() with a read_uncommitted consumer',
    code: 'ERR_CONFIG',
    run: () => new Processor({ ...processorBase, consumer: { rdkafka: { 'isolation.level': 'read_uncommitted' } } }),
  },
  {
    name: 'new SagaMediator() without stateTopic',
    code: 'ERR_CONFIG',
    run: () => new SagaMediator({ ...mediatorBase, stateTopic: undefined } as never),
  },
  {
    name: 'new SagaMediator() with a read_uncommitted consumer',
    code: 'ERR_CONFIG',
    run: () => new SagaMediator({ ...mediatorBase, consumer: { rdkafka: { 'isolation.level': 'read_uncommitted' } } }),
  },
  {
    name: 'sagaParticipant() with a negative lingerMs',
    code: 'ERR_CONFIG',
    run: () => sagaParticipant({ ...participantBase, producer: { lingerMs: -5 } }),
  },
  {
    name: 'new EventRouter() with a bad eventType',
    code: 'ERR_CONFIG',
    run: () => new EventRouter({ ...processorBase, handle: undefined, eventType: { column: 'x' } } as never),
  },
  {
    name: 'new EventRouter() with a bad unknownEvents policy',
    code: 'ERR_CONFIG',
    run: () => new EventRouter({ ...processorBase, handle: undefined, unknownEvents: 'drop' } as never),
  },
  {
    name: 'SagaMediator.begin() before start()',
    code: 'ERR_STATE',
    run: () => new SagaMediator({ ...mediatorBase, brokers: brokers() }).begin('s-1', { n: 1 }),
  },
  {
    name: 'a Processor handler sending to a topic not in output (errorPolicy stop)',
    code: 'ERR_UNKNOWN_OUTPUT',
    run: async () => {
      const input = uniqueName('walk-proc-in')
      await createTopic(input)
      await producer.send({ topic: input, value: 'x' })
      const processor = closeLater(
        new Processor({
          brokers: brokers(),
          groupId: uniqueName('walk-proc'),
          transactionalId: uniqueName('walk-proc-tx'),
          fromBeginning: true,
          input: { [input]: { value: serdes.string() } },
          output: { [uniqueName('walk-proc-out')]: { value: serdes.string() } },
          retry: { retries: 0 },
          handle: (_message, ctx) => ctx.send({ topic: 'not-an-output', value: 'y' }),
        }),
      )
      await processor.start()
      return processor.stopped()
    },
  },
]

const testingCases: FailureCase[] = [
  { name: 'MockCluster.start() with zero brokers', code: 'ERR_CONFIG', run: () => MockCluster.start({ brokers: 0 }) },
  {
    name: 'MockCluster.failRequests() of an unknown API',
    code: 'ERR_CONFIG',
    run: () => mock.failRequests('nope' as never, ['ERR_KAFKA_REQUEST_TIMED_OUT']),
  },
  {
    name: 'MockCluster.failRequests() with an unknown error',
    code: 'ERR_CONFIG',
    run: () => mock.failRequests('produce', ['ERR_NOPE']),
  },
  {
    name: 'MockCluster.setCoordinator() of an unknown key type',
    code: 'ERR_CONFIG',
    run: () => mock.setCoordinator('broker' as never, 'k', 1),
  },
  {
    name: 'MockCluster.bootstrapServers after stop()',
    code: 'ERR_STATE',
    run: async () => {
      const stopped = await MockCluster.start()
      await stopped.stop()
      return stopped.bootstrapServers
    },
  },
]

const areas: ReadonlyArray<readonly [string, readonly FailureCase[]]> = [
  ['Producer', producerCases],
  ['Consumer', consumerCases],
  ['Admin', adminCases],
  ['serdes and registry', serdeCases],
  ['patterns', patternCases],
  ['kafkit/testing', testingCases],
]

/** What `run` threw or rejected with; fails the test if it succeeded. */
async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected a failure, but the call succeeded')
}

describe.each(areas)('every failure of %s is a KafkaError with a literal code', (_area, cases) => {
  it.each(cases)('$name -> $code', { timeout: 60_000 }, async (failure) => {
    const error = await failureOf(failure.run)
    expect(error, String(error)).toBeInstanceOf(KafkaError)
    const kafkaError = error as KafkaError | KafkaAggregateError
    expect(kafkaError.code, kafkaError.message).toBe(failure.code)
    expect(kafkaError.message.length).toBeGreaterThan(10)
    if (failure.failures) {
      expect(kafkaError).toBeInstanceOf(KafkaAggregateError)
      const failures = (kafkaError as KafkaAggregateError).failures
      for (const item of failures) expect(item.error).toBeInstanceOf(KafkaError)
      expect(failures.map((item) => item.error.code)).toEqual(failure.failures)
    }
  })
})

it('walks the failure cases of every area', () => {
  const count = areas.reduce((sum, [, cases]) => sum + cases.length, 0)
  expect(count).toBeGreaterThanOrEqual(70)
})
