/**
 * Regression tests for security settings that must reach every client kafkit creates on the user's behalf,
 * against a broker with a SASL/SCRAM listener.
 */
import diagnostics from 'node:diagnostics_channel'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { Admin, Consumer, defineSaga, Producer, SagaMediator, serdes } from '../../src/index.js'
import { uniqueName, waitFor } from './helpers/kafka.js'
import { type SecureCluster, startSecureCluster, SUPER_USER } from './helpers/secure-cluster.js'

let cluster: SecureCluster
/** The credentials through the `rdkafka` passthrough only, not kafkit's `sasl` option. */
let rdkafka: Record<string, string>

beforeAll(async () => {
  cluster = await startSecureCluster()
  rdkafka = {
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': 'SCRAM-SHA-256',
    'sasl.username': SUPER_USER.username,
    'sasl.password': SUPER_USER.password,
  }
})

afterAll(async () => {
  await cluster?.stop()
})

async function createTopics(...topics: Array<{ name: string; config?: Record<string, string> }>): Promise<void> {
  const admin = new Admin({ brokers: cluster.bootstrap, rdkafka })
  await admin.connect()
  try {
    await admin.createTopics(
      topics.map((topic) => ({
        topic: topic.name,
        partitions: 1,
        replicationFactor: 1,
        ...(topic.config ? { config: topic.config } : {}),
      })),
    )
  } finally {
    await admin.disconnect()
  }
}

describe('security settings given through rdkafka', () => {
  it('reach the dead-letter producer kafkit creates', async () => {
    const topic = uniqueName('sec-in')
    const deadLetters = uniqueName('sec-dlq')
    await createTopics({ name: topic }, { name: deadLetters })
    const producer = new Producer({ brokers: cluster.bootstrap, rdkafka, value: serdes.string() })
    await producer.connect()
    await producer.send({ topic, value: 'poison' })
    await producer.disconnect()
    const actions: string[] = []
    const listener = (message: unknown): void => {
      const action = (message as { action?: string }).action
      if (action !== undefined) actions.push(action)
    }
    diagnostics.subscribe('kafkit:consumer:error', listener)
    const consumer = new Consumer({
      brokers: cluster.bootstrap,
      rdkafka: { ...rdkafka, 'fetch.wait.max.ms': 50 },
      groupId: uniqueName('group'),
      fromBeginning: true,
      connectTimeoutMs: 10_000,
    })
    consumer.on('error', () => undefined)
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({
        retry: { retries: 0 },
        errorPolicy: { deadLetter: { topic: deadLetters } },
        eachMessage: () => {
          throw new Error('poison')
        },
      })
      await waitFor(() => actions.includes('deadLetter'), 'the poison message to be dead-lettered', 30_000)
    } finally {
      diagnostics.unsubscribe('kafkit:consumer:error', listener)
      await consumer.disconnect()
    }
  }, 90_000)

  it("reach the saga mediator's Admin (given in the consumer and producer tuning blocks)", async () => {
    const replies = uniqueName('sec-replies')
    const state = uniqueName('sec-state')
    const commands = uniqueName('sec-commands')
    await createTopics({ name: replies }, { name: state, config: { 'cleanup.policy': 'compact' } }, { name: commands })
    const saga = defineSaga<Record<string, never>>({
      name: 'sec',
      steps: [{ name: 'only', command: { topic: commands, build: () => ({}) } }],
    })
    const mediator = new SagaMediator({
      brokers: cluster.bootstrap,
      saga,
      groupId: uniqueName('sec-group'),
      transactionalId: uniqueName('sec-tx'),
      replyTopic: replies,
      stateTopic: state,
      rebuildTimeoutMs: 30_000,
      consumer: { rdkafka, connectTimeoutMs: 10_000 },
      producer: { rdkafka, connectTimeoutMs: 10_000 },
    })
    mediator.onError(() => undefined)
    try {
      await mediator.start()
      await mediator.begin('s-1', {})
      await waitFor(() => mediator.get('s-1')?.status === 'running', 'the saga to start', 30_000)
    } finally {
      await mediator.stop()
    }
  }, 120_000)
})
