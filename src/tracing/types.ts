/**
 * The context objects kafkit's tracing channels publish. One object travels through all five events of one traced
 * operation (`start`, `end`, `asyncStart`, `asyncEnd`, `error`), so a subscriber can keep its own state keyed by it
 * (a `WeakMap`) and read the outcome fields kafkit fills in before `asyncStart`.
 * @module
 */
import type { DeliveryReport, ProducerRecord } from '../producer/types.js'

/** A header added to every record of a traced send: text (sent as UTF-8) or bytes. */
export type TraceHeaderValue = string | Buffer

/** One message as the consumer's tracing channels show it: as fetched, before any serde ran. */
export interface TracedMessage {
  /** The record's topic. */
  readonly topic: string
  /** The record's partition. */
  readonly partition: number
  /** The record's offset, as a decimal string (offsets are 64-bit). */
  readonly offset: string
  /** The record's timestamp, ms since the epoch; -1 when it has none. */
  readonly timestamp: number
  /** The key's bytes as stored (not deserialized), or `null`. */
  readonly key: Buffer | null
  /** Every header in record order, repeated names kept, `null` for a header without a value. */
  readonly headers: ReadonlyArray<readonly [name: string, value: Buffer | null]>
}

/**
 * Published on `kafkit:producer:send` for each `send()`, `sendBatch()` and transactional `tx.send()` call. The
 * traced span runs from the call until every record of it was acknowledged or failed.
 */
export interface ProducerSendContext {
  /** Which method was called. */
  readonly operation: 'send' | 'sendBatch'
  /** The producer's `client.id`, when set. */
  readonly clientId: string | undefined
  /** The producer's `transactionalId`, when it is transactional. */
  readonly transactionalId: string | undefined
  /** The records as passed by the caller (one for `send()`); kafkit never changes them. */
  readonly records: ReadonlyArray<ProducerRecord<unknown, unknown>>
  /**
   * Headers to add to every record of this call. Empty when published; a `start` subscriber may add entries (this is
   * how trace context such as `traceparent` travels). A name set here replaces the records' own headers of that name.
   */
  readonly headers: Record<string, TraceHeaderValue>
  /** Set before `asyncStart` when every record was delivered: the report (`send`) or the reports in order (`sendBatch`). */
  result?: DeliveryReport | DeliveryReport[]
  /** Set before `error` when a record failed (for `sendBatch`, a `KafkaAggregateError` naming the failed records). */
  error?: unknown
}

/** Published on `kafkit:producer:transaction` for each `producer.transaction(fn)`: from begin to commit or abort. */
export interface ProducerTransactionContext {
  /** The producer's `client.id`, when set. */
  readonly clientId: string | undefined
  /** The producer's `transactionalId`. */
  readonly transactionalId: string
  /** Set before `asyncStart` when the transaction committed: what `fn` returned. */
  result?: unknown
  /** Set before `error` when the transaction aborted (or could not be begun): the error `transaction()` rejects with. */
  error?: unknown
}

/**
 * How the handling of a message (or batch) ended:
 * - `processed`: the handler succeeded (perhaps after retries);
 * - `skipped`: it failed for good and the error policy skipped or dead-lettered it (it counts as processed);
 * - `unprocessed`: it will be handled again (the partition was revoked, or the run stops on its failure).
 */
export type HandlingOutcome = 'processed' | 'skipped' | 'unprocessed'

/**
 * Published on `kafkit:consumer:process` for each message an `eachMessage` handler (or a `for await` loop)
 * handles: from the first call of the handler, through its retries and the error policy, until the outcome is known.
 * The handler runs inside the `start` channel's bound stores.
 */
export interface ConsumerMessageContext extends TracedMessage {
  /** The consumer's group. */
  readonly groupId: string
  /** The consumer's `client.id`, when set. */
  readonly clientId: string | undefined
  /** Set before `asyncStart`. */
  outcome?: HandlingOutcome
  /** Set before `error` when the handler (or the key or value serde) failed for good. */
  error?: unknown
}

/**
 * Published on `kafkit:consumer:process-batch` for each batch an `eachBatch` handler handles: from the call of the
 * handler, through its retries and the error policy, until the outcome is known. The handler runs inside the `start`
 * channel's bound stores.
 */
export interface ConsumerBatchContext {
  /** The consumer's group. */
  readonly groupId: string
  /** The consumer's `client.id`, when set. */
  readonly clientId: string | undefined
  /** The batch's topic. */
  readonly topic: string
  /** The batch's partition. */
  readonly partition: number
  /** The messages handed to the handler, in offset order; never empty. */
  readonly messages: readonly TracedMessage[]
  /** Set before `asyncStart`. */
  outcome?: HandlingOutcome
  /** Set before `asyncStart`: how many messages, from the start of the batch, count as processed. */
  processed?: number
  /** Set before `error` when the handler failed for good. */
  error?: unknown
}

/** Published on `kafkit:admin:call` for each `Admin` method call: from the call until its result, retries included. */
export interface AdminCallContext {
  /** The method, as error messages name it (e.g. `createTopics`). */
  readonly operation: string
  /** Set before `asyncStart`: how many attempts the call took. */
  attempts?: number
  /** Set before `asyncStart` when the call succeeded: what it resolves with. */
  result?: unknown
  /** Set before `error` when the call failed: the `KafkaError` it rejects with. */
  error?: unknown
}
