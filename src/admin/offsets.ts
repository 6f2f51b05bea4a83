/**
 * Topic offset calls: partition offsets and watermarks (ListOffsets) and record deletion, plus the ListOffsets and
 * validation helpers that the group offset calls (`group-offsets.ts`) share.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { ConfigError } from '../errors/kafka-error.js'
import { ISOLATION_LEVEL, OFFSET_SPEC, type RawError, type RawPartitionOffset } from '../native/admin-addon.js'
import { BatchFailures } from './batch.js'
import { type AdminContext, type Attempt, isRetryable, RetryRequest, timeoutOnly } from './request.js'
import type { AdminOperation } from './operation.js'
import type { DeletedRecords, PartitionOffset, TopicPartition } from './types.js'
import {
  expectItems,
  expectObject,
  expectPartition,
  expectTimestamp,
  expectTopic,
  rejectDuplicates,
  rejectUnknownKeys,
  toOffset,
} from './validate.js'

/** The map key of a partition in {@link listOffsetsOnce}'s answer. */
export const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`

/** Validates a `{ topic, partition }` item (with the allowed `keys`) and returns it with checked fields. */
export function expectTopicPartition(
  value: unknown,
  path: string,
  keys: readonly string[] = ['topic', 'partition'],
): Record<string, unknown> & TopicPartition {
  const item = expectObject(value, path)
  rejectUnknownKeys(item, keys, path)
  const topic = expectTopic(item.topic, `${path}.topic`)
  return { ...item, topic, partition: expectPartition(item.partition, `${path}.partition`, topic) }
}

/**
 * Validates a list of per-partition items at `name`: each a `{ topic, partition }` with the allowed `keys`, each
 * partition once; `parse` reads the rest of an item (at `path`). Throws {@link ConfigError} naming the offending item.
 */
export function partitionItems<T extends TopicPartition>(
  input: unknown,
  name: string,
  keys: readonly string[],
  parse: (item: Record<string, unknown> & TopicPartition, path: string) => T,
): T[] {
  const items = expectItems(input, name, (value, path) => parse(expectTopicPartition(value, path, keys), path))
  rejectDuplicates(items, (i) => `${i.topic}[${i.partition}]`, name, 'partition')
  return items
}

/** The ListOffsets spec for a target: a logical offset, or a timestamp. */
export function specFor(target: unknown, path: string): bigint {
  if (target === 'earliest' || target === 'latest' || target === 'max-timestamp') return OFFSET_SPEC[target]
  if (typeof target === 'object' && target !== null && 'timestamp' in target) {
    rejectUnknownKeys(target, ['timestamp'], path)
    return BigInt(expectTimestamp(target.timestamp, `${path}.timestamp`))
  }
  throw new ConfigError(
    path,
    `expected 'earliest', 'latest', 'max-timestamp' or { timestamp }, got ${JSON.stringify(target)}`,
  )
}

/**
 * librdkafka answers a partition it cannot find a leader for by failing the whole request with _NOENT. This finds
 * out which items name an unknown topic or partition, so that they fail by name; when none does, the leaders are
 * only moving and the call is retried.
 */
async function diagnoseNoLeader(
  context: AdminContext,
  operation: string,
  items: readonly TopicPartition[],
  error: RawError,
  { raw }: Attempt,
): Promise<never> {
  const topics = [...new Set(items.map((i) => i.topic))]
  const descriptions = await context.addon
    .describeTopics(context.handle, topics, timeoutOnly(raw))
    .catch(() => undefined)
  if (!descriptions) throw new RetryRequest(error)
  const failures = new BatchFailures(operation)
  items.forEach(({ topic, partition }, index) => {
    const description = descriptions.find((d) => d.topic === topic)
    if (
      description?.error?.rdkafkaName === 'UNKNOWN_TOPIC_OR_PART' ||
      (description && !description.error && partition >= description.partitions.length)
    ) {
      const message = description.error
        ? `topic '${topic}' does not exist`
        : `topic '${topic}' has ${description.partitions.length} partition(s)`
      failures.addRaw(
        index,
        { code: RESP_ERR.UNKNOWN_TOPIC_OR_PART, rdkafkaName: 'UNKNOWN_TOPIC_OR_PART', message },
        `partition ${topic}[${partition}]`,
        { topic, partition },
      )
    }
  })
  failures.throwIfFailed(items.length)
  throw new RetryRequest(error)
}

/**
 * Runs a per-partition request (`call`) once: when librdkafka fails it whole for want of a leader, unknown partitions
 * fail by name ({@link diagnoseNoLeader}); a transient per-partition error asks for another attempt.
 */
async function askPartitions(
  context: AdminContext,
  operation: string,
  items: readonly TopicPartition[],
  attempt: Attempt,
  call: () => Promise<RawPartitionOffset[]>,
): Promise<RawPartitionOffset[]> {
  let results: RawPartitionOffset[]
  try {
    results = await call()
  } catch (error) {
    if ((error as RawError).rdkafkaName === '_NOENT')
      return diagnoseNoLeader(context, operation, items, error as RawError, attempt)
    throw error
  }
  const transient = results.find((r) => isRetryable(r.error, 'read'))
  if (transient?.error) throw new RetryRequest(transient.error)
  return results
}

/**
 * Returns a partition's `result` when it succeeded; else records it in `failures` against its input `index` (its
 * error, or {@link missingPartition} when the answer left it out) and returns undefined.
 */
function succeeded<R extends { readonly error: RawError | null }>(
  failures: BatchFailures,
  index: number,
  { topic, partition }: TopicPartition,
  result: R | undefined,
): R | undefined {
  if (result && !result.error) return result
  failures.addRaw(
    index,
    result?.error ? normalized(result.error) : missingPartition(topic, partition),
    `partition ${topic}[${partition}]`,
    { topic, partition },
  )
  return undefined
}

/** Runs ListOffsets once: unknown partitions fail by name, moving leaders ask for another attempt. */
export async function listOffsetsOnce(
  context: AdminContext,
  operation: string,
  items: ReadonlyArray<TopicPartition & { spec: bigint }>,
  attempt: Attempt,
  isolationLevel?: number,
): Promise<Map<string, RawPartitionOffset>> {
  const raw = { ...timeoutOnly(attempt.raw), ...(isolationLevel === undefined ? {} : { isolationLevel }) }
  const results = await askPartitions(context, operation, items, attempt, () =>
    context.addon.listOffsets(context.handle, items, raw),
  )
  return new Map(results.map((r) => [key(r.topic, r.partition), r]))
}

/** See {@link Admin.listOffsets}. */
export const listOffsets: AdminOperation<'listOffsets'> = async (context, input, options = {}) => {
  const items = expectItems(input, 'partitions', (value, path) => {
    const item = expectTopicPartition(value, path, ['topic', 'partition', 'at'])
    return { topic: item.topic, partition: item.partition, spec: specFor(item.at, `${path}.at`) }
  })
  const isolation = options.isolationLevel ?? 'read_uncommitted'
  if (!(isolation in ISOLATION_LEVEL))
    throw new ConfigError(
      'options.isolationLevel',
      `expected 'read_uncommitted' or 'read_committed', got ${JSON.stringify(isolation)}`,
    )
  // ListOffsets takes each partition once: asking several things of one partition takes several requests.
  const rounds: Array<typeof items> = []
  const round = items.map((item) => {
    const index = rounds.findIndex(
      (r) => !r.some((other) => other.topic === item.topic && other.partition === item.partition),
    )
    const target = index < 0 ? rounds.push([]) - 1 : index
    rounds[target]!.push(item)
    return target
  })
  return context.run('listOffsets', options, 'read', async (attempt) => {
    const answers = await Promise.all(
      rounds.map((r) => listOffsetsOnce(context, 'listOffsets', r, attempt, ISOLATION_LEVEL[isolation])),
    )
    const failures = new BatchFailures('listOffsets')
    const offsets = items.map(({ topic, partition, spec }, index) => {
      const found = answers[round[index]!]!.get(key(topic, partition))
      const result = succeeded(failures, index, { topic, partition }, found)
      if (!result) return undefined
      const timestamp = spec >= 0n || spec === OFFSET_SPEC['max-timestamp'] ? (result.timestamp ?? -1) : -1
      return {
        topic,
        partition,
        offset: result.offset.toString(),
        timestamp: timestamp >= 0 ? timestamp : null,
        leaderEpoch: result.leaderEpoch,
      }
    })
    failures.throwIfFailed(items.length)
    return offsets as PartitionOffset[]
  })
}

/**
 * librdkafka reports a partition it knows to be missing with its local _UNKNOWN_PARTITION / _UNKNOWN_TOPIC, and one
 * it could not look up by failing the request; either way callers get the broker's UNKNOWN_TOPIC_OR_PART.
 */
function normalized(error: RawError): RawError {
  return error.rdkafkaName === '_UNKNOWN_PARTITION' || error.rdkafkaName === '_UNKNOWN_TOPIC'
    ? { code: RESP_ERR.UNKNOWN_TOPIC_OR_PART, rdkafkaName: 'UNKNOWN_TOPIC_OR_PART', message: error.message }
    : error
}

/** The error for a partition that the broker's answer leaves out. */
export function missingPartition(topic: string, partition: number): RawError {
  return {
    code: RESP_ERR.UNKNOWN_TOPIC_OR_PART,
    rdkafkaName: 'UNKNOWN_TOPIC_OR_PART',
    message: `partition ${topic}[${partition}] is not in the answer`,
  }
}

/** See {@link Admin.deleteRecords}. */
export const deleteRecords: AdminOperation<'deleteRecords'> = async (context, input, options = {}) => {
  const items = partitionItems(input, 'partitions', ['topic', 'partition', 'before'], (item, path) => ({
    topic: item.topic,
    partition: item.partition,
    // librdkafka's RD_KAFKA_OFFSET_END (-1) means "the high watermark".
    offset: item.before === 'latest' ? -1n : toOffset(item.before, `${path}.before`),
  }))
  // Deleting below an offset twice is harmless, so every transient error may be retried.
  return context.run('deleteRecords', options, 'read', async (attempt) => {
    const results = await askPartitions(context, 'deleteRecords', items, attempt, () =>
      context.addon.deleteRecords(context.handle, items, attempt.raw),
    )
    const failures = new BatchFailures('deleteRecords')
    const deleted = items.map(({ topic, partition }, index) => {
      const found = results.find((r) => r.topic === topic && r.partition === partition)
      const result = succeeded(failures, index, { topic, partition }, found)
      if (!result) return undefined
      return { topic, partition, lowWatermark: result.offset.toString() }
    })
    failures.throwIfFailed(items.length)
    return deleted as DeletedRecords[]
  })
}
