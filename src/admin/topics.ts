/**
 * Topic and cluster calls: create/delete topics, add partitions, list and describe topics, describe the cluster.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { ConfigError, TimeoutError } from '../errors/kafka-error.js'
import type { AdminAddon, AdminRequest, RawError, RawTopicDescription, RawTopicResult } from '../native/admin-addon.js'
import { BatchFailures } from './batch.js'
import { describeNamed } from './describe-named.js'
import { aclOperationNames, toNode } from './convert.js'
import { type AdminContext, pause, RetryRequest, timeoutOnly } from './request.js'
import type { AdminOperation } from './operation.js'
import type { CreatePartitionsOptions, CreateTopicsOptions, TopicDescription } from './types.js'
import {
  expectAssignment,
  expectConfigRecord,
  expectCount,
  expectItems,
  expectNames,
  expectObject,
  expectTopic,
  rejectDuplicates,
  rejectUnknownKeys,
} from './validate.js'

/** The error of a topic the answer left out. */
const UNKNOWN_TOPIC: RawError = {
  code: RESP_ERR.UNKNOWN_TOPIC_OR_PART,
  rdkafkaName: 'UNKNOWN_TOPIC_OR_PART',
  message: 'not in the answer',
}

const NEW_TOPIC_KEYS = ['topic', 'partitions', 'replicationFactor', 'replicaAssignment', 'config']
const NEW_PARTITIONS_KEYS = ['topic', 'count', 'replicaAssignment']

/** Records each failed topic result against the input index of its topic. */
function topicFailures(
  operation: string,
  topics: readonly string[],
  results: readonly RawTopicResult[],
): BatchFailures {
  const failures = new BatchFailures(operation)
  for (const result of results) {
    if (result.error === null) continue
    const index = topics.indexOf(result.topic)
    failures.addRaw(index < 0 ? 0 : index, result.error, `topic '${result.topic}'`, { topic: result.topic })
  }
  return failures
}

function collectTopicFailures(operation: string, topics: readonly string[], results: readonly RawTopicResult[]): void {
  topicFailures(operation, topics, results).throwIfFailed(topics.length)
}

/**
 * Validates a list of per-topic items: each an object with known keys only, naming a topic (each topic once);
 * `parse` reads the rest. Throws {@link ConfigError} naming the offending item.
 */
function topicItems<T extends { readonly topic: string }>(
  input: unknown,
  name: string,
  keys: readonly string[],
  parse: (item: Record<string, unknown>, path: string, topic: string) => T,
): T[] {
  const items = expectItems(input, name, (value, path) => {
    const item = expectObject(value, path)
    rejectUnknownKeys(item, keys, path)
    return parse(item, path, expectTopic(item.topic, `${path}.topic`))
  })
  rejectDuplicates(items, (t) => `'${t.topic}'`, name, 'topic')
  return items
}

/** Reads one new topic of createTopics (the item at `path`, naming `topic`). */
function parseNewTopic(item: Record<string, unknown>, path: string, topic: string): RawNewTopic {
  const assignment =
    item.replicaAssignment === undefined
      ? undefined
      : expectAssignment(item.replicaAssignment, `${path}.replicaAssignment`)
  const partitions =
    item.partitions === undefined
      ? -1
      : expectCount(item.partitions, `${path}.partitions`, `partitions of topic '${topic}'`, topic)
  const replicationFactor =
    item.replicationFactor === undefined
      ? -1
      : expectCount(item.replicationFactor, `${path}.replicationFactor`, `replicationFactor of topic '${topic}'`, topic)
  if (assignment && (replicationFactor !== -1 || (partitions !== -1 && partitions !== assignment.length))) {
    throw new ConfigError(
      `${path}.replicaAssignment`,
      `topic '${topic}': give either replicaAssignment or partitions/replicationFactor`,
      { topic },
    )
  }
  return {
    topic,
    partitions: assignment ? assignment.length : partitions,
    replicationFactor,
    ...(assignment ? { replicaAssignment: assignment } : {}),
    ...(item.config === undefined ? {} : { config: expectConfigRecord(item.config, `${path}.config`) }),
  }
}

/** Reads one partition increase of createPartitions (the item at `path`, naming `topic`). */
function parseNewPartitions(item: Record<string, unknown>, path: string, topic: string): RawNewPartitions {
  return {
    topic,
    count: expectCount(item.count, `${path}.count`, `the new partition count of topic '${topic}'`, topic),
    ...(item.replicaAssignment === undefined
      ? {}
      : { replicaAssignment: expectAssignment(item.replicaAssignment, `${path}.replicaAssignment`) }),
  }
}

