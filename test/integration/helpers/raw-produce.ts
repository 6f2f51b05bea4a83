/**
 * Test data for consumer tests, written with raw node-rdkafka so that the consumer is checked against an
 * independent writer.
 */
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import { brokers } from './kafka.js'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

/** One record to write. */
export interface RawRecord {
  partition?: number
  key?: string | Buffer | null
  value: string | Buffer | null
  headers?: Record<string, string>
}

/** Writes records (in order, per partition) and waits until all are acknowledged. */
export async function produceRaw(topic: string, records: Iterable<RawRecord>, bootstrap = brokers()): Promise<number> {
  const producer = new rdkafka.Producer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': true,
    'linger.ms': 5,
    'queue.buffering.max.messages': 1_000_000,
    dr_cb: true,
  })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  let sent = 0
  let failed: NodeRdkafka.LibrdKafkaError | undefined
  producer.on('delivery-report', (error) => {
    if (error) failed ??= error
  })
  producer.setPollInterval(10)
  try {
    for (const record of records) {
      for (;;) {
        try {
          const headers =
            record.headers === undefined ? undefined : Object.entries(record.headers).map(([k, v]) => ({ [k]: v }))
          producer.produce(
            topic,
            record.partition ?? null,
            record.value === null ? null : Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value),
            record.key ?? null,
            Date.now(),
            undefined,
            headers,
          )
          sent++
          break
        } catch (error) {
          if ((error as { code?: number }).code !== -184) throw error
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
    }
    await new Promise<void>((resolve, reject) => producer.flush(60_000, (error) => (error ? reject(error) : resolve())))
    if (failed) throw failed
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
  return sent
}

/**
 * Writes `perPartition` records to each of `partitions` partitions; record `i` of partition `p` has key `k<i>` and
 * value `<p>:<i>`, so a reader can check completeness and order.
 */
export function sequence(partitions: number, perPartition: number, size = 0): Generator<RawRecord> {
  const padding = size > 0 ? 'x'.repeat(size) : ''
  return (function* () {
    for (let i = 0; i < perPartition; i++) {
      for (let p = 0; p < partitions; p++)
        yield { partition: p, key: `k${i}`, value: `${p}:${i}${padding ? `:${padding}` : ''}` }
    }
  })()
}

/** The end offsets (high watermarks) of a topic's partitions, from the broker. */
export async function endOffsets(topic: string, partitions: number, bootstrap = brokers()): Promise<number[]> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': bootstrap })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  try {
    return await Promise.all(
      Array.from(
        { length: partitions },
        (_, partition) =>
          new Promise<number>((resolve, reject) => {
            producer.queryWatermarkOffsets(topic, partition, 10_000, (error, offsets) =>
              error ? reject(error) : resolve(offsets.highOffset),
            )
          }),
      ),
    )
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

/** The committed offsets of a group for a topic's partitions (-1 when none), read with a throwaway member-less client. */
export async function groupOffsets(
  groupId: string,
  topic: string,
  partitions: number,
  bootstrap = brokers(),
): Promise<number[]> {
  const consumer = new rdkafka.KafkaConsumer(
    { 'bootstrap.servers': bootstrap, 'group.id': groupId, 'enable.auto.commit': false },
    {},
  )
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())),
  )
  try {
    const result = await new Promise<NodeRdkafka.TopicPartitionOffset[]>((resolve, reject) =>
      consumer.committed(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
        10_000,
        (error, offsets) => (error ? reject(error) : resolve(offsets)),
      ),
    )
    return result
      .sort((a, b) => a.partition - b.partition)
      .map((p) => (p.offset === undefined || p.offset < 0 ? -1 : p.offset))
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}
