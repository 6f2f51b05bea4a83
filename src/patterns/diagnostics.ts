import diagnostics from 'node:diagnostics_channel'

/**
 * Diagnostics channels of the event-driven patterns (`kafkit:processor:*`, `kafkit:router:*`). Publishing costs
 * nothing when no one listens.
 */
export const patternChannels = {
  /**
   * One message per partition of each processor transaction: `{ groupId, transaction, topic, partition, messages,
   * outcome: 'commit' | 'abort', error? }`. `transaction` numbers the processor's transactions, so messages with the
   * same number are the partitions that committed (or aborted) together.
   */
  processorTransaction: diagnostics.channel('kafkit:processor:transaction'),
  /** Client errors of a processor's consumer or producer that had no `error` listener: `{ groupId, error }`. */
  processorError: diagnostics.channel('kafkit:processor:error'),
  /** One message per routed event: `{ type, topic, partition, offset, handled: boolean }`. */
  routerEvent: diagnostics.channel('kafkit:router:event'),
} as const
