/**
 * The consumer's questions about offsets: committed offsets, offsets for timestamps, watermarks and lag, and the
 * parsing of a seek target. Requests go to the brokers through the native client; lag uses the watermarks last
 * seen while fetching.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { type NativeConsumerAdapter, OFFSET_BEGINNING, OFFSET_END, type RawTopicPartition } from '../native/consumer.js'
import type { PartitionState } from './partition-state.js'
import type { PartitionLag, TopicPartition, TopicPartitionOffset } from './types.js'

/** A seek target (a decimal offset string, `'earliest'` or `'latest'`) as librdkafka's offset. Throws {@link ConfigError}. */
export function parseOffset(offset: unknown): number {
  if (offset === 'earliest') return OFFSET_BEGINNING
  if (offset === 'latest') return OFFSET_END
  if (typeof offset === 'string' && /^\d+$/.test(offset) && Number.isSafeInteger(Number(offset))) return Number(offset)
  throw new ConfigError(
    'offset',
    `expected a decimal offset string, 'earliest' or 'latest', got ${JSON.stringify(offset)}`,
  )
}

/** The group's committed offsets of `partitions`, from the coordinator (`null` where none is committed). */
export function committedOffsets(
  native: NativeConsumerAdapter,
  partitions: readonly TopicPartition[],
  timeoutMs: number,
): Promise<TopicPartitionOffset[]> {
  const list = partitions.map(({ topic, partition }) => ({ topic, partition }))
  return offsetsOf(list, (request) => native.committed(request, timeoutMs), 'Consumer.committed')
}

/**
 * For each queried partition, the offset of its earliest record at or after the timestamp (`null` when none is
 * that recent). Throws {@link ConfigError} for a partition asked for twice or an ill-typed entry.
 */
export function offsetsForTimes(
  native: NativeConsumerAdapter,
  query: ReadonlyArray<TopicPartition & { readonly timestamp: number }>,
  timeoutMs: number,
): Promise<TopicPartitionOffset[]> {
  const seen = new Set<string>()
  const list = query.map(({ topic, partition, timestamp }, index) => {
    const key = `${topic}\u0000${partition}`
    if (seen.has(key))
      throw new ConfigError(
        `query[${index}]`,
        `${topic}[${partition}] is asked for twice: ask for each partition once per call`,
      )
    seen.add(key)
    if (typeof topic !== 'string' || topic === '')
      throw new ConfigError(`query[${index}].topic`, 'expected a topic name')
    if (!Number.isInteger(partition) || partition < 0)
      throw new ConfigError(`query[${index}].partition`, 'expected a partition number')
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new ConfigError(
        `query[${index}].timestamp`,
        `expected ms since the epoch, got ${JSON.stringify(timestamp)}`,
      )
    }
    return { topic, partition, offset: timestamp }
  })
  return offsetsOf(list, (request) => native.offsetsForTimes(request, timeoutMs), 'Consumer.offsetsForTimes')
}

/** A partition's low and high watermarks, asked of its leader. */
export async function watermarks(
  native: NativeConsumerAdapter,
  topic: string,
  partition: number,
  timeoutMs: number,
): Promise<{ low: string; high: string }> {
  try {
    const { low, high } = await native.queryWatermarks(topic, partition, timeoutMs)
    return { low: String(low), high: String(high) }
  } catch (error) {
    throw fromRdkafkaError(error, { operation: 'Consumer.watermarks', topic, partition })
  }
}

/** How far behind the end of each partition the consumer is, from the watermarks last seen while fetching. */
export function partitionLag(
  native: NativeConsumerAdapter,
  states: Iterable<PartitionState>,
  positionOf: (state: PartitionState) => string | null,
): PartitionLag[] {
  return [...states].map((state) => {
    const high = native.cachedWatermarks(state.topic, state.partition)?.high
    const position = positionOf(state)
    return {
      topic: state.topic,
      partition: state.partition,
      highWatermark: high === undefined ? null : String(high),
      position,
      lag: high === undefined || position === null ? null : Math.max(0, high - Number(position)),
      buffered: state.size,
    }
  })
}

/** Sends one offsets request (none for an empty list) and maps its answer; a negative offset means none. */
async function offsetsOf<T extends RawTopicPartition>(
  list: T[],
  request: (list: T[]) => Promise<RawTopicPartition[]>,
  operation: string,
): Promise<TopicPartitionOffset[]> {
  if (list.length === 0) return []
  try {
    const result = await request(list)
    return result.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: p.offset === undefined || p.offset < 0 ? null : String(p.offset),
    }))
  } catch (error) {
    throw fromRdkafkaError(error, { operation })
  }
}
