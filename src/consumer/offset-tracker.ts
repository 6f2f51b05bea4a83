/**
 * Moves processed offsets into librdkafka's offset store and turns asynchronous commits into promises.
 *
 * Only offsets of handled messages are ever stored (`enable.auto.offset.store=false`); librdkafka's auto-commit
 * then commits them in the background, and commits them once more itself, before releasing them, when partitions
 * are unassigned in a rebalance. Nothing here blocks the event loop on a broker round trip.
 * @module
 */
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { type KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { RESP_ERR } from '../errors/codes.generated.js'
import type { RawError, RawTopicPartition } from '../native/consumer.js'
import { partitionKey, type PartitionState } from './partition-state.js'

/** The part of the native consumer the tracker needs. */
export interface OffsetStore {
  offsetsStore(offsets: Array<RawTopicPartition & { offset: number }>): void
  commit(offsets: Array<RawTopicPartition & { offset: number }>): void
}

interface CommitWaiter {
  readonly offsets: ReadonlyMap<string, number>
  readonly resolve: () => void
  readonly reject: (error: KafkaError) => void
}

/** Tracks stored and committed offsets per partition. */
export class OffsetTracker {
  readonly #native: OffsetStore
  readonly #onFailure: (error: KafkaError) => void
  readonly #committed = new Map<string, number>()
  readonly #enabled: boolean
  #waiters: CommitWaiter[] = []

  /**
   * @param native - where offsets are stored and committed
   * @param onFailure - told of every failed commit, kafkit's or librdkafka's automatic ones
   * @param enabled - `false` when offsets are committed elsewhere (in transactions): then nothing is stored or committed
   */
  constructor(native: OffsetStore, onFailure: (error: KafkaError) => void = () => {}, enabled = true) {
    this.#native = native
    this.#onFailure = onFailure
    this.#enabled = enabled
  }

  /**
   * Hands the processed offsets of `states` that moved since the last call to librdkafka's offset store.
   * @returns the error librdkafka reported, if any (the offsets stay pending and are retried on the next call)
   */
  store(states: Iterable<PartitionState>): KafkaError | undefined {
    if (!this.#enabled) return undefined
    const offsets: Array<RawTopicPartition & { offset: number }> = []
    const stored: PartitionState[] = []
    for (const state of states) {
      if (state.processedNext === undefined || state.status === 'gone') continue
      if (state.storedNext !== undefined && state.processedNext <= state.storedNext) continue
      offsets.push({ topic: state.topic, partition: state.partition, offset: state.processedNext })
      stored.push(state)
    }
    if (offsets.length === 0) return undefined
    try {
      this.#native.offsetsStore(offsets)
    } catch (error) {
      return fromRdkafkaError(error, { operation: 'storing processed offsets' })
    }
    for (const state of stored) state.storedNext = state.processedNext
    return undefined
  }

  /**
   * Stores and commits the processed offsets of `states`, resolving once the coordinator confirmed them.
   * Resolves at once when there is nothing new to commit.
   */
  async commit(states: Iterable<PartitionState>, timeoutMs: number): Promise<void> {
    if (!this.#enabled) return
    const list = [...states]
    const storeError = this.store(list)
    if (storeError) throw storeError
    const offsets = new Map<string, number>()
    const request: Array<RawTopicPartition & { offset: number }> = []
    for (const state of list) {
      const next = state.storedNext
      if (next === undefined || state.status === 'gone') continue
      if ((this.#committed.get(state.key) ?? -1) >= next) continue
      offsets.set(state.key, next)
      request.push({ topic: state.topic, partition: state.partition, offset: next })
    }
    if (request.length === 0) return
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
        reject(
          new TimeoutError(
            `commit of ${request.length} partition(s) not confirmed within ${timeoutMs} ms; it may still succeed`,
          ),
        )
      }, timeoutMs)
      const waiter: CommitWaiter = {
        offsets,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.#waiters.push(waiter)
    })
    try {
      this.#native.commit(request)
    } catch (error) {
      this.#settle((waiter) => waiter.offsets === offsets, fromRdkafkaError(error, { operation: 'commit' }))
    }
    return done
  }

  /** The last offset this member saw committed for a partition. */
  committedOffset(topic: string, partition: number): number | undefined {
    return this.#committed.get(partitionKey(topic, partition))
  }

  /** Forgets what is known about a partition that left this member. */
  forget(state: PartitionState): void {
    this.#committed.delete(state.key)
  }

  /**
   * librdkafka's offset-commit callback: fires for kafkit's commits, auto-commits and the commits of unassigned
   * partitions alike, so waiters are matched by content: any successful commit covering a waiter's offsets
   * satisfies it; a failure rejects the waiter whose exact request failed.
   */
  onCommitResult(error: RawError | undefined, offsets: RawTopicPartition[]): void {
    const failed = error !== undefined && error !== null && error.code !== RESP_ERR._NO_OFFSET
    const result = new Map<string, number>()
    for (const entry of offsets) {
      if (entry.offset === undefined) continue
      const key = partitionKey(entry.topic, entry.partition)
      result.set(key, entry.offset)
      if (!failed && !entry.code && entry.offset > (this.#committed.get(key) ?? -1))
        this.#committed.set(key, entry.offset)
    }
    const mapped = failed ? fromRdkafkaError(error, { operation: 'commit' }) : undefined
    if (mapped) this.#onFailure(mapped)
    if (channels.consumerCommit.hasSubscribers) {
      channels.consumerCommit.publish({
        offsets: offsets.map((o) => ({
          topic: o.topic,
          partition: o.partition,
          offset: o.offset === undefined ? null : String(o.offset),
        })),
        error: mapped,
      })
    }
    if (this.#waiters.length === 0) return
    if (!failed) {
      this.#settle((waiter) => [...waiter.offsets].every(([key, offset]) => (this.#committed.get(key) ?? -1) >= offset))
    } else {
      this.#settle(
        (waiter) =>
          waiter.offsets.size === result.size &&
          [...waiter.offsets].every(([key, offset]) => result.get(key) === offset),
        mapped,
      )
    }
  }

  /** Rejects every pending commit (the consumer is closing). */
  abandon(error: KafkaError): void {
    this.#settle(() => true, error)
  }

  #settle(match: (waiter: CommitWaiter) => boolean, error?: KafkaError): void {
    const remaining: CommitWaiter[] = []
    for (const waiter of this.#waiters) {
      if (!match(waiter)) remaining.push(waiter)
      else if (error) waiter.reject(error)
      else waiter.resolve()
    }
    this.#waiters = remaining
  }
}
