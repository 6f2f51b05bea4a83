/**
 * Which of a partition's messages in hand a transaction of unknown outcome committed, once the group's committed
 * offset is known (see the Processor's producer replacement).
 * @module
 */

/**
 * The index of the first message in `from`..`limit` at or above `committed` (the group's committed offset: the next
 * offset to read; `-1n` when nothing is committed): the messages before it are committed and must not run again.
 * Returns `limit` when all of them are.
 * @param messages - the partition's messages in hand, in offset order
 * @param from - the first one not yet known to be committed
 * @param limit - one past the last one to consider
 * @param committed - the group's committed offset for the partition
 */
export function firstUncommitted(
  messages: ReadonlyArray<{ readonly offset: string }>,
  from: number,
  limit: number,
  committed: bigint,
): number {
  let next = from
  while (next < limit && BigInt(messages[next]!.offset) < committed) next++
  return next
}
