import diagnostics from 'node:diagnostics_channel'

/**
 * Diagnostics channels of the event-driven patterns (`kafkit:processor:*`, `kafkit:router:*`). Publishing costs
 * nothing when no one listens.
 */
export const patternChannels = {
  /** One message per processor transaction: `{ groupId, topic, partition, messages, outcome: 'commit' | 'abort', error? }`. */
  processorTransaction: diagnostics.channel('kafkit:processor:transaction'),
  /** Client errors of a processor's consumer or producer that had no `error` listener: `{ groupId, error }`. */
  processorError: diagnostics.channel('kafkit:processor:error'),
  /** One message per routed event: `{ type, topic, partition, offset, handled: boolean }`. */
  routerEvent: diagnostics.channel('kafkit:router:event'),
} as const
