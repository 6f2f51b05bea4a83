/**
 * Publishes the producer's tracing channels (`kafkit:producer:send`, `kafkit:producer:transaction`). The producer
 * calls in here only while someone subscribes, so the untraced send path allocates nothing for tracing.
 * @module
 */
import { tracingChannels } from '../tracing/channels.js'
import type { ProducerSendContext, ProducerTransactionContext } from '../tracing/types.js'
import type { RawHeader } from '../native/producer.js'
import type { PendingDelivery } from './pending-delivery.js'
import type { DeliveryReport, ProducerRecord } from './types.js'

/** Hands records to the producer's queue, adding `extra` headers to each. */
export type Enqueue = (
  record: ProducerRecord<unknown, unknown>,
  extra: readonly RawHeader[] | undefined,
) => PendingDelivery

/** Traces one producer's sends and transactions. */
export class ProducerTracing {
  readonly #clientId: string | undefined
  readonly #transactionalId: string | undefined

  /**
   * @param clientId - the producer's `client.id`, if set
   * @param transactionalId - its `transactional.id`, if transactional
   */
  constructor(clientId: string | undefined, transactionalId: string | undefined) {
    this.#clientId = clientId
    this.#transactionalId = transactionalId
  }

  /**
   * Traces one `send()`: `start`/`end` around handing the record over, `error`/`asyncStart`/`asyncEnd` at its
   * delivery report. Returns the same `PendingDelivery` as an untraced send (no promise is made).
   */
  send(record: ProducerRecord<unknown, unknown>, enqueue: Enqueue): PendingDelivery {
    const channel = tracingChannels.producerSend
    const context = this.#sendContext('send', [record])
    return channel.start.runStores(context, () => {
      let delivery: PendingDelivery
      try {
        delivery = enqueue(record, rawHeaders(context.headers))
      } finally {
        channel.end.publish(context)
      }
      delivery.onSettled(() => {
        if (delivery.failed) {
          context.error = delivery.error
          channel.error.publish(context)
        } else {
          context.result = delivery.report!
        }
        channel.asyncStart.publish(context)
        channel.asyncEnd.publish(context)
      })
      return delivery
    })
  }

  /**
   * Traces one `sendBatch()`: `run` receives the headers `start` subscribers added, for every record of the batch.
   */
  sendBatch(
    records: ReadonlyArray<ProducerRecord<unknown, unknown>>,
    run: (extra: readonly RawHeader[] | undefined) => Promise<DeliveryReport[]>,
  ): Promise<DeliveryReport[]> {
    const context = this.#sendContext('sendBatch', records)
    return tracingChannels.producerSend.tracePromise(() => run(rawHeaders(context.headers)), context)
  }

  /** Traces one `transaction(fn)`; `fn` runs inside the `start` channel's bound stores. */
  transaction<R>(run: () => Promise<R>): Promise<R> {
    const context: ProducerTransactionContext = {
      clientId: this.#clientId,
      transactionalId: this.#transactionalId ?? '',
    }
    return tracingChannels.producerTransaction.tracePromise(run, context)
  }

  #sendContext(
    operation: ProducerSendContext['operation'],
    records: ReadonlyArray<ProducerRecord<unknown, unknown>>,
  ): ProducerSendContext {
    return { operation, clientId: this.#clientId, transactionalId: this.#transactionalId, records, headers: {} }
  }
}

/** The headers subscribers added, as the native layer takes them; `undefined` when there are none. */
function rawHeaders(headers: Readonly<Record<string, string | Buffer>>): RawHeader[] | undefined {
  let out: RawHeader[] | undefined
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : undefined
    // A subscriber's mistake must not fail the user's send: a value that is neither text nor bytes is left out.
    if (bytes === undefined) continue
    ;(out ??= []).push([name, bytes])
  }
  return out
}

/**
 * A record's headers with `extra` added; a name in `extra` replaces the record's own headers of that name (a
 * forwarded record must not carry two `traceparent`s).
 */
export function withExtraHeaders(
  own: RawHeader[] | undefined,
  extra: readonly RawHeader[] | undefined,
): RawHeader[] | undefined {
  if (extra === undefined) return own
  if (own === undefined || own.length === 0) return extra.slice()
  const replaced = new Set(extra.map(([name]) => name))
  return [...own.filter(([name]) => !replaced.has(name)), ...extra]
}
