/**
 * The one registry of kafkit's diagnostics channels (`node:diagnostics_channel`): their names and the type of what
 * each publishes. Every publisher goes through it. Publishing costs nothing when no one listens (publishers check
 * `hasSubscribers` first). The tracing channels (`kafkit:producer:send`...) are in `tracingChannels`.
 * @module
 */
import diagnostics from 'node:diagnostics_channel'
import type { DiagnosticsChannelName, DiagnosticsChannelPayloads } from './payloads.js'

/** A diagnostics channel whose messages are of type `T`; the same object `diagnostics_channel.channel(name)` returns. */
export interface DiagnosticsChannel<T> {
  /** The channel's name, e.g. `kafkit:producer:delivery`. */
  readonly name: string | symbol
  /** Whether anyone listens: publishers build nothing otherwise. */
  readonly hasSubscribers: boolean
  /** Sends a message to every subscriber. */
  publish(message: T): void
  /** Registers a listener. */
  subscribe(listener: (message: T, name: string | symbol) => void): void
  /** Removes a listener; `true` when it was registered. */
  unsubscribe(listener: (message: T, name: string | symbol) => void): boolean
}

/** The names of kafkit's diagnostics channels, by the key {@link diagnosticsChannels} gives each. */
export const DIAGNOSTICS_CHANNEL_NAMES = Object.freeze({
  /** Each delivery report: `DeliveryReport`. */
  producerDelivery: 'kafkit:producer:delivery',
  /** Failed deliveries and client errors of producers. */
  producerError: 'kafkit:producer:error',
  /** Parsed librdkafka statistics of producers (`statsIntervalMs`). */
  producerStats: 'kafkit:producer:stats',
  /** Each message handed to a consumer's handler. */
  consumerMessage: 'kafkit:consumer:message',
  /** Errors a consumer survived or gave up on. */
  consumerError: 'kafkit:consumer:error',
  /** Each assignment, revocation or loss of partitions. */
  consumerRebalance: 'kafkit:consumer:rebalance',
  /** Every commit result. */
  consumerCommit: 'kafkit:consumer:commit',
  /** Parsed librdkafka statistics of consumers (`statsIntervalMs`). */
  consumerStats: 'kafkit:consumer:stats',
  /** Each `Admin` call. */
  adminRequest: 'kafkit:admin:request',
  /** Client-level errors of `Admin` clients. */
  adminError: 'kafkit:admin:error',
  /** librdkafka's log lines of `Admin` clients. */
  adminLog: 'kafkit:admin:log',
  /** One message per partition of each processor transaction. */
  processorTransaction: 'kafkit:processor:transaction',
  /** Client errors of a processor's consumer or producer. */
  processorError: 'kafkit:processor:error',
  /** Each event an `EventRouter` routed. */
  routerEvent: 'kafkit:router:event',
  /** Each committed saga transition. */
  sagaTransition: 'kafkit:saga:transition',
} as const satisfies Record<string, DiagnosticsChannelName>)

type Names = typeof DIAGNOSTICS_CHANNEL_NAMES

/** kafkit's diagnostics channels, typed by what they publish. */
export type DiagnosticsChannels = {
  readonly [K in keyof Names]: DiagnosticsChannel<DiagnosticsChannelPayloads[Names[K]]>
}

/**
 * kafkit's diagnostics channels. `diagnostics_channel.subscribe(name, listener)` with a name from
 * {@link DIAGNOSTICS_CHANNEL_NAMES} reaches the same channels.
 *
 * @example
 * ```ts
 * import { diagnosticsChannels } from 'kafkit'
 *
 * diagnosticsChannels.consumerCommit.subscribe(({ offsets, error }) => {
 *   if (error) console.warn('commit failed', offsets, error.code)
 * })
 * ```
 */
export const diagnosticsChannels: DiagnosticsChannels = Object.freeze(
  Object.fromEntries(Object.entries(DIAGNOSTICS_CHANNEL_NAMES).map(([key, name]) => [key, diagnostics.channel(name)])),
) as unknown as DiagnosticsChannels

/**
 * The channel of one name, typed.
 * @param name - one of {@link DIAGNOSTICS_CHANNEL_NAMES}
 */
export function diagnosticsChannel<N extends DiagnosticsChannelName>(
  name: N,
): DiagnosticsChannel<DiagnosticsChannelPayloads[N]> {
  return diagnostics.channel(name) as unknown as DiagnosticsChannel<DiagnosticsChannelPayloads[N]>
}
