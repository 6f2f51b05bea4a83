import { describe, expect, it } from 'vitest'
import { configError } from '../../helpers/config-error.js'
import { Consumer } from '../../../src/consumer/index.js'
import { resolveConsumerOptions } from '../../../src/consumer/options.js'
import { resolveRunOptions } from '../../../src/consumer/run-options.js'
import { serdes } from '../../../src/serde/index.js'

const base = { brokers: 'localhost:9092', groupId: 'g' }

describe('consumer options', () => {
  it('derives an at-least-once, cooperative-sticky classic configuration by default', () => {
    const { globalConfig, topicConfig } = resolveConsumerOptions(base)
    expect(globalConfig).toMatchObject({
      'bootstrap.servers': 'localhost:9092',
      'group.id': 'g',
      'enable.auto.commit': true,
      'enable.auto.offset.store': false,
      'partition.assignment.strategy': 'cooperative-sticky',
      'isolation.level': 'read_committed',
      'session.timeout.ms': 45_000,
      'max.poll.interval.ms': 300_000,
      'fetch.queue.backoff.ms': 10,
      'fetch.wait.max.ms': 100,
    })
    expect(globalConfig).not.toHaveProperty('group.protocol')
    // Topic-level properties go to the topic configuration, which node-rdkafka would otherwise override.
    expect(topicConfig).toEqual({ 'auto.offset.reset': 'latest' })
    expect(globalConfig).not.toHaveProperty('auto.offset.reset')
  })

  it("KIP-848: groupProtocol 'consumer' sets group.protocol and none of the classic-only properties", () => {
    const { globalConfig } = resolveConsumerOptions({ ...base, groupProtocol: 'consumer', fromBeginning: true })
    expect(globalConfig['group.protocol']).toBe('consumer')
    for (const key of ['partition.assignment.strategy', 'session.timeout.ms', 'heartbeat.interval.ms'])
      expect(globalConfig).not.toHaveProperty(key)
    expect(
      configError(() => resolveConsumerOptions({ ...base, groupProtocol: 'consumer', sessionTimeoutMs: 10_000 })).path,
    ).toBe('sessionTimeoutMs')
    expect(
      configError(() =>
        resolveConsumerOptions({
          ...base,
          groupProtocol: 'consumer',
          rdkafka: { 'partition.assignment.strategy': 'range' },
        }),
      ).path,
    ).toBe("rdkafka['partition.assignment.strategy']")
  })

  it('maps the idiomatic options and lets the rdkafka block override them', () => {
    const { globalConfig, topicConfig } = resolveConsumerOptions({
      ...base,
      fromBeginning: true,
      groupInstanceId: 'i-1',
      isolationLevel: 'read_uncommitted',
      autoCommitIntervalMs: 1000,
      rdkafka: { 'fetch.wait.max.ms': 10, 'auto.offset.reset': 'error' },
    })
    expect(globalConfig).toMatchObject({
      'group.instance.id': 'i-1',
      'isolation.level': 'read_uncommitted',
      'auto.commit.interval.ms': 1000,
      'fetch.wait.max.ms': 10,
    })
    expect(topicConfig).toEqual({ 'auto.offset.reset': 'error' })
  })

  it('rejects what would break at-least-once or the rebalance flow', () => {
    expect(
      configError(() => resolveConsumerOptions({ ...base, rdkafka: { 'enable.auto.commit': false } })).message,
    ).toContain('kafkit commits')
    expect(
      configError(() => resolveConsumerOptions({ ...base, rdkafka: { 'enable.auto.offset.store': true } as never }))
        .path,
    ).toBe("rdkafka['enable.auto.offset.store']")
    expect(configError(() => resolveConsumerOptions({ ...base, rdkafka: { 'group.id': 'x' } })).message).toContain(
      'groupId',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, rdkafka: { rebalance_cb: true } as never })).path).toBe(
      "rdkafka['rebalance_cb']",
    )
  })

  it('names the offending option', () => {
    expect(configError(() => resolveConsumerOptions({ brokers: 'localhost:9092' })).path).toBe('groupId')
    expect(configError(() => resolveConsumerOptions({ ...base, groupid: 'x' })).message).toContain(
      'did you mean `groupId`',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, revokeTimeoutMs: 400_000 })).path).toBe(
      'revokeTimeoutMs',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, key: serdes.string(), topics: { a: {} } })).path).toBe(
      'key',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, topics: { a: { value: 42 } } })).path).toBe(
      'topics.a.value',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, maxBufferedMessagesPerPartition: 0 })).path).toBe(
      'maxBufferedMessagesPerPartition',
    )
    expect(configError(() => resolveConsumerOptions({ ...base, onAssign: 'yes' })).path).toBe('onAssign')
    expect(configError(() => new Consumer({ ...base, rdkafka: { 'linger.ms': 5 } as never })).message).toContain(
      'producer property',
    )
  })

  it('validates run options', () => {
    const consumer = resolveConsumerOptions(base)
    const handler = async (): Promise<void> => {}
    expect(resolveRunOptions({ eachMessage: handler }, consumer)).toMatchObject({
      mode: 'message',
      concurrency: 1,
      errorPolicy: 'stop',
      retry: { retries: 5, initialDelayMs: 100, maxDelayMs: 10_000, multiplier: 2 },
    })
    expect(resolveRunOptions({ eachBatch: handler }, consumer).maxBatchSize).toBe(
      consumer.maxBufferedMessagesPerPartition,
    )
    expect(configError(() => resolveRunOptions({}, consumer)).path).toBe('run.eachMessage')
    expect(configError(() => resolveRunOptions({ eachMessage: handler, eachBatch: handler }, consumer)).path).toBe(
      'run.eachMessage',
    )
    expect(configError(() => resolveRunOptions({ eachMessage: handler, maxBatchSize: 5 }, consumer)).path).toBe(
      'run.maxBatchSize',
    )
    expect(configError(() => resolveRunOptions({ eachMessage: handler, errorPolicy: 'ignore' }, consumer)).path).toBe(
      'run.errorPolicy',
    )
    expect(
      configError(() => resolveRunOptions({ eachMessage: handler, errorPolicy: { deadLetter: {} } }, consumer)).path,
    ).toBe('run.errorPolicy.deadLetter.topic')
    expect(
      configError(() => resolveRunOptions({ eachMessage: handler, retry: { retrys: 3 } }, consumer)).message,
    ).toContain('did you mean `retries`')
    expect(
      configError(() => resolveRunOptions({ eachMessage: handler, retry: { multiplier: 0.5 } }, consumer)).path,
    ).toBe('run.retry.multiplier')
    expect(
      resolveRunOptions({ eachMessage: handler, errorPolicy: { deadLetter: { topic: 'dlq' } } }, consumer).errorPolicy,
    ).toEqual({ deadLetter: { topic: 'dlq' } })
  })

  it('a consumer is idle until connected and refuses calls with advice', async () => {
    const consumer = new Consumer(base)
    expect(consumer.state).toBe('idle')
    await expect(consumer.subscribe({ topics: ['t'] })).rejects.toThrow('await consumer.connect() first')
    await expect(consumer.run({ eachMessage: async () => {} })).rejects.toThrow('await consumer.connect() first')
    expect(() => consumer.pause([{ topic: 't' }])).toThrow('await consumer.connect() first')
    await consumer.disconnect()
    expect(consumer.state).toBe('closed')
  })
})
