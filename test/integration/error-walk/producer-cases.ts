/**
 * The Producer's failure cases of error-walk.test.ts.
 */
import { Producer } from '../../../src/index.js'
import { brokers } from '../helpers/kafka.js'
import {
  closedProducer,
  closeLater,
  type FailureCase,
  mock,
  producer,
  smallProducer,
  topic,
  txProducer,
} from './clients.js'

/** Every failure case of the Producer. */
export const producerCases: FailureCase[] = [
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
