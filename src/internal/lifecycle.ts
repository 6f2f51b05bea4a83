import { StateError } from '../errors/kafka-error.js'

/** A client's lifecycle state. */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed'

/**
 * Tracks a client's lifecycle and refuses calls made in the wrong state with a {@link StateError} that says what
 * to call first.
 */
export class Lifecycle {
  #state: ClientState = 'idle'
  /** The connect attempt, once started. */
  #connecting: Promise<void> | undefined

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

  /**
   * Starts the client's one connect: moves to `connecting` and runs `attempt`, which moves on to `connected` or
   * `closed`. Rejects with a {@link StateError} when the client was connected before.
   * @param method - the public method, for the error message (`connect`, `start`)
   */
  connect(method: string, attempt: () => Promise<void>): Promise<void> {
    try {
      this.assertIdle(method)
    } catch (error) {
      return Promise.reject(error)
    }
    this.#state = 'connecting'
    this.#connecting = attempt()
    return this.#connecting
  }

  /** Resolves once the connect attempt settled, either way (at once when none was made). */
  connectSettled(): Promise<void> {
    return this.#connecting?.catch(() => undefined) ?? Promise.resolve()
  }

  /**
   * Starts closing: returns `true` once a connected client moved to `closing`, after letting a connect in progress
   * settle (so that it cannot mark a closed client connected, and leave it running). Returns `false` when there is
   * nothing to close: already closing or closed, or never connected (then it is `closed` now).
   */
  async beginClose(): Promise<boolean> {
    for (;;) {
      if (this.#state === 'closed' || this.#state === 'closing') return false
      if (this.#state !== 'connecting') break
      await this.connectSettled()
    }
    if (this.#state !== 'connected') {
      this.#state = 'closed'
      return false
    }
    this.#state = 'closing'
    return true
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
      throw new StateError(
        `${this.role}.${method}() called while ${this.#state}: it can only be called once, on a new ${this.role}`,
      )
    }
  }
}
