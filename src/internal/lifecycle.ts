import { StateError } from '../errors/kafka-error.js'

/** A client's lifecycle state. */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed'

/**
 * Tracks a client's lifecycle and refuses calls made in the wrong state with a {@link StateError} that says what
 * to call first.
 */
export class Lifecycle {
  #state: ClientState = 'idle'

  /** @param role - the client's name in error messages, e.g. `'Producer'` */
  constructor(private readonly role: string) {}

  /** The current state. */
  get state(): ClientState {
    return this.#state
  }

  /** Moves to `next`. */
  set(next: ClientState): void {
    this.#state = next
  }

  /** Throws unless the client is connected. */
  assertConnected(method: string): void {
    if (this.#state === 'connected') return
    const advice =
      this.#state === 'idle' || this.#state === 'connecting'
        ? `await ${this.role.toLowerCase()}.connect() first`
        : `create a new ${this.role}: a disconnected client cannot be reused`
    throw new StateError(`${this.role}.${method}() called while ${this.#state}: ${advice}`)
  }

  /** Throws unless the client has never been connected. */
  assertIdle(method: string): void {
    if (this.#state !== 'idle') {
      throw new StateError(`${this.role}.${method}() called while ${this.#state}: it can only be called once, on a new ${this.role}`)
    }
  }
}
