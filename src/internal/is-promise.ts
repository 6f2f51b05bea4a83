/**
 * Telling a handler's promise from its plain return value.
 * @module
 */

/**
 * Whether `value` is a promise (any thenable). Handlers may be synchronous: awaiting only what is a promise spares
 * a synchronous handler a suspension and a microtask per message.
 */
export function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}
