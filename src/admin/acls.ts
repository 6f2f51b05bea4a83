/**
 * Access control calls: create, describe and delete ACLs, and SCRAM credentials (the users SASL/SCRAM knows).
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import {
  ACL_OPERATION,
  ACL_PERMISSION,
  PATTERN_TYPE,
  RESOURCE_TYPE,
  SCRAM_MECHANISM,
  type RawAclBinding,
} from '../native/admin-addon.js'
import { BatchFailures, NOT_IN_ANSWER, resultsInOrder } from './batch.js'
import {
  aclOperationName,
  aclResourceTypeName,
  patternTypeName,
  permissionName,
  scramMechanismName,
} from './convert.js'
import type { AdminOperation } from './operation.js'
import type { AclDescription, AclOperation, AclResourceType, ScramMechanism } from './types.js'
import { expectInteger, expectItems, expectObject, expectOneOf, expectString, rejectUnknownKeys } from './validate.js'
import { expectSecret } from '../config/validate.js'

const RESOURCE_TYPES: readonly AclResourceType[] = ['topic', 'group', 'cluster', 'transactional-id']
const OPERATIONS = Object.keys(ACL_OPERATION).filter((o) => o !== 'unknown' && o !== 'any') as AclOperation[]
const BINDING_KEYS = ['resourceType', 'resourceName', 'patternType', 'principal', 'host', 'operation', 'permission']
const MECHANISMS: readonly ScramMechanism[] = ['scram-sha-256', 'scram-sha-512']

function expectPrincipal(value: unknown, path: string): string {
  const principal = expectString(value, path)
  if (!/^[^:]+:.+$/.test(principal))
    throw new ConfigError(path, `expected 'Type:name', e.g. 'User:alice', got ${JSON.stringify(principal)}`)
  return principal
}

function toRawBinding(value: unknown, path: string): RawAclBinding {
  const item = expectObject(value, path)
  rejectUnknownKeys(item, BINDING_KEYS, path)
  return {
    resourceType: RESOURCE_TYPE[expectOneOf(item.resourceType, RESOURCE_TYPES, `${path}.resourceType`)],
    name: expectString(item.resourceName, `${path}.resourceName`),
    patternType:
      PATTERN_TYPE[
        item.patternType === undefined
          ? 'literal'
          : expectOneOf(item.patternType, ['literal', 'prefixed'] as const, `${path}.patternType`)
      ],
    principal: expectPrincipal(item.principal, `${path}.principal`),
    host: item.host === undefined ? '*' : expectString(item.host, `${path}.host`),
    operation: ACL_OPERATION[expectOneOf(item.operation, OPERATIONS, `${path}.operation`)],
    permission: ACL_PERMISSION[expectOneOf(item.permission, ['allow', 'deny'] as const, `${path}.permission`)],
  }
}

function toRawFilter(value: unknown, path: string): RawAclBinding {
  const item = expectObject(value ?? {}, path)
  rejectUnknownKeys(item, BINDING_KEYS, path)
  return {
    resourceType:
      item.resourceType === undefined
        ? RESOURCE_TYPE.any
        : RESOURCE_TYPE[expectOneOf(item.resourceType, RESOURCE_TYPES, `${path}.resourceType`)],
    name: item.resourceName === undefined ? null : expectString(item.resourceName, `${path}.resourceName`),
    patternType:
      item.patternType === undefined
        ? PATTERN_TYPE.any
        : PATTERN_TYPE[expectOneOf(item.patternType, ['literal', 'prefixed', 'match'] as const, `${path}.patternType`)],
    principal: item.principal === undefined ? null : expectPrincipal(item.principal, `${path}.principal`),
    host: item.host === undefined ? null : expectString(item.host, `${path}.host`),
    operation:
      item.operation === undefined
        ? ACL_OPERATION.any
        : ACL_OPERATION[expectOneOf(item.operation, OPERATIONS, `${path}.operation`)],
    permission:
      item.permission === undefined
        ? ACL_PERMISSION.any
        : ACL_PERMISSION[expectOneOf(item.permission, ['allow', 'deny'] as const, `${path}.permission`)],
  }
}

function toDescription(raw: RawAclBinding): AclDescription {
  return {
    resourceType: aclResourceTypeName(raw.resourceType),
    resourceName: raw.name ?? '',
    patternType: patternTypeName(raw.patternType),
    principal: raw.principal ?? '',
    host: raw.host ?? '*',
    operation: aclOperationName(raw.operation),
    permission: permissionName(raw.permission),
  }
}

const describeBinding = (b: RawAclBinding): string =>
  `ACL ${b.principal ?? '*'} on ${aclResourceTypeName(b.resourceType)} '${b.name ?? '*'}'`

/** See {@link Admin.createAcls}. */
export const createAcls: AdminOperation<'createAcls'> = async (context, input, options = {}) => {
  const bindings = expectItems(input, 'acls', toRawBinding)
  await context.run('createAcls', options, 'write', async ({ raw }) => {
    const results = await context.addon.createAcls(context.handle, bindings, raw)
    const failures = new BatchFailures('createAcls')
    results.forEach((error, index) => {
      if (error) failures.addRaw(index, error, describeBinding(bindings[index]!))
    })
    failures.throwIfFailed(bindings.length)
  })
}

