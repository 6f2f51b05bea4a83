/**
 * Checks the test cluster itself (scripts/cluster-lib.mjs), not kafkit: it talks to Kafka through raw
 * node-rdkafka and to the registry through plain fetch, so a failure here points at the environment.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type * as NodeRdkafka from 'node-rdkafka'
import { describe, expect, inject, it } from 'vitest'
import { down, status, stopNode, up } from '../../scripts/cluster-lib.mjs'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`

/** Produces `values` in order and resolves once every one has its delivery report. */
async function produce(
  bootstrap: string,
  topic: string,
  values: string[],
  conf: NodeRdkafka.ProducerGlobalConfig = {},
): Promise<void> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': bootstrap, dr_cb: true, ...conf })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
  )
  try {
    await new Promise<void>((resolve, reject) => {
      let delivered = 0
      producer.on('delivery-report', (err) => {
        if (err) return reject(err)
        if (++delivered === values.length) resolve()
      })
      producer.setPollInterval(20)
      for (const value of values) producer.produce(topic, null, Buffer.from(value), null)
    })
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

/** Reads `count` messages as member of `group`, commits them, and returns their values in order. */
async function consume(
  bootstrap: string,
  topic: string,
  group: string,
  count: number,
  conf: NodeRdkafka.ConsumerGlobalConfig = {},
): Promise<string[]> {
  const consumer = new rdkafka.KafkaConsumer(
    { 'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': false, ...conf },
    { 'auto.offset.reset': 'earliest' },
  )
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
  )
  try {
    consumer.subscribe([topic])
    const values: string[] = []
    const deadline = Date.now() + 90_000
    while (values.length < count) {
      if (Date.now() > deadline) throw new Error(`read ${values.length} of ${count} messages from ${topic} in time`)
      const batch = await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
        consumer.consume(100, (err, messages) => (err ? reject(err) : resolve(messages))),
      )
      values.push(...batch.map((m) => m.value?.toString() ?? ''))
    }
    consumer.commitSync(null)
    return values
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}