type RawNewTopic = Parameters<AdminAddon['createTopics']>[1][number]
type RawNewPartitions = Parameters<AdminAddon['createPartitions']>[1][number]

/** What each call that creates topics or partitions sends the addon for one topic. */
interface TopicChangeItems {
  readonly createTopics: RawNewTopic
  readonly createPartitions: RawNewPartitions
}

/** The calls that create topics or partitions. */
type TopicChangeName = keyof TopicChangeItems

/** Those requests of the addon, by name. */
type TopicChangeRequests = {
  readonly [K in TopicChangeName]: AdminRequest<[items: ReadonlyArray<TopicChangeItems[K]>], RawTopicResult[]>
}

/**
 * What makes a call that creates topics or partitions, besides its name (which names its addon request too): its
 * input (the array's name, its items' keys, the reading of one item), and the partitions a topic must show.
 */
interface TopicChange<M extends TopicChangeName> {
  readonly input: string
  readonly keys: readonly string[]
  readonly parse: (item: Record<string, unknown>, path: string, topic: string) => TopicChangeItems[M]
  readonly partitionsOf: (item: TopicChangeItems[M]) => number
}

/** The call `operation`, which creates topics or partitions, made of `change` (see {@link changeTopics}). */
function topicChange<M extends TopicChangeName>(
  operation: M,
  change: TopicChange<M>,
): (context: AdminContext, input: unknown, options?: CreateTopicsOptions | CreatePartitionsOptions) => Promise<void> {
  return async (context, input, options = {}) => {
    const items = topicItems(input, change.input, change.keys, change.parse)
    await changeTopics(context, operation, change, options, items)
  }
}

/** See {@link Admin.createTopics}. */
export const createTopics: AdminOperation<'createTopics'> = topicChange('createTopics', {
  input: 'topics',
  keys: NEW_TOPIC_KEYS,
  parse: parseNewTopic,
  partitionsOf: (t) => t.partitions,
})

/** See {@link Admin.createPartitions}. */
export const createPartitions: AdminOperation<'createPartitions'> = topicChange('createPartitions', {
  input: 'partitions',
  keys: NEW_PARTITIONS_KEYS,
  parse: parseNewPartitions,
  partitionsOf: (t) => t.count,
})

/**
 * Runs a call that creates topics or partitions, then (unless `validateOnly` or `waitForLeaders: false`) waits until
 * the changed topics are led everywhere: those that succeeded are usable when the call settles, even when others of
 * the batch failed. Throws the batch's failures last.
 */
async function changeTopics<M extends TopicChangeName>(
  context: AdminContext,
  operation: M,
  { partitionsOf }: TopicChange<M>,
  options: CreateTopicsOptions | CreatePartitionsOptions,
  items: ReadonlyArray<TopicChangeItems[M]>,
): Promise<void> {
  const validateOnly = options.validateOnly === true
  const request: TopicChangeRequests[M] = context.addon[operation]
  await context.run(
    operation,
    options,
    'write',
    async ({ raw, deadline }) => {
      const results = await request.call(context.addon, context.handle, items, raw)
      const failures = topicFailures(
        operation,
        items.map((t) => t.topic),
        results,
      )
      const changed = items.filter((t) => results.some((r) => r.topic === t.topic && r.error === null))
      if (!validateOnly && options.waitForLeaders !== false && changed.length > 0) {
        await waitForLeaders(
          context,
          operation,
          changed.map((t) => ({ topic: t.topic, partitions: partitionsOf(t) })),
          deadline,
        )
      }
      failures.throwIfFailed(items.length)
    },
    { validateOnly },
  )
}

/**
 * Polls until every broker describes every topic with (at least) its partition count, each partition led, or throws
 * a TimeoutError at `deadline`. Each broker is asked itself: brokers learn of new topics from the metadata log at
 * their own pace, and a client may be sent to any of them next.
 */
