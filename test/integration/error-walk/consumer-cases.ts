/**
 * The Consumer's failure cases of error-walk.test.ts.
 */
import { Consumer, serdes } from '../../../src/index.js'
import { brokers, createTopic, uniqueName } from '../helpers/kafka.js'
import { closeLater, consumer, type FailureCase, manualConsumer, producer, subscribed, topic } from './clients.js'

/** Every failure case of the Consumer. */
export const consumerCases: FailureCase[] = [
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
