/**
 * What the Processor hands each share of a transaction: the handler's context (`ctx.send`, the partition's abort
 * signal, `ctx.onCommit`) and the partition's part of the commit (its next input offset).
 * @module
 */
import { KafkaError } from '../errors/kafka-error.js'
import type { Transaction } from '../producer/transaction.js'
import type { TopicSerdeMap } from '../serde/types.js'
import type { ProcessorContext, ProcessorInput } from './processor-options.js'
import type { Share } from './transaction-rounds.js'

/**
 * The handler's context for messages handled in transaction `tx`.
 * @param output - the processor's output topics: `ctx.send()` to any other topic throws `ERR_UNKNOWN_OUTPUT`
 * @param signal - aborted when the partition is revoked or lost
 * @param committed - where `ctx.onCommit()` callbacks are kept, to run once the transaction committed
 */
export function processorContext(
  tx: Transaction<any, any, any>,
  output: TopicSerdeMap,
  signal: AbortSignal,
  committed: Array<() => void>,
): ProcessorContext<TopicSerdeMap> {
  return {
    send: (record) => {
      if (!Object.hasOwn(output, record.topic)) {
        throw new KafkaError(
          'ERR_UNKNOWN_OUTPUT',
          `ctx.send() to '${record.topic}', which is not in the processor's output topics (${Object.keys(output).join(', ')})`,
        )
      }
      // Not awaited and no handler attached (a PendingDelivery then costs no promise): a failed send fails the
      // commit, and the transaction's rejection reports it.
      void tx.send(record)
    },
    signal,
    onCommit: (callback) => {
      committed.push(callback)
    },
  }
}

/**
 * A partition's part of a transaction's commit: the offset after `last`, the last input it handled.
 * @param owner - the share's member in the round
 * @param stale - whether the partition was revoked meanwhile (then the transaction must not commit)
 */
export function offsetShare(owner: object, last: ProcessorInput<TopicSerdeMap>, stale: () => boolean): Share {
  return {
    owner,
    topic: last.topic,
    partition: last.partition,
    next: BigInt(last.offset) + 1n,
    stale,
    describe: () => `${last.topic}[${last.partition}] was revoked during the transaction; aborted`,
  }
}
