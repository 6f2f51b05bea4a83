/**
 * Describe calls of named items (topics, groups): the names checked, one read request with the authorized operations
 * when asked for, and each name's description in input order, the unknown and failed ones thrown together.
 * @module
 */
import type { RawError } from '../native/admin-addon.js'
import { type ItemFailure, resultsInOrder } from './batch.js'
import type { AdminContext, Attempt } from './request.js'
import type { DescribeOptions } from './types.js'
import { expectItems } from './validate.js'

/** What makes one describe call of named items. */
export interface DescribeNamed<R extends { readonly error: RawError | null }, T> {
  /** The method name, e.g. `describeTopics`. */
  readonly operation: string
  /** The name of the input array in messages (e.g. `topics`), and the check of one name at `path`. */
  readonly input: string
  readonly check: (value: unknown, path: string) => string
  /** Asks the addon for the descriptions of `names`; throws a RetryRequest while the answer is transient. */
  readonly ask: (context: AdminContext, names: readonly string[], attempt: Attempt) => Promise<R[]>
  /** The name a raw description is of. */
  readonly nameOf: (result: R) => string
  /** How a name without a description, or with a failed one, is reported. */
  readonly failure: (name: string) => ItemFailure
  /** A raw description as the caller gets it. */
  readonly convert: (result: R) => T
}

/** A call function `(context, names, options)` running the describe call that `call` defines. */
export type DescribeNamedFunction<T> = (
  context: AdminContext,
  input: readonly string[],
  options?: DescribeOptions,
) => Promise<T[]>

/** Defines a describe call of named items from what makes it (see {@link DescribeNamed}). */
export function describeNamed<R extends { readonly error: RawError | null }, T>(
  call: DescribeNamed<R, T>,
): DescribeNamedFunction<T> {
  return async (context, input, options = {}) => {
    const names = expectItems(input, call.input, call.check)
    return context.run(
      call.operation,
      options,
      'read',
      async (attempt) => {
        const results = await call.ask(context, names, attempt)
        const byName = new Map(results.map((r) => [call.nameOf(r), r]))
        return resultsInOrder(call.operation, names, (name) => byName.get(name), call.failure).map(call.convert)
      },
      { includeAuthorizedOperations: options.includeAuthorizedOperations === true },
    )
  }
}
