import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Consumer, DEAD_LETTER_HEADERS, type RebalanceEvent } from '../../src/consumer/index.js'
import { serdes } from '../../src/serde/index.js'
import { type ChildReport, startChildConsumer, transpileSources } from './helpers/consumer-child.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { endOffsets, groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'

const open: Array<Consumer<any, any, any>> = []
function track<C extends Consumer<any, any, any>>(consumer: C): C {
  open.push(consumer)
  return consumer
}
afterAll(async () => {
  await Promise.all(open.map((consumer) => consumer.disconnect()))
})

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Who handled which offsets, per partition, in handling order. */
class Ledger {
  readonly handled = new Map<number, Array<{ member: string; offset: number; at: number }>>()

  add(member: string, partition: number, offset: number): void {
    const list = this.handled.get(partition) ?? []
    list.push({ member, offset, at: Date.now() })
    this.handled.set(partition, list)
  }

  get total(): number {
    let n = 0
    for (const list of this.handled.values()) n += list.length
    return n
  }

  /** Offsets handled more than once, per partition. */
  duplicates(): Map<number, number[]> {
    const out = new Map<number, number[]>()
    for (const [partition, list] of this.handled) {
      const seen = new Set<number>()
      const dups: number[] = []
      for (const { offset } of list) {
        if (seen.has(offset)) dups.push(offset)
        seen.add(offset)
      }
      if (dups.length > 0) out.set(partition, dups)
    }
    return out
  }

  /** Throws unless every offset below `ends[p]` was handled for every partition. */
  expectComplete(ends: number[]): void {
    ends.forEach((end, partition) => {
      const seen = new Set((this.handled.get(partition) ?? []).map((h) => h.offset))
      const missing: number[] = []
      for (let offset = 0; offset < end; offset++) if (!seen.has(offset)) missing.push(offset)
      expect(missing.slice(0, 10), `partition ${partition}: ${missing.length} offsets never handled`).toEqual([])
    })
  }

