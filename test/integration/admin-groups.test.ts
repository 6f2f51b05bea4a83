/**
 * The Admin's consumer-group calls against the real broker, checked with node-rdkafka group consumers and other
 * admin calls.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, KafkaError } from '../../src/index.js'
import { admin, failuresOf, produce, startConsumer, topicName, useSharedAdmin } from './helpers/admin-fixture.js'
import { uniqueName, waitFor } from './helpers/kafka.js'

useSharedAdmin()

describe('Admin: consumer groups', () => {
  it('lists, describes and reports the lag of a live group, and refuses to alter its offsets', async () => {
    const topic = topicName('group')
    const group = uniqueName('admin-group')
    await admin.createTopics([{ topic, partitions: 2 }])
    await produce(topic, [
      ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `b${i}` })),
    ])
    const reader = await startConsumer(group, topic)
    try {
      const messages = await reader.take(8)
      // Commit 3 of partition 0 and everything of partition 1.
      reader.consumer.commitSync([
        { topic, partition: 0, offset: 3 },
        { topic, partition: 1, offset: 3 },
      ])

      await waitFor(async () => (await admin.describeGroups([group]))[0]!.state === 'stable', 'the group to be stable')
      const listed = await admin.listGroups()
      expect(listed.find((g) => g.groupId === group)).toMatchObject({ state: 'stable', isSimple: false })
      expect((await admin.listGroups({ states: ['empty'] })).map((g) => g.groupId)).not.toContain(group)

      const [description] = await admin.describeGroups([group])
      expect(description!.members).toHaveLength(1)
      expect(description!.members[0]!.assignment.map((a) => `${a.topic}:${a.partition}`).sort()).toEqual([
        `${topic}:0`,
        `${topic}:1`,
      ])
      expect(description!.coordinator).not.toBeNull()
      expect(messages).toHaveLength(8)

      const offsets = await admin.listGroupOffsets(group)
      expect(offsets.map((o) => [o.partition, o.offset, o.endOffset, o.lag])).toEqual([
        [0, '3', '5', 2],
        [1, '3', '3', 0],
      ])

      const error = await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: 0 }]).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(KafkaError)
      expect((error as KafkaError).code).toBe('ERR_KAFKA_NON_EMPTY_GROUP')
      expect((error as KafkaError).message).toContain(group)
      expect(await admin.listGroupOffsets(group)).toEqual(offsets)

      const resetError = await admin.resetGroupOffsets(group, { topic, to: 'earliest' }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((resetError as KafkaError).code).toBe('ERR_KAFKA_NON_EMPTY_GROUP')

      const deleteError = await admin.deleteGroups([group]).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(failuresOf(deleteError)).toEqual([
        expect.objectContaining({ index: 0, code: 'ERR_KAFKA_NON_EMPTY_GROUP' }),
      ])
      expect(failuresOf(deleteError)[0]!.message).toContain(group)
    } finally {
      await reader.stop()
    }
  })

  it('alterGroupOffsets on an empty group: a consumer of the group resumes exactly there', async () => {
    const topic = topicName('resume')
    const group = uniqueName('admin-resume')
    await admin.createTopics([{ topic, partitions: 1 }])
    await produce(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ partition: 0, value: `m${i}` })),
    )

    await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: '2', metadata: 'set-by-admin' }])
    const [committed] = await admin.listGroupOffsets(group)
    expect(committed).toMatchObject({
      topic,
      partition: 0,
      offset: '2',
      metadata: 'set-by-admin',
      endOffset: '6',
      lag: 4,
    })

    // 'latest' as reset policy: reading offset 2 can only come from the committed offset.
    const reader = await startConsumer(group, topic, 'latest')
    try {
      const [first] = await reader.take(1)
      expect(first!.offset).toBe(2)
      expect(first!.value!.toString()).toBe('m2')
    } finally {
      await reader.stop()
    }
  })

  it('resetGroupOffsets to earliest, latest, a timestamp (dry run changes nothing), and deleteGroupOffsets', async () => {
    const topic = topicName('reset')
    const group = uniqueName('admin-reset')
    await admin.createTopics([{ topic, partitions: 2 }])
    const base = Date.UTC(2026, 2, 1)
    await produce(topic, [
      ...Array.from({ length: 4 }, (_, i) => ({ partition: 0, value: `x${i}`, timestamp: base + i * 1000 })),
      ...Array.from({ length: 2 }, (_, i) => ({ partition: 1, value: `y${i}`, timestamp: base + i * 1000 })),
    ])
    const committed = async () => (await admin.listGroupOffsets(group, { topics: [topic] })).map((o) => o.offset)

    expect(await admin.resetGroupOffsets(group, { topic, to: 'latest' })).toEqual([
      { topic, partition: 0, offset: '4' },
      { topic, partition: 1, offset: '2' },
    ])
    expect(await committed()).toEqual(['4', '2'])

    expect(await admin.resetGroupOffsets(group, { topic, to: 'earliest', dryRun: true })).toEqual([
      { topic, partition: 0, offset: '0' },
      { topic, partition: 1, offset: '0' },
    ])
    expect(await committed()).toEqual(['4', '2'])

    // Partition 1 has no record at or after base + 2500: like Kafka's tool, it goes to the end.
    await admin.resetGroupOffsets(group, { topic, to: { timestamp: base + 2500 } })
    expect(await committed()).toEqual(['3', '2'])

    await admin.resetGroupOffsets(group, { topic, to: 'earliest', partitions: [1] })
    expect(await committed()).toEqual(['3', '0'])

    await admin.deleteGroupOffsets(group, [{ topic, partition: 0 }])
    const after = await admin.listGroupOffsets(group, { topics: [topic] })
    expect(after.map((o) => [o.offset, o.lag])).toEqual([
      [null, null],
      ['0', 2],
    ])

    const unknownPartition = await admin.resetGroupOffsets(group, { topic, to: 'earliest', partitions: [9] }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(unknownPartition).toBeInstanceOf(ConfigError)
    expect((unknownPartition as ConfigError).message).toContain(topic)
  })

  it('deleteGroups deletes empty groups and names unknown ones', async () => {
    const topic = topicName('delgroup')
    const group = uniqueName('admin-delgroup')
    const unknown = uniqueName('admin-nogroup')
    await admin.createTopics([{ topic, partitions: 1 }])
    await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: 0 }])
    expect((await admin.listGroups()).map((g) => g.groupId)).toContain(group)

    const error = await admin.deleteGroups([group, unknown]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failuresOf(error)).toEqual([expect.objectContaining({ index: 1, code: 'ERR_KAFKA_GROUP_ID_NOT_FOUND' })])
    expect(failuresOf(error)[0]!.message).toContain(unknown)
    expect((await admin.listGroups()).map((g) => g.groupId)).not.toContain(group)
    expect((await admin.describeGroups([group]))[0]!.state).toBe('dead')
    expect(await admin.listGroupOffsets(group)).toEqual([])
  })
})
