/**
 * Argument checks of the admin calls. They run before anything is sent, so a bad item fails the whole call with a
 * {@link ConfigError} naming it (path and name) and nothing is changed on the cluster.
 * @module
 */
import { expectInteger, expectObject, expectOneOf, expectString, rejectUnknownKeys } from '../config/validate.js'
import { ConfigError } from '../errors/kafka-error.js'

export { expectInteger, expectObject, expectOneOf, expectString, rejectUnknownKeys }

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/
const INT32_MAX = 2_147_483_647

/** Throws unless `value` is a non-empty array; returns it. */
export function expectArray(value: unknown, path: string, { allowEmpty = false } = {}): readonly unknown[] {
  if (!Array.isArray(value))
    throw new ConfigError(path, `expected an array, got ${value === null ? 'null' : typeof value}`)
  if (!allowEmpty && value.length === 0) throw new ConfigError(path, 'expected at least one item')
  return value
}

/**
 * Checks each item of the non-empty array `value` (at `path`) with `check`, which gets the item's own path
 * (`path[index]`); returns what `check` answers for each. Throws {@link ConfigError} naming the offending item.
 */
export function expectItems<T>(value: unknown, path: string, check: (item: unknown, itemPath: string) => T): T[] {
  return expectArray(value, path).map((item, index) => check(item, `${path}[${index}]`))
}

/**
 * Checks a non-empty array of names (each with `check` at its own path) in which each name appears once; `what` says
 * what a name is of in the message (e.g. `topic`). Throws {@link ConfigError} naming the offending item.
 */
export function expectNames(
  value: unknown,
  path: string,
  check: (item: unknown, itemPath: string) => string,
  what: string,
): string[] {
  const names = expectItems(value, path, check)
  rejectDuplicates(names, (name) => `'${name}'`, path, what)
  return names
}

/** Throws unless `value` is a legal Kafka topic name (Kafka's own rule: `[a-zA-Z0-9._-]`, 1 to 249 characters). */
export function expectTopic(value: unknown, path: string): string {
  const topic = expectString(value, path)
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new ConfigError(
      path,
      `${JSON.stringify(topic)} is not a legal topic name (letters, digits, '.', '_', '-'; at most 249)`,
      { topic },
    )
  }
  return topic
}

/** Throws unless `value` is a partition number. */
export function expectPartition(value: unknown, path: string, topic?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > INT32_MAX) {
    throw new ConfigError(
      path,
      `expected a partition number (an integer >= 0)${topic ? ` of topic '${topic}'` : ''}, got ${JSON.stringify(value)}`,
      topic === undefined ? {} : { topic },
    )
  }
  return value
}

/** Throws unless `value` is a positive 32-bit integer; `what` names the item in the message. */
export function expectCount(value: unknown, path: string, what: string, topic?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > INT32_MAX) {
    throw new ConfigError(
      path,
      `${what} must be an integer >= 1, got ${JSON.stringify(value)}`,
      topic === undefined ? {} : { topic },
    )
  }
  return value
}

/** Parses an offset (`string`, safe integer `number` or `bigint`), at least `min`. */
export function toOffset(value: unknown, path: string, min = 0n): bigint {
  let offset: bigint | undefined
  if (typeof value === 'bigint') offset = value
  else if (typeof value === 'number' && Number.isSafeInteger(value)) offset = BigInt(value)
  else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) offset = BigInt(value)
  if (offset === undefined || offset < min || offset > 0x7fffffffffffffffn) {
    throw new ConfigError(
      path,
      `expected an offset (an integer >= ${min} as string, number or bigint), got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`,
    )
  }
  return offset
}

/** Throws unless `value` is a timestamp in ms since the epoch. */
export function expectTimestamp(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(path, `expected a timestamp (ms since the epoch, >= 0), got ${JSON.stringify(value)}`)
  }
  return value
}

/** Throws unless `value` is an array of partition replica lists (broker ids). */
export function expectAssignment(value: unknown, path: string): number[][] {
  return expectArray(value, path).map((replicas, partition) =>
    expectArray(replicas, `${path}[${partition}]`).map((broker, index) => {
      if (typeof broker !== 'number' || !Number.isInteger(broker) || broker < 0) {
        throw new ConfigError(`${path}[${partition}][${index}]`, `expected a broker id, got ${JSON.stringify(broker)}`)
      }
      return broker
    }),
  )
}

/** Throws unless each value of a config record is a string, number or boolean; returns them as strings. */
export function expectConfigRecord(value: unknown, path: string): Array<{ name: string; value: string }> {
  return Object.entries(expectObject(value, path)).map(([name, entry]) => {
    if (typeof entry !== 'string' && typeof entry !== 'number' && typeof entry !== 'boolean') {
      throw new ConfigError(
        `${path}['${name}']`,
        `expected a string, number or boolean, got ${entry === null ? 'null' : typeof entry}`,
      )
    }
    return { name, value: String(entry) }
  })
}

/** Throws if two items share a key (librdkafka rejects the whole request for duplicates anyway). */
export function rejectDuplicates<T>(items: readonly T[], key: (item: T) => string, path: string, what: string): void {
  const seen = new Map<string, number>()
  items.forEach((item, index) => {
    const name = key(item)
    const first = seen.get(name)
    if (first !== undefined)
      throw new ConfigError(`${path}[${index}]`, `${what} ${name} is also item ${first}: name each ${what} once`)
    seen.set(name, index)
  })
}
