/**
 * This member's part in its consumer group: the subscription, the rebalances librdkafka raises (carried out by
 * the {@link RebalanceHandler}, with the user's hooks bounded in time), and leaving the group in order on
 * disconnect.
 * @module
 */
import { ConfigError, type KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import type { NativeConsumerAdapter } from '../native/consumer.js'
import type { OffsetTracker } from './offset-tracker.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { PartitionState, PartitionTable } from './partition-state.js'
import { boundedHook, RebalanceHandler } from './rebalance.js'
import type { RebalanceEvent } from './types.js'

/** What the membership needs of its consumer. */
export interface GroupMembershipHost {
  readonly native: NativeConsumerAdapter
  readonly partitions: PartitionTable
  readonly tracker: OffsetTracker
  readonly options: ResolvedConsumerOptions
  /** New partitions are assigned natively: apply pauses, start fetching. */
  assigned(states: readonly PartitionState[]): void
  /** The `onAssign` hook finished: the partitions' messages may be handled. */
  ready(states: readonly PartitionState[]): void
  /** Wakes the fetch loop. */
  wake(): void
  /** After a rebalance event was fully handled. */
  rebalanced(event: RebalanceEvent): void
  /** Reports a problem through the consumer's `error` event. */
  report(error: KafkaError): void
}

/** The subscription and rebalances of one consumer. */
export class GroupMembership {
  readonly #host: GroupMembershipHost
  readonly #subscription = new Set<string>()
  readonly #rebalance: RebalanceHandler
  /** Subscribed, and librdkafka has not raised the group's first rebalance yet (a join is under way). */
  #joining = false

  /** @param host - the consumer: its native client, partitions, offsets and options */
  constructor(host: GroupMembershipHost) {
    this.#host = host
    const { revokeTimeoutMs, onAssign, onRevoke, onLost } = host.options
    this.#rebalance = new RebalanceHandler({
      native: host.native,
      partitions: host.partitions,
      tracker: host.tracker,
      revokeTimeoutMs,
      // librdkafka waits for the rebalance to be answered: a hook that never settles would hold the whole group.
      hooks: {
        onAssign: boundedHook(onAssign, 'onAssign', revokeTimeoutMs),
        onRevoke: boundedHook(onRevoke, 'onRevoke', revokeTimeoutMs),
        onLost: boundedHook(onLost, 'onLost', revokeTimeoutMs),
      },
      assigned: (states) => host.assigned(states),
      ready: (states) => host.ready(states),
      released: () => host.wake(),
      rebalanced: (event) => host.rebalanced(event),
      report: (error) => host.report(error),
    })
  }

  /** Whether the member subscribed to anything. */
  get subscribed(): boolean {
    return this.#subscription.size > 0
  }

  /**
   * Adds topics (names, or RegExps anchored at the start) to the subscription. Throws {@link ConfigError} for an
   * empty list, an ill-typed entry or a name without serdes in the consumer's `topics` map.
   */
  async subscribe(topics: unknown): Promise<void> {
    if (!Array.isArray(topics) || topics.length === 0)
      throw new ConfigError('topics', 'expected a non-empty array of topic names or RegExps')
    const serdes = this.#host.options.topics
    const added = topics.map((topic: unknown, index) => {
      if (topic instanceof RegExp) return topic.source.startsWith('^') ? topic.source : `^${topic.source}`
      if (typeof topic !== 'string' || topic === '')
        throw new ConfigError(`topics[${index}]`, `expected a topic name or RegExp, got ${JSON.stringify(topic)}`)
      if (serdes !== undefined && !(topic in serdes)) {
        throw new ConfigError(`topics[${index}]`, `topic ${topic} has no serdes in the consumer's topics map`)
      }
      return topic
    })
    for (const topic of added) this.#subscription.add(topic)
    try {
      await this.#host.native.subscribe([...this.#subscription])
      if (this.#host.partitions.size === 0) this.#joining = true
    } catch (error) {
      for (const topic of added) this.#subscription.delete(topic)
      throw fromRdkafkaError(error, { operation: 'Consumer.subscribe' })
    }
    this.#host.wake()
  }

  /** Hands the rebalances librdkafka raised (seen after each fetch) to the rebalance handler, in order. */
  serveRebalances(): void {
    for (const event of this.#host.native.takeRebalances()) {
      this.#joining = false
      this.#rebalance.onRebalance(event)
    }
  }

  /**
   * Leaves the group (a dynamic member; a static one must not leave, so that a restart within the session timeout
   * moves nothing), waiting up to `requestTimeoutMs` for the revoke. The fetch loop must still run.
   */
  async leave(): Promise<void> {
    if (this.#subscription.size === 0 || this.#host.options.staticMember) return
    const { native, partitions, options } = this.#host
    const deadline = Date.now() + options.requestTimeoutMs
    // Closing in the middle of the group's first join would leave the broker a member that never says goodbye
    // (librdkafka terminates without a LeaveGroup there), holding its partitions for the session timeout: let
    // the join finish, so that the unsubscribe below revokes and leaves in order.
    while (this.#joining && Date.now() < deadline) await pause()
    await native.unsubscribe()
    // The fetch loop keeps serving the revoke librdkafka raises for the unsubscribe.
    while ((partitions.size > 0 || this.#rebalance.busy) && Date.now() < deadline) await pause()
  }
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10))
}
