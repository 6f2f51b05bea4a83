/**
 * The Admin's configuration calls against the real broker; a changed limit is checked by what the broker then
 * refuses a node-rdkafka producer.
 */
import type * as NodeRdkafka from 'node-rdkafka'
import { describe, expect, it } from 'vitest'
import {
  admin,
  configEntry,
  configValue,
  failuresOf,
  rdkafka,
  topicName,
  useSharedAdmin,
} from './helpers/admin-fixture.js'
import { brokers, waitFor } from './helpers/kafka.js'

useSharedAdmin()

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
