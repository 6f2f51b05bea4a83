// The soak check behind `npm run soak`: one kafkit Producer and one Consumer in this process, running for minutes at
// a steady rate, sampled every few seconds for memory (RSS, heap, external), file descriptors, threads and libuv
// handles. The verdict compares the second half of the run with its first sample after warm-up: a leak shows as
// growth there, a steady client does not grow at all once warm. Nothing may be lost (every record sent is
// acknowledged and consumed).
import { readdir, readFile } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'

/** Defaults of {@link runSoak}; the CLI and the test override some. */
export const SOAK_DEFAULTS = Object.freeze({
  durationS: 300,
  /** Records per second sent (not awaited each; back-pressure applies). */
  rate: 20_000,
  valueBytes: 200,
  partitions: 6,
  sampleEveryS: 5,
  /** Share of the run before the baseline sample: connections, buffers and JIT settle first. */
  warmupShare: 0.2,
  /** Allowed RSS growth from the baseline to the end, MB. */
  rssGrowthMb: 40,
})

/** @returns {Promise<{ fds: number, threads: number }>} */
async function osHandles() {
  const fds = (await readdir('/proc/self/fd')).length
  const status = await readFile('/proc/self/status', 'utf8')
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN)
  return { fds, threads }
}

/**
 * @typedef {{ atS: number, sent: number, acked: number, consumed: number, rssMb: number, heapMb: number,
 *   externalMb: number, fds: number, threads: number, resources: number }} SoakSample
 */

/** @returns {Promise<SoakSample>} */
async function sample(
  /** @type {number} */ t0,
  /** @type {{ sent: number, acked: number, consumed: number }} */ counts,
) {
  const memory = process.memoryUsage()
  const mb = (/** @type {number} */ bytes) => Math.round((bytes / 1048576) * 10) / 10
  return {
    atS: Math.round((performance.now() - t0) / 100) / 10,
    ...counts,
    rssMb: mb(memory.rss),
    heapMb: mb(memory.heapUsed),
    externalMb: mb(memory.external + memory.arrayBuffers),
    ...(await osHandles()),
    resources: process.getActiveResourcesInfo().length,
  }
}

/**
 * Runs the soak check against `brokers`.
 * @param {{ brokers: string, kafkit: Record<string, any> } & Partial<typeof SOAK_DEFAULTS>} options
 */
export async function runSoak(options) {
  const o = { ...SOAK_DEFAULTS, ...options }
  const { Admin, Producer, Consumer } = o.kafkit
  const topic = `soak-${Date.now()}`
  const admin = new Admin({ brokers: o.brokers })
  await admin.connect()
  await admin.createTopics([{ topic, partitions: o.partitions }])
  await admin.disconnect()

  const counts = { sent: 0, acked: 0, consumed: 0 }
  let failed = 0
  const producer = new Producer({ brokers: o.brokers })
  const consumer = new Consumer({ brokers: o.brokers, groupId: `${topic}-group`, fromBeginning: true })
  consumer.on('error', () => {
    failed++
  })
  producer.on('error', () => {
    failed++
  })
  await producer.connect()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  await consumer.run({
    eachBatch: ({ batch }) => {
      counts.consumed += batch.messages.length
    },
  })

  const value = Buffer.alloc(o.valueBytes, 'x')
  const t0 = performance.now()
  /** @type {SoakSample[]} */
  const samples = [await sample(t0, counts)]
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      await delay(o.sampleEveryS * 1000)
      if (sampling) samples.push(await sample(t0, counts))
    }
  })()

  // Paced sending: every 10 ms, the records due by then.
  const end = t0 + o.durationS * 1000
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * o.rate)
    while (counts.sent < due) {
      if (!producer.hasCapacity) await producer.waitForCapacity()
      producer.send({ topic, value }).then(
        () => {
          counts.acked++
        },
        () => {
          failed++
        },
      )
      counts.sent++
    }
    await delay(10)
  }
  await producer.flush()
  const drainDeadline = performance.now() + 60_000
  while (counts.consumed < counts.sent && performance.now() < drainDeadline) await delay(100)
  sampling = false
  await sampler
  samples.push(await sample(t0, counts))
  await consumer.stop()
  await Promise.all([consumer.disconnect(), producer.disconnect()])
  const cleanup = new Admin({ brokers: o.brokers })
  await cleanup.connect()
  await cleanup.deleteTopics([topic]).catch(() => undefined)
  await cleanup.disconnect()
  return verdict(o, samples, counts, failed)
}

/**
 * @param {typeof SOAK_DEFAULTS} o
 * @param {SoakSample[]} samples
 * @param {{ sent: number, acked: number, consumed: number }} counts
 * @param {number} failed
 */
function verdict(o, samples, counts, failed) {
  const baseline = samples.find((s) => s.atS >= o.durationS * o.warmupShare) ?? samples[0]
  const during = samples.filter((s) => s.atS >= baseline.atS && s.atS <= o.durationS)
  const last = during.at(-1) ?? baseline
  const max = (/** @type {keyof SoakSample} */ key) => Math.max(...during.map((s) => Number(s[key])))
  const checks = [
    { name: 'records lost (sent - consumed)', value: counts.sent - counts.consumed, limit: 0 },
    { name: 'sends failed', value: failed + (counts.sent - counts.acked), limit: 0 },
    {
      name: 'RSS growth after warm-up, MB',
      value: Math.round((last.rssMb - baseline.rssMb) * 10) / 10,
      limit: o.rssGrowthMb,
    },
    { name: 'file descriptors above baseline (peak)', value: max('fds') - baseline.fds, limit: 2 },
    { name: 'threads above baseline (peak)', value: max('threads') - baseline.threads, limit: 0 },
    // libuv handles and requests: timers and sockets come and go, a leak grows without bound.
    { name: 'active libuv resources above baseline (peak)', value: max('resources') - baseline.resources, limit: 10 },
  ].map((check) => ({ ...check, ok: check.value <= check.limit }))
  return { options: o, counts, baseline, last, samples, checks, ok: checks.every((c) => c.ok) }
}

/** A markdown report: the checks, then every sample. @param {Awaited<ReturnType<typeof runSoak>>} result */
export function renderSoak(result) {
  const lines = ['| check | value | limit | ok |', '|---|---|---|---|']
  for (const c of result.checks) lines.push(`| ${c.name} | ${c.value} | ${c.limit} | ${c.ok ? 'yes' : '**no**'} |`)
  lines.push(
    '',
    '| s | sent | consumed | RSS MB | heap MB | external MB | fds | threads | libuv resources |',
    '|---|---|---|---|---|---|---|---|---|',
  )
  for (const s of result.samples) {
    lines.push(
      `| ${s.atS} | ${s.sent} | ${s.consumed} | ${s.rssMb} | ${s.heapMb} | ${s.externalMb} | ${s.fds} | ${s.threads} | ${s.resources} |`,
    )
  }
  return lines.join('\n')
}
