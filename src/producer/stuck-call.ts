/**
 * A bound on librdkafka's blocking transactional calls. librdkafka (2.12) sends a transaction's consumer offsets
 * through its coordinator-request machinery, which never checks the request's timeout (librdkafka issues #5456 and
 * #5511): with the group's coordinator down, or dropped from the cluster metadata after a broker died,
 * `rd_kafka_send_offsets_to_transaction()` blocks past its timeout, possibly for good. The call cannot be cancelled
 * and holds the client's worker, so every later call on that producer (abort, flush, destroy) would queue behind it:
 * past the bound the producer is declared unusable instead, so that its owner replaces it (a new producer with the
 * same transactionalId fences this one and aborts its transaction).
 * @module
 */
import { KafkaError } from '../errors/kafka-error.js'

/** Code of the error raised when a transactional call of librdkafka outlives its own timeout by the grace period. */
export const TRANSACTION_STUCK = 'ERR_TRANSACTION_STUCK'

/**
 * A transactional call of librdkafka that outlived its own timeout by 5 s (librdkafka never returned). Always fatal:
 * replace the producer (a new one with the same `transactionalId` fences this one).
 */
export class TransactionStuckError extends KafkaError {
  override name = 'TransactionStuckError'
  /**
   * Creates the error; kafkit raises it, applications only read it.
   * @param operation - the librdkafka call (`sendOffsetsToTransaction`, `commitTransaction`, `abortTransaction`)
   * @param message - what happened and what to do
   */
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(TRANSACTION_STUCK, message, { fatal: true })
  }
}

/** How long kafkit waits beyond a call's own timeout before giving up on it, ms. */
export const STUCK_GRACE_MS = 5_000

/**
 * Waits for `call`, at most `timeoutMs + STUCK_GRACE_MS`. Past that, rejects with a fatal {@link KafkaError}
 * (`ERR_TRANSACTION_STUCK`) after handing it to `onStuck`; the call's late outcome is then ignored.
 * @param call - the native call's promise
 * @param operation - the librdkafka call, for the error message
 * @param timeoutMs - the timeout the call was given
 * @param onStuck - told of the error before it is thrown (the producer marks itself failed)
 */
export async function boundTransactionCall<T>(
  call: Promise<T>,
  operation: string,
  timeoutMs: number,
  onStuck: (error: KafkaError) => void,
): Promise<T> {
  const limitMs = timeoutMs + STUCK_GRACE_MS
  let timer: NodeJS.Timeout | undefined
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TransactionStuckError(
        operation,
        `transaction ${operation} did not return within ${limitMs} ms (its timeout of ${timeoutMs} ms, transactionTimeoutMs, plus ${STUCK_GRACE_MS} ms): librdkafka is still waiting, typically for a coordinator that is down or left the cluster (librdkafka issue #5456); this producer is unusable: create a new Producer with the same transactionalId, whose connect() fences this one and aborts its transaction`,
      )
      onStuck(error)
      reject(error)
    }, limitMs)
  })
  // Settling after the bound: nobody waits for it any more.
  call.catch(() => undefined)
  try {
    return await Promise.race([call, stuck])
  } finally {
    clearTimeout(timer)
  }
}
