/**
 * The Admin's cluster and topic calls against the real broker, each checked by a second means where one exists:
 * node-rdkafka's metadata, or another admin call.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/index.js'
import { admin, failuresOf, topicName, useSharedAdmin } from './helpers/admin-fixture.js'
import { brokers, getMetadata, uniqueName, waitFor } from './helpers/kafka.js'

useSharedAdmin()

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
