/** The `kafkit topics|groups|...` commands against the real broker, checked through the Admin API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdminCli } from '../../src/cli/admin.js'
import { Admin } from '../../src/index.js'
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import { brokers, uniqueName, waitFor } from './helpers/kafka.js'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

/** Writes `count` records to one partition with node-rdkafka and waits for them. */
async function produce(topic: string, partition: number, count: number): Promise<void> {
  const producer = new rdkafka.Producer({ 'bootstrap.servers': brokers(), dr_cb: true, 'linger.ms': 0 })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (e) => (e ? reject(e) : resolve())),
  )
  let delivered = 0
  producer.on('delivery-report', () => delivered++)
  producer.setPollInterval(10)
  for (let i = 0; i < count; i++) producer.produce(topic, partition, Buffer.from(`v${i}`))
  await waitFor(() => delivered === count, `${count} deliveries`)
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
}

let admin: Admin
beforeAll(async () => {
  admin = new Admin({ brokers: brokers() })
  await admin.connect()
})
afterAll(async () => {
  await admin.disconnect()
})

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runAdminCli(argv, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env: { KAFKA_BROKERS: brokers() },
  })
  return { code, out: out.join(''), err: err.join('') }
}

describe('kafkit admin CLI', () => {
  it('topics create/list/describe/delete do what the Admin API then sees', async () => {
    const topic = uniqueName('cli-topic')
    expect(await cli('topics', 'create', topic, '--partitions', '3', '--config', 'retention.ms=123456')).toMatchObject({
      code: 0,
    })
    const [description] = await admin.describeTopics([topic])
    expect(description!.partitions).toHaveLength(3)
    const [configs] = await admin.describeConfigs([{ type: 'topic', name: topic }])
    expect(configs!.entries.find((e) => e.name === 'retention.ms')?.value).toBe('123456')

    expect((await cli('topics', 'list')).out.split('\n')).toContain(topic)
    const described = await cli('topics', 'describe', topic, '--json')
    expect((JSON.parse(described.out) as Array<{ partitions: unknown[] }>)[0]!.partitions).toHaveLength(3)
    expect((await cli('topics', 'describe', topic)).out).toMatch(new RegExp(`^${topic}\\s+2\\s+\\d`, 'm'))

    const again = await cli('topics', 'create', topic)
    expect(again.code).toBe(1)
    expect(again.err).toContain('ERR_KAFKA_TOPIC_ALREADY_EXISTS')
    expect(again.err).toContain(topic)

    expect((await cli('topics', 'delete', topic)).code).toBe(0)
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('groups lag, describe and reset report and change what the Admin API sees', async () => {
    const topic = uniqueName('cli-lag')
    const group = uniqueName('cli-group')
    await admin.createTopics([{ topic, partitions: 2 }])
    await produce(topic, 1, 3)
    await admin.alterGroupOffsets(group, [
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: 0 },
    ])

    const lag = await cli('groups', 'lag', group, '--json')
    expect(lag.code).toBe(0)
    expect(JSON.parse(lag.out)).toMatchObject({
      group,
      totalLag: 3,
      partitions: [
        { partition: 0, offset: '0', lag: 0 },
        { partition: 1, offset: '0', lag: 3 },
      ],
    })
    expect((await cli('groups', 'lag', group)).out).toContain('total lag 3')
    expect((await cli('groups', 'describe', group)).out).toContain(`group ${group}: empty`)

    const reset = await cli('groups', 'reset', group, '--topic', topic, '--to', 'latest', '--partitions', '1')
    expect(reset.code).toBe(0)
    expect((await admin.listGroupOffsets(group)).map((o) => o.offset)).toEqual(['0', '3'])
    expect((await cli('groups', 'list', '--json')).out).toContain(group)

    expect((await cli('groups', 'delete', group)).code).toBe(0)
    expect((await admin.listGroups()).map((g) => g.groupId)).not.toContain(group)
    await admin.deleteTopics([topic])
  })

  it('cluster describe and configs describe/set', async () => {
    const cluster = await cli('cluster', 'describe', '--json')
    expect((JSON.parse(cluster.out) as { brokers: unknown[] }).brokers.length).toBeGreaterThan(0)
    const topic = uniqueName('cli-config')
    await admin.createTopics([{ topic, partitions: 1 }])
    expect((await cli('configs', 'set', 'topic', topic, 'segment.ms=3600000')).code).toBe(0)
    await waitFor(async () => {
      const [described] = await admin.describeConfigs([{ type: 'topic', name: topic }])
      return described!.entries.find((e) => e.name === 'segment.ms')?.value === '3600000'
    }, 'segment.ms set by the CLI')
    expect((await cli('configs', 'describe', 'topic', topic, '--all')).out).toContain('retention.ms')
    await admin.deleteTopics([topic])
  })
})
