/**
 * The Processor's shared transactions. Partitions whose runs of input messages are handled at about the same time
 * join one transaction (a round) and commit together, with every partition's next input offset in one
 * `sendOffsets`. A commit costs the same few round trips to the coordinators whatever it carries, so one round per
 * wave of partitions instead of one transaction per partition is what lets exactly-once keep up with at-least-once.
 *
 * A round aborts as a whole. The partition whose handler failed (or that was revoked meanwhile) is named as the
 * round's {@link Doom}; every other member runs its messages again in the next round.
 * @module
 */
import type { Transaction } from '../producer/transaction.js'

/** A member's part of a round's commit: the partition's next input offset. */
export interface Share {
  /** The member that handed it in. */
  readonly owner: object
  readonly topic: string
  readonly partition: number
  /** The offset of the partition's next input message. */
  readonly next: bigint
  /** True when the partition was revoked while its messages were handled: nothing of the round may commit. */
  stale(): boolean
  /** Why `stale()` is true, for the error. */
  describe(): string
}

/** The reason a round aborted, and the member it concerns. Every other member runs its messages again. */
export class Doom {
  /**
   * @param owner - the member whose failure or revocation aborted the round
   * @param cause - its error
   */
  constructor(
    readonly owner: object,
    readonly cause: unknown,
  ) {}
}

/** What a round needs from the Processor: the producer's transactions and the commit of the members' offsets. */
export interface RoundHost {
  /** Runs `fn` in one transaction of the processor's producer. */
  transaction(fn: (tx: Transaction<any, any, any>) => Promise<void>): Promise<void>
  /** Sends the members' offsets to the transaction (with the consumer's group metadata). */
  sendOffsets(tx: Transaction<any, any, any>, shares: readonly Share[]): Promise<void>
  /** The error of a member found stale at commit time. */
  staleError(share: Share): Error
  /**
   * While the host cannot begin transactions yet (its producer is being replaced), a promise that settles once it
   * can; `undefined` when it can. No round begins before it settles.
   */
  ready?(): Promise<void> | undefined
}

/** One transaction and the partitions taking part in it. */
export class Round {
  /** The round's number, counting from 1 for each processor. */
  readonly id: number
  /** The open transaction; `undefined` when it could not begin (then `outcome` rejects). */
  readonly tx: Transaction<any, any, any> | undefined
  /** Settles with the transaction: resolves once committed, rejects with the abort's reason. */
  readonly outcome: Promise<void>
  /** Settles (never rejects) once the transaction ended and the next round may begin. */
  readonly settled: Promise<void>
  #members = 0
  #ready = 0
  #accepting = true
  #closeCheck = false
  #doom: Doom | undefined
  readonly #shares: Share[] = []
  #close!: () => void

  /**
   * Begins the transaction.
   * @param host - the processor's side of it
   * @param id - the round's number
   */
  constructor(host: RoundHost, id: number) {
    this.id = id
    const closed = new Promise<void>((resolve) => (this.#close = resolve))
    let began: Transaction<any, any, any> | undefined
    // The producer begins the transaction and calls this function synchronously, so `tx` is set on return.
    this.outcome = host.transaction(async (tx) => {
      began = tx
      await closed
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- internal marker, unwrapped by the processor (instanceof Doom) before anything leaves it
      if (this.#doom !== undefined) throw this.#doom
      for (const share of this.#shares) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- internal marker, unwrapped by the processor (instanceof Doom) before anything leaves it
        if (share.stale()) throw new Doom(share.owner, host.staleError(share))
      }
      if (this.#shares.length > 0) await host.sendOffsets(tx, this.#shares)
    })
    this.tx = began
    const end = (): void => {
      this.#accepting = false
    }
    this.settled = this.outcome.then(end, end)
  }

  /** Whether new members may still join. */
  get accepting(): boolean {
    return this.#accepting
  }

  /** Set once a member failed: the others stop early, since the round aborts. */
  get doomed(): boolean {
    return this.#doom !== undefined
  }

  /** Adds a member; it must later call {@link Round.done} or {@link Round.fail} exactly once. */
  join(): void {
    this.#members++
  }

  /** A member finished its messages; `share` carries its offset (none when it handled nothing). */
  done(share?: Share): void {
    if (share !== undefined) this.#shares.push(share)
    this.#ready++
    this.#maybeClose()
  }

  /** A member failed: the round aborts, and `owner` is the one it concerns. */
  fail(owner: object, cause: unknown): void {
    this.#doom ??= new Doom(owner, cause)
    this.#ready++
    this.#maybeClose()
  }

  /**
   * Closes once every member is done and one turn of the event loop brought no new member: partitions dispatched
   * together by one fetch all get into the round.
   */
  #maybeClose(): void {
    if (this.#ready < this.#members || this.#closeCheck || !this.#accepting) return
    this.#closeCheck = true
    setImmediate(() => {
      this.#closeCheck = false
      if (this.#ready < this.#members || !this.#accepting) return
      this.#accepting = false
      this.#close()
    })
  }
}

/** Hands out rounds: one at a time, the next beginning once the previous transaction ended. */
export class TransactionRounds {
  readonly #host: RoundHost
  #current: Round | undefined
  #count = 0

  /** @param host - the processor's side of the transactions */
  constructor(host: RoundHost) {
    this.#host = host
  }

  /** Joins the open round, or begins one once the round being committed ended. */
  async join(): Promise<Round> {
    for (;;) {
      const current = this.#current
      if (current !== undefined) {
        if (current.accepting) {
          current.join()
          return current
        }
        await current.settled
        if (this.#current === current) this.#current = undefined
        continue
      }
      const pending = this.#host.ready?.()
      if (pending !== undefined) {
        // Another member may begin the round meanwhile: look again afterwards. A failed replacement is the next
        // transaction's to report.
        await pending.catch(() => undefined)
        continue
      }
      break
    }
    const round = new Round(this.#host, ++this.#count)
    this.#current = round
    round.join()
    return round
  }
}
