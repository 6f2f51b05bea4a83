import { describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { statsSnapshot, type StatsSnapshot } from '../../src/metrics/snapshot.js'
import { Producer } from '../../src/producer/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'

describe('statsSnapshot: librdkafka statistics as a typed snapshot', () => {
  it("reports a producer's per-partition sends and brokers, and a consumer's committed offsets, lag and group", async () => {
    const topic = uniqueName('metrics')
    await createTopic(topic, { partitions: 2 })
    const producerStats: StatsSnapshot[] = []
    const producer = new Producer({ brokers: brokers(), statsIntervalMs: 200 })
    producer.on('stats', (stats) => producerStats.push(statsSnapshot(stats)))
    await producer.connect()
    try {
      await producer.sendBatch(
        Array.from({ length: 100 }, (_, n) => ({ topic, partition: n % 2, value: Buffer.alloc(10) })),
      )
      await waitFor(() => {
        const last = producerStats.at(-1)
        const mine = last?.partitions.filter((p) => p.topic === topic) ?? []
        return last?.queuedMessages === 0 && mine.length === 2 && mine.every((p) => p.messagesSent === 50)
      }, 'producer statistics counting 50 messages sent to each partition and none left queued')
    } finally {
      await producer.disconnect()
    }
    const sent = producerStats.at(-1)!
    expect(sent.type).toBe('producer')
    expect(sent.messagesSent).toBeGreaterThanOrEqual(100)
    const up = sent.brokers.filter((b) => b.nodeId >= 0)
    expect(up.length).toBeGreaterThan(0)
    expect(up[0]!.state).toBe('UP')
    expect(up[0]!.rttAvgMs === null || up[0]!.rttAvgMs >= 0).toBe(true)
    expect(sent.group).toBeNull()

    const consumerStats: StatsSnapshot[] = []
    const consumer = new Consumer({
      brokers: brokers(),
      groupId: uniqueName('metrics'),
      fromBeginning: true,
      statsIntervalMs: 200,
      autoCommitIntervalMs: 200,
    })
    consumer.on('stats', (stats) => consumerStats.push(statsSnapshot(stats)))
    await consumer.connect()
    let read = 0
    try {
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({
        eachMessage: () => {
          read++
        },
      })
      await waitFor(
        () => {
          const mine = consumerStats.at(-1)?.partitions.filter((p) => p.topic === topic) ?? []
          return mine.length === 2 && mine.every((p) => p.committedOffset === 50 && p.lag === 0)
        },
        'consumer statistics with both partitions committed at 50 and no lag',
        30_000,
      )
      await consumer.stop()
    } finally {
      await consumer.disconnect()
    }
    expect(read).toBe(100)
    const caughtUp = consumerStats.at(-1)!
    expect(caughtUp.type).toBe('consumer')
    expect(caughtUp.group).toMatchObject({ joinState: 'steady', assignedPartitions: 2 })
    expect(
      caughtUp.partitions
        .filter((p) => p.topic === topic)
        .map((p) => [p.partition, p.highWatermark, p.messagesReceived]),
    ).toEqual([
      [0, 50, 50],
      [1, 50, 50],
    ])
  })

  it('leaves out what librdkafka has no value for, instead of passing -1 on', () => {
    const snapshot = statsSnapshot({
      name: 'rdkafka#consumer-1',
      type: 'consumer',
      age: 1_500_000,
      msg_cnt: 3,
      msg_size: 300,
      brokers: {
        'b:9092/1': {
          name: 'b:9092/1',
          nodeid: 1,
          state: 'UP',
          rtt: { cnt: 0, avg: 0, p99: 0 },
          throttle: { cnt: 2, avg: 15, max: 20 },
        },
      },
      topics: {
        t: {
          topic: 't',
          partitions: {
            '-1': { partition: -1 },
            '0': { partition: 0, leader: 1, consumer_lag: -1, committed_offset: -1001, hi_offset: 7 },
          },
        },
      },
    })
    expect(snapshot.ageMs).toBe(1500)
    expect([snapshot.queuedMessages, snapshot.queuedBytes]).toEqual([3, 300])
    expect(snapshot.brokers[0]).toMatchObject({ nodeId: 1, rttAvgMs: null, throttleAvgMs: 15, throttleMaxMs: 20 })
    expect(snapshot.partitions).toHaveLength(1)
    expect(snapshot.partitions[0]).toMatchObject({ partition: 0, lag: null, committedOffset: null, highWatermark: 7 })
    expect(snapshot.group).toBeNull()
  })
})