async function waitForLeaders(
  context: AdminContext,
  operation: string,
  topics: ReadonlyArray<{ topic: string; partitions: number }>,
  deadline: number,
): Promise<void> {
  const remaining = (): number => Math.max(1, deadline - Date.now())
  const cluster = await context.addon.describeCluster(context.handle, { timeoutMs: remaining() })
  let pending = cluster.nodes.map((node) => node.id)
  let backoff = 50
  for (;;) {
    const ready = await Promise.all(
      pending.map(async (brokerId) => {
        const descriptions = await context.addon
          .describeTopics(
            context.handle,
            topics.map((t) => t.topic),
            { timeoutMs: remaining(), brokerId },
          )
          .catch(() => [] as RawTopicDescription[])
        return topics.every(({ topic, partitions }) => {
          const description = descriptions.find((d) => d.topic === topic)
          return (
            description !== undefined &&
            description.error === null &&
            description.partitions.length > 0 &&
            description.partitions.length >= partitions &&
            description.partitions.every((p) => p.leader !== null)
          )
        })
      }),
    )
    pending = pending.filter((_, index) => !ready[index])
    if (pending.length === 0) return
    if (!(await pause(backoff, deadline))) {
      throw new TimeoutError(
        `${operation}: ${topics.map((t) => `'${t.topic}'`).join(', ')} changed, but broker(s) ` +
          `${pending.join(', ')} did not show every partition with a leader before the deadline; pass waitForLeaders: false not to wait`,
      )
    }
    backoff = Math.min(backoff * 2, 500)
  }
}

/** See {@link Admin.deleteTopics}. */
export const deleteTopics: AdminOperation<'deleteTopics'> = async (context, input, options = {}) => {
  const topics = expectNames(input, 'topics', expectTopic, 'topic')
  await context.run('deleteTopics', options, 'write', async ({ raw }) => {
    collectTopicFailures('deleteTopics', topics, await context.addon.deleteTopics(context.handle, topics, raw))
  })
}

/** See {@link Admin.listTopics}. */
export const listTopics: AdminOperation<'listTopics'> = async (context, options = {}) => {
  return context.run('listTopics', options, 'read', async ({ raw }) => {
    const metadata = await context.addon.metadata(context.handle, { timeoutMs: raw.timeoutMs })
    const names = metadata.topics.filter((t) => t.error === null).map((t) => t.topic)
    if (options.includeInternal === true) return names.sort()
    // Only Kafka knows which topics are internal; every internal topic's name starts with '_'.
    const candidates = names.filter((name) => name.startsWith('_'))
    const internal = new Set<string>()
    if (candidates.length > 0) {
      for (const description of await context.addon.describeTopics(context.handle, candidates, timeoutOnly(raw))) {
        if (description.isInternal) internal.add(description.topic)
      }
    }
    return names.filter((name) => !internal.has(name)).sort()
  })
}

/** See {@link Admin.describeTopics}. */
export const describeTopics: AdminOperation<'describeTopics'> = describeNamed({
  operation: 'describeTopics',
  input: 'topics',
  check: expectTopic,
  ask: async (context, topics, { raw }) => {
    const results = await context.addon.describeTopics(context.handle, topics, raw)
    const transient = results.find((r) => r.error?.rdkafkaName === 'LEADER_NOT_AVAILABLE')
    if (transient?.error) throw new RetryRequest(transient.error)
    return results
  },
  nameOf: (result) => result.topic,
  failure: (topic) => ({ item: `topic '${topic}'`, missing: UNKNOWN_TOPIC, where: { topic } }),
  convert: toTopicDescription,
})

function toTopicDescription(raw: RawTopicDescription): TopicDescription {
  const operations = aclOperationNames(raw.authorizedOperations)
  return {
    topic: raw.topic,
    topicId: raw.topicId,
    isInternal: raw.isInternal,
    partitions: [...raw.partitions]
      .sort((a, b) => a.partition - b.partition)
      .map((p) => ({
        partition: p.partition,
        leader: p.leader ? toNode(p.leader) : null,
        replicas: p.replicas.map(toNode),
        isr: p.isr.map(toNode),
      })),
    ...(operations ? { authorizedOperations: operations } : {}),
  }
}

/** See {@link Admin.describeCluster}. */
export const describeCluster: AdminOperation<'describeCluster'> = async (context, options = {}) => {
  const extra = { includeAuthorizedOperations: options.includeAuthorizedOperations === true }
  return context.readCluster('describeCluster', options, extra, (result) => {
    const operations = aclOperationNames(result.authorizedOperations)
    return {
      clusterId: result.clusterId,
      controller: result.controller ? toNode(result.controller) : null,
      brokers: [...result.nodes].sort((a, b) => a.id - b.id).map(toNode),
      ...(operations ? { authorizedOperations: operations } : {}),
    }
  })
}
