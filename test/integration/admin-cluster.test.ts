/**
 * The Admin client where replication matters: a 3-node cluster of this file's own (scripts/cluster-lib.mjs, in a
 * temp dir, stopped afterwards).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type * as NodeRdkafka from 'node-rdkafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { down, readState, startNode, stopNode, up } from '../../scripts/cluster-lib.mjs'
import { Admin, KafkaAggregateError } from '../../src/index.js'
import { getMetadata, uniqueName, waitFor } from './helpers/kafka.js'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

let dir: string
let bootstrap: string
let admin: Admin

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafkit-admin-3nodes-'))
  bootstrap = (await up({ nodes: 3, registry: false, dir })).bootstrap
  admin = new Admin({ brokers: bootstrap })
  await admin.connect()
})

afterAll(async () => {
  await admin?.disconnect()
  if (dir) {
    await down({ dir })
    await rm(dir, { recursive: true, force: true })
  }
})

const ids = (nodes: ReadonlyArray<{ id: number }>): number[] => nodes.map((n) => n.id).sort()

/** The nodes' log lines about fencing, shutdown and controller elections: what a failed wait for a broker to leave needs. */
async function fencingLog(): Promise<string> {
  const state = await readState(dir)
  const lines: string[] = []
  for (const node of state?.nodes ?? []) {
    const log = await readFile(node.logFile, 'utf8').catch(() => '')
    const relevant = log
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('[') &&
          /fenced|controlled ?shutdown|became the active|transition to (Leader|Candidate|Resigned)/i.test(line),
      )
    lines.push(`-- node ${node.id} (pid ${node.pid ?? 'stopped'}): ${node.logFile}`, ...relevant.slice(-15))
  }
  return lines.join('\n')
}

describe('Admin on a 3-node cluster', () => {
  it('describeCluster lists the three brokers', async () => {
    const cluster = await admin.describeCluster()
    expect(ids(cluster.brokers)).toEqual([1, 2, 3])
    expect([1, 2, 3]).toContain(cluster.controller?.id)
  })

  it('replicationFactor 3 places three in-sync replicas per partition; node-rdkafka sees the same replicas', async () => {
    const topic = uniqueName('admin-rf3')
    await admin.createTopics([{ topic, partitions: 6, replicationFactor: 3 }])
    const [description] = await admin.describeTopics([topic])
    for (const partition of description!.partitions) {
      expect(ids(partition.replicas)).toEqual([1, 2, 3])
      expect(ids(partition.isr)).toEqual([1, 2, 3])
      expect(partition.leader?.id).toBe(partition.replicas[0]!.id)
    }
    expect(new Set(description!.partitions.map((p) => p.leader!.id)).size).toBeGreaterThan(1)

    const metadata = await getMetadata(topic, bootstrap)
    const seen = metadata.topics.find((t) => t.name === topic)!.partitions
    for (const partition of seen) {
      const described = description!.partitions[partition.id]!
      expect(partition.replicas).toEqual(described.replicas.map((r) => r.id))
      expect(partition.leader).toBe(described.leader!.id)
    }
  })

  it('a replication factor above the broker count fails by name and creates nothing', async () => {
    const topic = uniqueName('admin-rf4')
    const error = await admin.createTopics([{ topic, partitions: 1, replicationFactor: 4 }]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkaAggregateError)
    const [failure] = (error as KafkaAggregateError).failures
    expect(failure).toMatchObject({ index: 0, error: { code: 'ERR_KAFKA_INVALID_REPLICATION_FACTOR', topic } })
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('explicit replica assignments are kept, for new topics and for added partitions', async () => {
    const topic = uniqueName('admin-assign')
    await admin.createTopics([
      {
        topic,
        replicaAssignment: [
          [1, 2],
          [2, 3],
          [3, 1],
        ],
      },
    ])
    let [description] = await admin.describeTopics([topic])
    expect(description!.partitions.map((p) => p.replicas.map((r) => r.id))).toEqual([
      [1, 2],
      [2, 3],
      [3, 1],
    ])

    await admin.createPartitions([
      {
        topic,
        count: 5,
        replicaAssignment: [
          [3, 2],
          [1, 3],
        ],
      },
    ])
    ;[description] = await admin.describeTopics([topic])
    expect(description!.partitions.slice(3).map((p) => p.replicas.map((r) => r.id))).toEqual([
      [3, 2],
      [1, 3],
    ])
  })

  it('a stopped broker leaves the ISR and the cluster; min.insync.replicas set by alterConfigs then refuses acks=all', async () => {
    const topic = uniqueName('admin-isr')
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: 3 }])
    await admin.alterConfigs([{ type: 'topic', name: topic, set: { 'min.insync.replicas': 3 } }])
    await waitFor(async () => {
      const [described] = await admin.describeConfigs([{ type: 'topic', name: topic }])
      return described!.entries.find((e) => e.name === 'min.insync.replicas')?.value === '3'
    }, 'min.insync.replicas=3 to be visible')

    await stopNode(3, { dir })
    try {
      // Short per-call timeouts: a request librdkafka happened to send to the stopping broker must not use up the wait.
      let brokers = ''
      await waitFor(
        async () => (brokers = ids((await admin.describeCluster({ timeoutMs: 5_000 })).brokers).join()) === '1,2',
        () => `broker 3 to leave the cluster (brokers seen last: ${brokers || 'none'})`,
        120_000,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await fencingLog()}`, { cause: error })
      })
      await waitFor(
        async () =>
          ids((await admin.describeTopics([topic], { timeoutMs: 5_000 }))[0]!.partitions[0]!.isr).join() === '1,2',
        'the ISR to shrink',
        120_000,
      )

      // Second means for the config: the brokers now refuse a fully acknowledged write.
      const producer = new rdkafka.Producer(
        { 'bootstrap.servers': bootstrap, dr_cb: true, 'linger.ms': 0 },
        { acks: -1, 'message.timeout.ms': 5000 },
      )
      await new Promise<void>((resolve, reject) =>
        producer.connect({ timeout: 10_000 }, (e) => (e ? reject(e) : resolve())),
      )
      try {
        const report = new Promise<NodeRdkafka.LibrdKafkaError | null>((resolve) =>
          producer.once('delivery-report', (e) => resolve(e)),
        )
        producer.setPollInterval(10)
        producer.produce(topic, 0, Buffer.from('needs three replicas'))
        expect((await report)?.message).toMatch(/in-sync replicas|timed out/i)
      } finally {
        await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
      }
    } finally {
      await startNode(3, { dir })
    }
    await waitFor(
      async () => ids((await admin.describeTopics([topic]))[0]!.partitions[0]!.isr).join() === '1,2,3',
      'the ISR to grow back',
      90_000,
    )
  }, 300_000)
})