async function metadata(bootstrap: string, topic: string): Promise<NodeRdkafka.Metadata> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': bootstrap })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
  )
  try {
    return await new Promise<NodeRdkafka.Metadata>((resolve, reject) => {
      producer.getMetadata({ topic, timeout: 10_000 }, (err, data) => (err ? reject(err) : resolve(data)))
    })
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

/** Polls `check` until it returns a value, with a deadline; the last error is part of the failure. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last instanceof Error ? String(last) : JSON.stringify(last)}` : ''}`,
        { cause: last },
      )
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('shared single-node cluster', () => {
  it('round-trips messages through a real broker (topic auto-created)', async () => {
    const bootstrap = inject('kafkaBrokers')
    expect(bootstrap).toMatch(/^[\w.-]+:\d+/)
    const topic = unique('cluster-rt')
    const values = Array.from({ length: 5 }, (_, i) => `value-${i}`)
    // Idempotence keeps the order: the first batch can hit the partition before auto-creation has given it a
    // leader, and a plain producer's retry of it may then land after later batches.
    await produce(bootstrap, topic, values, { 'enable.idempotence': true })
    expect(await consume(bootstrap, topic, unique('cluster-rt-group'), values.length)).toEqual(values)
  })

  it('registers an Avro schema in the registry and reads it back by id', async () => {
    const url = inject('schemaRegistryUrl')
    expect(url).toMatch(/^http:\/\//)
    const api = `${url}/apis/ccompat/v7`
    const schema = JSON.stringify({
      type: 'record',
      name: 'Ping',
      namespace: 'kafkit.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'at', type: 'long' },
      ],
    })
    const subject = `${unique('cluster-sr')}-value`
    const registered = await fetch(`${api}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schemaType: 'AVRO', schema }),
    })
    expect(registered.status).toBe(200)
    const { id } = (await registered.json()) as { id: number }
    expect(id).toBeTypeOf('number')

    const byId = await fetch(`${api}/schemas/ids/${id}`)
    expect(byId.status).toBe(200)
    const fetched = (await byId.json()) as { schema: string }
    expect(JSON.parse(fetched.schema)).toEqual(JSON.parse(schema))

    const versions = (await (await fetch(`${api}/subjects/${subject}/versions`)).json()) as number[]
    expect(versions).toEqual([1])
  })
})

describe('cluster with --tls', () => {
  it('serves clients over TLS and mutual TLS on its SSL listener, and plaintext as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-cluster-tls-'))
    try {
      const cluster = await up({ nodes: 1, registry: false, tls: true, dir })
      expect(cluster.tls?.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
      const tls = cluster.tls!
      // The brokers' certificate names 127.0.0.1, so librdkafka's default host name check passes.
      const serverAuth = { 'security.protocol': 'ssl', 'ssl.ca.location': tls.caPem } as const
      const mutual = {
        ...serverAuth,
        'ssl.certificate.location': tls.clientCertPem,
        'ssl.key.location': tls.clientKeyPem,
      } as const
      const topic = unique('cluster-tls')
      await produce(cluster.bootstrap, topic, ['plaintext'], { 'enable.idempotence': true })
      await produce(tls.bootstrap, topic, ['tls'], { ...serverAuth, 'enable.idempotence': true })
      await produce(tls.bootstrap, topic, ['mutual tls'], { ...mutual, 'enable.idempotence': true })
      expect(await consume(tls.bootstrap, topic, unique('cluster-tls-group'), 3, mutual)).toEqual([
        'plaintext',
        'tls',
        'mutual tls',
      ])
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers (expect.any) as any
      expect(await status({ dir })).toMatchObject({ nodes: [{ alive: true, sslPort: expect.any(Number) }] })
    } finally {
      await down({ dir })
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('3-node cluster', () => {
  it(
    'keeps producing (acks=all) and consuming after the partition leader is killed',
    { timeout: 240_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kafkit-cluster3-'))
      try {
        const cluster = await up({ nodes: 3, registry: false, dir })
        expect(cluster.nodes).toHaveLength(3)
        const bootstrap = cluster.bootstrap
        const topic = unique('cluster-failover')

        const admin = rdkafka.AdminClient.create({ 'bootstrap.servers': bootstrap })
        try {
          await new Promise<void>((resolve, reject) =>
            admin.createTopic({ topic, num_partitions: 1, replication_factor: 3 }, 30_000, (err) =>
              err ? reject(err) : resolve(),
            ),
          )
        } finally {
          admin.disconnect()
        }
        const partition = await waitFor('partition 0 with a leader and 3 in-sync replicas', async () => {
          const p = (await metadata(bootstrap, topic)).topics.find((t) => t.name === topic)?.partitions[0]
          return p && p.leader >= 0 && p.isrs.length === 3 ? p : undefined
        })
        expect(partition.replicas).toHaveLength(3)

        const acksAll = { 'request.required.acks': -1, 'enable.idempotence': true } as const
        const before = Array.from({ length: 10 }, (_, i) => `before-${i}`)
        const after = Array.from({ length: 10 }, (_, i) => `after-${i}`)
        const group = unique('cluster-failover-group')
        await produce(bootstrap, topic, before, acksAll)
        // Reading before the kill also creates __consumer_offsets while all 3 brokers can host its replicas.
        expect(await consume(bootstrap, topic, group, before.length)).toEqual(before)

        // SIGKILL: a crash, not a controlled shutdown; the controller must notice and move leadership.
        await stopNode(partition.leader, { dir, kill: true })
        const alive = (await status({ dir }))?.nodes.filter((n) => n.alive).map((n) => n.id)
        expect(alive).toHaveLength(2)
        expect(alive).not.toContain(partition.leader)

        await produce(bootstrap, topic, after, acksAll)
        const moved = await waitFor('a new leader for partition 0', async () => {
          const p = (await metadata(bootstrap, topic)).topics.find((t) => t.name === topic)?.partitions[0]
          return p && p.leader >= 0 && p.leader !== partition.leader ? p : undefined
        })
        expect(alive).toContain(moved.leader)
        // Same group: resumes from the offsets committed before the kill, through a possibly moved coordinator.
        expect(await consume(bootstrap, topic, group, after.length)).toEqual(after)
      } finally {
        await down({ dir })
        await rm(dir, { recursive: true, force: true })
      }
    },
  )
})
