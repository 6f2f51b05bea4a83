/**
 * Draining a producer: delivering every record sent so far (`flush()`), and on `disconnect()` failing what could not
 * be delivered in time before the native client is destroyed.
 * @module
 */
import { type KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import type { NativeProducerClient } from '../native/producer.js'
import type { DeliveryTracker } from './delivery-tracker.js'
import type { SendPipeline } from './send-pipeline.js'

/** The parts of a producer that hold its records on their way to the broker. */
export interface DrainParts {
  readonly native: NativeProducerClient
  /** kafkit's wait line and its hand-over to librdkafka. */
  readonly pipeline: SendPipeline
  /** Every send handed to librdkafka and not yet reported. */
  readonly deliveries: DeliveryTracker
}

/**
 * Waits until every record sent so far was handed to librdkafka, acknowledged (or failed) and its send settled.
 * Throws a {@link TimeoutError} when that takes longer than `timeoutMs`, or the mapped librdkafka flush error.
 */
export async function deliverAll(parts: DrainParts, timeoutMs: number): Promise<void> {
  const { native, pipeline, deliveries } = parts
  const deadline = Date.now() + timeoutMs
  await pipeline.handedOver(timeoutMs, 'Producer.flush()')
  try {
    await native.flush(Math.max(0, deadline - Date.now()))
  } catch (error) {
    throw fromRdkafkaError(error, { operation: `Producer.flush() (${deliveries.size} records unacknowledged)` })
  }
  // librdkafka's flush returns once its reports are stored; hand them over now rather than at the next wake-up.
  native.drain()
  while (deliveries.size > 0) {
    const left = deadline - Date.now()
    if (left <= 0)
      throw new TimeoutError(
        `Producer.flush() timed out after ${timeoutMs} ms with ${deliveries.size} records unacknowledged`,
      )
    await deliveries.waitForSettled(left)
    native.drain()
  }
}

/**
 * Delivers what is queued (up to `disconnectTimeoutMs`), fails every record not delivered by then with a
 * {@link TimeoutError}, and destroys the native client. With `stuck` (a transactional call stuck in librdkafka holds
 * the client's worker, so a flush or destroy would queue behind it) nothing is flushed and the destroy is not awaited.
 */
export async function drainAndDestroy(
  parts: DrainParts,
  disconnectTimeoutMs: number,
  stuck: KafkaError | undefined,
): Promise<void> {
  const { native, pipeline, deliveries } = parts
  let flushError: unknown = stuck
  try {
    if (!stuck) await deliverAll(parts, disconnectTimeoutMs)
  } catch (error) {
    flushError = error
  }
  const undelivered = new TimeoutError(
    `Producer.disconnect(): record not delivered within disconnectTimeoutMs (${disconnectTimeoutMs} ms)`,
    { cause: flushError },
  )
  pipeline.rejectWaiting(undelivered)
  // Whatever librdkafka still holds could not be delivered in time: those sends fail with the TimeoutError, and the
  // purge drops the records (their reports then find nothing left to settle) so that destroy does not wait for them.
  deliveries.settlePurged()
  if (deliveries.rejectAll(undelivered) > 0) native.purge(true)
  const destroyed = native.destroy()
  // Destroyed once the stuck call returns; until then the client's thread waits in librdkafka.
  if (stuck) destroyed.catch(() => undefined)
  else await destroyed
}
