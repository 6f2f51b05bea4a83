import { KafkaError, StateError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { CONSUMER_GROUP_METADATA } from '../internal/symbols.js'
import type { NativeProducerClient } from '../native/producer.js'
import type { TopicSerdeMap } from '../serde/types.js'
import type { ResolvedProducerOptions } from './options.js'
import { boundTransactionCall } from './stuck-call.js'
import type { PendingDelivery } from './pending-delivery.js'
import type { AnyRecord, DeliveryReport, RawData, RecordFor } from './types.js'

/** Offsets to commit inside a transaction: the next offset to read per partition. */
export interface TransactionOffsets {
  /** The kafkit Consumer whose group the offsets belong to (its group metadata fences zombies, KIP-447). */
  readonly consumer: object
  /** Per partition, the offset of the next record to read (last processed + 1). */
  readonly offsets: ReadonlyArray<{
    readonly topic: string
    readonly partition: number
    readonly offset: string | number | bigint
  }>
}

/** The handle `producer.transaction(fn)` passes to `fn`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the empty TopicSerdeMap (no topic has its own serdes), not "any object"
export interface Transaction<K = RawData, V = RawData, T extends TopicSerdeMap = {}> {
  /** Sends a record as part of the transaction. */
  send<Topic extends string>(record: RecordFor<K, V, T, Topic>): Promise<DeliveryReport>
  /** Commits consumer offsets as part of the transaction (consume-transform-produce). */
  sendOffsets(offsets: TransactionOffsets): Promise<void>
}

/** Runs transactions for a producer and applies librdkafka's documented error handling. */
export class TransactionRunner {
  #open = false

  constructor(
    private readonly native: NativeProducerClient,
    private readonly options: ResolvedProducerOptions,
    private readonly producer: {
      fail(error: KafkaError): void
      fatalError(): KafkaError | undefined
      /** Resolves once every record sent so far is in librdkafka's queue or has failed (serdes, back-pressure). */
      handedOver(timeoutMs: number): Promise<void>
      /**
       * Fails every record not handed to librdkafka yet (async serde still running, or waiting for room), so that
       * none of an aborted transaction's records reaches librdkafka once the next transaction has begun.
       */
      discardWaiting(operation: string): void
    },
  ) {}

  /** Whether a transaction is running. */
  get open(): boolean {
    return this.#open
  }

  /** `initTransactions`: fences older instances with the same transactional id. */
  async init(): Promise<void> {
    try {
      await this.native.initTransactions(this.options.transactionTimeoutMs)
    } catch (error) {
      throw fromRdkafkaError(error, { operation: 'Producer.connect() initTransactions' })
    }
  }

