// The fault-injection run behind `npm run chaos`: a fresh 3-node cluster of its own, kafkit clients in child
// processes producing and consuming continuously, faults injected one at a time, then a verification from the
// topics themselves. See docs/chaos.md for what each figure means. The defaults and the fault plan are in
// options.mjs, faults.mjs injects the faults, the children's reports are tallied in tallies.mjs, verify.mjs reads
// the topics back and result.mjs turns it all into the result and its invariants.
import { createWriteStream } from 'node:fs'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { down, readState, up } from '../cluster-lib.mjs'
import { Children } from './children.mjs'
import { injectFaults } from './faults.mjs'
import { OffsetReader, createTopic, underReplicated, waitFor } from './kafka.mjs'
import { ALO_GROUP, CHAOS_DEFAULTS, EOS_GROUP, INPUT, OUTPUT, PARTITIONS } from './options.mjs'
import { buildResult, FALL_GRACE_MS } from './result.mjs'
import { Tallies } from './tallies.mjs'
import { verify } from './verify.mjs'

export { CHAOS_DEFAULTS, INPUT, OUTPUT, PARTITIONS, planFaults } from './options.mjs'

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
  const event = (/** @type {string} */ who, /** @type {unknown} */ what) =>
    events.write(`${JSON.stringify({ t: elapsed(), who, what })}\n`)
  const say = (/** @type {string} */ line) => {
    event('runner', line)
    log(`[chaos ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`)
  }
  /**
   * A broker pid currently SIGSTOPped (to be continued whatever happens), and until when stalls are a broker fault's
   * rather than a member's (while a broker fault and its recovery run); see faults.mjs.
   * @type {{ frozenPid: number | null, until: number }}
   */
  const brokerFault = { frozenPid: null, until: 0 }
  const children = new Children({
    onReport: (handle, message) => tallies.onReport(handle, message),
    onUnplannedExit: (handle, code, signal) => onUnplannedExit(handle, code, signal),
    log: say,
  })
  let ending = false

  // ---- state the children report into
  const tallies = new Tallies(event)
  const { acked, ledger, maxByMember, tx, assignments } = tallies
  /** @type {Array<{ name: string, code: number | null, signal: string | null, reason: string, at: number }>} */
  const unplannedExits = []
  /** @type {Array<Record<string, unknown>>} */
  const faults = []
  /** @type {string[]} */
  const notes = []
  /** @type {Array<{ at: number, name: string, group: string, partitions: number[], stalledS: number }>} */
  const livenessRestarts = []

  /** @param {import('./children.mjs').ChildHandle} handle @param {number | null} code @param {string | null} signal */
  function onUnplannedExit(handle, code, signal) {
    const reason = handle.fatal ?? handle.stderr.join('').trim().split('\n').slice(-5).join(' | ') ?? ''
    unplannedExits.push({ name: handle.name, code, signal, reason, at: Math.round((Date.now() - t0) / 1000) })
    say(`UNPLANNED EXIT of ${handle.name} (code ${code}, signal ${signal}): ${reason}`)
    if (!ending)
      setTimeout(() => {
        if (!ending) startChild(handle.role, handle.slot)
      }, 1_000)
  }

  let bootstrap = ''
  /** @param {'producer' | 'consumer' | 'processor'} role @param {number} slot */
  function startChild(role, slot) {
    const common = { brokers: bootstrap, kafkit: opts.kafkit, sessionTimeoutMs: opts.sessionTimeoutMs }
    if (role === 'producer') {
      return children.start(role, slot, {
        ...common,
        topic: INPUT,
        index: slot,
        producers: opts.producers,
        rate: opts.rate / opts.producers,
        inFlight: opts.producerInFlight,
      })
    }
    if (role === 'consumer') {
      return children.start(role, slot, {
        ...common,
        topic: INPUT,
        groupId: ALO_GROUP,
        autoCommitIntervalMs: opts.autoCommitIntervalMs,
      })
    }
    return children.start(role, slot, {
      ...common,
      input: INPUT,
      output: OUTPUT,
      groupId: EOS_GROUP,
      transactionalId: `chaos-eos-slot-${slot}`,
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
    if (brokerFault.frozenPid) {
      try {
        process.kill(brokerFault.frozenPid, 'SIGCONT')
      } catch {
        /* gone */
      }
    }
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
  const onSignal = () => {
    void cleanup(true).finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  /** @type {string[]} */
  const failures = []
  let converged = false
  let phaseMs = { setup: 0, faults: 0, converge: 0, verify: 0 }
  /** @type {Record<string, any>} */
  let verification = {}
  let kept
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
    // The committed offsets the ledger checks re-deliveries against, stamped with when they arrived (see ledger.mjs).
    poller = setInterval(() => {
      aloOffsets?.committed(INPUT, PARTITIONS).then(
        (offsets) => {
          ledger.observeCommitted(offsets, Date.now())
          if (opts.restartStalled) probe('consumer', offsets).catch((err) => say(`liveness probe: ${err.message}`))
        },
        () => {},
      )
      if (opts.restartStalled) {
        eosOffsets
          ?.committed(INPUT, PARTITIONS)
          .then(
            (offsets) => probe('processor', offsets),
            () => {},
          )
          .catch((err) => say(`liveness probe: ${err.message}`))
      }
    }, 1_000)
    await waitFor(
      'every client under way (acks, handled messages, committed transactions)',
      () =>
        acked.length > 0 &&
        ledger.handled > 0 &&
        tx.commits > 0 &&
        [...children.current.values()].every((h) => h.ready),
      180_000,
    )
    // The internal topics exist now (both groups and the transactions wrote to them): the first fault finds them.
    await waitFor('a fully replicated cluster', async () => (await underReplicated(bootstrap)).length === 0, 120_000)
    phaseMs.setup = Date.now() - t0
    say(`cluster ${bootstrap}, all clients under way after ${(phaseMs.setup / 1000).toFixed(0)} s`)

    // ---- faults
    const faultStart = Date.now()
    await injectFaults({
      opts,
      t0,
      dir,
      bootstrap,
      children,
      startChild,
      aloOffsets,
      maxByMember,
      say,
      event,
      faults,
      notes,
      brokerFault,
    })
    phaseMs.faults = Date.now() - faultStart
    say(`faults done (${faults.length}); stopping the producers`)

    // ---- convergence
    const convergeStart = Date.now()
    await Promise.all(children.ofRole('producer').map((h) => children.stop(h, 180_000)))
    const ends = await waitFor("the input's end offsets", () => aloOffsets?.highWatermarks(INPUT, PARTITIONS), 60_000)
    const total = ends.reduce((a, b) => a + b, 0)
    say(`${total} records in ${INPUT}; waiting for both groups to commit up to the end`)
    try {
      await waitFor(
        'both groups committed up to the end of the input',
        async () => {
          const [alo, eos] = await Promise.all([
            aloOffsets?.committed(INPUT, PARTITIONS),
            eosOffsets?.committed(INPUT, PARTITIONS),
          ])
          return alo?.every((o, p) => o === ends[p]) && eos?.every((o, p) => o === ends[p])
        },
        opts.convergeTimeoutMs,
        1_000,
      )
      converged = true
    } catch (err) {
      failures.push(`did not converge: ${/** @type {Error} */ (err).message}`)
      const [alo, eos] = await Promise.all([
        aloOffsets.committed(INPUT, PARTITIONS).catch(() => []),
        eosOffsets.committed(INPUT, PARTITIONS).catch(() => []),
      ])
      notes.push(
        `at the convergence deadline: end offsets ${ends.join(',')}, ${ALO_GROUP} committed ${alo.join(',')}, ${EOS_GROUP} committed ${eos.join(',')}`,
      )
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
    await Promise.all(
      [...children.ofRole('consumer'), ...children.ofRole('processor')].map((h) => children.stop(h, 60_000)),
    )
    phaseMs.converge = Date.now() - convergeStart

    // ---- verification, from the topics themselves
    const verifyStart = Date.now()
    verification = await verify(bootstrap, ends, aloOffsets, tallies)
    phaseMs.verify = Date.now() - verifyStart
  } catch (err) {
    failures.push(`run aborted: ${/** @type {Error} */ (err).message}`)
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    const v = verification
    kept =
      opts.keepDir ||
      failures.length > 0 ||
      v.lost !== 0 ||
      v.inputDuplicateIds !== 0 ||
      v.aloMissing !== 0 ||
      ledger.splitBelowCommitted(FALL_GRACE_MS).unexplained.length !== 0 ||
      v.eosDuplicates !== 0 ||
      v.eosMissing !== 0 ||
      v.eosMismatched !== 0
    await cleanup(kept)
  }

  const result = buildResult({
    opts,
    t0,
    phaseMs,
    converged,
    v: verification,
    tallies,
    faults,
    dir: kept ? dir : null,
    unplannedExits,
    livenessRestarts,
    notes,
    failures,
    peakRss: { ...children.peakRss, runner: process.resourceUsage().maxRSS * 1024 },
  })
  return result

  // ---- helpers that need the run's state

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
      else if (now - last.since > opts.stallMs && now > brokerFault.until + opts.stallMs) stalled.push(p)
    })
    if (stalled.length === 0 || probing || ending || !bootstrap) return
    probing = true
    try {
      const hw = await /** @type {OffsetReader} */ (aloOffsets).highWatermarks(INPUT, PARTITIONS)
      stalled = stalled.filter((p) => /** @type {number} */ (committed[p]) < /** @type {number} */ (hw[p]))
      const owner = children
        .ofRole(role)
        .find(
          (h) =>
            h.ready &&
            !h.exited &&
            now - h.startedAt > opts.stallMs &&
            stalled.some((p) => assignments.get(h.name)?.has(p)),
        )
      if (!owner) return
      const partitions = stalled.filter((p) => assignments.get(owner.name)?.has(p))
      const stalledS = Math.round((now - Math.min(...partitions.map((p) => seen[p]?.since ?? now))) / 1000)
      say(
        `liveness probe: ${owner.name} holds partitions ${partitions.join(',')} whose committed offsets have not moved for ${stalledS} s; replacing it`,
      )
      livenessRestarts.push({
        at: Math.round((now - t0) / 1000),
        name: owner.name,
        group: role === 'consumer' ? ALO_GROUP : EOS_GROUP,
        partitions,
        stalledS,
      })
      await children.kill(owner)
      startChild(role, owner.slot)
      for (const p of partitions) seen[p] = { offset: -2, since: Date.now() }
    } finally {
      probing = false
    }
  }
}
