/**
 * Ends a client's `connect()` as soon as librdkafka reports an error that retrying cannot cure (refused credentials,
 * a refused TLS certificate, a fatal error), instead of waiting out `connectTimeoutMs` for metadata that will never
 * come.
 * @module
 */
import type { KafkaError } from '../errors/kafka-error.js'
import { isHopeless } from '../errors/map.js'

/** One client's connect in progress, and the client errors that may end it early. */
export class ConnectGuard {
  #reject: ((error: KafkaError) => void) | undefined

  /** Waits for `step`, or rejects with the first hopeless client error reported meanwhile. */
  async run<T>(step: Promise<T>): Promise<T> {
    const hopeless = new Promise<never>((_, reject) => {
      this.#reject = reject
    })
    try {
      return await Promise.race([step, hopeless])
    } finally {
      this.#reject = undefined
      step.catch(() => undefined)
    }
  }

  /** Every client error passes here; a hopeless one ends the connect in progress. */
  report(error: KafkaError): void {
    if (this.#reject !== undefined && isHopeless(error)) this.#reject(error)
  }
}
