/**
 * The Admin client against the real broker of the test run. Each call is checked by a second means where one
 * exists: node-rdkafka's own metadata, producers and consumers, or another admin call.
 */
import diagnostics from 'node:diagnostics_channel'
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Admin, ConfigError, KafkaAggregateError, KafkaError, StateError } from '../../src/index.js'
import { brokers, getMetadata, uniqueName, waitFor } from './helpers/kafka.js'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

let admin: Admin
const createdTopics: string[] = []

beforeAll(async () => {
  admin = new Admin({ brokers: brokers(), clientId: 'kafkit-admin-test' })
  await admin.connect()
})

afterAll(async () => {
  if (admin.state === 'connected' && createdTopics.length > 0) {
    const existing = new Set(await admin.listTopics())
    const leftovers = createdTopics.filter((t) => existing.has(t))
    if (leftovers.length > 0) await admin.deleteTopics(leftovers).catch(() => undefined)
  }
  await admin.disconnect()
})

function topicName(prefix: string): string {
  const topic = uniqueName(`admin-${prefix}`)
  createdTopics.push(topic)
  return topic
}

/** Produces records through node-rdkafka and waits until all are acknowledged. */
async function produce(
  topic: string,
  records: ReadonlyArray<{ partition: number; value: string; timestamp?: number }>,
): Promise<void> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': brokers(), dr_cb: true, 'linger.ms': 0 })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  try {
    let delivered = 0
    let failure: Error | undefined
    producer.on('delivery-report', (error) => {
      if (error) failure = new Error(error.message)
      delivered++
    })
    producer.setPollInterval(10)
    for (const record of records) {
      producer.produce(topic, record.partition, Buffer.from(record.value), null, record.timestamp ?? Date.now())
    }
    await waitFor(() => delivered === records.length, `${records.length} deliveries`)
    if (failure) throw failure
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

/** A node-rdkafka group consumer on `topic`, reading from `reset` when the group has no offset. */
async function startConsumer(group: string, topic: string, reset: 'earliest' | 'latest' = 'earliest') {
  const consumer = new rdkafka.KafkaConsumer(
    { 'bootstrap.servers': brokers(), 'group.id': group, 'enable.auto.commit': false },
    { 'auto.offset.reset': reset },
  )
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  consumer.subscribe([topic])
  return {
    consumer,
    /** Consumes until `count` messages arrived, or fails after the deadline. */
    async take(count: number, timeoutMs = 30_000): Promise<NodeRdkafka.Message[]> {
      const messages: NodeRdkafka.Message[] = []
      const deadline = Date.now() + timeoutMs
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`only ${messages.length} of ${count} messages within ${timeoutMs} ms`)
        messages.push(
          ...(await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
            consumer.consume(count - messages.length, (error, batch) => (error ? reject(error) : resolve(batch))),
          )),
        )
      }
      return messages
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
    },
  }
}

async function configEntry(topic: string, name: string) {
  const [described] = await admin.describeConfigs([{ type: 'topic', name: topic }])
  return described!.entries.find((e) => e.name === name)
}

async function configValue(topic: string, name: string): Promise<string | null | undefined> {
  return (await configEntry(topic, name))?.value
}

function failuresOf(
  error: unknown,
): Array<{ index: number; code: string; topic: string | undefined; message: string }> {
  expect(error).toBeInstanceOf(KafkaAggregateError)
  return (error as KafkaAggregateError).failures.map((f) => ({
    index: f.index,
    code: f.error.code,
    topic: f.error.topic,
    message: f.error.message,
  }))
}

