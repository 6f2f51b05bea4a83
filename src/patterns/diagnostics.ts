import { diagnosticsChannels } from '../diagnostics/channels.js'

/**
 * The diagnostics channels of the event-driven patterns (`kafkit:processor:*`, `kafkit:router:*`): the same channels
 * as in {@link diagnosticsChannels}, which types what each publishes.
 */
export const patternChannels = Object.freeze({
  /** One message per partition of each processor transaction (`ProcessorTransactionPayload`). */
  processorTransaction: diagnosticsChannels.processorTransaction,
  /** Client errors of a processor's consumer or producer that had no `error` listener (`ProcessorErrorPayload`). */
  processorError: diagnosticsChannels.processorError,
  /** One message per routed event (`RouterEventPayload`). */
  routerEvent: diagnosticsChannels.routerEvent,
})
