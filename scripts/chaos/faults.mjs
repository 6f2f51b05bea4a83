// The fault phase of a chaos run (run.mjs): the planned faults (broker SIGKILL, broker SIGSTOP, consumer and
// processor SIGKILL) injected one at a time, each once the cluster and every child are healthy, each recorded with
// how long recovery took.
import { readState, startNode, stopNode } from '../cluster-lib.mjs'
import { delay, underReplicated, waitFor } from './kafka.mjs'
import { uncommittedAtKill } from './ledger.mjs'
import { INPUT, PARTITIONS, planFaults } from './options.mjs'

/** @typedef {import('./children.mjs').ChildHandle} ChildHandle */

/**
 * What the fault phase needs of the run's state.
 * @typedef {object} FaultRun
 * @property {typeof import('./options.mjs').CHAOS_DEFAULTS} opts
 * @property {number} t0 when the run started (ms since the epoch)
 * @property {string} dir the cluster's directory
 * @property {string} bootstrap the cluster's bootstrap servers
 * @property {import('./children.mjs').Children} children
 * @property {(role: 'producer' | 'consumer' | 'processor', slot: number) => ChildHandle} startChild (re)starts a child
 * @property {import('./kafka.mjs').OffsetReader | undefined} aloOffsets the at-least-once group's offsets
 * @property {Map<string, Map<number, number>>} maxByMember per consumer, the highest offset handled per partition
 * @property {(line: string) => void} say
 * @property {(who: string, what: unknown) => void} event
 * @property {Array<Record<string, unknown>>} faults the timeline, appended to
 * @property {string[]} notes appended to
 * @property {{ frozenPid: number | null, until: number }} brokerFault a broker pid currently SIGSTOPped (to be
 *   continued whatever happens), and until when stalls are a broker fault's rather than a member's
 */

/**
 * Injects the planned faults spaced over `opts.durationS`, then waits out the rest of that duration.
 * @param {FaultRun} run
 */
export async function injectFaults(run) {
  const { opts, t0, dir, children, say, event, faults, startChild, aloOffsets, maxByMember, brokerFault } = run
  const plan = planFaults(opts)
  const faultStart = Date.now()
  const spacing = (opts.durationS * 1000) / Math.max(1, plan.length)
  const counters = { broker: 0, stop: 0, consumer: 0, processor: 0 }
  let lastRecovered = 0
  for (const [index, kind] of plan.entries()) {
    const due = Math.max(faultStart + index * spacing, lastRecovered + opts.minGapMs)
    if (Date.now() < due) await delay(due - Date.now())
    await waitHealthy(run, kind)
    const at = Math.round((Date.now() - t0) / 1000)
    const started = Date.now()
    if (kind === 'broker-kill' || kind === 'broker-stop') brokerFault.until = Number.MAX_SAFE_INTEGER
    if (kind === 'broker-kill') {
      const node = (counters.broker++ % 3) + 1
      say(`fault ${index + 1}/${plan.length}: SIGKILL broker ${node}`)
      await stopNode(node, { dir, kill: true })
      await delay(opts.brokerDownMs)
      await restartBroker(run, node)
      const restartedMs = Date.now() - started
      const isrMs = await timeToFullIsr(run)
      faults.push({
        kind,
        target: `broker ${node}`,
        at,
        downMs: restartedMs,
        recoveredMs: Date.now() - started,
        isrMs,
      })
    } else if (kind === 'broker-stop') {
      const node = ((counters.stop++ + 1) % 3) + 1
      const pid = (await readState(dir))?.nodes.find((n) => n.id === node)?.pid
      if (!pid) throw new Error(`broker ${node} has no pid to stop`)
      say(`fault ${index + 1}/${plan.length}: SIGSTOP broker ${node} for ${opts.brokerStopMs / 1000} s`)
      brokerFault.frozenPid = pid
      process.kill(pid, 'SIGSTOP')
      await delay(opts.brokerStopMs)
      process.kill(pid, 'SIGCONT')
      brokerFault.frozenPid = null
      const isrMs = await timeToFullIsr(run)
      faults.push({
        kind,
        target: `broker ${node}`,
        at,
        downMs: opts.brokerStopMs,
        recoveredMs: Date.now() - started,
        isrMs,
      })
    } else {
      const role = kind === 'consumer-kill' ? 'consumer' : 'processor'
      const slot = counters[role]++ % (role === 'consumer' ? opts.consumers : opts.processors)
      const victim = /** @type {import('./children.mjs').ChildHandle} */ (children.get(role, slot))
      say(`fault ${index + 1}/${plan.length}: SIGKILL ${victim.name}`)
      await children.kill(victim)
      /** @type {Record<string, unknown>} */
      const record = { kind, target: victim.name, at }
      if (role === 'consumer') {
        // Nothing can commit for the dead member any more, and its partitions have not moved yet (they do after
        // the session timeout): what the broker holds now is what it committed.
        const committed = await waitFor(
          "the group's committed offsets",
          () => aloOffsets?.committed(INPUT, PARTITIONS),
          60_000,
        )
        record.uncommitted = uncommittedAtKill(maxByMember.get(victim.name) ?? new Map(), committed)
      }
      const replacement = startChild(role, slot)
      await waitFor(`${replacement.name} ready`, () => replacement.ready, 120_000)
      record.recoveredMs = Date.now() - started
      faults.push(record)
    }
    event('runner', faults[faults.length - 1])
    lastRecovered = Date.now()
    if (kind === 'broker-kill' || kind === 'broker-stop') brokerFault.until = lastRecovered
  }
  if (Date.now() < faultStart + opts.durationS * 1000) await delay(faultStart + opts.durationS * 1000 - Date.now())
}

