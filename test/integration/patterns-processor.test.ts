import diagnostics from 'node:diagnostics_channel'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Admin } from '../../src/admin/index.js'
import { Producer } from '../../src/producer/index.js'
import { Processor } from '../../src/patterns/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, type ReadRecord, uniqueName, waitFor } from './helpers/kafka.js'
import { type ProcessorChildReport, startChildProcessor, transpileSources } from './helpers/patterns-child.js'

async function seed(topic: string, count: number, partitions: number): Promise<void> {
  const producer = new Producer({ brokers: brokers(), value: serdes.int32() })
  await producer.connect()
  try {
    await producer.sendBatch(Array.from({ length: count }, (_, n) => ({ topic, value: n, partition: n % partitions })))
  } finally {
    await producer.disconnect()
  }
}

async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string | null>> {
  const admin = new Admin({ brokers: brokers() })
  await admin.connect()
  try {
    const offsets = await admin.listGroupOffsets(groupId)
    return new Map(
      offsets
        .filter((o) => o.topic === topic)
        .map((o) => [o.partition, o.offset === null ? null : o.offset.toString()]),
    )
  } finally {
    await admin.disconnect()
  }
}

/** The output values, which are input value * 10, so each input maps to exactly one expected output. */
function outputValues(records: ReadRecord[]): number[] {
  return records.map((r) => r.value!.readInt32BE(0)).sort((a, b) => a - b)
}

function expected(count: number): number[] {
  return Array.from({ length: count }, (_, n) => n * 10)
}

interface TransactionEvent {
  outcome: string
  messages: number
  groupId: string
  transaction: number
  partition: number
}

function recordTransactions(): { events: TransactionEvent[]; dispose: () => void } {
  const events: TransactionEvent[] = []
  const listener = (message: unknown): void => {
    events.push(message as TransactionEvent)
  }
  diagnostics.subscribe('kafkit:processor:transaction', listener)
  return { events, dispose: () => diagnostics.unsubscribe('kafkit:processor:transaction', listener) }
}

