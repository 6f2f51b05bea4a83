/**
 * The failure cases of the patterns (Processor, EventRouter, SagaMediator, sagaParticipant), for error-walk.test.ts.
 */
import { defineSaga, EventRouter, Processor, SagaMediator, sagaParticipant, serdes } from '../../../src/index.js'
import { brokers, createTopic, uniqueName } from '../helpers/kafka.js'
import { closeLater, type FailureCase, producer } from './clients.js'

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

/** Every failure case of the patterns. */
export const patternCases: FailureCase[] = [
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
