export { TRACING_CHANNEL_NAMES, tracingChannels, type KafkitTracingChannel } from './channels.js'
export type {
  AdminCallContext,
  ConsumerBatchContext,
  ConsumerMessageContext,
  HandlingOutcome,
  ProducerSendContext,
  ProducerTransactionContext,
  TraceHeaderValue,
  TracedMessage,
} from './types.js'
