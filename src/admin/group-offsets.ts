/**
 * Group offset calls: a group's committed offsets (list with lag, alter, delete, reset). Partition offsets and record
 * deletion are in `offsets.ts`.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { ConfigError, type KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { OFFSET_SPEC, type RawError, type RawGroupResult, type RawPartitionOffset } from '../native/admin-addon.js'
import { BatchFailures, resultsInOrder } from './batch.js'
import { offsetOrNull } from './convert.js'
import { assertGroupEmpty, expectGroupId, nonEmptyGroup } from './groups.js'
import { expectTopicPartition, key, listOffsetsOnce, missingPartition, partitionItems, specFor } from './offsets.js'
import { type AdminContext, type Attempt, isRetryable, RetryRequest, timeoutOnly } from './request.js'
import type { AdminOperation } from './operation.js'
import type { OffsetTarget, TopicPartition } from './types.js'
import { expectItems, expectObject, expectPartition, expectTopic, rejectUnknownKeys, toOffset } from './validate.js'

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
  const partitions = resultsInOrder(
    operation,
    topics,
    (topic) => descriptions.find((d) => d.topic === topic),
    (topic) => ({ item: `topic '${topic}'`, missing: missingPartition(topic, 0), where: { topic } }),
  ).flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, partition: p.partition })))
  return partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
}

/** See {@link Admin.listGroupOffsets}. */
export const listGroupOffsets: AdminOperation<'listGroupOffsets'> = async (context, group, options = {}) => {
  const groupId = expectGroupId(group, 'groupId')
  const topics = options.topics === undefined ? undefined : expectItems(options.topics, 'options.topics', expectTopic)
  const requested =
    options.partitions === undefined
      ? undefined
      : expectItems(options.partitions, 'options.partitions', (p, path) => expectTopicPartition(p, path))
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

/**
 * Throws the group error of a group offset call's answer, then, together, the partitions of `requested` whose result
 * carries an error (at their input index). `refused` may name another error for a partition's (undefined: keep it).
 */
function throwPartitionFailures(
  operation: string,
  groupId: string,
  requested: readonly TopicPartition[],
  results: readonly RawGroupResult[],
  refused: (error: RawError, topic: string, partition: number) => KafkaError | undefined = () => undefined,
): void {
  const result = groupResult(results, groupId, operation)
  const failures = new BatchFailures(operation)
  requested.forEach(({ topic, partition }, index) => {
    const error = result.partitions.find((p) => p.topic === topic && p.partition === partition)?.error
    if (!error) return
    const named = refused(error, topic, partition)
    if (named) failures.add(index, named)
    else failures.addRaw(index, error, `partition ${topic}[${partition}] of group '${groupId}'`, { topic, partition })
  })
  failures.throwIfFailed(requested.length)
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
  const results = await context.addon.alterGroupOffsets(context.handle, groupId, offsets, attempt.raw)
  throwPartitionFailures(operation, groupId, offsets, results, (error, topic, partition) =>
    // The coordinator refuses commits from outside a group that gained members after the emptiness check.
    error.rdkafkaName === 'UNKNOWN_MEMBER_ID' || error.rdkafkaName === 'ILLEGAL_GENERATION'
      ? nonEmptyGroup(groupId, operation, `the coordinator answered ${error.rdkafkaName} for ${topic}[${partition}]`)
      : undefined,
  )
}

/** See {@link Admin.alterGroupOffsets}. */
export const alterGroupOffsets: AdminOperation<'alterGroupOffsets'> = async (context, group, input, options = {}) => {
  const groupId = expectGroupId(group, 'groupId')
  const offsets = partitionItems(input, 'offsets', ['topic', 'partition', 'offset', 'metadata'], (item, path) => ({
    topic: item.topic,
    partition: item.partition,
    offset: toOffset(item.offset, `${path}.offset`),
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- typed `string`; what JavaScript callers pass is coerced, as before
    ...(item.metadata === undefined ? {} : { metadata: String(item.metadata) }),
  }))
  await context.run('alterGroupOffsets', options, 'write', (attempt) =>
    commitOffsets(context, groupId, offsets, attempt, 'alterGroupOffsets'),
  )
}

/** See {@link Admin.deleteGroupOffsets}. */
export const deleteGroupOffsets: AdminOperation<'deleteGroupOffsets'> = async (context, group, input, options = {}) => {
  const groupId = expectGroupId(group, 'groupId')
  const partitions = partitionItems(input, 'partitions', ['topic', 'partition'], ({ topic, partition }) => ({
    topic,
    partition,
  }))
  await context.run('deleteGroupOffsets', options, 'write', async ({ raw }) => {
    const results = await context.addon.deleteGroupOffsets(context.handle, groupId, partitions, raw)
    throwPartitionFailures('deleteGroupOffsets', groupId, partitions, results)
  })
}

/** See {@link Admin.resetGroupOffsets}. */
export const resetGroupOffsets: AdminOperation<'resetGroupOffsets'> = async (context, group, options) => {
  const groupId = expectGroupId(group, 'groupId')
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
      : expectItems(opts.partitions, 'options.partitions', (p, path) => expectPartition(p, path, topic))
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
