/**
 * The rebalance protocol on this member's side. librdkafka raises each change while kafkit fetches and waits until
 * kafkit calls (incremental) assign/unassign, so kafkit may take its time: on revoke it first waits
 * (bounded by `revokeTimeoutMs`) for the in-flight handlers of the revoked partitions, stores their processed
 * offsets, runs the user's hook, and only then unassigns — and librdkafka commits the stored offsets of unassigned
 * partitions before the group moves them (it does not rejoin while that commit is outstanding).
 *
 * Events are handled one after the other, in the order librdkafka raised them.
 * @module
 */
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { RESP_ERR } from '../errors/codes.generated.js'
import type { NativeConsumerAdapter, RawRebalance } from '../native/consumer.js'
import type { OffsetTracker } from './offset-tracker.js'
import type { RebalanceHook } from './options.js'
import type { PartitionState, PartitionTable } from './partition-state.js'
import { PartitionScheduler } from './partition-scheduler.js'
import type { RebalanceEvent, TopicPartition } from './types.js'

/** What the rebalance handler needs from the consumer. */
export interface RebalanceHost {
  readonly native: NativeConsumerAdapter
  readonly partitions: PartitionTable
  readonly tracker: OffsetTracker
  readonly revokeTimeoutMs: number
  readonly hooks: {
    readonly onAssign: RebalanceHook | undefined
    readonly onRevoke: RebalanceHook | undefined
    readonly onLost: RebalanceHook | undefined
  }
  /** New partitions are assigned natively: apply pauses, start fetching. */
  assigned(states: readonly PartitionState[]): void
  /** The `onAssign` hook finished: the partitions' messages may be handled. */
  ready(states: readonly PartitionState[]): void
  /** Partitions left this member. */
  released(states: readonly PartitionState[]): void
  /** After an event was fully handled. */
  rebalanced(event: RebalanceEvent): void
  report(error: KafkaError): void
}

/** Serializes and carries out rebalance events. */
export class RebalanceHandler {
  readonly #host: RebalanceHost
  #chain: Promise<void> = Promise.resolve()
  #pending = 0

  /** @param host - the consumer */
  constructor(host: RebalanceHost) {
    this.#host = host
  }

  /** Whether an event is being handled or waiting. */
  get busy(): boolean {
    return this.#pending > 0
  }

  /** A rebalance librdkafka raised: queued behind the ones being handled. */
  onRebalance(event: RawRebalance): void {
    const partitions = event.partitions.map(({ topic, partition }) => ({ topic, partition }))
    this.#pending++
    this.#chain = this.#chain
      .then(() =>
        event.code === RESP_ERR._ASSIGN_PARTITIONS
          ? this.#assign(partitions, event.cooperative)
          : event.code === RESP_ERR._REVOKE_PARTITIONS
            ? this.#revoke(partitions, event)
            : this.#unexpected(event, partitions),
      )
      .catch((failure: unknown) => this.#host.report(fromRdkafkaError(failure, { operation: 'rebalance' })))
      .finally(() => {
        this.#pending--
      })
  }

  /** Resolves once every queued event was handled. */
  settled(): Promise<void> {
    return this.#chain
  }

  async #assign(partitions: TopicPartition[], incremental: boolean): Promise<void> {
    const { native, partitions: table } = this.#host
    const states = partitions.map(({ topic, partition }) => table.add(topic, partition))
    try {
      await native.assign(partitions, incremental)
    } catch (error) {
      for (const state of states) table.remove(state)
      throw error
    }
    try {
      // librdkafka keeps an application pause on its partition object across unassign and assign: a partition this
      // member paused while giving it up (see #revoke) and now gets back would never be fetched again. Start from
      // unpaused; `assigned` below applies kafkit's own pauses.
      native.resume(partitions)
    } catch (error) {
      this.#host.report(fromRdkafkaError(error, { operation: 'rebalance (resume)' }))
    }
    // Held until the hook returns, so that a seek in onAssign comes before any handling.
    const hold = this.#host.hooks.onAssign !== undefined
    for (const state of states) state.held = hold
    this.#host.assigned(states)
    if (hold) {
      await this.#runHook('onAssign', partitions)
      for (const state of states) state.held = false
      this.#host.ready(states)
    }
    this.#publish({ type: 'assign', partitions })
  }

