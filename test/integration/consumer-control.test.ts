/**
 * The Consumer against a real broker, steered while it runs: pause, resume and seek, the bound on a slow
 * partition's buffer, onAssign, and offsetsForTimes with the watermarks.
 */
import { describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { serdes } from '../../src/serde/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { groupOffsets, produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Consumer against a real broker', () => {
  it('pause, resume and seek work while running', async () => {
    const topic = uniqueName('consumer-control')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 200))
    const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true, value: serdes.string() }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const seen: string[][] = [[], []]
    let seeked = false
    consumer.pause([{ topic, partitions: [1] }])
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        seen[message.partition]!.push(message.offset)
        if (message.partition === 0 && message.offset === '100' && !seeked) {
          seeked = true
          await consumer.seek({ topic, partition: 0, offset: '0' })
        }
      },
    })
    await waitFor(() => seen[0]!.length >= 301, 'partition 0 replayed after the seek')
    // Partition 1 stayed paused all along.
    expect(seen[1]).toEqual([])
    const expected0 = [
      ...Array.from({ length: 101 }, (_, i) => String(i)),
      ...Array.from({ length: 200 }, (_, i) => String(i)),
    ]
    expect(seen[0]).toEqual(expected0)
    consumer.resume([{ topic }])
    await waitFor(() => seen[1]!.length >= 200, 'partition 1 after resume')
    expect(seen[1]).toEqual(Array.from({ length: 200 }, (_, i) => String(i)))
    expect(consumer.position().map((p) => p.offset)).toEqual(['200', '200'])
    const lag = consumer.lag()
    expect(lag.map((l) => [l.highWatermark, l.lag])).toEqual([
      ['200', 0],
      ['200', 0],
    ])
    await consumer.stop()
    expect(await groupOffsets(groupId, topic, 2)).toEqual([200, 200])
  })

  it('bounds the buffer of a slow partition (paused while full) without holding up the others', async () => {
    const topic = uniqueName('consumer-bound')
    const groupId = uniqueName('group')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 3000, 100))
    const consumer = track(
      new Consumer({
        brokers: brokers(),
        groupId,
        fromBeginning: true,
        maxBufferedMessagesPerPartition: 100,
        fetchBatchSize: 50,
      }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    const handled = [0, 0]
    let fastDoneWhileSlowAt = -1
    let maxBuffered = 0
    const sampler = setInterval(() => {
      for (const entry of consumer.lag()) if (entry.partition === 0) maxBuffered = Math.max(maxBuffered, entry.buffered)
    }, 2)
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        handled[message.partition]!++
        if (message.partition === 1 && handled[1] === 3000) fastDoneWhileSlowAt = handled[0]!
        // Partition 0 is slow: about 1 ms per message.
        if (message.partition === 0) await new Promise((resolve) => setTimeout(resolve, 1))
      },
    })
    try {
      await waitFor(() => handled[0]! + handled[1]! >= 6000, '6000 messages', 90_000)
    } finally {
      clearInterval(sampler)
    }
    await consumer.stop()
    // The fast partition was not held back by the slow one.
    expect(fastDoneWhileSlowAt).toBeGreaterThanOrEqual(0)
    expect(fastDoneWhileSlowAt).toBeLessThan(2000)
    expect(maxBuffered).toBeGreaterThan(25)
    // The bound plus at most one poll that was already under way when the partition was paused.
    expect(maxBuffered).toBeLessThanOrEqual(150)
    expect(await groupOffsets(groupId, topic, 2)).toEqual([3000, 3000])
  }, 120_000)

  it('onAssign runs before any message of the partition is handled, and may seek', async () => {
    const topic = uniqueName('consumer-onassign')
    await createTopic(topic, { partitions: 2 })
    await produceRaw(topic, sequence(2, 20))
    const seen: string[] = []
    const assigned: Array<{ topic: string; partition: number }> = []
    const consumer: Consumer<Buffer, string> = track(
      new Consumer({
        brokers: brokers(),
        groupId: uniqueName('group'),
        fromBeginning: true,
        value: serdes.string(),
        onAssign: async (partitions) => {
          assigned.push(...partitions)
          await new Promise((resolve) => setTimeout(resolve, 300))
          await consumer.seek({ topic, partition: 1, offset: '15' })
        },
      }),
    )
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!)
      },
    })
    await waitFor(() => seen.length >= 25, '20 + 5 messages')
    await consumer.stop()
    expect(assigned.map((p) => p.partition).sort()).toEqual([0, 1])
    expect(seen.filter((v) => v.startsWith('1:'))).toEqual(['1:15', '1:16', '1:17', '1:18', '1:19'])
    expect(seen.filter((v) => v.startsWith('0:'))).toHaveLength(20)
  })

  it('offsetsForTimes finds the first record at or after a time; watermarks are asked of the leader', async () => {
    const topic = uniqueName('consumer-times')
    await createTopic(topic, { partitions: 1 })
    const base = Date.now() - 60_000
    const producer = new Producer({ brokers: brokers() })
    await producer.connect()
    for (let i = 0; i < 10; i++)
      await producer.send({ topic, partition: 0, value: `v${i}`, timestamp: base + i * 1_000 })
    await producer.disconnect()
    const consumer = track(new Consumer({ brokers: brokers(), groupId: uniqueName('group') }))
    await consumer.connect()
    const at = async (timestamp: number): Promise<string | null> =>
      (await consumer.offsetsForTimes([{ topic, partition: 0, timestamp }]))[0]!.offset
    expect(await at(base + 4_500)).toBe('5')
    expect(await at(base)).toBe('0')
    expect(await at(Date.now() + 60_000)).toBeNull()
    await expect(
      consumer.offsetsForTimes([
        { topic, partition: 0, timestamp: base },
        { topic, partition: 0, timestamp: base + 1 },
      ]),
    ).rejects.toThrow(/twice/)
    expect(await consumer.watermarks(topic, 0)).toEqual({ low: '0', high: '10' })
    await expect(consumer.offsetsForTimes([{ topic, partition: 0, timestamp: -5 }])).rejects.toThrow(/timestamp/)
    await consumer.disconnect()
  })
})
