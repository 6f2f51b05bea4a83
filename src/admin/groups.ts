/**
 * Consumer group calls: list, describe, delete, and the emptiness check that offset changes need.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { ConfigError, KafkaAggregateError, type KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import {
  GROUP_STATE,
  GROUP_TYPE,
  type RawError,
  type RawGroupDescription,
  type RawGroupListing,
} from '../native/admin-addon.js'
import { BatchFailures } from './batch.js'
import { describeNamed } from './describe-named.js'
import { aclOperationNames, groupStateName, groupTypeName, toNode } from './convert.js'
import { type AdminContext, type Attempt, isRetryable, pause, RetryRequest, timeoutOnly } from './request.js'
import type { AdminOperation } from './operation.js'
import type { GroupDescription, GroupListing } from './types.js'
import { expectArray, expectNames, expectString } from './validate.js'

/** librdkafka's NON_EMPTY_GROUP, used when kafkit itself finds a group with members. */
const NON_EMPTY_GROUP = 68

/** Checks a group id argument. */
export function expectGroupId(value: unknown, path: string): string {
  return expectString(value, path)
}

/**
 * Maps an optional list of names (at `path`) to their values in `table`; throws {@link ConfigError} naming the item
 * that is no name of `table`, and what it should have been (a `what`).
 */
function namedValues<T>(names: unknown, path: string, table: Readonly<Record<string, T>>, what: string): T[] {
  return (names === undefined ? [] : expectArray(names, path)).map((name, index) => {
    const value = table[name as string]
    if (value === undefined)
      throw new ConfigError(
        `${path}[${index}]`,
        `unknown ${what} ${JSON.stringify(name)}; expected one of ${Object.keys(table).join(', ')}`,
      )
    return value
  })
}

/** See {@link Admin.listGroups}. */
export const listGroups: AdminOperation<'listGroups'> = async (context, options = {}) => {
  const states = namedValues(options.states, 'options.states', GROUP_STATE, 'group state')
  const types = namedValues(options.types, 'options.types', GROUP_TYPE, 'group type')
  const extra = { ...(states.length > 0 ? { states } : {}), ...(types.length > 0 ? { types } : {}) }
  return context.readCluster('listGroups', options, extra, (result) => {
    const transient = result.errors.find((error) => isRetryable(error, 'read'))
    if (transient) throw new RetryRequest(transient)
    if (result.errors.length > 0) {
      // Errors are per broker: the listing is incomplete, so it is not returned at all.
      throw new KafkaAggregateError(
        result.errors.map((error, index) => ({ index, error: fromRdkafkaError(error, { operation: 'listGroups' }) })),
        `listGroups: ${result.errors.length} broker(s) could not list their groups: ${result.errors.map((e) => e.rdkafkaName).join(', ')}`,
      )
    }
    return result.groups
      .map(toGroupListing)
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
  })
}

/** See {@link Admin.describeGroups}. */
export const describeGroups: AdminOperation<'describeGroups'> = describeNamed({
  operation: 'describeGroups',
  input: 'groups',
  check: expectGroupId,
  ask: describeRaw,
  nameOf: (result) => result.groupId,
  failure: (groupId) => ({ item: `group '${groupId}'`, missing: missing(groupId) }),
  convert: toGroupDescription,
})

/** Describes groups, asking for another attempt while a coordinator is not ready. */
async function describeRaw(
  context: AdminContext,
  groups: readonly string[],
  { raw }: Attempt,
): Promise<RawGroupDescription[]> {
  const results = await context.addon.describeGroups(context.handle, groups, raw)
  const transient = results.find((r) => isRetryable(r.error, 'write'))
  if (transient?.error) throw new RetryRequest(transient.error)
  return results
}

function missing(groupId: string): RawError {
  return { code: RESP_ERR._NOENT, rdkafkaName: '_NOENT', message: `group '${groupId}' is not in the answer` }
}

/** What a listing and a description of a group both say: its id, whether it is simple, its state and protocol. */
function toGroupListing(raw: RawGroupListing): GroupListing {
  return {
    groupId: raw.groupId,
    isSimple: raw.isSimple,
    state: groupStateName(raw.state),
    type: groupTypeName(raw.type),
  }
}

function toGroupDescription(raw: RawGroupDescription): GroupDescription {
  const operations = aclOperationNames(raw.authorizedOperations)
  return {
    ...toGroupListing(raw),
    partitionAssignor: raw.partitionAssignor === '' ? null : raw.partitionAssignor,
    coordinator: raw.coordinator ? toNode(raw.coordinator) : null,
    members: raw.members.map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      groupInstanceId: member.groupInstanceId,
      host: member.host,
      assignment: (member.assignment ?? []).map(({ topic, partition }) => ({ topic, partition })),
      targetAssignment: member.targetAssignment
        ? member.targetAssignment.map(({ topic, partition }) => ({ topic, partition }))
        : null,
    })),
    ...(operations ? { authorizedOperations: operations } : {}),
  }
}

/** See {@link Admin.deleteGroups}. */
export const deleteGroups: AdminOperation<'deleteGroups'> = async (context, input, options = {}) => {
  const groups = expectNames(input, 'groups', expectGroupId, 'group')
  await context.run('deleteGroups', options, 'write', async ({ raw, deadline }) => {
    const failures = new BatchFailures('deleteGroups')
    // Groups whose coordinator was not ready are sent again alone, so that deleted ones are not deleted twice.
    let pending = groups
    let backoff = 100
    while (pending.length > 0) {
      const results = await context.addon.deleteGroups(context.handle, pending, {
        ...raw,
        timeoutMs: Math.max(1, deadline - Date.now()),
      })
      const retry: string[] = []
      for (const groupId of pending) {
        const error = results.find((r) => r.groupId === groupId)?.error ?? null
        if (error === null) continue
        if (isRetryable(error, 'write') && Date.now() + backoff < deadline) retry.push(groupId)
        else failures.addRaw(groups.indexOf(groupId), error, `group '${groupId}'`)
      }
      pending = retry
      if (pending.length > 0 && !(await pause(backoff, deadline))) break
      backoff = Math.min(backoff * 2, 1000)
    }
    failures.throwIfFailed(groups.length)
  })
}

/**
 * Throws a NON_EMPTY_GROUP {@link KafkaError} unless the group has no members: the coordinator only accepts offsets
 * from outside the group while it is empty, and an active member would overwrite them at its next commit.
 */
export async function assertGroupEmpty(
  context: AdminContext,
  groupId: string,
  operation: string,
  attempt: Attempt,
): Promise<void> {
  const [description] = await describeRaw(context, [groupId], { ...attempt, raw: timeoutOnly(attempt.raw) })
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the request runner turns a thrown RawError into a KafkaError (request.ts)
  if (description?.error) throw description.error
  if (description && description.members.length > 0) {
    throw nonEmptyGroup(
      groupId,
      operation,
      `${description.members.length} active member(s), state ${groupStateName(description.state)}`,
    )
  }
}

/** The error for offsets refused because the group has members. */
export function nonEmptyGroup(groupId: string, operation: string, detail: string): KafkaError {
  return fromRdkafkaError(
    { code: NON_EMPTY_GROUP, message: `group '${groupId}' is not empty (${detail}); stop its consumers, then retry` },
    { operation: `${operation} of group '${groupId}'` },
  )
}