  /** Throws unless each member handled each partition's offsets in increasing order. */
  expectOrderedPerMember(): void {
    for (const [partition, list] of this.handled) {
      const last = new Map<string, number>()
      for (const { member, offset } of list) {
        expect(offset, `member ${member} partition ${partition}`).toBeGreaterThan(last.get(member) ?? -1)
        last.set(member, offset)
      }
    }
  }
}

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

  it('a handler slower than session.timeout.ms and max.poll.interval.ms does not get the member evicted', async () => {
    const topic = uniqueName('group-slow')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 3))
    const consumer = track(
      new Consumer({
        brokers: brokers(),
        groupId,
        fromBeginning: true,
        value: serdes.string(),
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 1_000,
        rebalanceTimeoutMs: 7_000,
        revokeTimeoutMs: 5_000,
      }),
    )
    const events: RebalanceEvent[] = []
    consumer.on('rebalance', (event) => events.push(event))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const seen: string[] = []
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        if (message.value === '0:0') await sleep(10_000)
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= 6, 'all 6 messages', 60_000)
    expect(events.map((e) => e.type)).toEqual(['assign'])
    expect(seen.filter((v) => v === '0:0')).toHaveLength(1)
    await consumer.stop()
    expect(await groupOffsets(groupId, topic, 2)).toEqual([3, 3])
  }, 90_000)

  it('revoke during a slow handler: it finishes before the partition moves; the new owner starts after it', async () => {
    const topic = uniqueName('group-revoke')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 20))
    const ledger = new Ledger()
    const slowDone = new Map<number, number>()
    const hooks: string[] = []
    const first = track(
      new Consumer({
        brokers: brokers(),
        groupId,
        fromBeginning: true,
        value: serdes.string(),
        onRevoke: (partitions) => {
          hooks.push(`onRevoke:${partitions.map((p) => p.partition).join(',')}`)
        },
        onLost: (partitions) => {
          hooks.push(`onLost:${partitions.map((p) => p.partition).join(',')}`)
        },
      }),
    )
    await first.connect()
    await first.subscribe({ topics: [topic] })
    let slowStarted = 0
    await first.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        if (message.offset === '5') {
          slowStarted++
          await sleep(4_000)
          slowDone.set(message.partition, Date.now())
        }
        ledger.add('first', message.partition, Number(message.offset))
      },
    })
    await waitFor(() => slowStarted === 2, 'both slow handlers running')
    const second = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    const secondEvents: RebalanceEvent[] = []
    second.on('rebalance', (event) => secondEvents.push(event))
    await second.connect()
    await second.subscribe({ topics: [topic] })
    await second.run({
      eachMessage: async ({ message }) => {
        ledger.add('second', message.partition, Number(message.offset))
      },
    })
    await waitFor(
      () => [...ledger.handled.values()].reduce((n, l) => n + new Set(l.map((h) => h.offset)).size, 0) >= 40,
      'all 40 messages',
      60_000,
    )
    await Promise.all([first.stop(), second.stop()])

    const moved = secondEvents.find((e) => e.type === 'assign')!.partitions.map((p) => p.partition)
    expect(moved).toHaveLength(1)
    const partition = moved[0]!
    const onMoved = ledger.handled.get(partition)!
    const firstOfSecond = onMoved.find((h) => h.member === 'second')!
    // The old owner's slow handler finished (and was committed) before the new owner handled anything.
    expect(firstOfSecond.at).toBeGreaterThanOrEqual(slowDone.get(partition)!)
    expect(firstOfSecond.offset).toBe(6)
    expect(ledger.duplicates()).toEqual(new Map())
    ledger.expectComplete([20, 20])
    // An orderly hand-over: the old owner's onRevoke ran for the moved partition, onLost never did.
    expect(hooks[0]).toBe(`onRevoke:${partition}`)
    expect(hooks.filter((h) => h.startsWith('onLost'))).toEqual([])
  }, 90_000)

  it('poison message with errorPolicy deadLetter: lands in the DLQ with error headers, the rest is handled', async () => {
    const topic = uniqueName('group-poison')
    const dlq = uniqueName('group-poison-dlq')
    const groupId = uniqueName('group')
    await createTopic(topic)
    await createTopic(dlq)
    await produceRaw(topic, [
      { key: 'a', value: '{"n":1}' },
      { key: 'b', value: '{"n":2}', headers: { trace: 't-2' } },
      { key: 'c', value: '{"n":3}' },
    ])
    const consumer = track(
      new Consumer({
        brokers: brokers(),
        groupId,
        fromBeginning: true,
        key: serdes.string(),
        value: serdes.json<{ n: number }>(),
      }),
    )
    consumer.on('error', () => {})
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const handled: number[] = []
    await consumer.run({
      retry: { retries: 2, initialDelayMs: 5 },
      errorPolicy: { deadLetter: { topic: dlq } },
      eachMessage: async ({ message }) => {
        if (message.value!.n === 2) throw new Error('cannot bill order 2')
        handled.push(message.value!.n)
      },
    })
    await waitFor(() => handled.length >= 2, 'the good messages')
    const [letter] = await readAll(dlq, 1)
    await consumer.stop()
    expect(handled).toEqual([1, 3])
    expect(letter!.key!.toString()).toBe('b')
    expect(letter!.value!.toString()).toBe('{"n":2}')
    expect(letter!.headers.trace?.toString()).toBe('t-2')
    expect(letter!.headers[DEAD_LETTER_HEADERS.errorMessage]?.toString()).toContain('cannot bill order 2')
    expect(letter!.headers[DEAD_LETTER_HEADERS.errorCode]?.toString()).toBe('ERR_HANDLER')
    expect(letter!.headers[DEAD_LETTER_HEADERS.originalTopic]?.toString()).toBe(topic)
    expect(letter!.headers[DEAD_LETTER_HEADERS.originalPartition]?.toString()).toBe('0')
    expect(letter!.headers[DEAD_LETTER_HEADERS.originalOffset]?.toString()).toBe('1')
    expect(await groupOffsets(groupId, topic, 1)).toEqual([3])
  })

  it("KIP-848 (groupProtocol 'consumer'): two members share the partitions and hand over cleanly", async () => {
    const topic = uniqueName('group-848')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 4 })
    await produceRaw(topic, sequence(4, 2_000))
    const ends = await endOffsets(topic, 4)
    const ledger = new Ledger()
    const events: RebalanceEvent[] = []
    let shared = false
    const start = async (name: string): Promise<Consumer> => {
      const consumer = track(
        new Consumer({ brokers: brokers(), groupId, groupProtocol: 'consumer', fromBeginning: true }),
      )
      consumer.on('rebalance', (event) => {
        events.push(event)
        if (name === 'b' && event.type === 'assign') shared = true
      })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      // Slow until the partitions are shared (the broker-driven handover takes a few heartbeats), then fast.
      await consumer.run({
        eachMessage: async ({ message }) => {
          ledger.add(name, message.partition, Number(message.offset))
          if (!shared) await sleep(5)
        },
      })
      return consumer
    }
    const a = await start('a')
    await waitFor(() => ledger.total >= 200, 'a under way')
    const b = await start('b')
    await waitFor(() => shared, 'b assigned', 60_000)
    await waitFor(() => ledger.total >= 8_000, 'all 8000 messages', 90_000)
    await Promise.all([a.stop(), b.stop()])
    ledger.expectComplete(ends)
    ledger.expectOrderedPerMember()
    expect(ledger.duplicates()).toEqual(new Map())
    expect(new Set([...ledger.handled.values()].flat().map((h) => h.member))).toEqual(new Set(['a', 'b']))
    expect(events.some((e) => e.type === 'revoke')).toBe(true)
    expect(await groupOffsets(groupId, topic, 4)).toEqual(ends)
  }, 120_000)

  it('static membership: a member restarting within the session timeout moves no partition', async () => {
    const topic = uniqueName('group-static')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 50))
    const ledger = new Ledger()
    const start = async (instance: string, events: RebalanceEvent[]): Promise<Consumer> => {
      const consumer = track(
        new Consumer({
          brokers: brokers(),
          groupId,
          groupInstanceId: instance,
          fromBeginning: true,
          sessionTimeoutMs: 30_000,
        }),
      )
      consumer.on('rebalance', (event) => events.push(event))
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({
        eachMessage: async ({ message }) => ledger.add(instance, message.partition, Number(message.offset)),
      })
      return consumer
    }
    const aEvents: RebalanceEvent[] = []
    const bEvents: RebalanceEvent[] = []
    const a = await start('a', aEvents)
    const b = await start('b', bEvents)
    await waitFor(
      () => aEvents.some((e) => e.type === 'assign') && bEvents.some((e) => e.type === 'assign'),
      'both members assigned',
      60_000,
    )
    await waitFor(() => ledger.total >= 100, 'first 100 messages')
    await waitFor(() => a.assignment().length === 1 && b.assignment().length === 1, 'one partition each', 60_000)
    const aPartitions = a.assignment().map((p) => p.partition)
    const bSettled = bEvents.length
    await a.disconnect()
    await produceRaw(topic, sequence(2, 50))
    const again: RebalanceEvent[] = []
    await start('a', again)
    await waitFor(() => ledger.total >= 200, 'next 100 messages', 60_000)
    // The restarted member got its partitions back and the other member saw nothing move.
    expect(
      again
        .filter((e) => e.type === 'assign')
        .flatMap((e) => e.partitions.map((p) => p.partition))
        .sort(),
    ).toEqual(aPartitions.sort())
    expect(bEvents.length).toBe(bSettled)
    expect(ledger.duplicates()).toEqual(new Map())
    await b.stop()
  }, 120_000)
})
