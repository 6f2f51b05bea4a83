/**
 * Offset calls: partition offsets (ListOffsets), record deletion, and a group's committed offsets (list with lag,
 * alter, delete, reset).
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { ConfigError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import {
  ISOLATION_LEVEL,
  OFFSET_SPEC,
  type RawError,
  type RawGroupResult,
  type RawPartitionOffset,
} from '../native/admin-addon.js'
import { BatchFailures } from './batch.js'
import { offsetOrNull } from './convert.js'
import { assertGroupEmpty, expectGroupId, nonEmptyGroup } from './groups.js'
import { type AdminContext, type Attempt, isRetryable, RetryRequest, timeoutOnly } from './request.js'
import type {
  DeletedRecords,
  DeleteRecordsInput,
  GroupOffset,
  GroupOffsetInput,
  GroupPartitionOffset,
  ListGroupOffsetsOptions,
  ListOffsetsInput,
  ListOffsetsOptions,
  OffsetTarget,
  PartitionOffset,
  RequestOptions,
  ResetGroupOffsetsOptions,
  TopicPartition,
} from './types.js'
import {
  expectArray,
  expectObject,
  expectPartition,
  expectTimestamp,
  expectTopic,
  rejectDuplicates,
  rejectUnknownKeys,
  toOffset,
} from './validate.js'

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`

function expectTopicPartition(
  value: unknown,
  path: string,
  keys: readonly string[] = ['topic', 'partition'],
): Record<string, unknown> & TopicPartition {
  const item = expectObject(value, path)
  rejectUnknownKeys(item, keys, path)
  const topic = expectTopic(item.topic, `${path}.topic`)
  return { ...item, topic, partition: expectPartition(item.partition, `${path}.partition`, topic) }
}

/** The ListOffsets spec for a target: a logical offset, or a timestamp. */
function specFor(target: unknown, path: string): bigint {
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

/** Runs ListOffsets once: unknown partitions fail by name, moving leaders ask for another attempt. */
async function listOffsetsOnce(
  context: AdminContext,
  operation: string,
  items: ReadonlyArray<TopicPartition & { spec: bigint }>,
  attempt: Attempt,
  isolationLevel?: number,
): Promise<Map<string, RawPartitionOffset>> {
  let results: RawPartitionOffset[]
  try {
    const raw = { ...timeoutOnly(attempt.raw), ...(isolationLevel === undefined ? {} : { isolationLevel }) }
    results = await context.addon.listOffsets(context.handle, items, raw)
  } catch (error) {
    if ((error as RawError).rdkafkaName === '_NOENT')
      return diagnoseNoLeader(context, operation, items, error as RawError, attempt)
    throw error
  }
  const transient = results.find((r) => isRetryable(r.error, 'read'))
  if (transient?.error) throw new RetryRequest(transient.error)
  return new Map(results.map((r) => [key(r.topic, r.partition), r]))
}

/** See {@link Admin.listOffsets}. */
export async function listOffsets(
  context: AdminContext,
  input: readonly ListOffsetsInput[],
  options: ListOffsetsOptions = {},
): Promise<PartitionOffset[]> {
  const items = expectArray(input, 'partitions').map((value, index) => {
    const item = expectTopicPartition(value, `partitions[${index}]`, ['topic', 'partition', 'at'])
    return { topic: item.topic, partition: item.partition, spec: specFor(item.at, `partitions[${index}].at`) }
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
      const result = answers[round[index]!]!.get(key(topic, partition))
      if (!result || result.error) {
        failures.addRaw(
          index,
          result?.error ? normalized(result.error) : missingPartition(topic, partition),
          `partition ${topic}[${partition}]`,
          { topic, partition },
        )
        return undefined
      }
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

function missingPartition(topic: string, partition: number): RawError {
  return {
    code: RESP_ERR.UNKNOWN_TOPIC_OR_PART,
    rdkafkaName: 'UNKNOWN_TOPIC_OR_PART',
    message: `partition ${topic}[${partition}] is not in the answer`,
  }
}

/** See {@link Admin.deleteRecords}. */
export async function deleteRecords(
  context: AdminContext,
  input: readonly DeleteRecordsInput[],
  options: RequestOptions = {},
): Promise<DeletedRecords[]> {
  const items = expectArray(input, 'partitions').map((value, index) => {
    const path = `partitions[${index}]`
    const item = expectTopicPartition(value, path, ['topic', 'partition', 'before'])
    // librdkafka's RD_KAFKA_OFFSET_END (-1) means "the high watermark".
    return {
      topic: item.topic,
      partition: item.partition,
      offset: item.before === 'latest' ? -1n : toOffset(item.before, `${path}.before`),
    }
  })
  rejectDuplicates(items, (i) => `${i.topic}[${i.partition}]`, 'partitions', 'partition')
  // Deleting below an offset twice is harmless, so every transient error may be retried.
  return context.run('deleteRecords', options, 'read', async (attempt) => {
    let results: RawPartitionOffset[]
    try {
      results = await context.addon.deleteRecords(context.handle, items, attempt.raw)
    } catch (error) {
      if ((error as RawError).rdkafkaName === '_NOENT')
        return diagnoseNoLeader(context, 'deleteRecords', items, error as RawError, attempt)
      throw error
    }
    const transient = results.find((r) => isRetryable(r.error, 'read'))
    if (transient?.error) throw new RetryRequest(transient.error)
    const failures = new BatchFailures('deleteRecords')
    const deleted = items.map(({ topic, partition }, index) => {
      const result = results.find((r) => r.topic === topic && r.partition === partition)
      if (!result || result.error) {
        failures.addRaw(
          index,
          result?.error ? normalized(result.error) : missingPartition(topic, partition),
          `partition ${topic}[${partition}]`,
          { topic, partition },
        )
        return undefined
      }
      return { topic, partition, lowWatermark: result.offset.toString() }
    })
    failures.throwIfFailed(items.length)
    return deleted as DeletedRecords[]
  })
}

/** The single group result of a group offset call; its group-level error is thrown (retryable ones as retries). */
function groupResult(results: readonly RawGroupResult[], groupId: string, operation: string): RawGroupResult {
  const result = results.find((r) => r.groupId === groupId) ?? results[0]
  if (!result)
    throw fromRdkafkaError(
      { code: RESP_ERR._NOENT, message: 'no result in the answer' },
      { operation: `${operation} of group '${groupId}'` },
    )
  if (result.error) {
    if (isRetryable(result.error, 'write')) throw new RetryRequest(result.error)
    throw fromRdkafkaError(result.error, { operation: `${operation} of group '${groupId}'` })
  }
  return result
}

/** Every partition of `topics`, from their descriptions. */
async function partitionsOf(
  context: AdminContext,
  topics: readonly string[],
  { raw }: Attempt,
  operation: string,
): Promise<TopicPartition[]> {
  const descriptions = await context.addon.describeTopics(context.handle, topics, timeoutOnly(raw))
  const failures = new BatchFailures(operation)
  const partitions = topics.flatMap((topic, index) => {
    const description = descriptions.find((d) => d.topic === topic)
    if (!description || description.error) {
      failures.addRaw(index, description?.error ?? missingPartition(topic, 0), `topic '${topic}'`, { topic })
      return []
    }
    return description.partitions.map((p) => ({ topic, partition: p.partition }))
  })
  failures.throwIfFailed(topics.length)
  return partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
}

/** See {@link Admin.listGroupOffsets}. */
export async function listGroupOffsets(
  context: AdminContext,
  groupIdInput: string,
  options: ListGroupOffsetsOptions = {},
): Promise<GroupPartitionOffset[]> {
  const groupId = expectGroupId(groupIdInput, 'groupId')
  const topics =
    options.topics === undefined
      ? undefined
      : expectArray(options.topics, 'options.topics').map((t, i) => expectTopic(t, `options.topics[${i}]`))
  const requested =
    options.partitions === undefined
      ? undefined
      : expectArray(options.partitions, 'options.partitions').map((p, i) =>
          expectTopicPartition(p, `options.partitions[${i}]`),
        )
  if (topics && requested) throw new ConfigError('options.partitions', 'give either topics or partitions')
  return context.run(
    'listGroupOffsets',
    options,
    'read',
    async (attempt) => {
      const partitions =
        requested?.map(({ topic, partition }) => ({ topic, partition })) ??
        (topics ? await partitionsOf(context, topics, attempt, 'listGroupOffsets') : null)
      const result = groupResult(
        await context.addon.listGroupOffsets(context.handle, groupId, partitions, attempt.raw),
        groupId,
        'listGroupOffsets',
      )
      const failures = new BatchFailures('listGroupOffsets')
      const committed = [...result.partitions].sort((a, b) =>
        a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
      )
      committed.forEach((p, index) => {
        if (p.error)
          failures.addRaw(index, p.error, `partition ${p.topic}[${p.partition}] of group '${groupId}'`, {
            topic: p.topic,
            partition: p.partition,
          })
      })
      failures.throwIfFailed(committed.length)
      const ends =
        options.lag === false || committed.length === 0
          ? undefined
          : await listOffsetsOnce(
              context,
              'listGroupOffsets',
              committed.map(({ topic, partition }) => ({ topic, partition, spec: OFFSET_SPEC.latest })),
              attempt,
            )
      return committed.map((p) => {
        const end = ends?.get(key(p.topic, p.partition))
        const endOffset = end && !end.error ? end.offset : undefined
        return {
          topic: p.topic,
          partition: p.partition,
          offset: offsetOrNull(p.offset),
          metadata: p.metadata === undefined || p.metadata === '' ? null : p.metadata,
          leaderEpoch: p.leaderEpoch,
          endOffset: endOffset === undefined ? null : endOffset.toString(),
          lag:
            endOffset === undefined || p.offset < 0n ? null : Number(endOffset > p.offset ? endOffset - p.offset : 0n),
        }
      })
    },
    { requireStable: options.requireStable === true },
  )
}

/** Commits `offsets` for an empty group and turns per-partition errors into an aggregate. */
async function commitOffsets(
  context: AdminContext,
  groupId: string,
  offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint; metadata?: string }>,
  attempt: Attempt,
  operation: string,
): Promise<void> {
  await assertGroupEmpty(context, groupId, operation, attempt)
  const result = groupResult(
    await context.addon.alterGroupOffsets(context.handle, groupId, offsets, attempt.raw),
    groupId,
    operation,
  )
  const failures = new BatchFailures(operation)
  offsets.forEach(({ topic, partition }, index) => {
    const error = result.partitions.find((p) => p.topic === topic && p.partition === partition)?.error
    if (!error) return
    // The coordinator refuses commits from outside a group that gained members after the emptiness check.
    if (error.rdkafkaName === 'UNKNOWN_MEMBER_ID' || error.rdkafkaName === 'ILLEGAL_GENERATION') {
      failures.add(
        index,
        nonEmptyGroup(groupId, operation, `the coordinator answered ${error.rdkafkaName} for ${topic}[${partition}]`),
      )
    } else {
      failures.addRaw(index, error, `partition ${topic}[${partition}] of group '${groupId}'`, { topic, partition })
    }
  })
  failures.throwIfFailed(offsets.length)
}

/** See {@link Admin.alterGroupOffsets}. */
export async function alterGroupOffsets(
  context: AdminContext,
  groupIdInput: string,
  input: readonly GroupOffsetInput[],
  options: RequestOptions = {},
): Promise<void> {
  const groupId = expectGroupId(groupIdInput, 'groupId')
  const offsets = expectArray(input, 'offsets').map((value, index) => {
    const path = `offsets[${index}]`
    const item = expectTopicPartition(value, path, ['topic', 'partition', 'offset', 'metadata'])
    return {
      topic: item.topic,
      partition: item.partition,
      offset: toOffset(item.offset, `${path}.offset`),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- typed `string`; what JavaScript callers pass is coerced, as before
      ...(item.metadata === undefined ? {} : { metadata: String(item.metadata) }),
    }
  })
  rejectDuplicates(offsets, (o) => `${o.topic}[${o.partition}]`, 'offsets', 'partition')
  await context.run('alterGroupOffsets', options, 'write', (attempt) =>
    commitOffsets(context, groupId, offsets, attempt, 'alterGroupOffsets'),
  )
}

/** See {@link Admin.deleteGroupOffsets}. */
export async function deleteGroupOffsets(
  context: AdminContext,
  groupIdInput: string,
  input: readonly TopicPartition[],
  options: RequestOptions = {},
): Promise<void> {
  const groupId = expectGroupId(groupIdInput, 'groupId')
  const partitions = expectArray(input, 'partitions').map((p, i) => {
    const { topic, partition } = expectTopicPartition(p, `partitions[${i}]`)
    return { topic, partition }
  })
  rejectDuplicates(partitions, (o) => `${o.topic}[${o.partition}]`, 'partitions', 'partition')
  await context.run('deleteGroupOffsets', options, 'write', async ({ raw }) => {
    const result = groupResult(
      await context.addon.deleteGroupOffsets(context.handle, groupId, partitions, raw),
      groupId,
      'deleteGroupOffsets',
    )
    const failures = new BatchFailures('deleteGroupOffsets')
    partitions.forEach(({ topic, partition }, index) => {
      const error = result.partitions.find((p) => p.topic === topic && p.partition === partition)?.error
      if (error)
        failures.addRaw(index, error, `partition ${topic}[${partition}] of group '${groupId}'`, { topic, partition })
    })
    failures.throwIfFailed(partitions.length)
  })
}

/** See {@link Admin.resetGroupOffsets}. */
export async function resetGroupOffsets(
  context: AdminContext,
  groupIdInput: string,
  options: ResetGroupOffsetsOptions,
): Promise<GroupOffset[]> {
  const groupId = expectGroupId(groupIdInput, 'groupId')
  const opts = expectObject(options, 'options')
  rejectUnknownKeys(opts, ['topic', 'to', 'partitions', 'dryRun', 'timeoutMs'], 'options')
  const topic = expectTopic(opts.topic, 'options.topic')
  const to = opts.to as OffsetTarget
  const spec = specFor(to, 'options.to')
  if (spec === OFFSET_SPEC['max-timestamp'])
    throw new ConfigError('options.to', "expected 'earliest', 'latest' or { timestamp }")
  const only =
    opts.partitions === undefined
      ? undefined
      : expectArray(opts.partitions, 'options.partitions').map((p, i) =>
          expectPartition(p, `options.partitions[${i}]`, topic),
        )
  return context.run('resetGroupOffsets', options, 'write', async (attempt) => {
    const all = await partitionsOf(context, [topic], attempt, 'resetGroupOffsets')
    const unknown = only?.find((p) => !all.some((a) => a.partition === p))
    if (unknown !== undefined) {
      throw new ConfigError(
        'options.partitions',
        `topic '${topic}' has no partition ${unknown} (it has ${all.length})`,
        { topic, partition: unknown },
      )
    }
    const partitions = only ? all.filter((p) => only.includes(p.partition)) : all
    const found = await listOffsetsOnce(
      context,
      'resetGroupOffsets',
      partitions.map((p) => ({ ...p, spec })),
      attempt,
    )
    // A timestamp after the last record finds nothing (-1): like Kafka's own tool, go to the end then.
    const beyond = partitions.filter((p) => (found.get(key(p.topic, p.partition))?.offset ?? -1n) < 0n)
    const ends =
      beyond.length === 0
        ? new Map<string, RawPartitionOffset>()
        : await listOffsetsOnce(
            context,
            'resetGroupOffsets',
            beyond.map((p) => ({ ...p, spec: OFFSET_SPEC.latest })),
            attempt,
          )
    const offsets = partitions.map(({ partition }) => {
      const target = found.get(key(topic, partition))
      const offset = target && target.offset >= 0n ? target.offset : ends.get(key(topic, partition))?.offset
      if (offset === undefined || offset < 0n) {
        throw fromRdkafkaError(target?.error ?? missingPartition(topic, partition), {
          operation: 'resetGroupOffsets',
          topic,
          partition,
        })
      }
      return { topic, partition, offset }
    })
    if (opts.dryRun === true) await assertGroupEmpty(context, groupId, 'resetGroupOffsets', attempt)
    else await commitOffsets(context, groupId, offsets, attempt, 'resetGroupOffsets')
    return offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() }))
  })
}
