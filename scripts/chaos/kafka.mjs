// The chaos run's own view of the cluster, through raw node-rdkafka: topics, metadata, watermarks, committed
// offsets and the final readers. kafkit is the code under test (it runs in the child processes), so nothing here
// uses it: a figure in the table never depends on kafkit reporting on itself.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** @type {typeof import('node-rdkafka')} */
const rdkafka = require('node-rdkafka')

/** @param {number} ms */
export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls `check` until it returns something other than undefined/false, or throws after `timeoutMs`.
 * @template T @param {string} what @param {() => Promise<T | undefined | false> | T | undefined | false} check
 * @param {number} timeoutMs @param {number} [everyMs]
 * @returns {Promise<T>}
 */
export async function waitFor(what, check, timeoutMs, everyMs = 500) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${/** @type {Error} */ (last).message})` : ''}`,
      )
    }
    await delay(everyMs)
  }
}

/**
 * Creates a topic (replication factor 3 on the 3-node cluster) and waits until every partition has a leader.
 * @param {string} bootstrap @param {string} topic @param {number} partitions @param {Record<string, string>} config
 */
export async function createTopic(bootstrap, topic, partitions, config) {
  const admin = rdkafka.AdminClient.create({ 'bootstrap.servers': bootstrap })
  try {
    await new Promise((resolve, reject) =>
      admin.createTopic({ topic, num_partitions: partitions, replication_factor: 3, config }, 30_000, (err) =>
        err ? reject(err) : resolve(undefined),
      ),
    )
  } finally {
    admin.disconnect()
  }
  await waitFor(
    `topic ${topic} to have leaders`,
    async () => {
      const t = (await metadata(bootstrap)).topics.find((x) => x.name === topic)
      return t !== undefined && t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)
    },
    60_000,
  )
}

/**
 * Metadata of every topic (internal ones included), through a short-lived client.
 * @param {string} bootstrap
 * @returns {Promise<import('node-rdkafka').Metadata>}
 */
export async function metadata(bootstrap) {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': bootstrap })
  await new Promise((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve(undefined))),
  )
  try {
    return await new Promise((resolve, reject) =>
      producer.getMetadata({ timeout: 10_000 }, (err, data) => (err ? reject(err) : resolve(data))),
    )
  } finally {
    await new Promise((resolve) => producer.disconnect(() => resolve(undefined)))
  }
}

/**
 * Partitions whose in-sync replica set is smaller than their replica set: while any exist, killing another broker
 * could leave a partition below min.insync.replicas, which is two faults at once, not one.
 * @param {string} bootstrap
 * @returns {Promise<string[]>} `topic/partition (isr x of y)` for each under-replicated partition
 */
export async function underReplicated(bootstrap) {
  const data = await metadata(bootstrap)
  const out = []
  for (const topic of data.topics) {
    for (const p of topic.partitions) {
      if (p.leader < 0 || p.isrs.length < p.replicas.length)
        out.push(`${topic.name}/${p.id} (leader ${p.leader}, isr ${p.isrs.length} of ${p.replicas.length})`)
    }
  }
  return out
}

/**
 * A client for offset queries: watermarks of a topic and the committed offsets of a group. It never subscribes, so
 * it never joins the group whose offsets it reads.
 */
export class OffsetReader {
  /** @param {string} bootstrap @param {string} groupId */
  constructor(bootstrap, groupId) {
    this.consumer = new rdkafka.KafkaConsumer(
      { 'bootstrap.servers': bootstrap, 'group.id': groupId, 'enable.auto.commit': false },
      {},
    )
    this.consumer.on('event.error', () => {})
  }

  async connect() {
    await new Promise((resolve, reject) =>
      this.consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve(undefined))),
    )
    return this
  }

  /**
   * The group's committed offsets of `topic` (-1 where nothing is committed yet).
   * @param {string} topic @param {number} partitions @returns {Promise<number[]>}
   */
  committed(topic, partitions) {
    const toppars = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }))
    return new Promise((resolve, reject) =>
      this.consumer.committed(toppars, 10_000, (err, result) => {
        if (err) return reject(err)
        const out = Array.from({ length: partitions }, () => -1)
        for (const tp of result) out[tp.partition] = tp.offset !== undefined && tp.offset >= 0 ? tp.offset : -1
        resolve(out)
      }),
    )
  }

  /**
   * High watermarks of `topic`. This client never subscribes, so the topic may be missing from its metadata cache
   * (librdkafka then answers "Unknown partition"): on failure, ask for the topic's metadata and try once more.
   * @param {string} topic @param {number} partitions @returns {Promise<number[]>}
   */
  async highWatermarks(topic, partitions) {
    const query = async () => {
      const out = []
      for (let partition = 0; partition < partitions; partition++) {
        out.push(
          await new Promise((resolve, reject) =>
            this.consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, offsets) =>
              err ? reject(err) : resolve(offsets.highOffset),
            ),
          ),
        )
      }
      return out
    }
    try {
      return await query()
    } catch {
      await new Promise((resolve, reject) =>
        this.consumer.getMetadata({ topic, timeout: 10_000 }, (err) => (err ? reject(err) : resolve(undefined))),
      )
      return await query()
    }
  }

  async close() {
    await new Promise((resolve) => this.consumer.disconnect(() => resolve(undefined)))
  }
}

/**
 * Reads every partition of `topic` from offset 0 up to `ends` (the high watermarks taken after all writers
 * stopped) with a fresh, group-less assignment, and hands each record to `onRecord`.
 * `read_committed` stops at the last stable offset, which equals the high watermark once no transaction is open;
 * a partition counts as read when librdkafka reports its end at or past its high watermark.
 * @param {string} bootstrap @param {string} topic @param {number[]} ends
 * @param {'read_committed' | 'read_uncommitted'} isolationLevel
 * @param {(partition: number, offset: number, key: Buffer | null, value: Buffer | null) => void} onRecord
 * @param {number} timeoutMs
 */
export async function readTopic(bootstrap, topic, ends, isolationLevel, onRecord, timeoutMs) {
  const consumer = new rdkafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrap,
      'group.id': `chaos-reader-${process.pid}-${Date.now()}`,
      'enable.auto.commit': false,
      'enable.partition.eof': true,
      'isolation.level': isolationLevel,
    },
    { 'auto.offset.reset': 'earliest' },
  )
  consumer.on('event.error', () => {})
  await new Promise((resolve, reject) =>
    consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve(undefined))),
  )
  const done = new Set(ends.flatMap((end, partition) => (end === 0 ? [partition] : [])))
  consumer.on('partition.eof', (eof) => {
    if (eof.topic === topic && eof.offset >= /** @type {number} */ (ends[eof.partition])) done.add(eof.partition)
  })
  try {
    consumer.assign(ends.map((_, partition) => ({ topic, partition, offset: 0 })))
    const deadline = Date.now() + timeoutMs
    while (done.size < ends.length) {
      if (Date.now() > deadline) {
        throw new Error(
          `reading ${topic} (${isolationLevel}): partitions ${ends
            .map((_, p) => p)
            .filter((p) => !done.has(p))
            .join(',')} did not reach their end in time`,
        )
      }
      const batch = await new Promise((resolve, reject) =>
        consumer.consume(5_000, (err, messages) => (err ? reject(err) : resolve(messages))),
      )
      for (const m of /** @type {import('node-rdkafka').Message[]} */ (batch)) {
        const key = m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key)
        onRecord(m.partition, m.offset, key, m.value ?? null)
      }
    }
  } finally {
    await new Promise((resolve) => consumer.disconnect(() => resolve(undefined)))
  }
}
