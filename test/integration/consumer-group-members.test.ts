/**
 * Consumer groups against a real broker, as members come and go: three members joining a 100k-message stream,
 * a member killed mid-stream, a member frozen past its session timeout.
 */
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Consumer, type RebalanceEvent } from '../../src/consumer/index.js'
import { serdes } from '../../src/serde/index.js'
import { type ChildReport, startChildConsumer, transpileSources } from './helpers/consumer-child.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { Ledger, sleep } from './helpers/ledger.js'
import { endOffsets, groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Consumer groups against a real broker', () => {
  it('3 members, 6 partitions, 100k messages: all handled once, in order, committed to the end', async () => {
    const topic = uniqueName('group-100k')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 6 })
    await produceRaw(topic, sequence(6, 100_000 / 6 + 1))
    const ends = await endOffsets(topic, 6)
    const total = ends.reduce((a, b) => a + b, 0)
    const ledger = new Ledger()
    const rebalances: RebalanceEvent[] = []
    const members = ['a', 'b', 'c'].map((name) => {
      const consumer = track(
        new Consumer({
          brokers: brokers(),
          groupId,
          fromBeginning: true,
          value: serdes.string(),
          sessionTimeoutMs: 10_000,
        }),
      )
      consumer.on('rebalance', (event) => rebalances.push(event))
      return { name, consumer }
    })
    for (const [index, { name, consumer }] of members.entries()) {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      let count = 0
      await consumer.run({
        partitionsConsumedConcurrently: 2,
        eachMessage: async ({ message }) => {
          const [p] = message.value!.split(':')
          expect(Number(p)).toBe(message.partition)
          ledger.add(name, message.partition, Number(message.offset))
          // Slow enough that the later members join mid-stream.
          if (++count % 50 === 0) await sleep(5)
        },
      })
      if (index < members.length - 1)
        await waitFor(() => ledger.total > (index + 1) * 5_000, `member ${name} under way`)
    }
    await waitFor(() => ledger.total >= total, `${total} messages`, 120_000)
    await Promise.all(members.map(({ consumer }) => consumer.stop()))
    ledger.expectComplete(ends)
    ledger.expectOrderedPerMember()
    // Every rebalance was orderly: revoked partitions were committed before they moved, so nothing was handled twice.
    expect(ledger.duplicates()).toEqual(new Map())
    expect(rebalances.some((e) => e.type === 'revoke')).toBe(true)
    // Orderly hand-overs are revokes: nothing was lost.
    expect(rebalances.filter((e) => e.type === 'lost')).toEqual([])
    expect(new Set([...ledger.handled.values()].flat().map((h) => h.member)).size).toBe(3)
    expect(await groupOffsets(groupId, topic, 6)).toEqual(ends)
  }, 180_000)

  describe('a member killed mid-stream', () => {
    let compiled: { dir: string; cleanup: () => Promise<void> }
    let child: ChildProcess | undefined
    beforeAll(async () => {
      compiled = await transpileSources()
    })
    afterAll(async () => {
      child?.kill('SIGKILL')
      await compiled?.cleanup()
    })

    it('loses nothing; duplicates only of offsets not yet committed when it died', async () => {
      const topic = uniqueName('group-kill')
      const groupId = uniqueName('group')
      await createTopic(topic, { partitions: 4 })
      await produceRaw(topic, sequence(4, 5_000))
      const ends = await endOffsets(topic, 4)
      const ledger = new Ledger()
      const victimPartitions = new Set<number>()
      child = startChildConsumer(
        compiled.dir,
        { brokers: brokers(), groupId, topic, sessionTimeoutMs: 6_000, delayMs: 200 },
        (report: ChildReport) => {
          if (report.type === 'batch') {
            victimPartitions.add(report.partition)
            for (const offset of report.offsets) ledger.add('victim', report.partition, offset)
          }
        },
      )
      await waitFor(() => ledger.total >= 1_000, 'the victim under way', 60_000)
      const survivor = track(
        new Consumer({ brokers: brokers(), groupId, fromBeginning: true, sessionTimeoutMs: 6_000 }),
      )
      await survivor.connect()
      await survivor.subscribe({ topics: [topic] })
      await survivor.run({
        eachMessage: async ({ message }) => {
          ledger.add('survivor', message.partition, Number(message.offset))
          await sleep(1)
        },
      })
      // Let the group settle with both members, then kill the victim while it is busy.
      await waitFor(
        () => [...ledger.handled.values()].flat().some((h) => h.member === 'survivor'),
        'the survivor under way',
        60_000,
      )
      const victimHandledBeforeKill = ledger.total
      await sleep(500)
      child.kill('SIGKILL')
      await new Promise((resolve) => child!.once('exit', resolve))
      const committedAtKill = await groupOffsets(groupId, topic, 4)
      const victimMax = new Map<number, number>()
      for (const [partition, list] of ledger.handled) {
        for (const h of list)
          if (h.member === 'victim') victimMax.set(partition, Math.max(victimMax.get(partition) ?? -1, h.offset))
      }
      // A new member joins too.
      const newcomer = track(
        new Consumer({ brokers: brokers(), groupId, fromBeginning: true, sessionTimeoutMs: 6_000 }),
      )
      await newcomer.connect()
      await newcomer.subscribe({ topics: [topic] })
      await newcomer.run({
        eachMessage: async ({ message }) => {
          ledger.add('newcomer', message.partition, Number(message.offset))
        },
      })

      const total = ends.reduce((a, b) => a + b, 0)
      await waitFor(
        () => {
          const distinct = [...ledger.handled.values()].reduce(
            (n, list) => n + new Set(list.map((h) => h.offset)).size,
            0,
          )
          return distinct >= total
        },
        'every message handled',
        120_000,
      )
      await Promise.all([survivor.stop(), newcomer.stop()])

      expect(victimHandledBeforeKill).toBeGreaterThan(0)
      ledger.expectComplete(ends)
      ledger.expectOrderedPerMember()
      const duplicates = ledger.duplicates()
      let duplicateCount = 0
      let bound = 0
      for (const [partition, offsets] of duplicates) {
        // Only messages the victim handled but had not committed may come again.
        expect(victimPartitions.has(partition)).toBe(true)
        for (const offset of offsets) expect(offset).toBeGreaterThanOrEqual(committedAtKill[partition]!)
        duplicateCount += offsets.length
      }
      for (const partition of victimPartitions)
        bound += Math.max(0, (victimMax.get(partition) ?? -1) + 1 - Math.max(0, committedAtKill[partition]!))
      expect(duplicateCount).toBeLessThanOrEqual(bound)
      console.log(
        `[kill test] ${duplicateCount} duplicates (bound ${bound}) across victim partitions ${[...victimPartitions].join(',')}`,
      )
      expect(await groupOffsets(groupId, topic, 4)).toEqual(ends)
    }, 240_000)
    it('a member frozen past its session timeout: its partitions move, it lets go on waking, nothing is lost', async () => {
      const topic = uniqueName('group-frozen')
      const groupId = uniqueName('group')
      await createTopic(topic, { partitions: 2 })
      await produceRaw(topic, sequence(2, 1_500))
      const ends = await endOffsets(topic, 2)
      const ledger = new Ledger()
      const victimEvents: string[] = []
      child = startChildConsumer(
        compiled.dir,
        { brokers: brokers(), groupId, topic, sessionTimeoutMs: 6_000, delayMs: 300 },
        (report: ChildReport) => {
          if (report.type === 'batch')
            for (const offset of report.offsets) ledger.add('victim', report.partition, offset)
          if (report.type === 'rebalance')
            victimEvents.push(`${report.event.type}:${report.event.partitions.map((p) => p.partition).join(',')}`)
          if (report.type === 'error') victimEvents.push(`error:${report.message}`)
          if (report.type === 'hook') victimEvents.push(`${report.name}:${report.partitions.join(',')}`)
        },
      )
      await waitFor(() => ledger.total >= 100, 'the victim under way', 60_000)
      const survivor = track(
        new Consumer({ brokers: brokers(), groupId, fromBeginning: true, sessionTimeoutMs: 6_000 }),
      )
      await survivor.connect()
      await survivor.subscribe({ topics: [topic] })
      await survivor.run({
        eachMessage: async ({ message }) => {
          ledger.add('survivor', message.partition, Number(message.offset))
          await sleep(2)
        },
      })
      await waitFor(() => survivor.assignment().length === 1, 'one partition each', 60_000)
      const victimPartition = 1 - survivor.assignment()[0]!.partition
      const eventsBeforeFreeze = victimEvents.length
      child.kill('SIGSTOP')
      const committedAtFreeze = await groupOffsets(groupId, topic, 2)
      await waitFor(() => survivor.assignment().length === 2, 'the survivor taking over', 60_000)
      child.kill('SIGCONT')
      const afterWaking = (): string[] =>
        victimEvents.slice(eventsBeforeFreeze).filter((e) => e.startsWith('lost:') || e.startsWith('revoke:'))
      await waitFor(() => afterWaking().length > 0, 'the victim noticing', 60_000)
      await waitFor(
        () => [...ledger.handled.values()].reduce((n, l) => n + new Set(l.map((h) => h.offset)).size, 0) >= 3_000,
        'every message',
        120_000,
      )
      await survivor.stop()
      child.kill('SIGKILL')

      // librdkafka's rd_kafka_assignment_lost() decides: the frozen member's partition was lost, not revoked, so
      // onLost ran (and onRevoke did not) and the stale member committed nothing for it.
      expect(afterWaking()[0]).toBe(`lost:${victimPartition}`)
      const hooks = victimEvents.slice(eventsBeforeFreeze).filter((e) => e.startsWith('on'))
      expect(hooks).toContain(`onLost:${victimPartition}`)
      expect(hooks.filter((e) => e.startsWith('onRevoke'))).toEqual([])
      ledger.expectComplete(ends)
      ledger.expectOrderedPerMember()
      for (const [partition, offsets] of ledger.duplicates()) {
        expect(partition).toBe(victimPartition)
        for (const offset of offsets) expect(offset).toBeGreaterThanOrEqual(committedAtFreeze[partition]!)
      }
      expect(await groupOffsets(groupId, topic, 2)).toEqual(ends)
    }, 240_000)
  })
})
