/**
 * Per-item errors of batch calls. Every batch call either resolves (all items succeeded) or rejects with one
 * {@link KafkaAggregateError} listing each failed item with its input index; items not listed succeeded.
 * @module
 */
import { RESP_ERR } from '../errors/codes.generated.js'
import { KafkaAggregateError, type KafkaError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import type { RawError } from '../native/admin-addon.js'

/** Collects item failures of one call, then throws them together. */
export class BatchFailures {
  readonly #failures: Array<{ index: number; error: KafkaError }> = []

  /** @param operation - the method name, e.g. `createTopics` */
  constructor(private readonly operation: string) {}

  /** Whether any item failed. */
  get failed(): boolean {
    return this.#failures.length > 0
  }

  /** Records an already mapped error for item `index`. */
  add(index: number, error: KafkaError): void {
    this.#failures.push({ index, error })
  }

  /**
   * Records a librdkafka error for item `index`.
   * @param item - how the item is named in the message, e.g. `group 'billing'`
   */
  addRaw(index: number, raw: RawError, item: string, where: { topic?: string; partition?: number } = {}): void {
    // fromRdkafkaError names topic and partition itself; other items (groups, resources) go in the operation.
    const operation = where.topic === undefined ? `${this.operation} of ${item}` : this.operation
    this.add(index, fromRdkafkaError(raw, { operation, ...where }))
  }

  /** Throws a {@link KafkaAggregateError} if any item failed. `total` is the number of items in the call. */
  throwIfFailed(total: number): void {
    if (this.#failures.length === 0) return
    const failures = [...this.#failures].sort((a, b) => a.index - b.index)
    const summary = failures
      .slice(0, 5)
      .map(({ index, error }) => `[${index}] ${error.rdkafkaName ?? error.code}`)
      .join(', ')
    const more = failures.length > 5 ? `, and ${failures.length - 5} more` : ''
    throw new KafkaAggregateError(
      failures,
      `${this.operation}: ${failures.length} of ${total} item(s) failed: ${summary}${more}. ` +
        `First: ${failures[0]!.error.message}`,
    )
  }
}

/** The error of an item the broker's answer left out. */
export const NOT_IN_ANSWER: RawError = { code: RESP_ERR._NOENT, rdkafkaName: '_NOENT', message: 'not in the answer' }

/** How a failed item is reported: its name in the message, the error when the answer left it out, where it is. */
export interface ItemFailure {
  /** How the item is named in the message, e.g. `group 'billing'`. */
  readonly item: string
  /** The error when the answer has no result for the item. */
  readonly missing: RawError
  /** The item's topic (and partition), when it has one. */
  readonly where?: { topic?: string; partition?: number }
}

/**
 * The result of each item, in input order, as `find` looks it up in the broker's answer. Throws one
 * {@link KafkaAggregateError} of `operation` when an item has no result or a result with an error; `failure` says
 * how that item is reported.
 */
export function resultsInOrder<I, R extends { readonly error: RawError | null }>(
  operation: string,
  items: readonly I[],
  find: (item: I, index: number) => R | undefined,
  failure: (item: I, index: number) => ItemFailure,
): R[] {
  const failures = new BatchFailures(operation)
  const results = items.map((item, index) => {
    const result = find(item, index)
    if (result && !result.error) return result
    const { item: name, missing, where } = failure(item, index)
    failures.addRaw(index, result?.error ?? missing, name, where)
    return undefined
  })
  failures.throwIfFailed(items.length)
  return results as R[]
}
