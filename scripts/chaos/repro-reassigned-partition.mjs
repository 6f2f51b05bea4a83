#!/usr/bin/env node
// node scripts/chaos/repro-reassigned-partition.mjs   (after npm run build)
// Minimal reproduction of the fault the chaos run found: a partition revoked from a Consumer and later assigned back
// to it is never fetched again. No fault injection: one broker (a private cluster in a temp dir), two members, one
// cooperative hand-back. Exits 1 when the partition stays unfetched, 0 when both partitions are handled.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, down, up } from '../cluster-lib.mjs'

const { Admin, Consumer, Producer } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms))
/** @param {string} what @param {() => boolean} condition */
async function waitFor(what, condition, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

const dir = await mkdtemp(join(tmpdir(), 'kafkit-repro-'))
let stuck
try {
  const { bootstrap } = await up({ nodes: 1, registry: false, dir })
  const admin = new Admin({ brokers: bootstrap })
  await admin.connect()
  await admin.createTopics([{ topic: 't', partitions: 2, replicationFactor: 1 }])
  await admin.disconnect()
  const producer = new Producer({ brokers: bootstrap })
  await producer.connect()
  const produce = async (/** @type {string} */ tag) => {
    for (let partition = 0; partition < 2; partition++) {
      for (let i = 0; i < 10; i++) await producer.send({ topic: 't', partition, value: `${tag}-${partition}-${i}` })
    }
  }
  const member = (/** @type {string} */ name, /** @type {number[]} */ handled) => {
    const consumer = new Consumer({
      brokers: bootstrap,
      groupId: 'g',
      fromBeginning: true,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    })
    consumer.on('rebalance', (/** @type {any} */ e) =>
      console.log(`${name}: ${e.type} ${e.partitions.map((/** @type {any} */ p) => p.partition).join(',')}`),
    )
    return { consumer, handled }
  }

  await produce('first')
  const a = member('A', [0, 0])
  await a.consumer.connect()
  await a.consumer.subscribe({ topics: ['t'] })
  await a.consumer.run({
    eachMessage: async (/** @type {any} */ { message }) => {
      a.handled[message.partition]++
    },
  })
  await waitFor('A to handle the first 20 records', () => a.handled[0] + a.handled[1] >= 20)

  const b = member('B', [0, 0])
  await b.consumer.connect()
  await b.consumer.subscribe({ topics: ['t'] })
  await b.consumer.run({ eachMessage: async () => {} })
  await waitFor('B to get a partition', () => b.consumer.assignment().length === 1)
  await b.consumer.stop()
  await b.consumer.disconnect() // B leaves: its partition goes back to A
  await waitFor('A to hold both partitions again', () => a.consumer.assignment().length === 2)

  const before = [...a.handled]
  await produce('second')
  await sleep(20_000)
  const after = a.handled.map((n, p) => n - /** @type {number} */ (before[p]))
  console.log(`A handled after the hand-back, per partition: [${after.join(', ')}]; expected [10, 10]`)
  console.log(`A lag(): ${JSON.stringify(a.consumer.lag())}`)
  stuck = after.some((n) => n < 10)
  await a.consumer.stop()
  await a.consumer.disconnect()
  await producer.disconnect()
} finally {
  await down({ dir })
  await rm(dir, { recursive: true, force: true })
}
console.log(stuck ? 'FAULT: the partition assigned back to A is not fetched' : 'ok: both partitions handled')
process.exit(stuck ? 1 : 0)
