/**
 * Translation between kafkit's names and librdkafka's numbers, and from the addon's raw shapes to kafkit's types.
 * @module
 */
import {
  ACL_OPERATION,
  ACL_PERMISSION,
  CONFIG_SOURCE,
  GROUP_STATE,
  GROUP_TYPE,
  PATTERN_TYPE,
  RESOURCE_TYPE,
  SCRAM_MECHANISM,
  type RawNode,
} from '../native/admin-addon.js'
import type {
  AclOperation,
  AclPatternType,
  AclResourceType,
  BrokerNode,
  ConfigSource,
  GroupState,
  GroupType,
  ScramMechanism,
} from './types.js'

/** Reverses a name → number table; the first name wins for shared numbers. */
function reverse<K extends string>(table: Readonly<Record<K, number | bigint>>): ReadonlyMap<number, K> {
  const map = new Map<number, K>()
  for (const [name, value] of Object.entries(table) as Array<[K, number]>) if (!map.has(value)) map.set(value, name)
  return map
}

const groupStates = reverse(GROUP_STATE)
const groupTypes = reverse(GROUP_TYPE)
const configSources = reverse(CONFIG_SOURCE)
const aclOperations = reverse(ACL_OPERATION)
const patternTypes = reverse(PATTERN_TYPE)
const aclPermissions = reverse(ACL_PERMISSION)
const scramMechanisms = reverse(SCRAM_MECHANISM)
const aclResourceTypes = new Map<number, AclResourceType>([
  [RESOURCE_TYPE.topic, 'topic'],
  [RESOURCE_TYPE.group, 'group'],
  [RESOURCE_TYPE.cluster, 'cluster'],
  [RESOURCE_TYPE['transactional-id'], 'transactional-id'],
])

/** A broker as kafkit reports it. */
export function toNode(node: RawNode): BrokerNode {
  return { id: node.id, host: node.host, port: node.port, rack: node.rack }
}

/** Group state name for librdkafka's number. */
export function groupStateName(value: number): GroupState {
  return groupStates.get(value) ?? 'unknown'
}

/** Group type name for librdkafka's number. */
export function groupTypeName(value: number): GroupType {
  return groupTypes.get(value) ?? 'unknown'
}

/** Config source name for librdkafka's number. */
export function configSourceName(value: number): ConfigSource {
  return configSources.get(value) ?? 'unknown'
}

/** ACL operation names, dropping what kafkit does not name (unknown/any). */
export function aclOperationNames(values: readonly number[] | null): AclOperation[] | undefined {
  if (values === null) return undefined
  return values.flatMap((value) => {
    const name = aclOperations.get(value)
    return name === undefined || name === 'unknown' || name === 'any' ? [] : [name]
  })
}

/** One ACL operation name; `'all'` stands in for anything kafkit does not name. */
export function aclOperationName(value: number): AclOperation {
  const name = aclOperations.get(value)
  return name === undefined || name === 'unknown' || name === 'any' ? 'all' : name
}

/** ACL resource type name for librdkafka's number. */
export function aclResourceTypeName(value: number): AclResourceType {
  return aclResourceTypes.get(value) ?? 'topic'
}

/** ACL pattern type name for librdkafka's number. */
export function patternTypeName(value: number): AclPatternType {
  return patternTypes.get(value) === 'prefixed' ? 'prefixed' : 'literal'
}

/** ACL permission name for librdkafka's number. */
export function permissionName(value: number): 'allow' | 'deny' {
  return aclPermissions.get(value) === 'deny' ? 'deny' : 'allow'
}

/** SCRAM mechanism name for librdkafka's number. */
export function scramMechanismName(value: number): ScramMechanism {
  return scramMechanisms.get(value) === 'scram-sha-512' ? 'scram-sha-512' : 'scram-sha-256'
}

/** `-1001` and other negative logical offsets mean "none". */
export function offsetOrNull(offset: bigint): string | null {
  return offset < 0n ? null : offset.toString()
}
