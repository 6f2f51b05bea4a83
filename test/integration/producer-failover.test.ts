import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { down, stopNode, up } from '../../scripts/cluster-lib.mjs'
import { Producer, serdes } from '../../src/index.js'
import { createTopic, getMetadata, readAll, uniqueName } from './helpers/kafka.js'

let dir: string
let bootstrap: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafkit-failover-'))
  const state = await up({ nodes: 3, registry: false, dir })
  bootstrap = state.bootstrap
}, 240_000)

afterAll(async () => {
  if (dir) await down({ dir })
}, 120_000)

describe('Producer failover on a 3-node cluster', () => {
  it('delivers every record exactly once, in order per partition, when the partition leader is killed mid-stream', async () => {
    const topic = uniqueName('failover')
    await createTopic(topic, { partitions: 3, replicationFactor: 3, config: { 'min.insync.replicas': '2' }, bootstrap })
    const producer = new Producer({ brokers: bootstrap, value: serdes.int32(), lingerMs: 5 })
    await producer.connect()
    const total = 30_000
    const sends: Array<Promise<unknown>> = []
    let killed = false
    for (let i = 0; i < total; i++) {
      sends.push(producer.send({ topic, partition: i % 3, value: i }))
      if (i % 1000 === 999) {
        // Pace the stream so the kill lands while records are in flight.
        await sends[sends.length - 1]
        if (!killed && i >= total / 3) {
          const leader = (await getMetadata(topic, bootstrap)).topics
            .find((t) => t.name === topic)!
            .partitions.find((p) => p.id === 0)!.leader
          await stopNode(leader, { dir, kill: true })
          killed = true
        }
      }
    }
    const outcomes = await Promise.allSettled(sends)
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
    await producer.disconnect()
    expect(killed).toBe(true)

    const records = await readAll(topic, total, { bootstrap, timeoutMs: 120_000, settleMs: 3000 })
    const values = records.map((r) => r.value!.readInt32BE(0))
    expect(values.length).toBe(total)
    expect(new Set(values).size).toBe(total)
    for (let partition = 0; partition < 3; partition++) {
      const inPartition = records.filter((r) => r.partition === partition).map((r) => r.value!.readInt32BE(0))
      expect(inPartition).toEqual(Array.from({ length: total / 3 }, (_, k) => k * 3 + partition))
    }
  }, 300_000)
})
