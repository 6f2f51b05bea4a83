/**
 * Per-item errors of batch calls. Every batch call either resolves (all items succeeded) or rejects with one
 * {@link KafkaAggregateError} listing each failed item with its input index; items not listed succeeded.
 * @module
 */
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
