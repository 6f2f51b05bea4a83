// The fault-injection run behind `npm run chaos`: a fresh 3-node cluster of its own, kafkit clients in child
// processes producing and consuming continuously, faults injected one at a time, then a verification from the
// topics themselves. See docs/chaos.md for what each figure means.
import { createWriteStream } from 'node:fs'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, down, readState, startNode, stopNode, up } from '../cluster-lib.mjs'
import { Children } from './children.mjs'
import { OffsetReader, createTopic, delay, readTopic, underReplicated, waitFor } from './kafka.mjs'
import { Ledger, uncommittedAtKill } from './ledger.mjs'

export const INPUT = 'chaos-in'
export const OUTPUT = 'chaos-out'
export const PARTITIONS = 6
const ALO_GROUP = 'chaos-alo'
const EOS_GROUP = 'chaos-eos'

/** Defaults of {@link runChaos}; the CLI and the test override some. */
export const CHAOS_DEFAULTS = Object.freeze({
  /** Seconds of the fault phase (faults are spread over it; it lasts longer if the faults need more). */
  durationS: 120,
  brokerKills: 2,
  /** SIGSTOPs of a broker for `brokerStopMs`, past the brokers' and the groups' session timeouts. */
  brokerStops: 1,
  /** SIGKILLs of an at-least-once group member, each replaced. */
  consumerKills: 2,
  /** SIGKILLs of an exactly-once Processor, each replaced (same transactionalId). */
  processorKills: 2,
  /** Messages per second, all producers together. */
  rate: 200,
  producers: 2,
  consumers: 2,
  processors: 2,
  /** How long a SIGKILLed broker stays down before it is restarted. */
  brokerDownMs: 5_000,
  brokerStopMs: 20_000,
  /** Session timeout of both groups (the brokers fence a silent broker after 9 s, Kafka's default). */
  sessionTimeoutMs: 10_000,
  autoCommitIntervalMs: 1_000,
  /** Least time between the end of one fault's recovery and the next fault (a group settles after a kill). */
  minGapMs: 15_000,
  /**
   * A liveness probe, off by default: a group member owning a partition whose committed offset has not moved for
   * `stallMs` while records wait is SIGKILLed and replaced, as a supervisor would. Every such restart is counted in
   * the table; without the probe a stalled member makes the run fail to converge.
   */
  restartStalled: false,
  stallMs: 45_000,
  /** How long the end phase waits for consumers and Processors to reach the end of the input. */
  convergeTimeoutMs: 300_000,
  /** The Processors' partitionsPerTransaction (transactions shared by partitions); `undefined` keeps its default. */
  partitionsPerTransaction: /** @type {number | undefined} */ (undefined),
  /** The kafkit module the children import. */
  kafkit: join(ROOT, 'dist', 'index.js'),
  /** Keep the run's directory (events.log, broker logs) afterwards; it is always kept when a check failed. */
  keepDir: false,
})

/**
 * Runs the whole thing and returns the result; throws only when the run could not be set up (the cluster did not
 * start). Invariant violations are in `result.failures` (empty when every check held).
 * @param {Partial<typeof CHAOS_DEFAULTS> & { log?: (line: string) => void }} [overrides]
 */
