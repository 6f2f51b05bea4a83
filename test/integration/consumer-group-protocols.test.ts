/**
 * Consumer groups against a real broker, by membership protocol: KIP-848 (groupProtocol 'consumer') and static
 * membership.
 */
import type {} from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { Consumer, type RebalanceEvent } from '../../src/consumer/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { Ledger, sleep } from './helpers/ledger.js'
import { endOffsets, groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Consumer groups against a real broker', () => {
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
