/**
 * Resource configuration calls: describe, and incremental alter (only the properties named change).
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import { ALTER_CONFIG_OP, RESOURCE_TYPE, type RawConfigEntry, type RawConfigResource } from '../native/admin-addon.js'
import { NOT_IN_ANSWER, resultsInOrder } from './batch.js'
import { configSourceName } from './convert.js'
import type { AdminOperation } from './operation.js'
import type { ConfigEntry, ConfigResourceType } from './types.js'
import {
  expectConfigRecord,
  expectItems,
  expectObject,
  expectOneOf,
  expectString,
  rejectDuplicates,
  rejectUnknownKeys,
} from './validate.js'

const TYPES: readonly ConfigResourceType[] = ['topic', 'broker', 'group']

function expectResource(
  value: unknown,
  path: string,
  keys: readonly string[],
): Record<string, unknown> & { type: ConfigResourceType; name: string } {
  const item = expectObject(value, path)
  rejectUnknownKeys(item, keys, path)
  const type = expectOneOf(item.type, TYPES, `${path}.type`)
  const name = expectString(item.name, `${path}.name`)
  if (type === 'broker' && !/^\d+$/.test(name))
    throw new ConfigError(`${path}.name`, `a broker is named by its id, e.g. '1', got ${JSON.stringify(name)}`)
  return { ...item, type, name }
}

const describeItem = (r: { type: string; name: string }): string => `${r.type} '${r.name}'`

/** The result of each resource, in input order; throws the failed ones together. */
function collect(
  operation: string,
  resources: ReadonlyArray<{ type: ConfigResourceType; name: string }>,
  results: readonly RawConfigResource[],
): RawConfigResource[] {
  return resultsInOrder(
    operation,
    resources,
    (resource) => results.find((r) => r.type === RESOURCE_TYPE[resource.type] && r.name === resource.name),
    (resource) => ({
      item: describeItem(resource),
      missing: NOT_IN_ANSWER,
      where: resource.type === 'topic' ? { topic: resource.name } : {},
    }),
  )
}

function toEntry(raw: RawConfigEntry): ConfigEntry {
  return {
    name: raw.name,
    value: raw.value,
    source: configSourceName(raw.source),
    isReadOnly: raw.isReadOnly,
    isDefault: raw.isDefault,
    isSensitive: raw.isSensitive,
    synonyms: (raw.synonyms ?? []).map((s) => ({ name: s.name, value: s.value, source: configSourceName(s.source) })),
  }
}

/** See {@link Admin.describeConfigs}. */
export const describeConfigs: AdminOperation<'describeConfigs'> = async (context, input, options = {}) => {
  const resources = expectItems(input, 'resources', (r, path) => {
    const { type, name } = expectResource(r, path, ['type', 'name'])
    return { type, name }
  })
  rejectDuplicates(resources, describeItem, 'resources', 'resource')
  return context.run('describeConfigs', options, 'read', async ({ raw }) => {
    const results = await context.addon.describeConfigs(
      context.handle,
      resources.map((r) => ({ type: RESOURCE_TYPE[r.type], name: r.name })),
      raw,
    )
    return collect('describeConfigs', resources, results).map((result, index) => ({
      type: resources[index]!.type,
      name: resources[index]!.name,
      entries: (result.entries ?? []).map(toEntry),
    }))
  })
}

/** See {@link Admin.alterConfigs}. */
export const alterConfigs: AdminOperation<'alterConfigs'> = async (context, input, options = {}) => {
  const resources = expectItems(input, 'resources', (r, path) => {
    const item = expectResource(r, path, ['type', 'name', 'set', 'delete', 'append', 'subtract'])
    const ops = [
      ...(item.set === undefined
        ? []
        : expectConfigRecord(item.set, `${path}.set`).map((e) => ({ ...e, op: ALTER_CONFIG_OP.set }))),
      ...(item.delete === undefined
        ? []
        : expectItems(item.delete, `${path}.delete`, (name, namePath) => ({
            name: expectString(name, namePath),
            value: null,
            op: ALTER_CONFIG_OP.delete,
          }))),
      ...(item.append === undefined
        ? []
        : expectConfigRecord(item.append, `${path}.append`).map((e) => ({ ...e, op: ALTER_CONFIG_OP.append }))),
      ...(item.subtract === undefined
        ? []
        : expectConfigRecord(item.subtract, `${path}.subtract`).map((e) => ({ ...e, op: ALTER_CONFIG_OP.subtract }))),
    ]
    if (ops.length === 0)
      throw new ConfigError(path, `${describeItem(item)}: nothing to change; give set, delete, append or subtract`)
    rejectDuplicates(ops, (o) => `'${o.name}'`, path, 'property')
    return { type: item.type, name: item.name, ops }
  })
  rejectDuplicates(resources, describeItem, 'resources', 'resource')
  await context.run(
    'alterConfigs',
    options,
    'write',
    async ({ raw }) => {
      const results = await context.addon.incrementalAlterConfigs(
        context.handle,
        resources.map((r) => ({ type: RESOURCE_TYPE[r.type], name: r.name, ops: r.ops })),
        raw,
      )
      collect('alterConfigs', resources, results)
    },
    { validateOnly: options.validateOnly === true },
  )
}
