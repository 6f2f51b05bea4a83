/**
 * Test helpers that talk to the real broker directly through node-rdkafka, so that kafkit's clients are checked
 * by an independent reader/administrator rather than by themselves.
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

/** The bootstrap servers of the cluster the global setup started (or KAFKA_BROKERS). */
export function brokers(): string {
  const value = process.env.KAFKA_BROKERS
  if (!value) throw new Error('KAFKA_BROKERS is not set: the vitest global setup should have started a cluster')
  return value
}

/** A unique name for a test's topic or group. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}

/** Creates a topic and waits until its metadata shows every partition with a leader. */
export async function createTopic(
  topic: string,
  options: {
    partitions?: number
    replicationFactor?: number
    config?: Record<string, string>
    bootstrap?: string
  } = {},
): Promise<void> {
  const bootstrap = options.bootstrap ?? brokers()
  const admin = rdkafka.AdminClient.create({ 'bootstrap.servers': bootstrap })
  try {
    await new Promise<void>((resolve, reject) =>
      admin.createTopic(
        {
          topic,
          num_partitions: options.partitions ?? 1,
          replication_factor: options.replicationFactor ?? 1,
          config: options.config ?? {},
        },
        30_000,
        (error) => (error ? reject(error) : resolve()),
      ),
    )
  } finally {
    admin.disconnect()
  }
  await waitFor(async () => {
    const metadata = await getMetadata(topic, bootstrap)
    const entry = metadata.topics.find((t) => t.name === topic)
    return (
      entry !== undefined &&
      entry.partitions.length === (options.partitions ?? 1) &&
      entry.partitions.every((p) => p.leader >= 0)
    )
  }, `topic ${topic} to have leaders`)
}

/** Cluster metadata for one topic. */
export async function getMetadata(topic: string, bootstrap = brokers()): Promise<NodeRdkafka.Metadata> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': bootstrap })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  try {
    return await new Promise((resolve, reject) => {
      producer.getMetadata({ topic, timeout: 10_000 }, (error, metadata) => (error ? reject(error) : resolve(metadata)))
    })
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

/** Polls `condition` until it holds or the deadline passes. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      if (await condition()) return
      lastError = undefined
    } catch (error) {
      lastError = error // not yet
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `; the last check threw: ${lastError.message}` : ''
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${cause}`,
        { cause: lastError },
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A record as read back by the raw reader. */
export interface ReadRecord {
  topic: string
  partition: number
  offset: number
  key: Buffer | null
  value: Buffer | null
  timestamp: number | undefined
  headers: Record<string, Buffer>
  /** Every header in order, repeated names included. */
  headerList: Array<[string, Buffer]>
}

/**
 * Reads `count` records of `topic` from the beginning with a raw node-rdkafka consumer (its own group),
 * in `isolationLevel`, or fails after `timeoutMs`.
 */
export async function readAll(
  topic: string,
  count: number,
  options: {
    isolationLevel?: 'read_committed' | 'read_uncommitted'
    timeoutMs?: number
    bootstrap?: string
    settleMs?: number
  } = {},
): Promise<ReadRecord[]> {
  const consumer = new rdkafka.KafkaConsumer(
    {
      'bootstrap.servers': options.bootstrap ?? brokers(),
      'group.id': uniqueName('reader'),
      'enable.auto.commit': false,
      'isolation.level': options.isolationLevel ?? 'read_committed',
    },
    { 'auto.offset.reset': 'earliest' },
  )
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  const records: ReadRecord[] = []
  try {
    consumer.subscribe([topic])
    const deadline = Date.now() + (options.timeoutMs ?? 60_000)
    let settleUntil = 0
    while (Date.now() < deadline) {
      const batch = await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
        consumer.consume(1000, (error, messages) => (error ? reject(error) : resolve(messages))),
      )
      for (const message of batch) {
        const headers: Record<string, Buffer> = {}
        const headerList: Array<[string, Buffer]> = []
        for (const header of message.headers ?? []) {
          for (const [name, value] of Object.entries(header)) {
            headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(String(value))
            headerList.push([name, headers[name]])
          }
        }
        records.push({
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          key:
            message.key === undefined || message.key === null
              ? null
              : Buffer.isBuffer(message.key)
                ? message.key
                : Buffer.from(message.key),
          value: message.value,
          timestamp: message.timestamp,
          headers,
          headerList,
        })
      }
      if (records.length >= count) {
        // Linger briefly to catch records beyond the expected count (duplicates).
        if (settleUntil === 0) settleUntil = Date.now() + (options.settleMs ?? 500)
        if (Date.now() >= settleUntil) break
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
  return records
}