describe('Admin: cluster and topics', () => {
  it('describeCluster reports the brokers node-rdkafka sees', async () => {
    const topic = topicName('cluster')
    await admin.createTopics([{ topic, partitions: 1 }])
    const [cluster, metadata] = await Promise.all([admin.describeCluster(), getMetadata(topic)])
    expect(cluster.clusterId).toMatch(/^[\w-]{22}$/)
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1)
    expect(cluster.controller).not.toBeNull()
    expect(cluster.brokers.map((b) => b.id)).toContain(cluster.controller!.id)
    expect(cluster.brokers.map((b) => b.id).sort()).toEqual(metadata.brokers.map((b) => b.id).sort())
    const bootstrapPorts = brokers()
      .split(',')
      .map((b) => Number(b.split(':')[1]))
    expect(cluster.brokers.some((b) => bootstrapPorts.includes(b.port))).toBe(true)
  })

  it('createTopics creates what describeTopics, listTopics, node-rdkafka metadata and describeConfigs then show', async () => {
    const topic = topicName('create')
    await admin.createTopics([
      {
        topic,
        partitions: 3,
        replicationFactor: 1,
        config: { 'cleanup.policy': 'compact', 'retention.ms': 3_600_000 },
      },
    ])

    const [description] = await admin.describeTopics([topic])
    expect(description!.topic).toBe(topic)
    expect(description!.isInternal).toBe(false)
    expect(description!.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    expect(
      description!.partitions.every((p) => p.leader !== null && p.replicas.length === 1 && p.isr.length === 1),
    ).toBe(true)
    expect(await admin.listTopics()).toContain(topic)

    const metadata = await getMetadata(topic)
    expect(metadata.topics.find((t) => t.name === topic)?.partitions).toHaveLength(3)

    const [configs] = await admin.describeConfigs([{ type: 'topic', name: topic }])
    const entry = (name: string) => configs!.entries.find((e) => e.name === name)
    expect(entry('cleanup.policy')).toMatchObject({ value: 'compact', source: 'dynamic-topic', isDefault: false })
    expect(entry('retention.ms')?.value).toBe('3600000')
  })

  it('listTopics hides internal topics unless asked', async () => {
    const [visible, all] = await Promise.all([admin.listTopics(), admin.listTopics({ includeInternal: true })])
    // Groups exist on this broker by now (the admin's own guard group made it create __consumer_offsets).
    expect(all).toContain('__consumer_offsets')
    expect(visible).not.toContain('__consumer_offsets')
    expect(visible.every((t) => all.includes(t))).toBe(true)
    expect([...visible].sort()).toEqual(visible)
  })

  it('creating an existing topic fails that item only, and leaves the existing topic as it was', async () => {
    const existing = topicName('exists')
    const fresh = topicName('fresh')
    await admin.createTopics([{ topic: existing, partitions: 2, config: { 'retention.ms': 60_000 } }])

    const error = await admin
      .createTopics([
        { topic: fresh, partitions: 1 },
        { topic: existing, partitions: 5, config: { 'retention.ms': 1 } },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    const failures = failuresOf(error)
    expect(failures).toEqual([
      expect.objectContaining({ index: 1, code: 'ERR_KAFKA_TOPIC_ALREADY_EXISTS', topic: existing }),
    ])
    expect(failures[0]!.message).toContain(existing)

    const [existingAfter, freshAfter] = await admin.describeTopics([existing, fresh])
    expect(existingAfter!.partitions).toHaveLength(2)
    expect(freshAfter!.partitions).toHaveLength(1)
    const [configs] = await admin.describeConfigs([{ type: 'topic', name: existing }])
    expect(configs!.entries.find((e) => e.name === 'retention.ms')?.value).toBe('60000')
  })

  it('a negative partition count is refused before anything is sent: no topic of the batch is created', async () => {
    const good = topicName('neg-good')
    const bad = topicName('neg-bad')
    const error = await admin
      .createTopics([
        { topic: good, partitions: 1 },
        { topic: bad, partitions: -3 },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).path).toBe('topics[1].partitions')
    expect((error as ConfigError).message).toContain(bad)
    expect((error as ConfigError).topic).toBe(bad)
    const topics = await admin.listTopics()
    expect(topics).not.toContain(good)
    expect(topics).not.toContain(bad)
  })

  it('an unknown topic config key fails its topic with INVALID_CONFIG and creates nothing for it', async () => {
    const topic = topicName('badconfig')
    const error = await admin.createTopics([{ topic, config: { 'no.such.property': 'x' } }]).then(
      () => undefined,
      (e: unknown) => e,
    )
    const failures = failuresOf(error)
    expect(failures).toEqual([expect.objectContaining({ index: 0, code: 'ERR_KAFKA_INVALID_CONFIG', topic })])
    expect(failures[0]!.message).toContain('no.such.property')
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('validateOnly checks a creation without creating', async () => {
    const topic = topicName('validate')
    await admin.createTopics([{ topic, partitions: 2 }], { validateOnly: true })
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('createPartitions raises the count (seen by node-rdkafka); a lower count fails by name and changes nothing', async () => {
    const topic = topicName('partitions')
    await admin.createTopics([{ topic, partitions: 2 }])
    await admin.createPartitions([{ topic, count: 5 }])
    await waitFor(
      async () => (await getMetadata(topic)).topics.find((t) => t.name === topic)?.partitions.length === 5,
      'five partitions in metadata',
    )
    expect((await admin.describeTopics([topic]))[0]!.partitions).toHaveLength(5)

    const error = await admin.createPartitions([{ topic, count: 3 }]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failuresOf(error)).toEqual([
      expect.objectContaining({ index: 0, code: 'ERR_KAFKA_INVALID_PARTITIONS', topic }),
    ])
    expect((await admin.describeTopics([topic]))[0]!.partitions).toHaveLength(5)

    const negative = await admin.createPartitions([{ topic, count: -1 }]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(negative).toBeInstanceOf(ConfigError)
    expect((negative as ConfigError).path).toBe('partitions[0].count')
  })

  it('describeTopics of an unknown topic fails that item; deleteTopics removes topics and names unknown ones', async () => {
    const topic = topicName('delete')
    const missing = uniqueName('admin-missing')
    await admin.createTopics([{ topic, partitions: 1 }])

    const describeError = await admin.describeTopics([topic, missing]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failuresOf(describeError)).toEqual([
      expect.objectContaining({ index: 1, code: 'ERR_KAFKA_UNKNOWN_TOPIC_OR_PART', topic: missing }),
    ])

    const deleteError = await admin.deleteTopics([missing, topic]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failuresOf(deleteError)).toEqual([
      expect.objectContaining({ index: 0, code: 'ERR_KAFKA_UNKNOWN_TOPIC_OR_PART', topic: missing }),
    ])
    await waitFor(async () => !(await admin.listTopics()).includes(topic), `topic ${topic} to disappear`)
    const metadata = await getMetadata(topic).catch(() => undefined)
    expect(metadata?.topics.find((t) => t.name === topic && t.partitions.length > 0)).toBeUndefined()
  })
})

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

describe('Admin: configuration', () => {
  it('alterConfigs changes only named properties, and the broker enforces them', async () => {
    const topic = topicName('config')
    await admin.createTopics([{ topic, partitions: 1, config: { 'retention.ms': 86_400_000 } }])
    await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'max.message.bytes': 1024 } }])

    // The controller applies the change; brokers see it a moment later.
    await waitFor(
      async () => (await configValue(topic, 'max.message.bytes')) === '1024',
      'max.message.bytes to be 1024',
    )
    expect(await configValue(topic, 'retention.ms')).toBe('86400000')

    // Second means: the broker now refuses a 4 KiB record on this topic.
    const producer = new rdkafka.Producer({
      'bootstrap.servers': brokers(),
      dr_cb: true,
      'linger.ms': 0,
      'message.max.bytes': 1_000_000,
    })
    await new Promise<void>((resolve, reject) =>
      producer.connect({ timeout: 10_000 }, (e) => (e ? reject(e) : resolve())),
    )
    try {
      const report = new Promise<NodeRdkafka.LibrdKafkaError | null>((resolve) =>
        producer.once('delivery-report', (error) => resolve(error)),
      )
      producer.setPollInterval(10)
      producer.produce(topic, 0, Buffer.alloc(4096, 1))
      // node-rdkafka reports broker delivery errors with code -1; its message carries the broker's error.
      expect((await report)?.message).toMatch(/message size too large/i)
    } finally {
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
    }

    await admin.alterConfigs([{ type: 'topic', name: topic, delete: ['max.message.bytes'] }])
    await waitFor(
      async () => (await configEntry(topic, 'max.message.bytes'))?.isDefault === true,
      'max.message.bytes back to its default',
    )
    expect(await configEntry(topic, 'max.message.bytes')).toMatchObject({ isDefault: true, source: 'default' })
  })

  it('an unknown property fails its resource with INVALID_CONFIG and changes nothing on it', async () => {
    const topic = topicName('config-bad')
    await admin.createTopics([{ topic, partitions: 1 }])
    const error = await admin
      .alterConfigs([{ type: 'topic', name: topic, set: { 'retention.ms': 1234, 'no.such.property': 'x' } }])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    const failures = failuresOf(error)
    expect(failures).toEqual([expect.objectContaining({ index: 0, code: 'ERR_KAFKA_INVALID_CONFIG', topic })])
    expect(failures[0]!.message).toContain('no.such.property')
    // A later change that is visible proves the broker's view is current: the failed one left no trace.
    await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'segment.ms': 7_200_000 } }])
    await waitFor(async () => (await configValue(topic, 'segment.ms')) === '7200000', 'segment.ms to be applied')
    expect(await configEntry(topic, 'retention.ms')).toMatchObject({ isDefault: true })
  })

  it('describes broker configuration, append/subtract list properties, and validateOnly changes nothing', async () => {
    const cluster = await admin.describeCluster()
    const brokerId = String(cluster.brokers[0]!.id)
    const [broker] = await admin.describeConfigs([{ type: 'broker', name: brokerId }])
    expect(broker!.entries.find((e) => e.name === 'log.dirs')?.source).toBe('static-broker')

    const topic = topicName('config-list')
    await admin.createTopics([{ topic, partitions: 1 }])
    await admin.alterConfigs([{ type: 'topic', name: topic, append: { 'cleanup.policy': 'compact' } }])
    await waitFor(async () => (await configValue(topic, 'cleanup.policy')) === 'delete,compact', 'compact appended')
    await admin.alterConfigs([{ type: 'topic', name: topic, subtract: { 'cleanup.policy': 'delete' } }])
    await waitFor(async () => (await configValue(topic, 'cleanup.policy')) === 'compact', 'delete subtracted')
    await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'cleanup.policy': 'delete' } }], {
      validateOnly: true,
    })
    await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'segment.ms': 7_200_000 } }])
    await waitFor(async () => (await configValue(topic, 'segment.ms')) === '7200000', 'the later change to be visible')
    expect(await configValue(topic, 'cleanup.policy')).toBe('compact')
  })
})

