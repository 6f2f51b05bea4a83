/**
 * Consumer groups against a real broker, with handlers that are slow or fail: a handler slower than the session
 * and poll timeouts, a revoke during a slow handler, a poison message sent to the dead-letter topic.
 */
import type {} from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { Consumer, DEAD_LETTER_HEADERS, type RebalanceEvent } from '../../src/consumer/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'
import { Ledger, sleep } from './helpers/ledger.js'
import { groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Consumer groups against a real broker', () => {
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
})
