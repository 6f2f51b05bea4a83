/**
 * Regression tests for the event-driven patterns, each against the real broker.
 */
import { describe, expect, it } from 'vitest'
import { Admin } from '../../src/admin/index.js'
import { KafkaError } from '../../src/errors/index.js'
import { defineSaga, Processor, SagaMediator } from '../../src/patterns/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { produceRaw } from './helpers/raw-produce.js'

async function seed(topic: string, values: string[]): Promise<void> {
  const producer = new Producer({ brokers: brokers(), value: serdes.string() })
  await producer.connect()
  try {
    await producer.sendBatch(values.map((value) => ({ topic, value, partition: 0 })))
  } finally {
    await producer.disconnect()
  }
}

async function committedOffset(groupId: string, topic: string): Promise<string | null | undefined> {
  const admin = new Admin({ brokers: brokers() })
  await admin.connect()
  try {
    const offsets = await admin.listGroupOffsets(groupId)
    const entry = offsets.find((o) => o.topic === topic && o.partition === 0)
    return entry === undefined || entry.offset === null ? null : entry.offset.toString()
  } finally {
    await admin.disconnect()
  }
}

describe('Processor regressions', () => {
  it('stop() during start() leaves the processor and its clients closed', async () => {
    const input = uniqueName('procreg-in')
    const groupId = uniqueName('procreg-group')
    await createTopic(input)
    const processor = new Processor({
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('procreg-tx'),
      input: { [input]: { value: serdes.string() } },
      output: { [uniqueName('procreg-out')]: { value: serdes.string() } },
      handle: () => undefined,
    })
    const starting = processor.start()
    await processor.stop()
    await starting.catch(() => undefined)
    expect(processor.state).toBe('closed')
    // Its consumer is not left in the group either.
    const admin = new Admin({ brokers: brokers() })
    await admin.connect()
    try {
      // The broker drops the member once it left (a moment after stop()); a running processor would stay.
      await waitFor(
        async () => ((await admin.describeGroups([groupId]))[0]?.members ?? []).length === 0,
        'the group to be empty',
        20_000,
      )
    } finally {
      await admin.disconnect()
    }
  }, 60_000)

  it("errorPolicy 'skip' skips handler failures only: a failing delivery of an output stops the processor instead of losing it", async () => {
    const input = uniqueName('procreg-in')
    const output = uniqueName('procreg-out')
    const groupId = uniqueName('procreg-group')
    await createTopic(input)
    await createTopic(output)
    await seed(input, ['a', 'big', 'c'])
    const errors: KafkaError[] = []
    const processor = new Processor({
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('procreg-tx'),
      fromBeginning: true,
      maxBatchSize: 1,
      errorPolicy: 'skip',
      retry: { retries: 1, initialDelayMs: 10 },
      input: { [input]: { value: serdes.string() } },
      output: { [output]: { value: serdes.string() } },
      // librdkafka refuses the 'big' output locally (larger than message.max.bytes): its delivery fails.
      producer: { rdkafka: { 'message.max.bytes': 10_000 } },
      handle: (message, ctx) => {
        ctx.send({ topic: output, value: message.value === 'big' ? 'x'.repeat(20_000) : message.value! })
      },
    })
    processor.on('error', (error) => errors.push(error))
    let stopped: Promise<unknown> | undefined
    let ended = false
    try {
      await processor.start()
      stopped = processor
        .stopped()
        .then(
          () => undefined,
          (error: unknown) => error,
        )
        .finally(() => {
          ended = true
        })
      // Either the processor stops, or (the fault) it skips 'big' and commits past it.
      await waitFor(
        async () => ended || Number(await committedOffset(groupId, input)) >= 2,
        'the processor to stop or to pass the failing input',
        60_000,
      )
    } finally {
      await processor.stop()
    }
    expect(await committedOffset(groupId, input)).toBe('1')
    const failure = await stopped
    expect(errors.length).toBeGreaterThan(0)
    expect(failure).toBeInstanceOf(KafkaError)
    expect((failure as KafkaError).code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    // 'a' is committed; 'big' is not skipped, so nothing after it is.
    const records = await readAll(output, 1, { isolationLevel: 'read_committed', settleMs: 1000 })
    expect(records.map((r) => r.value!.toString())).toEqual(['a'])
  }, 120_000)
})

describe('SagaMediator regressions', () => {
  it('starts despite a malformed record in the state topic (reported), and forgets finished sagas deleted by tombstones', async () => {
    const replies = uniqueName('sagareg-replies')
    const state = uniqueName('sagareg-state')
    const commands = uniqueName('sagareg-commands')
    await createTopic(replies)
    await createTopic(state, { config: { 'cleanup.policy': 'compact' } })
    await createTopic(commands)
    const finished = { id: 'done-1', version: 3, status: 'completed', step: 1, state: {}, deadline: null }
    const kept = { id: 'done-2', version: 3, status: 'completed', step: 1, state: {}, deadline: null }
    await produceRaw(state, [
      { key: 'broken', value: 'not json {' },
      { key: 'done-1', value: JSON.stringify(finished) },
      { key: 'done-2', value: JSON.stringify(kept) },
      { key: 'done-1', value: null },
    ])
    const saga = defineSaga<Record<string, never>>({
      name: 'reg',
      steps: [{ name: 'only', command: { topic: commands, build: () => ({}) } }],
    })
    const mediator = new SagaMediator({
      brokers: brokers(),
      saga,
      groupId: uniqueName('sagareg-group'),
      transactionalId: uniqueName('sagareg-tx'),
      replyTopic: replies,
      stateTopic: state,
      rebuildTimeoutMs: 20_000,
    })
    const errors: KafkaError[] = []
    mediator.onError((error) => errors.push(error))
    try {
      await Promise.race([
        mediator.start(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('start() did not finish within 40 s')), 40_000)),
      ])
      expect(mediator.get('done-2')?.status).toBe('completed')
      expect(mediator.get('done-1')).toBeUndefined()
      expect(errors.some((error) => error.code === 'ERR_SERIALIZATION' && error.message.includes('"broken"'))).toBe(
        true,
      )
    } finally {
      await mediator.stop()
    }
  }, 90_000)
})
