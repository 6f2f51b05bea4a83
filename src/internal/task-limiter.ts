/**
 * A concurrency limit for the consumer's partition tasks.
 * @module
 */

/**
 * Runs asynchronous tasks, at most `concurrency` at once, in the order they were added. A task added while a slot is
 * free starts at once, inside {@link add}; the others start as running ones settle.
 *
 * The consumer's scheduler adds a task per partition that has messages, several per small fetch: this costs an
 * array push or a counter per task, where a general-purpose queue (p-queue, used before) spent ~10 µs on ids,
 * timestamps and events, measured as a third of a small fetch's time to its first handler.
 */
export class TaskLimiter {
  readonly #concurrency: number
  readonly #waiting: Array<() => void> = []
  #idle: Array<() => void> = []
  #running = 0

  /** @param concurrency - how many tasks may run at once (a positive integer, or `Infinity`) */
  constructor(concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`)
    this.#concurrency = concurrency
  }

  /** How many tasks are running. */
  get running(): number {
    return this.#running
  }

  /** How many tasks wait for a slot. */
  get waiting(): number {
    return this.#waiting.length
  }

  /**
   * Runs `task` now if a slot is free, else once one frees. What the task throws or rejects with goes to `onError`;
   * either way its slot is freed once it settled.
   */
  add(task: () => Promise<void>, onError: (error: unknown) => void): void {
    const start = (): void => {
      this.#running++
      let settled: Promise<void>
      try {
        settled = task()
      } catch (error) {
        settled = Promise.reject(error)
      }
      settled.catch(onError).finally(this.#release)
    }
    if (this.#running < this.#concurrency) start()
    else this.#waiting.push(start)
  }

  /** Resolves once no task runs and none waits (at once when idle). */
  onIdle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #release = (): void => {
    this.#running--
    const next = this.#waiting.shift()
    if (next !== undefined) {
      next()
      return
    }
    if (this.#running > 0) return
    const idle = this.#idle
    this.#idle = []
    for (const resolve of idle) resolve()
  }
}