/** See {@link Admin.describeAcls}. */
export const describeAcls: AdminOperation<'describeAcls'> = async (context, filter = {}, options = {}) => {
  const raw = toRawFilter(filter, 'filter')
  return context.run('describeAcls', options, 'read', async (attempt) =>
    (await context.addon.describeAcls(context.handle, raw, attempt.raw)).map(toDescription),
  )
}

/** See {@link Admin.deleteAcls}. */
export const deleteAcls: AdminOperation<'deleteAcls'> = async (context, input, options = {}) => {
  const filters = expectItems(input, 'filters', toRawFilter)
  return context.run('deleteAcls', options, 'write', async ({ raw }) => {
    const results = await context.addon.deleteAcls(context.handle, filters, raw)
    return resultsInOrder(
      'deleteAcls',
      filters,
      (_, index) => results[index],
      (_, index) => ({ item: `filter ${index}`, missing: NOT_IN_ANSWER }),
    ).map((result) => result.deleted.map(toDescription))
  })
}

/** See {@link Admin.describeUserScramCredentials}. */
export const describeUserScramCredentials: AdminOperation<'describeUserScramCredentials'> = async (
  context,
  input,
  options = {},
) => {
  const users = input === undefined ? [] : expectItems(input, 'users', expectString)
  return context.run('describeUserScramCredentials', options, 'read', async ({ raw }) => {
    const results = await context.addon.describeUserScramCredentials(context.handle, users, raw)
    const failures = new BatchFailures('describeUserScramCredentials')
    const described = results.flatMap((result) => {
      if (result.error) {
        failures.addRaw(Math.max(0, users.indexOf(result.user)), result.error, `user '${result.user}'`)
        return []
      }
      return [
        {
          user: result.user,
          credentials: result.credentials.map((c) => ({
            mechanism: scramMechanismName(c.mechanism),
            iterations: c.iterations,
          })),
        },
      ]
    })
    failures.throwIfFailed(Math.max(users.length, results.length))
    return described
  })
}

/** See {@link Admin.alterUserScramCredentials}. */
export const alterUserScramCredentials: AdminOperation<'alterUserScramCredentials'> = async (
  context,
  input,
  options = {},
) => {
  const alterations = expectItems(input, 'alterations', (value, path) => {
    const item = expectObject(value, path)
    const user = expectString(item.user, `${path}.user`)
    const mechanism = SCRAM_MECHANISM[expectOneOf(item.mechanism, MECHANISMS, `${path}.mechanism`)]
    if (item.delete === true) {
      rejectUnknownKeys(item, ['user', 'mechanism', 'delete'], path)
      return { user, mechanism }
    }
    rejectUnknownKeys(item, ['user', 'mechanism', 'password', 'iterations'], path)
    return {
      user,
      mechanism,
      password: expectSecret(item.password, `${path}.password`),
      iterations:
        item.iterations === undefined ? 8192 : expectInteger(item.iterations, `${path}.iterations`, 4096, 16_384),
    }
  })
  await context.run('alterUserScramCredentials', options, 'write', async ({ raw }) => {
    const results = await context.addon.alterUserScramCredentials(context.handle, alterations, raw)
    const failures = new BatchFailures('alterUserScramCredentials')
    alterations.forEach(({ user }, index) => {
      const error = results.find((r) => r.user === user && r.error)?.error
      if (error) failures.addRaw(index, error, `user '${user}'`)
    })
    failures.throwIfFailed(alterations.length)
  })
}
