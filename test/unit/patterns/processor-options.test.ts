import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/index.js'
import { PROCESSOR_DEFAULTS, resolveProcessorOptions } from '../../../src/patterns/processor-options.js'
import { Processor } from '../../../src/patterns/processor.js'
import { SagaMediator } from '../../../src/patterns/saga.js'
import { defineSaga } from '../../../src/patterns/saga-machine.js'
import { sagaParticipant } from '../../../src/patterns/saga-participant.js'
import { configError } from '../../helpers/config-error.js'

const base = {
  brokers: 'localhost:9092',
  groupId: 'g',
  transactionalId: 't',
  input: { a: {} },
  output: { b: {} },
  handle: () => undefined,
}

describe('resolveProcessorOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveProcessorOptions(base)
    expect(resolved.maxBatchSize).toBe(PROCESSOR_DEFAULTS.maxBatchSize)
    expect(resolved.maxBatchMs).toBe(PROCESSOR_DEFAULTS.maxBatchMs)
    expect(resolved.partitionsPerTransaction).toBe(32)
    expect(resolved.errorPolicy).toBe('stop')
    expect(resolved.connection).toEqual({ brokers: 'localhost:9092' })
  })

  it.each([
    [{ groupId: undefined }, 'groupId'],
    [{ transactionalId: 3 }, 'transactionalId'],
    [{ input: {} }, 'input'],
    [{ output: { a: {} } }, 'output.a'],
    [{ handle: 'x' }, 'handle'],
    [{ maxBatchSize: 0 }, 'maxBatchSize'],
    [{ maxBatchMs: -1 }, 'maxBatchMs'],
    [{ partitionsPerTransaction: 0 }, 'partitionsPerTransaction'],
    [{ partitionsPerTransaction: 1.5 }, 'partitionsPerTransaction'],
    [{ errorPolicy: 'retry' }, 'errorPolicy'],
    [{ rdkafka: {} }, 'rdkafka'],
    [{ consumer: { groupId: 'other' } }, 'consumer.groupId'],
    [{ producer: { idempotent: false } }, 'producer.idempotent'],
    [{ consumer: { rdkafka: { 'isolation.level': 'read_uncommitted' } } }, "consumer.rdkafka['isolation.level']"],
    [{ producer: { rdkafka: { 'enable.idempotence': false } } }, "producer.rdkafka['enable.idempotence']"],
  ])('rejects %o naming %s', (patch, path) => {
    const attempt = (): unknown => resolveProcessorOptions({ ...base, ...patch })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(path)
  })
})

describe('Processor tuning blocks', () => {
  it('passes them to its clients and names their bad values by block', () => {
    expect(
      () =>
        new Processor({
          ...base,
          consumer: { fetchBatchSize: 500, rdkafka: { 'client.rack': 'r1' } },
          producer: { compression: 'zstd', lingerMs: 10 },
        }),
    ).not.toThrow()
    expect(configError(() => new Processor({ ...base, producer: { lingerMs: -1 } })).path).toBe('producer.lingerMs')
    expect(
      configError(() => new Processor({ ...base, producer: { rdkafka: { 'linger.mss': 5 } as never } })).path,
    ).toBe("producer.rdkafka['linger.mss']")
    expect(configError(() => new Processor({ ...base, consumer: { maxBufferedMessagesPerPartition: 0 } })).path).toBe(
      'consumer.maxBufferedMessagesPerPartition',
    )
  })

  it('takes a logger for each client', () => {
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
    expect(() => new Processor({ ...base, consumer: { logger }, producer: { logger } })).not.toThrow()
    expect(configError(() => new Processor({ ...base, producer: { logger: { debug: 1 } as never } })).path).toMatch(
      /^producer\.logger/,
    )
    expect(configError(() => new Processor({ ...base, consumer: { logger: 'console' as never } })).path).toMatch(
      /^consumer\.logger/,
    )
  })
})

describe('saga tuning blocks', () => {
  const saga = defineSaga<{ n: number }>({
    name: 's',
    steps: [{ name: 'a', command: { topic: 'a.commands', build: (state) => state } }],
  })
  const mediator = {
    brokers: 'localhost:9092',
    saga,
    groupId: 'g',
    transactionalId: 't',
    replyTopic: 'r',
    stateTopic: 'st',
  }
  it('the mediator and participants take them and name bad values by block', () => {
    expect(
      () => new SagaMediator({ ...mediator, producer: { compression: 'lz4' }, consumer: { fetchBatchSize: 100 } }),
    ).not.toThrow()
    expect(
      configError(
        () => new SagaMediator({ ...mediator, consumer: { rdkafka: { 'isolation.level': 'read_uncommitted' } } }),
      ).path,
    ).toBe("consumer.rdkafka['isolation.level']")
    const participant = {
      brokers: 'localhost:9092',
      groupId: 'p',
      transactionalId: 'pt',
      commandTopic: 'c',
      replyTopic: 'r',
      handle: () => undefined,
    }
    expect(() => sagaParticipant({ ...participant, producer: { lingerMs: 1 } })).not.toThrow()
    expect(configError(() => sagaParticipant({ ...participant, producer: { lingerMs: -5 } })).path).toBe(
      'producer.lingerMs',
    )
  })
})
