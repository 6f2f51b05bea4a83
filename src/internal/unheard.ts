/**
 * What becomes of a client's errors when nobody listens for them. Node's convention is that an `'error'` event
 * without a listener is never silent (it throws); kafkit's clients report errors they survive (a failed background
 * commit, a revoke that timed out, a failing hook) and must not crash the process for them. So without an `error`
 * listener they become process warnings, which Node prints to stderr by default: at most one per client and error
 * code every 10 s, as librdkafka's own warnings (see log.ts).
 * @module
 */
import type { KafkaError } from '../errors/kafka-error.js'

const WARNING_INTERVAL_MS = 10_000

/** Turns one client's unheard errors into rate-limited process warnings. */
export class UnheardErrors {
  readonly #client: string
  readonly #lastWarning = new Map<string, number>()

  /** @param client - the client's role (and name), e.g. `Consumer billing` */
  constructor(client: string) {
    this.#client = client
  }

  /** Emits `error` as a process warning, unless one with the same code was emitted in the last 10 s. */
  warn(error: KafkaError): void {
    const now = Date.now()
    if (now - (this.#lastWarning.get(error.code) ?? -Infinity) < WARNING_INTERVAL_MS) return
    this.#lastWarning.set(error.code, now)
    process.emitWarning(
      `${this.#client}: ${error.message} (no 'error' listener; at most one warning per code every 10 s)`,
      {
        type: 'KafkitErrorWarning',
        code: error.code,
      },
    )
  }
}