  async #revoke(partitions: TopicPartition[], event: RawRebalance): Promise<void> {
    const { native, partitions: table, tracker } = this.#host
    // librdkafka's rd_kafka_assignment_lost() when it raised the revoke: session timeout, fencing, a missed poll.
    const lost = event.lost
    const states = partitions
      .map(({ topic, partition }) => table.get(topic, partition))
      .filter((state): state is PartitionState => state !== undefined)
    for (const state of states) {
      state.status = 'revoking'
      // A message waiting for a retry is not in flight: leave it to the next owner rather than wait.
      state.leaving.abort()
    }
    try {
      // Nothing more of these partitions will be handled here: stop fetching them while handlers finish.
      native.pause(partitions)
      for (const state of states) state.nativePaused = true
    } catch {
      // Already gone from librdkafka's assignment (lost): nothing to pause.
    }
    if (lost) {
      // Another member may already own them: results of running handlers can no longer be committed.
      for (const state of states) state.invalidate()
    } else {
      const finished = await PartitionScheduler.idle(states, this.#host.revokeTimeoutMs)
      if (!finished) {
        const late = states.filter((s) => s.inFlight !== undefined)
        for (const state of late) state.invalidate()
        this.#host.report(
          new TimeoutError(
            `revoke waited ${this.#host.revokeTimeoutMs} ms (revokeTimeoutMs) for handlers of ${late.map((s) => `${s.topic}[${s.partition}]`).join(', ')}; releasing them anyway: their current messages will be handled again by the next owner`,
          ),
        )
      }
      const storeError = tracker.store(states)
      if (storeError) this.#host.report(storeError)
    }
    await this.#runHook(lost ? 'onLost' : 'onRevoke', partitions)
    // librdkafka commits the stored offsets of these partitions as part of the unassign (auto-commit is on).
    try {
      await native.unassign(partitions, event.cooperative)
    } catch (error) {
      // The partitions leave kafkit's side regardless; librdkafka's own state is reported.
      this.#host.report(fromRdkafkaError(error, { operation: 'rebalance (unassign)' }))
    }
    for (const state of states) {
      state.clear()
      table.remove(state)
      tracker.forget(state)
    }
    this.#host.released(states)
    this.#publish({ type: lost ? 'lost' : 'revoke', partitions })
  }

  async #unexpected(event: RawRebalance, partitions: TopicPartition[]): Promise<void> {
    // librdkafka reports a failed rebalance with another code; the assignment must still be cleared.
    this.#host.report(fromRdkafkaError({ code: event.code }, { operation: 'rebalance' }))
    await this.#revoke(partitions, event)
  }

  async #runHook(name: 'onAssign' | 'onRevoke' | 'onLost', partitions: readonly TopicPartition[]): Promise<void> {
    const hook = this.#host.hooks[name]
    if (!hook || partitions.length === 0) return
    try {
      await hook(partitions)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      this.#host.report(new KafkaError('ERR_HOOK', `${name} hook failed: ${reason}`, { cause: error }))
    }
  }

  #publish(event: RebalanceEvent): void {
    // Cooperative rounds that change nothing for this member are not news.
    if (event.partitions.length === 0) return
    if (channels.consumerRebalance.hasSubscribers) channels.consumerRebalance.publish(event)
    this.#host.rebalanced(event)
  }
}

/**
 * The hook, rejecting with a {@link TimeoutError} when it has not settled after `timeoutMs`: librdkafka waits for
 * the rebalance to be answered, so a hook that never settles would hold the whole group.
 */
export function boundedHook(
  hook: RebalanceHook | undefined,
  name: string,
  timeoutMs: number,
): RebalanceHook | undefined {
  if (hook === undefined) return undefined
  return async (partitions) => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError(
              `${name} did not finish within revokeTimeoutMs (${timeoutMs} ms); the rebalance went on without it`,
            ),
          ),
        timeoutMs,
      )
    })
    try {
      await Promise.race([hook(partitions), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