/**
 * startNode, retried: a failure to spawn the JVM is the environment's, not kafkit's, and must not throw away a
 * long run. (Seen once as `spawn ELOOP`: `npm run` puts node_modules/.bin first on PATH, and a node_modules
 * symlink pointing at itself made the lookup of `java` fail until it was repaired.) Each retry is noted.
 * @param {FaultRun} run @param {number} node
 */
async function restartBroker({ dir, notes, say }, node) {
  for (let attempt = 1; ; attempt++) {
    try {
      await startNode(node, { dir, timeoutMs: 180_000 })
      return
    } catch (err) {
      const message = /** @type {Error} */ (err).message.split('\n')[0]
      if (attempt >= 4) throw err
      notes.push(`restarting broker ${node} failed (attempt ${attempt}: ${message}); retried`)
      say(`restarting broker ${node} failed (${message}); retrying in 5 s`)
      await delay(5_000)
    }
  }
}

/**
 * Before each fault: every child running and ready, the cluster fully replicated (at most one broker ever
 * down or behind). A deadline keeps the run bounded; a fault injected without full health is noted.
 * @param {FaultRun} run @param {string} kind
 */
async function waitHealthy({ children, bootstrap, notes, t0 }, kind) {
  try {
    await waitFor('every child ready', () => [...children.current.values()].every((h) => h.ready && !h.exited), 120_000)
    await waitFor('a fully replicated cluster', async () => (await underReplicated(bootstrap)).length === 0, 180_000)
  } catch (err) {
    notes.push(
      `${kind} at ${Math.round((Date.now() - t0) / 1000)} s injected without full health: ${/** @type {Error} */ (err).message}`,
    )
  }
}

/** @param {FaultRun} run @returns {Promise<number | null>} ms until no partition is under-replicated */
async function timeToFullIsr({ bootstrap, notes, t0 }) {
  const started = Date.now()
  try {
    await waitFor(
      'a fully replicated cluster',
      async () => (await underReplicated(bootstrap)).length === 0,
      240_000,
      1_000,
    )
    return Date.now() - started
  } catch (err) {
    notes.push(`after a broker fault at ${Math.round((started - t0) / 1000)} s: ${/** @type {Error} */ (err).message}`)
    return null
  }
}
