import { describe, expect, it } from 'vitest'
import {
  aclOperationName,
  aclOperationNames,
  aclResourceTypeName,
  configSourceName,
  groupStateName,
  groupTypeName,
  offsetOrNull,
  patternTypeName,
  permissionName,
  scramMechanismName,
} from '../../../src/admin/convert.js'
import { ACL_OPERATION, GROUP_STATE, RESOURCE_TYPE } from '../../../src/native/admin-addon.js'

describe('librdkafka enum translation', () => {
  it('round-trips every group state and names unknown numbers unknown', () => {
    for (const [name, value] of Object.entries(GROUP_STATE)) expect(groupStateName(value)).toBe(name)
    expect(groupStateName(99)).toBe('unknown')
    expect(groupTypeName(1)).toBe('consumer')
    expect(groupTypeName(2)).toBe('classic')
  })

  it('names ACL operations, dropping unknown/any from authorized operation lists', () => {
    expect(aclOperationNames([ACL_OPERATION.read, ACL_OPERATION.any, ACL_OPERATION['describe-configs'], 0])).toEqual([
      'read',
      'describe-configs',
    ])
    expect(aclOperationNames(null)).toBeUndefined()
    expect(aclOperationName(ACL_OPERATION['idempotent-write'])).toBe('idempotent-write')
  })

  it('names ACL resources, patterns, permissions, config sources and SCRAM mechanisms', () => {
    expect(aclResourceTypeName(RESOURCE_TYPE.cluster)).toBe('cluster')
    expect(aclResourceTypeName(RESOURCE_TYPE['transactional-id'])).toBe('transactional-id')
    expect(patternTypeName(4)).toBe('prefixed')
    expect(patternTypeName(3)).toBe('literal')
    expect(permissionName(2)).toBe('deny')
    expect(permissionName(3)).toBe('allow')
    expect(configSourceName(1)).toBe('dynamic-topic')
    expect(configSourceName(4)).toBe('static-broker')
    expect(configSourceName(42)).toBe('unknown')
    expect(scramMechanismName(2)).toBe('scram-sha-512')
  })

  it('turns negative logical offsets into null', () => {
    expect(offsetOrNull(-1001n)).toBeNull()
    expect(offsetOrNull(0n)).toBe('0')
    expect(offsetOrNull(9007199254740993n)).toBe('9007199254740993')
  })
})
