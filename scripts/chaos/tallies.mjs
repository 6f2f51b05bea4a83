// What the children of a chaos run report, gathered: acknowledged and failed sends, handled messages (the ledger),
// transactions, errors and partition assignments.
import { Ledger } from './ledger.mjs'
import { PARTITIONS } from './options.mjs'

/** The run's tallies, fed by {@link Tallies.onReport} with every message a child sends. */
export class Tallies {
  /** @param {(who: string, what: unknown) => void} event writes one line to the run's events.log */
  constructor(event) {
    this.event = event
    /** @type {number[]} ids the brokers acknowledged */
    this.acked = []
    /** @type {Array<{ id: number, code: string, possiblyPersisted: boolean }>} */
    this.failedSends = []
    /** @type {Map<string, number>} producer name -> messages sent */
    this.sentBy = new Map()
    this.ledger = new Ledger(PARTITIONS)
    /** @type {Map<string, Map<number, number>>} member name -> partition -> highest offset it handled */
    this.maxByMember = new Map()
    this.tx = { commits: 0, committedMessages: 0, aborts: 0 }
    /** @type {Map<string, number>} error text (numbers folded) -> how often */
    this.errorsSeen = new Map()
    /** @type {Map<string, Set<number>>} child name -> partitions it reported as assigned (from its rebalance events) */
    this.assignments = new Map()
  }

  /** @param {import('./children.mjs').ChildHandle} handle @param {any} message */
  onReport(handle, message) {
    const { acked, failedSends, sentBy, ledger, maxByMember, tx, assignments } = this
    if (
      !['acks', 'handled', 'rss'].includes(message?.type) &&
      !(message?.type === 'transaction' && message.outcome === 'commit')
    )
      this.event(handle.name, message)
    switch (message?.type) {
      case 'rebalance': {
        const held = assignments.get(handle.name) ?? new Set()
        assignments.set(handle.name, held)
        for (const p of message.partitions) {
          if (message.kind === 'assign') held.add(p)
          else held.delete(p)
        }
        if (handle.role === 'consumer' && message.kind === 'assign') {
          ledger.assigned(handle.name, message.partitions, message.at)
        }
        break
      }
      case 'acks':
        for (const id of message.acked) acked.push(id)
        for (const f of message.failed) failedSends.push(f)
        sentBy.set(handle.name, message.sent)
        break
      case 'done':
        if (handle.role === 'producer') sentBy.set(handle.name, message.sent)
        break
      case 'handled': {
        ledger.add(handle.name, message.partition, message.offsets, message.ids, message.at)
        const max = maxByMember.get(handle.name) ?? new Map()
        maxByMember.set(handle.name, max)
        max.set(message.partition, Math.max(max.get(message.partition) ?? -1, ...message.offsets))
        break
      }
      case 'transaction':
        if (message.outcome === 'commit') {
          tx.commits++
          tx.committedMessages += message.messages
        } else tx.aborts++
        if (message.error) this.countError(`${handle.role}: transaction ${message.outcome}: ${message.error}`)
        break
      case 'error':
        this.countError(`${handle.role}: ${message.message}`)
        break
      default:
    }
  }

  /** @param {string} text */
  countError(text) {
    const key = text.replace(/\d+/g, 'N').slice(0, 200)
    this.errorsSeen.set(key, (this.errorsSeen.get(key) ?? 0) + 1)
  }
}
