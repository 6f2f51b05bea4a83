/**
 * Publishing helpers for kafkit's own code: the event order of `TracingChannel.tracePromise` for operations whose
 * outcome is not simply "resolved or rejected", and the message views the consumer's contexts carry.
 * @module
 */
import type { RawMessage } from '../native/consumer.js'
import type { KafkitTracingChannel } from './channels.js'
import type { TracedMessage } from './types.js'

/**
 * Runs `fn` inside the channel's bound stores and publishes `start`, `end`, then (once `fn` settled) `error` when
 * `fn` rejected or set `context.error`, `asyncStart` and `asyncEnd`. Unlike `tracePromise`, a failure that `fn`
 * recovered from (a message skipped by the error policy) is still published as `error`, and `fn`'s value is not
 * copied to `context.result`.
 */
export function traceSettled<C extends { error?: unknown }, R>(
  channel: KafkitTracingChannel<C>,
  context: C,
  fn: () => Promise<R>,
): Promise<R> {
  return channel.start.runStores(context, () => {
    let promise: Promise<R>
    try {
      promise = fn()
    } catch (error) {
      context.error = error
      channel.error.publish(context)
      throw error
    } finally {
      channel.end.publish(context)
    }
    return promise.then(
      (value) => {
        if (context.error !== undefined) channel.error.publish(context)
        channel.asyncStart.publish(context)
        channel.asyncEnd.publish(context)
        return value
      },
      (error: unknown) => {
        context.error = error
        channel.error.publish(context)
        channel.asyncStart.publish(context)
        channel.asyncEnd.publish(context)
        throw error
      },
    )
  })
}

/** The public view of a fetched message (only built while someone subscribes). */
export function tracedMessage(raw: RawMessage): TracedMessage {
  return {
    topic: raw.topic,
    partition: raw.partition,
    offset: String(raw.offset),
    timestamp: raw.timestamp,
    key: raw.key,
    headers: raw.headers,
  }
}
