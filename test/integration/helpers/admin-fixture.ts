/**
 * The shared setup of the Admin integration tests (admin-topics, admin-records, admin-groups, admin-configs):
 * one connected Admin per test file, topic names that are deleted after the file, and node-rdkafka producers and
 * consumers that check the Admin's results by a second means.
 */
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import { afterAll, beforeAll, expect } from 'vitest'
import { Admin, KafkaAggregateError } from '../../../src/index.js'
import { brokers, uniqueName, waitFor } from './kafka.js'

const require = createRequire(import.meta.url)
/** node-rdkafka, the independent client the Admin's results are checked with. */
export const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

/** The Admin that {@link useSharedAdmin} connects before the file's tests and disconnects after them. */
export let admin: Admin
const createdTopics: string[] = []

/** Connects {@link admin} before the file's tests; afterwards deletes the topics {@link topicName} named, and disconnects. */
export function useSharedAdmin(): void {
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
}

/** A unique topic name, deleted after the file's tests. */
export function topicName(prefix: string): string {
  const topic = uniqueName(`admin-${prefix}`)
  createdTopics.push(topic)
  return topic
}

/** Produces records through node-rdkafka and waits until all are acknowledged. */
export async function produce(
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
export async function startConsumer(group: string, topic: string, reset: 'earliest' | 'latest' = 'earliest') {
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

/** The entry `name` of the topic's configuration as the Admin describes it. */
export async function configEntry(topic: string, name: string) {
  const [described] = await admin.describeConfigs([{ type: 'topic', name: topic }])
  return described!.entries.find((e) => e.name === name)
}

/** The value of the topic's configuration entry `name`. */
export async function configValue(topic: string, name: string): Promise<string | null | undefined> {
  return (await configEntry(topic, name))?.value
}

/** The failures of a KafkaAggregateError (checked to be one), as plain objects to compare. */
export function failuresOf(
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
