/**
 * A Processor sharing transactions across partitions (partitionsPerTransaction > 1) while the group rebalances
 * under it: another member joins, is SIGKILLed and is replaced (same transactionalId), as in the chaos run where a
 * sharing Processor stopped committing for 134 s. Every input must get exactly one committed output, and the group
 * must commit up to the end of the input within a bounded time after the last rebalance.
 */
import diagnostics from 'node:diagnostics_channel'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Admin } from '../../src/admin/index.js'
import { Producer } from '../../src/producer/index.js'
import { Processor } from '../../src/patterns/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { startChildProcessor, transpileSources } from './helpers/patterns-child.js'

const PARTITIONS = 6
/** How many times the scenario runs in one file run (SHARING_LOOPS overrides, for soaking it locally). */
const LOOPS = Number(process.env.SHARING_LOOPS ?? 1)

/** Produces values 0, 1, 2, ... round-robin over the partitions at about `perSecond` until stopped. */
function feed(topic: string, perSecond: number): { stop: () => Promise<number> } {
  const producer = new Producer({ brokers: brokers(), value: serdes.int32() })
  let next = 0
  let running = true
  const loop = (async () => {
    await producer.connect()
    while (running) {
      const batch = Array.from({ length: perSecond / 10 }, () => {
        const value = next++
        return { topic, value, partition: value % PARTITIONS }
      })
      await producer.sendBatch(batch)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await producer.disconnect()
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return next
    },
  }
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const admin = new Admin({ brokers: brokers() })
  await admin.connect()
  try {
    const offsets = await admin.listGroupOffsets(groupId)
    return offsets.filter((o) => o.topic === topic && o.offset !== null).reduce((n, o) => n + Number(o.offset), 0)
  } finally {
    await admin.disconnect()
  }
}

describe('Processor sharing transactions across rebalances', () => {
  let sources: { dir: string; cleanup: () => Promise<void> }
  const children: ChildProcess[] = []
  beforeAll(async () => {
    sources = await transpileSources()
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await sources?.cleanup()
  })

  for (let loop = 1; loop <= LOOPS; loop++) {
    it(`every input gets one committed output while a member joins, is killed and is replaced (run ${loop}/${LOOPS})`, async () => {
      const input = uniqueName('share-reb-in')
      const output = uniqueName('share-reb-out')
      const groupId = uniqueName('share-reb-group')
      await createTopic(input, { partitions: PARTITIONS })
      await createTopic(output, { partitions: 2 })
      const commits: number[] = []
      const aborts: string[] = []
      const listener = (message: unknown): void => {
        const event = message as { groupId: string; outcome: string; messages: number; error?: unknown }
        if (event.groupId !== groupId) return
        if (event.outcome === 'commit' && event.messages > 0) commits.push(Date.now())
        if (event.outcome === 'abort') aborts.push(String((event.error as Error | undefined)?.message ?? event.error))
      }
      diagnostics.subscribe('kafkit:processor:transaction', listener)
      const errors: string[] = []
      let handled = 0
      const survivor = new Processor({
        brokers: brokers(),
        groupId,
        transactionalId: uniqueName('share-reb-tx'),
        fromBeginning: true,
        partitionsPerTransaction: 32,
        maxBatchSize: 200,
        maxBatchMs: 200,
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 500,
        input: { [input]: { value: serdes.int32() } },
        output: { [output]: { key: serdes.string(), value: serdes.int32() } },
        handle: async (message, ctx) => {
          // Rounds stay open a while, so that rebalances land inside them.
          if (++handled % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 2))
          ctx.send({ topic: output, key: `${message.partition}:${message.offset}`, value: message.value! * 10 })
        },
      })
      survivor.on('error', (error) => errors.push(`${error.code} ${error.message}`))
      const feeder = feed(input, 300)
      const childOptions = {
        brokers: brokers(),
        groupId,
        transactionalId: uniqueName('share-reb-child-tx'),
        input,
        output,
        delayMs: 1,
        maxBatchSize: 200,
        partitionsPerTransaction: 32,
        maxBatchMs: 200,
      }
      let count = 0
      try {
        await survivor.start()
        await waitFor(() => commits.length >= 5, 'the survivor committing', 60_000)
        let childCommits = 0
        const onReport = (report: { type: string; outcome?: string }): void => {
          if (report.type === 'transaction' && report.outcome === 'commit') childCommits++
        }
        const other = await startChildProcessor(sources.dir, childOptions, onReport)
        children.push(other)
        await waitFor(() => childCommits >= 5, 'the second member committing', 60_000)
        other.kill('SIGKILL')
        await new Promise((resolve) => other.once('exit', resolve))
        const replacement = await startChildProcessor(sources.dir, childOptions, onReport)
        children.push(replacement)
        // Its partitions move to the survivor after the session timeout, then back to the replacement.
        await new Promise((resolve) => setTimeout(resolve, 15_000))
        count = await feeder.stop()
        const lastRebalanceWindow = Date.now()
        await waitFor(
          async () => (await committedTotal(groupId, input)) === count,
          `all ${count} inputs committed`,
          45_000,
        ).catch((error: unknown) => {
          const gaps = commits.map((t, i) => (i === 0 ? 0 : t - commits[i - 1]!))
          throw new Error(
            `${(error as Error).message}; survivor's longest gap between commits ${Math.max(...gaps)} ms, last commit ${Date.now() - (commits.at(-1) ?? 0)} ms ago, ${Date.now() - lastRebalanceWindow} ms after the feed stopped; aborts: ${aborts.slice(0, 5).join(' | ')}; errors: ${errors.slice(0, 5).join(' | ')}`,
          )
        })
        replacement.kill('SIGKILL')
      } finally {
        if (count === 0) await feeder.stop()
        await survivor.stop()
        diagnostics.unsubscribe('kafkit:processor:transaction', listener)
      }
      const outputs = await readAll(output, count, { isolationLevel: 'read_committed', settleMs: 1500 })
      const values = outputs.map((r) => r.value!.readInt32BE(0)).sort((a, b) => a - b)
      expect(values.length).toBe(count)
      expect(values).toEqual(Array.from({ length: count }, (_, n) => n * 10))
    }, 240_000)
  }
})
