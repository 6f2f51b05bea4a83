/**
 * `tx.sendOffsets()` while the consumer group's coordinator is down. librdkafka (2.12) sends the offsets through its
 * coordinator-request machinery, which never checks the request's timeout (librdkafka issues #5456, #5511): with the
 * coordinator down, `rd_kafka_send_offsets_to_transaction()` blocks past its timeout, for as long as the broker
 * stays down, or for good when the broker was dropped from the cluster metadata. A Processor whose transaction
 * stood there stopped committing without a word (the chaos run's 134 s stall). kafkit bounds the call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Consumer, KafkaError, Producer, serdes } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'

const GROUP = 'coordinator-down-group'
const TRANSACTIONAL_ID = 'coordinator-down-tx'
const TRANSACTION_TIMEOUT_MS = 2_000

let cluster: MockCluster
let producer: Producer<unknown, string> | undefined
let consumer: Consumer | undefined

beforeEach(async () => {
  cluster = await MockCluster.start({ brokers: 3 })
  cluster.createTopic('out', 1)
  cluster.createTopic('in', 1)
  cluster.setCoordinator('transaction', TRANSACTIONAL_ID, 1)
  cluster.setCoordinator('group', GROUP, 2)
})

afterEach(async () => {
  cluster.setBrokerUp(2, true)
  await producer?.disconnect().catch(() => undefined)
  await consumer?.disconnect().catch(() => undefined)
  producer = undefined
  consumer = undefined
  await cluster.stop()
}, 60_000)

/** Settles with the outcome of `promise`, or with 'still pending' after `ms`. */
function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    promise.then(
      () => 'resolved',
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve('still pending'), ms)),
  ])
}

describe('transactions with the group coordinator down (mock cluster)', () => {
  it('tx.sendOffsets() fails, typed and fatal for the producer, soon after its timeout instead of blocking', async () => {
    const rdkafka = { 'retry.backoff.ms': 10, 'reconnect.backoff.ms': 10, 'reconnect.backoff.max.ms': 200 }
    consumer = new Consumer({ brokers: cluster.bootstrapServers, groupId: GROUP, rdkafka })
    await consumer.connect()
    producer = new Producer({
      brokers: cluster.bootstrapServers,
      value: serdes.string(),
      transactionalId: TRANSACTIONAL_ID,
      transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
      rdkafka,
    })
    await producer.connect()
    const offsets = { consumer, offsets: [{ topic: 'in', partition: 0, offset: 1n }] }
    // A first transaction finds the group's coordinator (broker 2), as a running Processor has.
    await producer.transaction(async (tx) => {
      await tx.send({ topic: 'out', partition: 0, value: 'first' })
      await tx.sendOffsets(offsets)
    })
    cluster.setBrokerUp(2, false)
    const started = Date.now()
    const outcome = await within(
      producer.transaction(async (tx) => {
        void tx.send({ topic: 'out', partition: 0, value: 'second' })
        await tx.sendOffsets(offsets)
      }),
      5 * TRANSACTION_TIMEOUT_MS,
    )
    expect(outcome).toBeInstanceOf(KafkaError)
    const error = outcome as KafkaError
    expect(error.code).toBe('ERR_TRANSACTION_STUCK')
    expect(error.fatal).toBe(true)
    expect(error.message).toMatch(/sendOffsetsToTransaction did not return within/)
    expect(Date.now() - started).toBeLessThan(4 * TRANSACTION_TIMEOUT_MS)
    // The producer is unusable now: the next transaction is refused at once with the same error.
    await expect(producer.transaction(async () => undefined)).rejects.toMatchObject({
      fatal: true,
      cause: { code: 'ERR_TRANSACTION_STUCK' },
    })
    // disconnect() does not queue behind the stuck call: it returns at once.
    const closing = Date.now()
    await producer.disconnect().catch(() => undefined)
    expect(producer.state).toBe('closed')
    expect(Date.now() - closing).toBeLessThan(1_000)
  }, 60_000)
})
