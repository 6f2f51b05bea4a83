import { expectObject, rejectUnknownKeys } from '../config/validate.js'
import { ConfigError } from '../errors/kafka-error.js'
import type { Serde } from './types.js'

/** Key and value serdes of one topic, validated. */
export interface ResolvedTopicSerdes {
  key?: Serde<unknown>
  value?: Serde<unknown>
}

/** Throws a {@link ConfigError} at `path` unless `value` has `serialize()` and `deserialize()`. */
export function expectSerde(value: unknown, path: string): Serde<unknown> {
  const serde = expectObject(value, path)
  if (typeof serde.serialize !== 'function' || typeof serde.deserialize !== 'function') {
    throw new ConfigError(path, 'expected a serde with serialize() and deserialize(), e.g. serdes.string()')
  }
  return serde as unknown as Serde<unknown>
}

/** Validates a `topics` serde map (`{ [topic]: { key?, value? } }`), naming the offending entry. */
export function resolveTopicSerdes(value: unknown, path = 'topics'): Record<string, ResolvedTopicSerdes> {
  const topics: Record<string, ResolvedTopicSerdes> = {}
  for (const [topic, entry] of Object.entries(expectObject(value, path))) {
    const serdes = expectObject(entry, `${path}.${topic}`)
    rejectUnknownKeys(serdes, ['key', 'value'], `${path}.${topic}`)
    const resolved: ResolvedTopicSerdes = {
      ...(serdes.key === undefined ? {} : { key: expectSerde(serdes.key, `${path}.${topic}.key`) }),
      ...(serdes.value === undefined ? {} : { value: expectSerde(serdes.value, `${path}.${topic}.value`) }),
    }
    // Defined, not assigned: assigning to '__proto__' (a legal topic name) would set the prototype instead.
    Object.defineProperty(topics, topic, { value: resolved, enumerable: true, writable: true, configurable: true })
  }
  return topics
}
