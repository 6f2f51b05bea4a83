/**
 * Producer failure paths that only librdkafka's mock cluster can inject on demand: request errors per API and a
 * broker taken down and brought back. Everything else about the producer is tested on the real broker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KafkaError, Producer, TimeoutError, serdes } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'

let cluster: MockCluster
const producers: Producer<unknown, string>[] = []

beforeEach(async () => {
  cluster = await MockCluster.start({ brokers: 1 })
  cluster.createTopic('faults', 1)
})

afterEach(async () => {
  for (const producer of producers.splice(0)) await producer.disconnect().catch(() => undefined)
  await cluster.stop()
}, 30_000)

async function connected(
  options: { deliveryTimeoutMs?: number; transactionalId?: string; transactionTimeoutMs?: number } = {},
): Promise<Producer<unknown, string>> {
  const producer = new Producer({
    brokers: cluster.bootstrapServers,
    value: serdes.string(),
    ...options,
    rdkafka: { 'retry.backoff.ms': 10, 'reconnect.backoff.ms': 10, 'reconnect.backoff.max.ms': 200 },
  })
  producers.push(producer)
  await producer.connect()
  return producer
}

describe('Producer faults (mock cluster)', () => {
  it('delivers once, in order, through retriable produce errors (librdkafka retries them, idempotence keeps order)', async () => {
    const producer = await connected()
    cluster.failRequests('produce', [
      'ERR_KAFKA_NOT_LEADER_FOR_PARTITION',
      'REQUEST_TIMED_OUT',
      'ERR_KAFKA_NOT_ENOUGH_REPLICAS',
    ])
    const reports = await Promise.all(
      ['a', 'b', 'c'].map((value) => producer.send({ topic: 'faults', partition: 0, value })),
    )
    expect(reports.map((report) => report.offset)).toEqual(['0', '1', '2'])
  })

  it('rejects only the record a non-retriable error hits, typed, and keeps producing', async () => {
    const producer = await connected()
    cluster.failRequests('produce', ['ERR_KAFKA_MSG_SIZE_TOO_LARGE'])
    const denied = await producer
      .send({ topic: 'faults', partition: 0, value: 'denied' })
      .catch((error: unknown) => error)
    expect(denied).toBeInstanceOf(KafkaError)
    expect((denied as KafkaError).code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    expect((denied as KafkaError).retriable).toBe(false)
    expect((denied as KafkaError).topic).toBe('faults')
    const next = await producer.send({ topic: 'faults', partition: 0, value: 'next' })
    expect(next.topic).toBe('faults')
  })

  it('times a record out while its broker is down (not persisted), and delivers again once the broker is back', async () => {
    const producer = await connected({ deliveryTimeoutMs: 1500 })
    await producer.send({ topic: 'faults', partition: 0, value: 'before' })
    cluster.setBrokerUp(1, false)
    const lost = await producer
      .send({ topic: 'faults', partition: 0, value: 'while down' })
      .catch((error: unknown) => error)
    expect(lost).toBeInstanceOf(TimeoutError)
    expect((lost as KafkaError).rdkafkaName).toBe('_MSG_TIMED_OUT')
    expect((lost as KafkaError).possiblyPersisted).toBe(false)
    cluster.setBrokerUp(1, true)
    const after = await producer.send({ topic: 'faults', partition: 0, value: 'after' })
    expect(after.topic).toBe('faults')
  }, 30_000)

  it('commits a transaction through retriable EndTxn errors', async () => {
    const producer = await connected({ transactionalId: `faults-tx-${process.pid}` })
    cluster.failRequests('endTxn', ['ERR_KAFKA_COORDINATOR_LOAD_IN_PROGRESS', 'ERR_KAFKA_NOT_COORDINATOR'])
    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic: 'faults', partition: 0, value: 'in a transaction' })
      return 'committed'
    })
    expect(result).toBe('committed')
  })

  it('retries an abort that timed out (its coordinator was down), and the producer runs the next transaction', async () => {
    const producer = await connected({ transactionalId: `faults-abort-${process.pid}`, transactionTimeoutMs: 1000 })
    const failed = await producer
      .transaction(async (tx) => {
        await tx.send({ topic: 'faults', partition: 0, value: 'aborted' })
        // The abort's EndTxn cannot reach the coordinator until the broker is back, after the first attempt timed out.
        cluster.setBrokerUp(1, false)
        setTimeout(() => cluster.setBrokerUp(1, true), 1500)
        throw new Error('handler failed')
      })
      .catch((error: unknown) => error)
    expect((failed as Error).message).toBe('handler failed')
    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic: 'faults', partition: 0, value: 'next' })
      return 'committed'
    })
    expect(result).toBe('committed')
  }, 30_000)

  it('a commit that gave up (its outcome unknown, so it cannot be aborted) leaves the producer failed fatally, not half-usable', async () => {
    const producer = await connected({ transactionalId: `faults-commit-${process.pid}`, transactionTimeoutMs: 1000 })
    const failed = await producer
      .transaction(async (tx) => {
        await tx.send({ topic: 'faults', partition: 0, value: 'maybe committed' })
        // librdkafka retries these itself until the API timeout: each commit attempt times out, still in progress.
        cluster.failRequests('endTxn', new Array(1000).fill('ERR_KAFKA_COORDINATOR_LOAD_IN_PROGRESS'))
      })
      .catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(KafkaError)
    expect((failed as KafkaError).fatal).toBe(true)
    cluster.setBrokerUp(1, true)
    const next = await producer.transaction(async () => undefined).catch((error: unknown) => error)
    expect(next).toBeInstanceOf(KafkaError)
    expect((next as KafkaError).fatal).toBe(true)
    expect((next as KafkaError).message).toMatch(/create a new Producer/)
  }, 60_000)

  it('refuses unknown APIs and error names, and control calls after stop()', async () => {
    expect(() => cluster.failRequests('nope' as never, ['ERR_KAFKA_NOT_COORDINATOR'])).toThrow(/unknown API/)
    expect(() => cluster.failRequests('produce', ['ERR_NOT_A_CODE'])).toThrow(/unknown error/)
    expect(() => cluster.setBrokerUp(99, false)).toThrow(KafkaError)
  })
})
