import { describe, expect, it } from 'vitest'
import { Doom, type RoundHost, type Share, TransactionRounds } from '../../../src/patterns/transaction-rounds.js'
import type { Transaction } from '../../../src/producer/transaction.js'

/** A host whose transactions record what happened; one transaction at a time, as a producer allows. */
function recordingHost(): { host: RoundHost; log: string[] } {
  const log: string[] = []
  let open = false
  let count = 0
  const host: RoundHost = {
    async transaction(fn) {
      if (open) throw new Error('a transaction is already open')
      open = true
      const id = ++count
      log.push(`begin ${id}`)
      try {
        await fn({} as Transaction<any, any, any>)
        log.push(`commit ${id}`)
      } catch (error) {
        log.push(`abort ${id}`)
        throw error
      } finally {
        open = false
      }
    },
    async sendOffsets(_tx, shares) {
      log.push(`offsets ${shares.map((s) => `${s.partition}@${s.next}`).join(',')}`)
    },
    staleError: (share) => new Error(share.describe()),
  }
  return { host, log }
}

function share(owner: object, partition: number, next: bigint, stale = false): Share {
  return { owner, topic: 't', partition, next, stale: () => stale, describe: () => `t[${partition}] revoked` }
}

describe('TransactionRounds', () => {
  it("commits the members that joined before it closed together, with every one's offset", async () => {
    const { host, log } = recordingHost()
    const rounds = new TransactionRounds(host)
    const [a, b] = [{}, {}]
    const first = await rounds.join()
    const second = await rounds.join()
    expect(second).toBe(first)
    first.done(share(a, 0, 10n))
    second.done(share(b, 1, 20n))
    await first.outcome
    expect(log).toEqual(['begin 1', 'offsets 0@10,1@20', 'commit 1'])
  })

  it('waits for a member that joins while the others are done, within the same turn of the event loop', async () => {
    const { host, log } = recordingHost()
    const rounds = new TransactionRounds(host)
    const round = await rounds.join()
    round.done(share({}, 0, 1n))
    const late = await rounds.join()
    expect(late).toBe(round)
    setTimeout(() => late.done(share({}, 1, 2n)), 20)
    await round.outcome
    expect(log).toEqual(['begin 1', 'offsets 0@1,1@2', 'commit 1'])
  })

  it('begins the next round only after the previous transaction ended', async () => {
    const { host, log } = recordingHost()
    const rounds = new TransactionRounds(host)
    const first = await rounds.join()
    first.done(share({}, 0, 1n))
    await new Promise((resolve) => setImmediate(resolve))
    expect(first.accepting).toBe(false)
    const second = await rounds.join()
    expect(second).not.toBe(first)
    expect(second.id).toBe(2)
    second.done(share({}, 0, 2n))
    await second.outcome
    expect(log).toEqual(['begin 1', 'offsets 0@1', 'commit 1', 'begin 2', 'offsets 0@2', 'commit 2'])
  })

  it("aborts the whole round on a member's failure, naming that member", async () => {
    const { host, log } = recordingHost()
    const rounds = new TransactionRounds(host)
    const [failing, innocent] = [{}, {}]
    const round = await rounds.join()
    await rounds.join()
    const cause = new Error('handler failed')
    round.fail(failing, cause)
    expect(round.doomed).toBe(true)
    round.done(share(innocent, 1, 5n))
    const error = await round.outcome.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Doom)
    expect((error as Doom).owner).toBe(failing)
    expect((error as Doom).cause).toBe(cause)
    expect(log).toEqual(['begin 1', 'abort 1'])
  })

  it("aborts when a member's partition was revoked meanwhile, naming that member", async () => {
    const { host, log } = recordingHost()
    const rounds = new TransactionRounds(host)
    const revoked = {}
    const round = await rounds.join()
    await rounds.join()
    round.done(share({}, 0, 3n))
    round.done(share(revoked, 1, 4n, true))
    const error = await round.outcome.catch((e: unknown) => e)
    expect((error as Doom).owner).toBe(revoked)
    expect((error as Doom).cause).toEqual(new Error('t[1] revoked'))
    expect(log).toEqual(['begin 1', 'abort 1'])
  })

  it('rejects every member when the transaction cannot begin, and the next round still begins', async () => {
    let refuse = true
    const { host } = recordingHost()
    const rounds = new TransactionRounds({
      ...host,
      transaction: (fn) => (refuse ? Promise.reject(new Error('producer closed')) : host.transaction(fn)),
    })
    const round = await rounds.join()
    expect(round.tx).toBeUndefined()
    round.done()
    await expect(round.outcome).rejects.toThrow('producer closed')
    refuse = false
    const next = await rounds.join()
    expect(next).not.toBe(round)
    expect(next.tx).toBeDefined()
    next.done()
    await next.outcome
  })

  it('begins no round while the host is not ready (a producer being replaced); members waiting meanwhile share the next one', async () => {
    const { host, log } = recordingHost()
    let release!: () => void
    let replacing: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve)).then(() => {
      replacing = undefined
    })
    const rounds = new TransactionRounds({ ...host, ready: () => replacing })
    const joining = [rounds.join(), rounds.join()]
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(log).toEqual([])
    release()
    const [first, second] = await Promise.all(joining)
    expect(second).toBe(first)
    first!.done(share({}, 0, 1n))
    second!.done(share({}, 1, 2n))
    await first!.outcome
    expect(log).toEqual(['begin 1', 'offsets 0@1,1@2', 'commit 1'])
  })

  it('begins the next round after a failed replacement: its transaction reports the failure', async () => {
    const { host } = recordingHost()
    let replacing: Promise<void> | undefined = Promise.reject(new Error('replacement failed'))
    replacing.catch(() => undefined)
    const rounds = new TransactionRounds({
      ...host,
      ready: () => {
        const pending = replacing
        replacing = undefined
        return pending
      },
      transaction: () => Promise.reject(new Error('producer unusable')),
    })
    const round = await rounds.join()
    round.done()
    await expect(round.outcome).rejects.toThrow('producer unusable')
  })
})
