/**
 * kafkit's tracing channels (`node:diagnostics_channel` `TracingChannel`s). Each traced operation publishes
 * `start` and `end` around its synchronous part, then `error` (on failure), `asyncStart` and `asyncEnd` once its
 * outcome is known, all with the same context object. Nothing is built or published while nobody subscribes.
 * @module
 */
import diagnostics, { type TracingChannel } from 'node:diagnostics_channel'
import type {
  AdminCallContext,
  ConsumerBatchContext,
  ConsumerMessageContext,
  ProducerSendContext,
  ProducerTransactionContext,
} from './types.js'

/**
 * The names of kafkit's tracing channels. `diagnostics_channel.tracingChannel(name)` returns the same channels as
 * {@link tracingChannels}; their events are the channels `tracing:<name>:start`, `:end`, `:asyncStart`,
 * `:asyncEnd` and `:error`.
 */
export const TRACING_CHANNEL_NAMES = Object.freeze({
  /** Each `send()`, `sendBatch()` and `tx.send()`: {@link ProducerSendContext}. */
  producerSend: 'kafkit:producer:send',
  /** Each `producer.transaction(fn)`: {@link ProducerTransactionContext}. */
  producerTransaction: 'kafkit:producer:transaction',
  /** Each message handled by `eachMessage` or a `for await` loop: {@link ConsumerMessageContext}. */
  consumerProcess: 'kafkit:consumer:process',
  /** Each batch handled by `eachBatch`: {@link ConsumerBatchContext}. */
  consumerProcessBatch: 'kafkit:consumer:process-batch',
  /** Each `Admin` method call: {@link AdminCallContext}. */
  adminCall: 'kafkit:admin:call',
} as const)

/** A tracing channel whose stores and subscribers see contexts of type `C`. */
export type KafkitTracingChannel<C extends object> = TracingChannel<unknown, C>

/**
 * kafkit's tracing channels. Subscribe with `channel.subscribe({ start, end, asyncStart, asyncEnd, error })`, or bind
 * an `AsyncLocalStorage` to `channel.start` to make a value current while a consumer handler or a transaction runs.
 *
 * @example
 * ```ts
 * import { tracingChannels } from 'kafkit'
 *
 * tracingChannels.producerSend.subscribe({
 *   start(context) { context.headers['x-request-id'] = currentRequestId() },
 *   asyncEnd(context) { console.log(context.operation, context.records.length, context.error ?? 'delivered') },
 *   end() {}, asyncStart() {}, error() {},
 * })
 * ```
 */
export const tracingChannels = Object.freeze({
  /** Each `send()`, `sendBatch()` and `tx.send()`. */
  producerSend: diagnostics.tracingChannel<unknown, ProducerSendContext>(TRACING_CHANNEL_NAMES.producerSend),
  /** Each `producer.transaction(fn)`. */
  producerTransaction: diagnostics.tracingChannel<unknown, ProducerTransactionContext>(
    TRACING_CHANNEL_NAMES.producerTransaction,
  ),
  /** Each message handled by `eachMessage` or a `for await` loop. */
  consumerProcess: diagnostics.tracingChannel<unknown, ConsumerMessageContext>(TRACING_CHANNEL_NAMES.consumerProcess),
  /** Each batch handled by `eachBatch`. */
  consumerProcessBatch: diagnostics.tracingChannel<unknown, ConsumerBatchContext>(
    TRACING_CHANNEL_NAMES.consumerProcessBatch,
  ),
  /** Each `Admin` method call. */
  adminCall: diagnostics.tracingChannel<unknown, AdminCallContext>(TRACING_CHANNEL_NAMES.adminCall),
})
