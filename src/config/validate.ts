/**
 * Small, strict validators shared by every role's options. Each throws a {@link ConfigError} naming the option
 * path and what was expected; none of them coerces.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'

/** A short description of `value` for an error message: its kind, and strings and numbers themselves. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number') return `the number ${value}`
  return `a ${typeof value}`
}

/** Throws unless `value` is a plain object; returns it typed as a record. */
export function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path, `expected an object, got ${describeValue(value)}`)
  }
  return value as Record<string, unknown>
}

/** Throws a ConfigError for the first key of `object` not in `known`, suggesting the closest known key. */
export function rejectUnknownKeys(object: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      const hint = closest(key, known)
      throw new ConfigError(
        path ? `${path}.${key}` : key,
        `unknown option${hint ? `; did you mean \`${hint}\`?` : ''} Known options: ${known.join(', ')}`,
      )
    }
  }
}

/** Throws unless `value` is a non-empty string. */
export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(path, `expected a non-empty string, got ${describeValue(value)}`)
  }
  return value
}

/**
 * Throws unless `value` is a non-empty string, like {@link expectString}, but for secrets (passwords, tokens,
 * passphrases): the error says what kind of value it got, never the value, since errors end up in logs.
 */
export function expectSecret(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(
      path,
      `expected a non-empty string, got ${describeKind(value)} (not shown: the option holds a secret)`,
    )
  }
  return value
}

/** What kind of value `value` is, without showing any of it. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null'
  if (value === '') return 'an empty string'
  if (Array.isArray(value)) return 'an array'
  if (Buffer.isBuffer(value)) return 'a Buffer'
  return `a ${typeof value}`
}

/** Throws unless `value` is a boolean. */
export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(path, `expected true or false, got ${describeValue(value)}`)
  return value
}

/** Throws unless `value` is an integer within `[min, max]`. */
export function expectInteger(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `expected an integer from ${min} to ${max}, got ${describeValue(value)}`)
  }
  return value
}

/**
 * Reads the integer option `key` of `block` (`defaults[key]` when the block leaves it out): throws
 * {@link ConfigError}, at path `${prefix}${key}`, unless it is an integer from `min` to `max`.
 */
export function integerOption<K extends string>(
  block: Readonly<Record<string, unknown>>,
  defaults: Readonly<Record<K, number>>,
  key: K,
  prefix: string,
  min: number,
  max: number,
): number {
  return expectInteger(block[key] ?? defaults[key], `${prefix}${key}`, min, max)
}

/** Throws unless `value` is one of `allowed`. */
export function expectOneOf<const T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(
      path,
      `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`,
    )
  }
  return value as T
}

/** Throws unless `value` is a function. */
export function expectFunction(value: unknown, path: string): (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new ConfigError(path, `expected a function, got ${describeValue(value)}`)
  return value as (...args: never[]) => unknown
}

function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1
  for (const candidate of known) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}