describe('Processor (exactly-once consume-transform-produce)', () => {
  it('commits outputs and input offsets together, batching several inputs per transaction', async () => {
    const input = uniqueName('proc-in')
    const output = uniqueName('proc-out')
    const groupId = uniqueName('proc-group')
    await createTopic(input, { partitions: 3 })
    await createTopic(output, { partitions: 2 })
    await seed(input, 300, 3)
    const tx = recordTransactions()
    let handled = 0
    const processor = new Processor({
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('proc-tx'),
      fromBeginning: true,
      maxBatchSize: 50,
      input: { [input]: { value: serdes.int32() } },
      output: { [output]: { key: serdes.string(), value: serdes.int32() } },
      handle: (message, ctx) => {
        handled++
        ctx.send({ topic: output, key: String(message.value), value: message.value! * 10 })
      },
    })
    try {
      await processor.start()
      expect(processor.state).toBe('connected')
      await waitFor(
        () =>
          tx.events
            .filter((e) => e.groupId === groupId && e.outcome === 'commit')
            .reduce((n, e) => n + e.messages, 0) >= 300,
        '300 inputs committed',
        60_000,
      )
    } finally {
      await processor.stop()
      tx.dispose()
    }
    expect(processor.state).toBe('closed')
    const commits = tx.events.filter((e) => e.groupId === groupId && e.outcome === 'commit')
    // Batching: far fewer transactions than messages, none above the bound.
    expect(commits.length).toBeLessThan(60)
    expect(Math.max(...commits.map((e) => e.messages))).toBeLessThanOrEqual(50)
    expect(handled).toBe(300)
    const outputs = await readAll(output, 300, { isolationLevel: 'read_committed', settleMs: 1500 })
    expect(outputValues(outputs)).toEqual(expected(300))
    const offsets = await committedOffsets(groupId, input)
    expect([0, 1, 2].map((p) => offsets.get(p))).toEqual(['100', '100', '100'])
  })

  it('aborts the transaction of a failing handler: after the retry every output is visible exactly once', async () => {
    const input = uniqueName('proc-fail-in')
    const output = uniqueName('proc-fail-out')
    const groupId = uniqueName('proc-fail-group')
    await createTopic(input, { partitions: 1 })
    await createTopic(output, { partitions: 1 })
    await seed(input, 40, 1)
    const tx = recordTransactions()
    let failures = 0
    const processor = new Processor({
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('proc-fail-tx'),
      fromBeginning: true,
      maxBatchSize: 40,
      maxBatchMs: 60_000,
      retry: { retries: 3, initialDelayMs: 10 },
      input: { [input]: { value: serdes.int32() } },
      output: { [output]: { value: serdes.int32() } },
      handle: (message, ctx) => {
        // Outputs are sent before the failure, so an abort that leaked would show them twice.
        ctx.send({ topic: output, value: message.value! * 10 })
        if (message.value === 25 && failures < 2) {
          failures++
          throw new Error('transient failure')
        }
      },
    })
    try {
      await processor.start()
      await waitFor(
        () =>
          tx.events
            .filter((e) => e.groupId === groupId && e.outcome === 'commit')
            .reduce((n, e) => n + e.messages, 0) >= 40,
        '40 inputs committed',
      )
    } finally {
      await processor.stop()
      tx.dispose()
    }
    expect(failures).toBe(2)
    const mine = tx.events.filter((e) => e.groupId === groupId)
    expect(mine.filter((e) => e.outcome === 'abort').length).toBeGreaterThanOrEqual(2)
    // The 25 messages before the failing one are committed in a transaction of their own, so only it is retried.
    expect(mine.some((e) => e.outcome === 'commit' && e.messages === 25)).toBe(true)
    // Messages 0..25 were sent in each aborted attempt too: a leaked abort would show them more than once.
    const committed = await readAll(output, 40, { isolationLevel: 'read_committed', settleMs: 1500 })
    expect(outputValues(committed)).toEqual(expected(40))
    expect((await committedOffsets(groupId, input)).get(0)).toBe('40')
  })

  it('shares a transaction across partitions; a failure in one aborts it and the others run their messages again', async () => {
    const input = uniqueName('proc-share-in')
    const output = uniqueName('proc-share-out')
    const groupId = uniqueName('proc-share-group')
    await createTopic(input, { partitions: 4 })
    await createTopic(output, { partitions: 2 })
    await seed(input, 400, 4)
    const tx = recordTransactions()
    const handledPerPartition = new Map<number, number>()
    let failed = false
    const processor = new Processor({
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('proc-share-tx'),
      fromBeginning: true,
      maxBatchSize: 20,
      maxBatchMs: 60_000,
      partitionsPerTransaction: 32,
      retry: { retries: 2, initialDelayMs: 10 },
      input: { [input]: { value: serdes.int32() } },
      output: { [output]: { value: serdes.int32() } },
      // Asynchronous, so the partitions sharing a round take turns message by message (a synchronous handler runs a
      // partition's messages in one go): the failure lands while the other partitions are part-way through theirs.
      handle: async (message, ctx) => {
        await Promise.resolve()
        handledPerPartition.set(message.partition, (handledPerPartition.get(message.partition) ?? 0) + 1)
        ctx.send({ topic: output, value: message.value! * 10 })
        // Value 250 is in partition 2 (seeded n % 4), its 63rd message: by then every partition is flowing. It fails
        // once, after its own output and its partition's earlier ones in the transaction were sent.
        if (message.value === 250 && !failed) {
          failed = true
          throw new Error('transient failure')
        }
      },
    })
    try {
      await processor.start()
      await waitFor(
        () =>
          tx.events
            .filter((e) => e.groupId === groupId && e.outcome === 'commit')
            .reduce((n, e) => n + e.messages, 0) >= 400,
        '400 inputs committed',
        60_000,
      )
    } finally {
      await processor.stop()
      tx.dispose()
    }
    const mine = tx.events.filter((e) => e.groupId === groupId)
    // The partitions whose messages (one at least) a transaction carried.
    const partitionsOf = (transaction: number, outcome: string): Set<number> =>
      new Set(
        mine
          .filter((e) => e.transaction === transaction && e.outcome === outcome && e.messages > 0)
          .map((e) => e.partition),
      )
    // The failure in partition 2 aborted the transaction for the partitions sharing it too.
    const aborted = mine.find((e) => e.outcome === 'abort')!
    expect(aborted).toBeDefined()
    const sharing = partitionsOf(aborted.transaction, 'abort')
    expect(sharing.has(2)).toBe(true)
    expect(sharing.size).toBeGreaterThan(1)
    // Their messages ran again in a later transaction.
    for (const partition of sharing)
      if (partition !== 2) expect(handledPerPartition.get(partition)).toBeGreaterThan(100)
    expect(mine.filter((e) => e.outcome === 'commit').reduce((n, e) => n + e.messages, 0)).toBe(400)
    // Several partitions committed together at least once.
    expect(
      Math.max(...mine.filter((e) => e.outcome === 'commit').map((e) => partitionsOf(e.transaction, 'commit').size)),
    ).toBeGreaterThan(1)
    // Each output is visible exactly once: the aborted attempt's outputs, sent before the failure, stay hidden.
    const committed = await readAll(output, 400, { isolationLevel: 'read_committed', settleMs: 1500 })
    expect(outputValues(committed)).toEqual(expected(400))
    const offsets = await committedOffsets(groupId, input)
    expect([0, 1, 2, 3].map((p) => offsets.get(p))).toEqual(['100', '100', '100', '100'])
  })

  it('keeps exactly-once across a rebalance to a second instance', async () => {
    const input = uniqueName('proc-reb-in')
    const output = uniqueName('proc-reb-out')
    const groupId = uniqueName('proc-reb-group')
    await createTopic(input, { partitions: 4 })
    await createTopic(output, { partitions: 1 })
    await seed(input, 400, 4)
    const tx = recordTransactions()
    const make = () =>
      new Processor({
        brokers: brokers(),
        groupId,
        transactionalId: uniqueName('proc-reb-tx'),
        fromBeginning: true,
        maxBatchSize: 20,
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 500,
        input: { [input]: { value: serdes.int32() } },
        output: { [output]: { value: serdes.int32() } },
        handle: async (message, ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 2))
          ctx.send({ topic: output, value: message.value! * 10 })
        },
      })
    const first = make()
    const second = make()
    const done = (): number =>
      tx.events.filter((e) => e.groupId === groupId && e.outcome === 'commit').reduce((n, e) => n + e.messages, 0)
    try {
      await first.start()
      await waitFor(() => done() >= 40, 'first instance under way')
      await second.start()
      await waitFor(() => done() >= 400, '400 inputs committed', 90_000)
    } finally {
      await Promise.all([first.stop(), second.stop()])
      tx.dispose()
    }
    const outputs = await readAll(output, 400, { isolationLevel: 'read_committed', settleMs: 1500 })
    expect(outputValues(outputs)).toEqual(expected(400))
  })

  it('fences an instance whose transactionalId a newer instance took: stopped() rejects', async () => {
    const input = uniqueName('proc-fence-in')
    const output = uniqueName('proc-fence-out')
    await createTopic(input, { partitions: 1 })
    await createTopic(output, { partitions: 1 })
    const transactionalId = uniqueName('proc-fence-tx')
    const make = (groupId: string) =>
      new Processor({
        brokers: brokers(),
        groupId,
        transactionalId,
        fromBeginning: true,
        input: { [input]: { value: serdes.int32() } },
        output: { [output]: { value: serdes.int32() } },
        handle: (message, ctx) => ctx.send({ topic: output, value: message.value! }),
      })
    const old = make(uniqueName('proc-fence-a'))
    const newer = make(uniqueName('proc-fence-b'))
    const oldErrors: unknown[] = []
    old.on('error', (error) => oldErrors.push(error))
    newer.on('error', () => undefined)
    await old.start()
    await newer.start()
    try {
      const outcome = old.stopped().then(
        () => 'resolved',
        (error: unknown) => error,
      )
      await seed(input, 5, 1)
      const result = await Promise.race([
        outcome,
        new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000)),
      ])
      expect(result).toBeInstanceOf(Error)
      expect((result as { fatal?: boolean }).fatal).toBe(true)
    } finally {
      await old.stop()
      await newer.stop()
    }
  })

  it('rejects bad options before connecting', () => {
    const base = {
      brokers: brokers(),
      groupId: 'g',
      transactionalId: 't',
      input: { a: {} },
      output: { b: {} },
      handle: () => undefined,
    }
    expect(() => new Processor({ ...base, maxBatchSize: 0 })).toThrow(/maxBatchSize/)
    expect(() => new Processor({ ...base, output: { a: {} } })).toThrow(/output\.a/)
    // @ts-expect-error unknown option
    expect(() => new Processor({ ...base, maxBatch: 3 })).toThrow(/maxBatch/)
  })
})

