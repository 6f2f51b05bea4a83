/**
 * A Processor whose transaction is stuck in librdkafka (tx.sendOffsets() with the group's coordinator down: see
 * test/unit/producer/transaction-coordinator-down.test.ts) replaces its producer and goes on committing, instead
 * of stalling without a word as in the chaos run.
 */
import diagnostics from 'node:diagnostics_channel'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type KafkaError, Processor, Producer, serdes } from '../../../src/index.js'
import { MockCluster } from '../../../src/testing/index.js'
import { getMetadata } from '../../integration/helpers/kafka.js'

const GROUP = 'stuck-producer-group'
const TRANSACTIONAL_ID = 'stuck-producer-tx'
const rdkafka = { 'retry.backoff.ms': 10, 'reconnect.backoff.ms': 10, 'reconnect.backoff.max.ms': 200 }

let cluster: MockCluster
let processor: Processor<any, any> | undefined
let unsubscribe: (() => void) | undefined
/** A broker leading none of the topics' partitions: the group's coordinator, taken down in the test. */
let coordinator = 0

beforeEach(async () => {
  cluster = await MockCluster.start({ brokers: 4 })
  cluster.createTopic('stuck-in', 2)
  cluster.createTopic('stuck-out', 1)
  const leaders = new Set<number>()
  for (const topic of ['stuck-in', 'stuck-out']) {
    const metadata = await getMetadata(topic, cluster.bootstrapServers)
    for (const partition of metadata.topics.find((t) => t.name === topic)!.partitions) leaders.add(partition.leader)
  }
  coordinator = [1, 2, 3, 4].find((id) => !leaders.has(id))!
  const transactions = [1, 2, 3, 4].find((id) => id !== coordinator)!
  cluster.setCoordinator('transaction', TRANSACTIONAL_ID, transactions)
  cluster.setCoordinator('group', GROUP, coordinator)
})

afterEach(async () => {
  unsubscribe?.()
  unsubscribe = undefined
  if (coordinator > 0) cluster.setBrokerUp(coordinator, true)
  await processor?.stop().catch(() => undefined)
  processor = undefined
  await cluster.stop()
}, 60_000)

async function feed(values: number[]): Promise<void> {
  const producer = new Producer({ brokers: cluster.bootstrapServers, value: serdes.int32(), rdkafka })
  await producer.connect()
  await producer.sendBatch(values.map((value) => ({ topic: 'stuck-in', partition: value % 2, value })))
  await producer.disconnect()
}

async function until(
  condition: () => boolean,
  what: string,
  timeoutMs: number,
  seen: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen() ? `; seen: ${seen()}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A processor under test: what it committed and reported, and the gate its handler holds later inputs at. */
interface Run {
  readonly committed: number[]
  readonly errors: KafkaError[]
  readonly handled: number[]
  /** Lets the held inputs through. */
  open(this: void): void
  /** Committed input messages after the first `from` commit events. */
  committedSince(this: void, from: number): number
  seen(this: void): string
}

/**
 * Starts a processor whose handler holds inputs from 4 on at a gate, feeds 0-3 and waits for their commit, then
 * feeds 4-7 and waits until a round holds one of them: its transaction ends only after the test's fault.
 */
async function startHeld(extra: { partitionsPerTransaction?: number }): Promise<Run> {
  const committed: number[] = []
  const errors: KafkaError[] = []
  const handled: number[] = []
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  let waiting = 0
  const listener = (message: unknown): void => {
    const event = message as { groupId: string; outcome: string; messages: number }
    if (event.groupId === GROUP && event.outcome === 'commit') committed.push(event.messages)
  }
  diagnostics.subscribe('kafkit:processor:transaction', listener)
  unsubscribe = () => diagnostics.unsubscribe('kafkit:processor:transaction', listener)
  processor = new Processor({
    brokers: cluster.bootstrapServers,
    groupId: GROUP,
    transactionalId: TRANSACTIONAL_ID,
    fromBeginning: true,
    transactionTimeoutMs: 2_000,
    ...extra,
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 200,
    revokeTimeoutMs: 2_000,
    consumer: { rdkafka },
    producer: { rdkafka },
    input: { 'stuck-in': { value: serdes.int32() } },
    output: { 'stuck-out': { value: serdes.int32() } },
    handle: async (message, ctx) => {
      if (message.value! >= 4) {
        waiting++
        await gate
      }
      handled.push(message.value!)
      ctx.send({ topic: 'stuck-out', value: message.value! * 10 })
    },
  })
  processor.on('error', (error) => errors.push(error))
  await processor.start()
  const sum = (from: number): number => committed.slice(from).reduce((a, b) => a + b, 0)
  await feed([0, 1, 2, 3])
  await until(() => sum(0) >= 4, 'the first inputs committed', 30_000)
  await feed([4, 5, 6, 7])
  await until(() => waiting > 0, 'a round to hold the later inputs', 30_000)
  return {
    committed,
    errors,
    handled,
    open,
    committedSince: sum,
    seen: () => `errors [${errors.map((e) => e.code).join()}], commits ${JSON.stringify(committed)}`,
  }
}

describe('Processor with a transaction stuck in librdkafka (mock cluster)', () => {
  it('replaces its producer and commits the inputs after the stuck transaction', async () => {
    const run = await startHeld({ partitionsPerTransaction: 2 })
    // The group's coordinator dies; the cluster moves the group elsewhere, as Kafka does.
    const spare = [1, 2, 3, 4].find((id) => id !== coordinator)!
    cluster.setBrokerUp(coordinator, false)
    cluster.setCoordinator('group', GROUP, spare)
    run.open()
    const before = run.committed.length
    await until(
      () => run.errors.some((e) => e.code === 'ERR_TRANSACTION_STUCK'),
      'the stuck transaction reported',
      30_000,
      run.seen,
    )
    await until(
      () => run.committedSince(before) >= 4,
      'the later inputs committed by the new producer',
      45_000,
      run.seen,
    )
    expect(processor!.state).toBe('connected')
  }, 100_000)

  it('replaces its producer when the transaction coordinator dies mid-transaction, then reads the committed offsets before running the inputs again', async () => {
    // This time the transaction's coordinator is the broker that leads nothing, and it dies.
    const groupHome = [1, 2, 3, 4].find((id) => id !== coordinator)!
    cluster.setCoordinator('group', GROUP, groupHome)
    cluster.setCoordinator('transaction', TRANSACTIONAL_ID, coordinator)
    const run = await startHeld({})
    // Down until the producer gave up on the transaction (librdkafka finds a moved coordinator by itself).
    cluster.setBrokerUp(coordinator, false)
    run.open()
    const before = run.committed.length
    await until(() => run.errors.some((e) => e.fatal), 'the failed producer reported', 60_000, run.seen)
    expect(run.committed.length).toBe(before)
    cluster.setBrokerUp(coordinator, true)
    await until(
      () => run.committedSince(before) >= 4,
      'the later inputs committed by the new producer',
      60_000,
      run.seen,
    )
    expect(processor!.state).toBe('connected')
    // The first inputs ran once: the new producer's round read the committed offsets and did not run them again.
    expect(run.handled.filter((value) => value < 4).sort()).toEqual([0, 1, 2, 3])
    expect(new Set(run.handled.filter((value) => value >= 4))).toEqual(new Set([4, 5, 6, 7]))
  }, 150_000)
})