  /** Begins, runs `fn`, then commits; aborts and rethrows on failure. */
  async run<R>(
    fn: (tx: Transaction<any, any, any>) => Promise<R>,
    send: (record: unknown) => PendingDelivery,
  ): Promise<R> {
    if (this.#open)
      throw new StateError('Producer.transaction() called while another transaction is running; await it first')
    try {
      this.native.beginTransaction()
    } catch (error) {
      throw this.#classify(error, 'beginTransaction')
    }
    this.#open = true
    const sends: PendingDelivery[] = []
    let closed = false
    const tx: Transaction<any, any, any> = {
      send: (record) => {
        if (closed) return Promise.reject(new StateError('tx.send() called after the transaction ended'))
        // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the empty TopicSerdeMap (no topic has its own serdes), not "any object"
        const sent = send(record as AnyRecord<unknown, unknown, {}>)
        sends.push(sent)
        return sent
      },
      sendOffsets: async ({ consumer, offsets }) => {
        if (closed) throw new StateError('tx.sendOffsets() called after the transaction ended')
        const groupMetadata = (consumer as { [CONSUMER_GROUP_METADATA]?: () => Buffer })[CONSUMER_GROUP_METADATA]
        if (typeof groupMetadata !== 'function')
          throw new StateError('tx.sendOffsets() needs a connected kafkit Consumer')
        try {
          await this.#bounded(
            this.native.sendOffsetsToTransaction(
              offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset) })),
              groupMetadata.call(consumer),
              this.options.transactionTimeoutMs,
            ),
            'sendOffsetsToTransaction',
          )
        } catch (error) {
          throw this.#classify(error, 'sendOffsetsToTransaction')
        }
      },
    }
    let committing = false
    try {
      const result = await fn(tx)
      closed = true
      // Every record must be in librdkafka's queue before the commit (an async serde or a full queue may still hold
      // some): commit_transaction then flushes them itself and fails if any delivery failed. Waiting here for the
      // delivery reports instead would add a linger and a round trip to every transaction.
      await this.producer.handedOver(this.options.transactionTimeoutMs)
      const refused = sends.find((sent) => sent.failed)
      if (refused) throw refused.error
      committing = true
      await this.#commit()
      return result
    } catch (error) {
      closed = true
      // Records still on their way to librdkafka belong to this transaction: produced later, they would land in the
      // next one and be committed with it. librdkafka's abort purges only what it holds itself.
      this.producer.discardWaiting('send (transaction aborted)')
      // The transaction's rejection reports its sends' failures: flush() must not report them again.
      for (const sent of sends) sent.markReported()
      if (!(error instanceof KafkaError && error.fatal)) {
        await untilRegistered(sends, Math.min(this.options.transactionTimeoutMs, REGISTRATION_WAIT_MS))
        await this.#abort()
      }
      // A fenced or otherwise fatally failed producer purges its queue: report the fatal cause, not the purge.
      const fatal = this.producer.fatalError()
      if (fatal) throw fatal
      throw committing ? ((await firstDeliveryFailure(sends)) ?? error) : error
    } finally {
      this.#open = false
    }
  }

  async #commit(): Promise<void> {
    await this.#endTransaction('commitTransaction', async (mapped, attempt) => {
      // librdkafka: a retriable commit error may be retried; an abortable one needs abort; fatal ends the producer.
      if (mapped.retriable && !mapped.abortable && !mapped.fatal && attempt < 3) return 'retry'
      throw mapped
    })
  }

  async #abort(): Promise<void> {
    await this.#endTransaction('abortTransaction', async (mapped, attempt) => {
      // Fatal: the producer is already marked failed, and its fatal error is what the caller reports.
      if (mapped.fatal) return 'give up'
      // librdkafka: an abort that failed with a retriable error (a timeout) is still in progress and must be called
      // again to finish. _CONFLICT means a commit that gave up is still in progress: it will not go away.
      if (mapped.retriable && mapped.rdkafkaName !== '_CONFLICT' && attempt < ABORT_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, ABORT_RETRY_MS))
        return 'retry'
      }
      // Neither committed nor aborted: every later transaction would fail. Only a new producer (whose
      // initTransactions aborts the pending transaction) can go on.
      const unusable = new StateError(
        `the transaction could be neither committed nor aborted (${mapped.message}); this producer is unusable: create a new Producer with the same transactionalId, whose connect() aborts the pending transaction`,
        { cause: mapped, fatal: true },
      )
      this.producer.fail(unusable)
      throw unusable
    })
  }

  /**
   * Commits or aborts the transaction (bounded by its timeout), calling `failed` with each attempt's mapped error and
   * number: it throws, or says whether to try again or give up quietly.
   */
  async #endTransaction(
    operation: 'commitTransaction' | 'abortTransaction',
    failed: (mapped: KafkaError, attempt: number) => Promise<'retry' | 'give up'>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#bounded(this.native[operation](this.options.transactionTimeoutMs), operation)
        return
      } catch (error) {
        if ((await failed(this.#classify(error, operation), attempt)) === 'give up') return
      }
    }
  }

  /** A blocking librdkafka call that must not outlive its own timeout: past it the producer is unusable. */
  #bounded<T>(call: Promise<T>, operation: string): Promise<T> {
    return boundTransactionCall(call, operation, this.options.transactionTimeoutMs, (error) =>
      this.producer.fail(error),
    )
  }

  #classify(error: unknown, operation: string): KafkaError {
    const mapped = fromRdkafkaError(error, { operation: `transaction ${operation}` })
    if (mapped.fatal) this.producer.fail(mapped)
    return mapped
  }
}

const PURGED = new Set(['ERR_KAFKA_PURGE_QUEUE', 'ERR_KAFKA_PURGE_INFLIGHT'])
/** The longest an abort waits for proof that the coordinator has the transaction open ({@link untilRegistered}). */
const REGISTRATION_WAIT_MS = 5_000
/** Calls of abortTransaction before the producer is given up on (each may wait up to transactionTimeoutMs). */
const ABORT_ATTEMPTS = 3
const ABORT_RETRY_MS = 100
const REPORTS_GRACE_MS = 1_000

/**
 * Before an abort: while librdkafka holds records of the transaction and none was delivered yet, waits until the
 * first of them settles, at most `timeoutMs` (a delivery proves its partition was registered; after a failure the
 * wait would prove nothing more). librdkafka counts a partition as added to the transaction once its AddPartitionsToTxn request is sent,
 * and its abort then sends EndTxn. Right after a commit the coordinator is still writing that commit's markers and
 * answers the registration with CONCURRENT_TRANSACTIONS; until librdkafka's retry succeeds the coordinator has no
 * transaction open, rejects an EndTxn with INVALID_TXN_STATE, and librdkafka makes that fatal: the producer would be
 * lost for a transaction that only needed aborting (librdkafka issue 4849). A delivered record proves that its
 * partition was registered. The records delivered meanwhile are aborted with the transaction: read_committed readers
 * never see them.
 */
async function untilRegistered(sends: readonly PendingDelivery[], timeoutMs: number): Promise<void> {
  if (sends.some((sent) => sent.delivered)) return
  // After discardWaiting(), a send still pending is one librdkafka holds.
  const held = sends.filter((sent) => sent.pending)
  if (held.length === 0) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    const settled = (): void => {
      clearTimeout(timer)
      resolve()
    }
    for (const sent of held) sent.onSettled(settled)
  })
}

/**
 * After a failed commit and the abort, the send whose delivery failed for a reason of its own (not purged by the
 * abort): a more useful error than the commit's "failed to flush". Waits briefly for the reports to reach JS.
 */
async function firstDeliveryFailure(sends: readonly PendingDelivery[]): Promise<unknown> {
  const own = (): unknown =>
    sends.find((sent) => sent.failed && !(sent.error instanceof KafkaError && PURGED.has(sent.error.code)))?.error
  if (own() !== undefined || sends.length === 0) return own()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    Promise.allSettled(sends),
    new Promise((resolve) => {
      timer = setTimeout(resolve, REPORTS_GRACE_MS)
    }),
  ])
  clearTimeout(timer)
  return own()
}