describe('Processor crash (SIGKILL mid-stream)', () => {
  let sources: { dir: string; cleanup: () => Promise<void> }
  const children: ChildProcess[] = []
  beforeAll(async () => {
    sources = await transpileSources()
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await sources?.cleanup()
  })

  it('read_committed readers see each output exactly once after a killed instance is replaced', async () => {
    const input = uniqueName('proc-kill-in')
    const output = uniqueName('proc-kill-out')
    const groupId = uniqueName('proc-kill-group')
    const count = 600
    await createTopic(input, { partitions: 2 })
    await createTopic(output, { partitions: 2 })
    await seed(input, count, 2)
    const options = {
      brokers: brokers(),
      groupId,
      transactionalId: uniqueName('proc-kill-tx'),
      input,
      output,
      delayMs: 3,
      maxBatchSize: 40,
    }
    let committedBeforeKill = 0
    let committed = 0
    const killed: ProcessorChildReport[] = []
    const first = await startChildProcessor(sources.dir, options, (report) => {
      killed.push(report)
      if (report.type === 'transaction' && report.outcome === 'commit') committedBeforeKill += report.messages
    })
    children.push(first)
    await waitFor(() => committedBeforeKill >= 120, 'the first instance committed some transactions', 60_000)
    first.kill('SIGKILL')
    await new Promise((resolve) => first.once('exit', resolve))
    expect(committedBeforeKill).toBeLessThan(count)
    // Same transactionalId: its initTransactions aborts the transaction the killed instance left open.
    const second = await startChildProcessor(sources.dir, options, (report) => {
      if (report.type === 'transaction' && report.outcome === 'commit') committed += report.messages
    })
    children.push(second)
    await waitFor(
      async () => {
        const offsets = await committedOffsets(groupId, input)
        return offsets.get(0) === String(count / 2) && offsets.get(1) === String(count / 2)
      },
      'the replacement committed up to the end',
      90_000,
    )
    second.kill('SIGKILL')
    const outputs = await readAll(output, count, { isolationLevel: 'read_committed', settleMs: 2000 })
    expect(outputValues(outputs)).toEqual(expected(count))
    // The replacement resumed from the offsets committed in transactions, not from the beginning.
    expect(committed).toBeLessThanOrEqual(count - committedBeforeKill)
  })
})