describe('Admin: lifecycle and diagnostics', () => {
  it('refuses calls before connect and after disconnect, waits for calls in flight, publishes request diagnostics', async () => {
    const second = new Admin({ brokers: brokers() })
    await expect(second.listTopics()).rejects.toBeInstanceOf(StateError)
    await second.connect()
    expect(second.state).toBe('connected')

    const seen: Array<{ operation: string; durationMs: number }> = []
    const listener = (message: unknown): void => {
      seen.push(message as { operation: string; durationMs: number })
    }
    diagnostics.subscribe('kafkit:admin:request', listener)
    try {
      const pending = second.describeCluster()
      const closing = second.disconnect()
      expect(second.state).toBe('closing')
      expect((await pending).brokers.length).toBeGreaterThan(0)
      await closing
    } finally {
      diagnostics.unsubscribe('kafkit:admin:request', listener)
    }
    expect(second.state).toBe('closed')
    expect(seen.some((m) => m.operation === 'describeCluster' && m.durationMs >= 0)).toBe(true)
    const refused = await second.listTopics().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(StateError)
    expect((refused as StateError).message).toContain('disconnected client cannot be reused')
    await second.disconnect()
  })

  it('disconnect() during connect() waits for it, then closes: the Admin never ends up connected', async () => {
    const racing = new Admin({ brokers: brokers() })
    const connecting = racing.connect()
    const closing = racing.disconnect()
    await connecting
    await closing
    expect(racing.state).toBe('closed')
    await expect(racing.describeCluster()).rejects.toBeInstanceOf(StateError)
  })

  it('connect() to a port nobody listens on fails with a ConnectionError within connectTimeoutMs', async () => {
    const nowhere = new Admin({ brokers: '127.0.0.1:1', connectTimeoutMs: 1500 })
    const started = Date.now()
    const error = await nowhere.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as KafkaError).code).toBe('ERR_CONNECTION')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(nowhere.state).toBe('closed')
  })
})
