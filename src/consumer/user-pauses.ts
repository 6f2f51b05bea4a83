/**
 * Which topics and partitions the user paused. A topic paused as a whole also covers partitions assigned later.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'
import type { TopicPartitions } from './types.js'

/** The user's pauses, kept across rebalances. */
export class UserPauses {
  /** A topic maps to its paused partitions, or `'all'`. */
  readonly #paused = new Map<string, Set<number> | 'all'>()

  /** Adds pauses. Throws {@link ConfigError} on a malformed list. */
  pause(topics: readonly TopicPartitions[]): void {
    for (const { topic, partitions } of check(topics)) {
      const current = this.#paused.get(topic)
      if (partitions === undefined) this.#paused.set(topic, 'all')
      else if (current !== 'all') this.#paused.set(topic, new Set([...(current ?? []), ...partitions]))
    }
  }

  /**
   * Lifts pauses. Resuming some partitions of a topic paused as a whole keeps the topic's other currently
   * `assigned` partitions paused.
   */
  resume(topics: readonly TopicPartitions[], assigned: (topic: string) => number[]): void {
    for (const { topic, partitions } of check(topics)) {
      const current = this.#paused.get(topic)
      if (current === undefined) continue
      if (partitions === undefined) {
        this.#paused.delete(topic)
        continue
      }
      const remaining = new Set(current === 'all' ? assigned(topic) : current)
      for (const partition of partitions) remaining.delete(partition)
      if (remaining.size === 0) this.#paused.delete(topic)
      else this.#paused.set(topic, remaining)
    }
  }

  /** Whether the user paused this partition. */
  has(topic: string, partition: number): boolean {
    const paused = this.#paused.get(topic)
    return paused === 'all' || (paused?.has(partition) ?? false)
  }
}

function check(topics: readonly TopicPartitions[]): readonly TopicPartitions[] {
  const list: unknown = topics // checked as unknown: JavaScript callers pass anything, and the type stays intact
  if (!Array.isArray(list)) throw new ConfigError('topics', 'expected an array of { topic, partitions? }')
  topics.forEach((entry, index) => {
    if (typeof entry?.topic !== 'string' || entry.topic === '')
      throw new ConfigError(`topics[${index}].topic`, 'expected a topic name')
    if (
      entry.partitions !== undefined &&
      (!Array.isArray(entry.partitions) ||
        !entry.partitions.every((p: unknown) => Number.isInteger(p) && (p as number) >= 0))
    ) {
      throw new ConfigError(`topics[${index}].partitions`, 'expected an array of partition numbers')
    }
  })
  return topics
}