export async function runChaos(overrides = {}) {
  const opts = { ...CHAOS_DEFAULTS, ...overrides }
  const t0 = Date.now()
  const log = overrides.log ?? ((/** @type {string} */ line) => process.stderr.write(`${line}\n`))
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-chaos-'))
  // Everything the children say besides their data (rebalances, errors, librdkafka warnings, status), with the
  // faults, one JSON line each: what to read when a check fails.
  const events = createWriteStream(join(dir, 'events.log'))
  const elapsed = () => Math.round((Date.now() - t0) / 100) / 10
  const event = (/** @type {string} */ who, /** @type {unknown} */ what) => events.write(`${JSON.stringify({ t: elapsed(), who, what })}\n`)
  const say = (/** @type {string} */ line) => {
    event('runner', line)
    log(`[chaos ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`)
  }
  /** @type {number | null} a broker pid currently SIGSTOPped, to be continued whatever happens */
  let frozenPid = null
  const children = new Children({
    onReport: (handle, message) => onReport(handle, message),
    onUnplannedExit: (handle, code, signal) => onUnplannedExit(handle, code, signal),
    log: say,
  })
  let ending = false

  // ---- state the children report into
  const acked = /** @type {number[]} */ ([])
  const failedSends = /** @type {Array<{ id: number, code: string, possiblyPersisted: boolean }>} */ ([])
  const sentBy = new Map()
  const ledger = new Ledger(PARTITIONS)
  /** member name -> partition -> highest offset it handled */
  const maxByMember = new Map()
  const tx = { commits: 0, committedMessages: 0, aborts: 0 }
  /** @type {Array<{ name: string, code: number | null, signal: string | null, reason: string, at: number }>} */
  const unplannedExits = []
  /** @type {Array<Record<string, unknown>>} */
  const faults = []
  /** @type {string[]} */
  const notes = []
  const errorsSeen = new Map()
  /** child name -> partitions it reported as assigned (from its rebalance events) */
  const assignments = new Map()
  /** @type {Array<{ at: number, name: string, group: string, partitions: number[], stalledS: number }>} */
  const livenessRestarts = []
  /** while a broker fault and its recovery run, stalls are the fault's, not a member's */
  let brokerFaultUntil = 0

  /** @param {import('./children.mjs').ChildHandle} handle @param {any} message */
  function onReport(handle, message) {
    if (!['acks', 'handled', 'rss'].includes(message?.type) && !(message?.type === 'transaction' && message.outcome === 'commit')) event(handle.name, message)
    switch (message?.type) {
      case 'rebalance': {
        const held = assignments.get(handle.name) ?? new Set()
        assignments.set(handle.name, held)
        for (const p of message.partitions) {
          if (message.kind === 'assign') held.add(p)
          else held.delete(p)
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
        ledger.add(handle.name, message.partition, message.offsets, message.ids)
        const max = maxByMember.get(handle.name) ?? new Map()
        maxByMember.set(handle.name, max)
        max.set(message.partition, Math.max(max.get(message.partition) ?? -1, ...message.offsets))
        break
      }
      case 'transaction':
        if (message.outcome === 'commit') { tx.commits++; tx.committedMessages += message.messages } else tx.aborts++
        if (message.error) countError(`${handle.role}: transaction ${message.outcome}: ${message.error}`)
        break
      case 'error':
        countError(`${handle.role}: ${message.message}`)
        break
      default:
    }
  }

  /** @param {string} text */
  function countError(text) {
    const key = text.replace(/\d+/g, 'N').slice(0, 200)
    errorsSeen.set(key, (errorsSeen.get(key) ?? 0) + 1)
  }

  /** @param {import('./children.mjs').ChildHandle} handle @param {number | null} code @param {string | null} signal */
  function onUnplannedExit(handle, code, signal) {
    const reason = handle.fatal ?? handle.stderr.join('').trim().split('\n').slice(-5).join(' | ') ?? ''
    unplannedExits.push({ name: handle.name, code, signal, reason, at: Math.round((Date.now() - t0) / 1000) })
    say(`UNPLANNED EXIT of ${handle.name} (code ${code}, signal ${signal}): ${reason}`)
    if (!ending) setTimeout(() => { if (!ending) startChild(handle.role, handle.slot) }, 1_000)
  }

  let bootstrap = ''
  /** @param {'producer' | 'consumer' | 'processor'} role @param {number} slot */
  function startChild(role, slot) {
    const common = { brokers: bootstrap, kafkit: opts.kafkit, sessionTimeoutMs: opts.sessionTimeoutMs }
    if (role === 'producer') {
      return children.start(role, slot, { ...common, topic: INPUT, index: slot, producers: opts.producers, rate: opts.rate / opts.producers })
    }
    if (role === 'consumer') {
      return children.start(role, slot, { ...common, topic: INPUT, groupId: ALO_GROUP, autoCommitIntervalMs: opts.autoCommitIntervalMs })
    }
    return children.start(role, slot, {
      ...common, input: INPUT, output: OUTPUT, groupId: EOS_GROUP, transactionalId: `chaos-eos-slot-${slot}`,
      partitionsPerTransaction: opts.partitionsPerTransaction,
    })
  }

  /** @type {Record<'consumer' | 'processor', Array<{ offset: number, since: number } | undefined>>} */
  const progress = { consumer: [], processor: [] }
  let probing = false
  /** @type {OffsetReader | undefined} */ let aloOffsets
  /** @type {OffsetReader | undefined} */ let eosOffsets
  /** @type {NodeJS.Timeout | undefined} */ let poller
  const cleanup = async (/** @type {boolean} */ keep) => {
    ending = true
    if (poller) clearInterval(poller)
    if (frozenPid) { try { process.kill(frozenPid, 'SIGCONT') } catch { /* gone */ } }
    await children.killAll()
    await aloOffsets?.close().catch(() => {})
    await eosOffsets?.close().catch(() => {})
    if (keep) {
      // `down` deletes the nodes' directories, their logs included: keep a copy of each broker's log.
      for (const node of (await readState(dir).catch(() => null))?.nodes ?? []) {
        await copyFile(node.logFile, join(dir, `broker-${node.id}-server.log`)).catch(() => {})
      }
    }
    await down({ dir }).catch((err) => say(`cluster shutdown: ${err.message}`))
    await new Promise((resolve) => events.end(resolve))
    if (!keep) await rm(dir, { recursive: true, force: true }).catch(() => {})
  }
  const onSignal = () => { void cleanup(true).finally(() => process.exit(130)) }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  /** @type {string[]} */
  const failures = []
  let converged = false
  let phaseMs = { setup: 0, faults: 0, converge: 0, verify: 0 }
  /** @type {Record<string, any>} */
  let verification = {}
  let kept = false
  try {
    // ---- setup
    say(`starting a 3-node cluster in ${dir}`)
    const cluster = await up({ nodes: 3, registry: false, dir })
    bootstrap = cluster.bootstrap
    const topicConfig = { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' }
    await createTopic(bootstrap, INPUT, PARTITIONS, topicConfig)
    await createTopic(bootstrap, OUTPUT, PARTITIONS, topicConfig)
    aloOffsets = await new OffsetReader(bootstrap, ALO_GROUP).connect()
    eosOffsets = await new OffsetReader(bootstrap, EOS_GROUP).connect()
    for (let slot = 0; slot < opts.producers; slot++) startChild('producer', slot)
    for (let slot = 0; slot < opts.consumers; slot++) startChild('consumer', slot)
    for (let slot = 0; slot < opts.processors; slot++) startChild('processor', slot)
    // The committed offsets the ledger checks re-deliveries against, applied a second late (see ledger.mjs).
    poller = setInterval(() => {
      aloOffsets?.committed(INPUT, PARTITIONS).then((offsets) => {
        setTimeout(() => ledger.observeCommitted(offsets), 1_000)
        if (opts.restartStalled) probe('consumer', offsets).catch((err) => say(`liveness probe: ${err.message}`))
      }, () => {})
      if (opts.restartStalled) {
        eosOffsets?.committed(INPUT, PARTITIONS).then((offsets) => probe('processor', offsets), () => {})
          .catch((err) => say(`liveness probe: ${err.message}`))
      }
    }, 1_000)
    await waitFor('every client under way (acks, handled messages, committed transactions)',
      () => acked.length > 0 && ledger.handled > 0 && tx.commits > 0 && [...children.current.values()].every((h) => h.ready), 180_000)
    // The internal topics exist now (both groups and the transactions wrote to them): the first fault finds them.
    await waitFor('a fully replicated cluster', async () => (await underReplicated(bootstrap)).length === 0, 120_000)
    phaseMs.setup = Date.now() - t0
    say(`cluster ${bootstrap}, all clients under way after ${(phaseMs.setup / 1000).toFixed(0)} s`)

    // ---- faults
    const plan = planFaults(opts)
    const faultStart = Date.now()
    const spacing = (opts.durationS * 1000) / Math.max(1, plan.length)
    const counters = { broker: 0, stop: 0, consumer: 0, processor: 0 }
    let lastRecovered = 0
    for (const [index, kind] of plan.entries()) {
      const due = Math.max(faultStart + index * spacing, lastRecovered + opts.minGapMs)
      if (Date.now() < due) await delay(due - Date.now())
      await waitHealthy(kind)
      const at = Math.round((Date.now() - t0) / 1000)
      const started = Date.now()
      if (kind === 'broker-kill' || kind === 'broker-stop') brokerFaultUntil = Number.MAX_SAFE_INTEGER
      if (kind === 'broker-kill') {
        const node = (counters.broker++ % 3) + 1
        say(`fault ${index + 1}/${plan.length}: SIGKILL broker ${node}`)
        await stopNode(node, { dir, kill: true })
        await delay(opts.brokerDownMs)
        await restartBroker(node)
        const restartedMs = Date.now() - started
        const isrMs = await timeToFullIsr(bootstrap)
        faults.push({ kind, target: `broker ${node}`, at, downMs: restartedMs, recoveredMs: Date.now() - started, isrMs })
      } else if (kind === 'broker-stop') {
        const node = ((counters.stop++ + 1) % 3) + 1
        const pid = (await readState(dir))?.nodes.find((n) => n.id === node)?.pid
        if (!pid) throw new Error(`broker ${node} has no pid to stop`)
        say(`fault ${index + 1}/${plan.length}: SIGSTOP broker ${node} for ${opts.brokerStopMs / 1000} s`)
        frozenPid = pid
        process.kill(pid, 'SIGSTOP')
        await delay(opts.brokerStopMs)
        process.kill(pid, 'SIGCONT')
        frozenPid = null
        const isrMs = await timeToFullIsr(bootstrap)
        faults.push({ kind, target: `broker ${node}`, at, downMs: opts.brokerStopMs, recoveredMs: Date.now() - started, isrMs })
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
          const committed = await waitFor('the group\'s committed offsets', () => aloOffsets?.committed(INPUT, PARTITIONS), 60_000)
          record.uncommitted = uncommittedAtKill(maxByMember.get(victim.name) ?? new Map(), committed)
        }
        const replacement = startChild(role, slot)
        await waitFor(`${replacement.name} ready`, () => replacement.ready, 120_000)
        record.recoveredMs = Date.now() - started
        faults.push(record)
      }
      event('runner', faults[faults.length - 1])
      lastRecovered = Date.now()
      if (kind === 'broker-kill' || kind === 'broker-stop') brokerFaultUntil = lastRecovered
    }
    if (Date.now() < faultStart + opts.durationS * 1000) await delay(faultStart + opts.durationS * 1000 - Date.now())
    phaseMs.faults = Date.now() - faultStart
    say(`faults done (${faults.length}); stopping the producers`)

    // ---- convergence
    const convergeStart = Date.now()
    await Promise.all(children.ofRole('producer').map((h) => children.stop(h, 180_000)))
    const ends = await waitFor('the input\'s end offsets', () => aloOffsets?.highWatermarks(INPUT, PARTITIONS), 60_000)
    const total = ends.reduce((a, b) => a + b, 0)
    say(`${total} records in ${INPUT}; waiting for both groups to commit up to the end`)
    try {
      await waitFor('both groups committed up to the end of the input', async () => {
        const [alo, eos] = await Promise.all([aloOffsets?.committed(INPUT, PARTITIONS), eosOffsets?.committed(INPUT, PARTITIONS)])
        return alo?.every((o, p) => o === ends[p]) && eos?.every((o, p) => o === ends[p])
      }, opts.convergeTimeoutMs, 1_000)
      converged = true
    } catch (err) {
      failures.push(`did not converge: ${/** @type {Error} */ (err).message}`)
      const [alo, eos] = await Promise.all([aloOffsets.committed(INPUT, PARTITIONS).catch(() => []), eosOffsets.committed(INPUT, PARTITIONS).catch(() => [])])
      notes.push(`at the convergence deadline: end offsets ${ends.join(',')}, ${ALO_GROUP} committed ${alo.join(',')}, ${EOS_GROUP} committed ${eos.join(',')}`)
      for (const handle of [...children.ofRole('consumer'), ...children.ofRole('processor')]) {
        const status = await new Promise((resolve) => {
          const timer = setTimeout(() => resolve('no answer in 10 s'), 10_000)
          const listener = (/** @type {any} */ message) => {
            if (message?.type !== 'status') return
            clearTimeout(timer)
            handle.child.off('message', listener)
            resolve(message)
          }
          handle.child.on('message', listener)
          if (handle.child.connected) handle.child.send({ type: 'status' })
        })
        notes.push(`${handle.name} at the deadline: ${JSON.stringify(status)}`)
      }
    }
    ending = true
    await Promise.all([...children.ofRole('consumer'), ...children.ofRole('processor')].map((h) => children.stop(h, 60_000)))
    phaseMs.converge = Date.now() - convergeStart

    // ---- verification, from the topics themselves
    const verifyStart = Date.now()
    verification = await verify(bootstrap, ends, aloOffsets, { acked, failedSends, ledger })
    phaseMs.verify = Date.now() - verifyStart
  } catch (err) {
    failures.push(`run aborted: ${/** @type {Error} */ (err).message}`)
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    const v = verification
    kept = opts.keepDir || failures.length > 0 || v.lost !== 0 || v.inputDuplicateIds !== 0 || v.aloMissing !== 0
      || ledger.belowCommitted.length !== 0 || v.eosDuplicates !== 0 || v.eosMissing !== 0 || v.eosMismatched !== 0
    await cleanup(kept)
  }

  const v = verification
  const sent = [...sentBy.values()].reduce((a, b) => a + b, 0)
  const faultCount = (/** @type {string} */ kind) => faults.filter((f) => f.kind === kind).length
  const result = {
    options: { ...opts, kafkit: opts.kafkit },
    startedAt: new Date(t0).toISOString(),
    totalMs: Date.now() - t0,
    phaseMs,
    converged,
    messages: {
      sent,
      acknowledged: acked.length,
      failedSends: failedSends.length,
      failedPossiblyPersisted: failedSends.filter((f) => f.possiblyPersisted).length,
      inInput: v.inputRecords,
      unacknowledgedInInput: v.unacknowledgedInInput,
      lost: v.lost,
      lostSample: v.lostSample,
      inputDuplicateIds: v.inputDuplicateIds,
    },
    atLeastOnce: {
      handled: ledger.handled,
      distinct: v.aloDistinct,
      missing: v.aloMissing,
      missingSample: v.aloMissingSample,
      duplicates: ledger.duplicates,
      redeliveries: ledger.redeliveries,
      uncommittedAtHandOver: ledger.uncommittedAtHandOver,
      uncommittedAtKills: faults.reduce((n, f) => n + (typeof f.uncommitted === 'number' ? f.uncommitted : 0), 0),
      belowCommitted: ledger.belowCommitted,
      finalCommittedAtEnd: v.aloCommittedAtEnd,
    },
    exactlyOnce: {
      transactionsCommitted: tx.commits,
      transactionsAborted: tx.aborts,
      outputs: v.outputs,
      duplicates: v.eosDuplicates,
      missing: v.eosMissing,
      mismatched: v.eosMismatched,
      abortedOutputsSkipped: v.abortedOutputs,
      sample: v.eosSample,
    },
    peakRss: { ...children.peakRss, runner: process.resourceUsage().maxRSS * 1024 },
    faults: {
      brokerKills: faultCount('broker-kill'),
      brokerStops: faultCount('broker-stop'),
      consumerKills: faultCount('consumer-kill'),
      processorKills: faultCount('processor-kill'),
      timeline: faults,
    },
    /** the run's directory (events.log, broker logs), when kept */
    dir: kept ? dir : null,
    unplannedExits,
    livenessRestarts,
    clientErrors: Object.fromEntries([...errorsSeen].sort((a, b) => b[1] - a[1]).slice(0, 30)),
    notes,
    failures,
  }
  // The invariants. Duplicates of at-least-once consumers are allowed (they are the price of at-least-once), but
  // only of what was not committed yet: a re-delivery starting below the committed offset is a failure.
  if (result.messages.lost !== 0) failures.push(`${result.messages.lost} acknowledged messages lost`)
  if (result.messages.inputDuplicateIds !== 0) failures.push(`${result.messages.inputDuplicateIds} ids written twice by idempotent producers`)
  if (result.atLeastOnce.missing !== 0) failures.push(`${result.atLeastOnce.missing} input records never handled by the at-least-once group`)
  if (result.atLeastOnce.belowCommitted.length !== 0) failures.push(`${result.atLeastOnce.belowCommitted.length} re-deliveries started below the committed offset`)
  if (result.exactlyOnce.duplicates !== 0) failures.push(`${result.exactlyOnce.duplicates} duplicated exactly-once outputs`)
  if (result.exactlyOnce.missing !== 0) failures.push(`${result.exactlyOnce.missing} inputs without an exactly-once output`)
  if (result.exactlyOnce.mismatched !== 0) failures.push(`${result.exactlyOnce.mismatched} exactly-once outputs that do not match their input`)
  const wanted = { brokerKills: opts.brokerKills, brokerStops: opts.brokerStops, consumerKills: opts.consumerKills, processorKills: opts.processorKills }
  for (const [kind, n] of Object.entries(wanted)) {
    if (result.faults[/** @type {keyof typeof wanted} */ (kind)] < n) failures.push(`only ${result.faults[/** @type {keyof typeof wanted} */ (kind)]} of ${n} ${kind}`)
  }
  return result

  // ---- helpers that need the run's state

  /**
   * startNode, retried: a failure to spawn the JVM is the environment's, not kafkit's, and must not throw away a
   * long run. (Seen once as `spawn ELOOP`: `npm run` puts node_modules/.bin first on PATH, and a node_modules
   * symlink pointing at itself made the lookup of `java` fail until it was repaired.) Each retry is noted.
   * @param {number} node
   */
  async function restartBroker(node) {
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
   * The liveness probe (opts.restartStalled): per group and partition, when the committed offset last moved; a
   * partition behind its high watermark whose offset has not moved for stallMs gets its owner replaced.
   * @param {'consumer' | 'processor'} role @param {number[]} committed
   */
  async function probe(role, committed) {
    const now = Date.now()
    const seen = progress[role]
    let stalled = /** @type {number[]} */ ([])
    committed.forEach((offset, p) => {
      const last = seen[p]
      if (!last || last.offset !== offset) seen[p] = { offset, since: now }
      else if (now - last.since > opts.stallMs && now > brokerFaultUntil + opts.stallMs) stalled.push(p)
    })
    if (stalled.length === 0 || probing || ending || !bootstrap) return
    probing = true
    try {
      const hw = await /** @type {OffsetReader} */ (aloOffsets).highWatermarks(INPUT, PARTITIONS)
      stalled = stalled.filter((p) => /** @type {number} */ (committed[p]) < /** @type {number} */ (hw[p]))
      const owner = children.ofRole(role).find((h) => h.ready && !h.exited && now - h.startedAt > opts.stallMs
        && stalled.some((p) => assignments.get(h.name)?.has(p)))
      if (!owner) return
      const partitions = stalled.filter((p) => assignments.get(owner.name)?.has(p))
      const stalledS = Math.round((now - Math.min(...partitions.map((p) => seen[p]?.since ?? now))) / 1000)
      say(`liveness probe: ${owner.name} holds partitions ${partitions.join(',')} whose committed offsets have not moved for ${stalledS} s; replacing it`)
      livenessRestarts.push({ at: Math.round((now - t0) / 1000), name: owner.name, group: role === 'consumer' ? ALO_GROUP : EOS_GROUP, partitions, stalledS })
      await children.kill(owner)
      startChild(role, owner.slot)
      for (const p of partitions) seen[p] = { offset: -2, since: Date.now() }
    } finally {
      probing = false
    }
  }

  /**
   * Before each fault: every child running and ready, the cluster fully replicated (at most one broker ever
   * down or behind). A deadline keeps the run bounded; a fault injected without full health is noted.
   * @param {string} kind
   */
  async function waitHealthy(kind) {
    try {
      await waitFor('every child ready', () => [...children.current.values()].every((h) => h.ready && !h.exited), 120_000)
      await waitFor('a fully replicated cluster', async () => (await underReplicated(bootstrap)).length === 0, 180_000)
    } catch (err) {
      notes.push(`${kind} at ${Math.round((Date.now() - t0) / 1000)} s injected without full health: ${/** @type {Error} */ (err).message}`)
    }
  }

  /** @param {string} servers @returns {Promise<number | null>} ms until no partition is under-replicated */
  async function timeToFullIsr(servers) {
    const started = Date.now()
    try {
      await waitFor('a fully replicated cluster', async () => (await underReplicated(servers)).length === 0, 240_000, 1_000)
      return Date.now() - started
    } catch (err) {
      notes.push(`after a broker fault at ${Math.round((started - t0) / 1000)} s: ${/** @type {Error} */ (err).message}`)
      return null
    }
  }
}

/**
 * The faults in order: each kind spread evenly over the run, so kinds interleave (kill a broker, kill a member,
 * stop a broker, kill a Processor, ...).
 * @param {{ brokerKills: number, brokerStops: number, consumerKills: number, processorKills: number }} opts
 */
export function planFaults(opts) {
  /** @type {Array<{ kind: string, position: number }>} */
  const all = []
  const add = (/** @type {string} */ kind, /** @type {number} */ n, /** @type {number} */ phase) => {
    for (let i = 0; i < n; i++) all.push({ kind, position: (i + phase) / n })
  }
  add('broker-kill', opts.brokerKills, 0.2)
  add('consumer-kill', opts.consumerKills, 0.4)
  add('broker-stop', opts.brokerStops, 0.6)
  add('processor-kill', opts.processorKills, 0.8)
  return all.sort((a, b) => a.position - b.position).map((f) => f.kind)
}

/**
 * Reads the input and the output back with fresh readers and computes lost, duplicated and missing records.
 * @param {string} bootstrap @param {number[]} ends @param {OffsetReader} aloOffsets
 * @param {{ acked: number[], failedSends: Array<{ id: number }>, ledger: Ledger }} state
 */
async function verify(bootstrap, ends, aloOffsets, { acked, failedSends, ledger }) {
  // Input: which id sits at which partition/offset, and how often each id occurs.
  const idAt = ends.map((end) => new Float64Array(end).fill(-1))
  const occurrences = new Map()
  let inputRecords = 0
  await readTopic(bootstrap, INPUT, ends, 'read_uncommitted', (partition, offset, _key, value) => {
    const id = Number(value?.toString())
    const ids = /** @type {Float64Array} */ (idAt[partition])
    if (offset < ids.length) ids[offset] = id
    occurrences.set(id, (occurrences.get(id) ?? 0) + 1)
    inputRecords++
  }, 300_000)
  let lost = 0
  /** @type {number[]} */
  const lostSample = []
  for (const id of acked) {
    if (!occurrences.has(id)) {
      lost++
      if (lostSample.length < 10) lostSample.push(id)
    }
  }
  const ackedSet = new Set(acked)
  let unacknowledgedInInput = 0
  let inputDuplicateIds = 0
  for (const [id, n] of occurrences) {
    if (!ackedSet.has(id)) unacknowledgedInInput++
    if (n > 1) inputDuplicateIds++
  }
  void failedSends

  const coverage = ledger.coverage(ends)
  const finalCommitted = await aloOffsets.committed(INPUT, PARTITIONS).catch(() => [])

  // Output, read_committed: exactly one output per input record, carrying that record's id.
  const outEnds = await aloOffsets.highWatermarks(OUTPUT, PARTITIONS)
  const outputsPer = ends.map((end) => new Uint16Array(end))
  let outputs = 0
  let eosMismatched = 0
  /** @type {string[]} */
  const eosSample = []
  await readTopic(bootstrap, OUTPUT, outEnds, 'read_committed', (_partition, _offset, key, value) => {
    outputs++
    const [p, o] = (key?.toString() ?? '').split(':').map(Number)
    const counts = outputsPer[p ?? -1]
    if (p === undefined || o === undefined || !counts || o >= counts.length) {
      eosMismatched++
      if (eosSample.length < 10) eosSample.push(`output for unknown input ${key?.toString()}`)
      return
    }
    counts[o] = Math.min(65535, /** @type {number} */ (counts[o]) + 1)
    if (Number(value?.toString()) !== /** @type {Float64Array} */ (idAt[p])[o]) {
      eosMismatched++
      if (eosSample.length < 10) eosSample.push(`output for ${p}:${o} carries ${value?.toString()}`)
    }
  }, 300_000)
  let eosDuplicates = 0
  let eosMissing = 0
  outputsPer.forEach((counts, p) => counts.forEach((n, o) => {
    if (n > 1) {
      eosDuplicates += n - 1
      if (eosSample.length < 10) eosSample.push(`input ${p}:${o} has ${n} outputs`)
    }
    if (n === 0) {
      eosMissing++
      if (eosSample.length < 10) eosSample.push(`input ${p}:${o} has no output`)
    }
  }))
  // Read uncommitted too: what the aborted transactions (killed Processors, fenced zombies) left in the log,
  // which read_committed readers never see.
  let rawOutputs = 0
  await readTopic(bootstrap, OUTPUT, outEnds, 'read_uncommitted', () => { rawOutputs++ }, 300_000)

  return {
    inputRecords, lost, lostSample, unacknowledgedInInput, inputDuplicateIds,
    aloDistinct: coverage.distinct, aloMissing: coverage.missing, aloMissingSample: coverage.missingSample,
    aloCommittedAtEnd: finalCommitted.every((o, p) => o === ends[p]),
    outputs, eosDuplicates, eosMissing, eosMismatched, eosSample, abortedOutputs: rawOutputs - outputs,
  }
}
