/**
 * kafkit end to end through its public API only (no node-rdkafka test helpers), so that it also runs on the other
 * Node versions `scripts/test-node-versions.mjs` tests: Admin, a Producer with byte headers, a Consumer reading the
 * record back, all on the real broker, from ES modules and from CommonJS.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { Admin, Consumer, Producer, serdes } from '../../src/index.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const brokers = (): string => inject('kafkaBrokers')
const unique = (prefix: string): string =>
  `${prefix}-${process.version.replace(/\./g, '_')}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`

describe(`kafkit on Node ${process.version}`, () => {
  it('creates a topic, sends with headers and reads the record back', async () => {
    const topic = unique('smoke')
    const admin = new Admin({ brokers: brokers() })
    await admin.connect()
    try {
      await admin.createTopics([{ topic, partitions: 2 }])
      const producer = new Producer({ brokers: brokers(), key: serdes.string(), value: serdes.json<{ n: number }>() })
      await producer.connect()
      const report = await producer.send({
        topic,
        partition: 1,
        key: 'k',
        value: { n: 7 },
        headers: { trace: ['a', Buffer.from([0xff])] },
      })
      await producer.disconnect()
      expect(report).toMatchObject({ topic, partition: 1, offset: '0' })

      const consumer = new Consumer({
        brokers: brokers(),
        groupId: unique('smoke-group'),
        fromBeginning: true,
        key: serdes.string(),
        value: serdes.json<{ n: number }>(),
      })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      for await (const message of consumer) {
        expect(message).toMatchObject({ topic, partition: 1, offset: '0', key: 'k', value: { n: 7 } })
        expect(message.headerList).toEqual([
          ['trace', Buffer.from('a')],
          ['trace', Buffer.from([0xff])],
        ])
        break
      }
      await consumer.disconnect()
    } finally {
      await admin.disconnect()
    }
  })

  it('loads from CommonJS (require of the built package)', () => {
    // dist/ is what the package ships; `npm run build` (part of `npm test`) wrote it.
    const script = join(ROOT, '.cache', `smoke-${process.pid}.cjs`)
    writeFileSync(
      script,
      `
      const kafkit = require(${JSON.stringify(join(ROOT, 'dist', 'index.js'))})
      const testing = require(${JSON.stringify(join(ROOT, 'dist', 'testing', 'index.js'))})
      console.log(JSON.stringify([typeof kafkit.Producer, typeof kafkit.Consumer, typeof testing.MockCluster, kafkit.librdkafkaInfo().version]))
    `,
    )
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 })
    expect(run.status, run.stderr).toBe(0)
    const [producer, consumer, mock, version] = JSON.parse(run.stdout.trim()) as string[]
    expect([producer, consumer, mock]).toEqual(['function', 'function', 'function'])
    expect(version).toMatch(/^2\.\d+\.\d+$/)
  })
})
