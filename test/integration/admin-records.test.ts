/**
 * The Admin's offset and record calls against the real broker, checked with node-rdkafka producers and consumers.
 */
import type * as NodeRdkafka from 'node-rdkafka'
import { describe, expect, it } from 'vitest'
import { admin, failuresOf, produce, rdkafka, topicName, useSharedAdmin } from './helpers/admin-fixture.js'
import { brokers, uniqueName, waitFor } from './helpers/kafka.js'

useSharedAdmin()

describe('Admin: offsets and records', () => {
  it('listOffsets finds earliest, latest, by timestamp and max timestamp; unknown partitions fail by name', async () => {
    const topic = topicName('offsets')
    await admin.createTopics([{ topic, partitions: 2 }])
    const base = Date.UTC(2026, 5, 1)
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `v${i}`, timestamp: base + i * 1000 })),
    )

    const offsets = await admin.listOffsets([
      { topic, partition: 0, at: 'earliest' },
      { topic, partition: 0, at: 'latest' },
      { topic, partition: 0, at: { timestamp: base + 4500 } },
      { topic, partition: 0, at: 'max-timestamp' },
      { topic, partition: 1, at: 'latest' },
    ])
    expect(offsets.map((o) => o.offset)).toEqual(['0', '10', '5', '9', '0'])
    expect(offsets[2]!.timestamp).toBe(base + 5000)
    expect(offsets[3]!.timestamp).toBe(base + 9000)

    const error = await admin
      .listOffsets([
        { topic, partition: 0, at: 'latest' },
        { topic, partition: 7, at: 'latest' },
        { topic: 'admin-no-such-topic-x', partition: 0, at: 'latest' },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    const failures = failuresOf(error)
    expect(failures.map((f) => [f.index, f.code, f.topic])).toEqual([
      [1, 'ERR_KAFKA_UNKNOWN_TOPIC_OR_PART', topic],
      [2, 'ERR_KAFKA_UNKNOWN_TOPIC_OR_PART', 'admin-no-such-topic-x'],
    ])
  })

  it('deleteRecords moves the start offset: a read below it fails, reads start there', async () => {
    const topic = topicName('records')
    await admin.createTopics([{ topic, partitions: 1 }])
    await produce(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ partition: 0, value: `r${i}` })),
    )

    expect(await admin.deleteRecords([{ topic, partition: 0, before: 4 }])).toEqual([
      { topic, partition: 0, lowWatermark: '4' },
    ])
    expect((await admin.listOffsets([{ topic, partition: 0, at: 'earliest' }]))[0]!.offset).toBe('4')

    // A fetch at offset 0 is out of range now: with auto.offset.reset=error the consumer reports it.
    const consumer = new rdkafka.KafkaConsumer(
      { 'bootstrap.servers': brokers(), 'group.id': uniqueName('admin-reader'), 'enable.auto.commit': false },
      { 'auto.offset.reset': 'error' },
    )
    await new Promise<void>((resolve, reject) =>
      consumer.connect({ timeout: 10_000 }, (e) => (e ? reject(e) : resolve())),
    )
    try {
      consumer.assign([{ topic, partition: 0, offset: 0 }])
      let failure: NodeRdkafka.LibrdKafkaError | undefined
      const received: NodeRdkafka.Message[] = []
      await waitFor(async () => {
        try {
          received.push(
            ...(await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
              consumer.consume(10, (e, messages) => (e ? reject(e) : resolve(messages))),
            )),
          )
        } catch (error) {
          failure = error as NodeRdkafka.LibrdKafkaError
        }
        return failure !== undefined
      }, 'the out-of-range read to fail')
      expect(failure!.code).toBe(rdkafka.CODES.ERRORS.ERR__AUTO_OFFSET_RESET)
      expect(received).toHaveLength(0)

      consumer.assign([{ topic, partition: 0, offset: 4 }])
      const rest: NodeRdkafka.Message[] = []
      await waitFor(async () => {
        rest.push(
          ...(await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
            consumer.consume(10, (e, messages) => (e ? reject(e) : resolve(messages))),
          )),
        )
        return rest.length >= 2
      }, 'the records above the start offset')
      expect(rest.map((m) => m.offset)).toEqual([4, 5])
    } finally {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
    }

    const beyond = await admin.deleteRecords([{ topic, partition: 0, before: 100 }]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failuresOf(beyond)).toEqual([
      expect.objectContaining({ index: 0, code: 'ERR_KAFKA_OFFSET_OUT_OF_RANGE', topic }),
    ])
    expect(await admin.deleteRecords([{ topic, partition: 0, before: 'latest' }])).toEqual([
      { topic, partition: 0, lowWatermark: '6' },
    ])
  })
})
