/**
 * kafkit's admin addon itself, without a broker: it loads beside node-rdkafka on the same librdkafka, rejects bad
 * configuration synchronously, answers asynchronously without blocking the event loop, and settles every request
 * when the handle is destroyed.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import { loadAdminAddon, type RawAdminHandle } from '../../../src/native/admin-addon.js'
import { Admin } from '../../../src/admin/index.js'
import { ConfigError } from '../../../src/errors/kafka-error.js'

const rdkafka = createRequire(import.meta.url)('node-rdkafka') as { librdkafkaVersion: string }
const addon = loadAdminAddon()
const nowhere = { 'bootstrap.servers': '127.0.0.1:1', 'reconnect.backoff.max.ms': '100' }

describe('admin addon', () => {
  it('runs the same librdkafka as node-rdkafka', () => {
    expect(addon.librdkafkaVersion()).toBe(rdkafka.librdkafkaVersion)
    expect(loadAdminAddon()).toBe(addon)
  })

  it.runIf(process.platform === 'linux')(
    'shares the one librdkafka.so node-rdkafka loaded (no second copy in the process)',
    () => {
      const mapped = readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((line) => line.includes('librdkafka.so'))
        .map((line) => line.trim().split(/\s+/).pop())
      expect(new Set(mapped).size).toBe(1)
    },
  )

  it('throws librdkafka configuration errors with their code', () => {
    let error: unknown
    try {
      addon.createClient({ 'bootstrap.servers': 'x:1', 'no.such.property': '1' }, () => undefined)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: -186, rdkafkaName: '_INVALID_ARG' })
    expect(String((error as Error).message)).toContain('no.such.property')
  })

  it('answers on the main thread while the event loop keeps turning', async () => {
    const handle = addon.createClient(nowhere, () => undefined)
    try {
      let ticks = 0
      const timer = setInterval(() => ticks++, 10)
      const started = Date.now()
      const error = await addon.describeCluster(handle, { timeoutMs: 400 }).then(
        () => undefined,
        (e: unknown) => e,
      )
      clearInterval(timer)
      expect(error).toMatchObject({ rdkafkaName: '_TIMED_OUT' })
      expect(Date.now() - started).toBeGreaterThanOrEqual(350)
      // About 40 ticks fit in 400 ms; a blocked loop would have none.
      expect(ticks).toBeGreaterThan(15)
      expect(addon.inFlight(handle)).toBe(0)
    } finally {
      await addon.destroyClient(handle)
    }
  })

  it('rejects requests still waiting when the handle is destroyed, and refuses calls afterwards', async () => {
    const handle: RawAdminHandle = addon.createClient(nowhere, () => undefined)
    const pending = addon.describeTopics(handle, ['t'], { timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(addon.inFlight(handle)).toBe(1)
    const started = Date.now()
    await addon.destroyClient(handle)
    expect(await pending).toMatchObject({ rdkafkaName: '_DESTROY' })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(() => addon.describeCluster(handle, { timeoutMs: 100 })).toThrow(/disconnected/)
  })

  it('validates arguments at the boundary instead of crashing', () => {
    const handle = addon.createClient(nowhere, () => undefined)
    try {
      expect(() => addon.deleteTopics(handle, 'orders' as never, { timeoutMs: 100 })).toThrow(TypeError)
      expect(() =>
        addon.alterGroupOffsets(handle, 'g', [{ topic: 't', partition: 0, offset: 5 as never }], { timeoutMs: 100 }),
      ).toThrow(/offset/)
      expect(() => addon.createTopics(handle, [{ partitions: 1 } as never], { timeoutMs: 100 })).toThrow(/topic/)
      expect(() => addon.describeCluster({} as never, { timeoutMs: 100 })).toThrow(/handle/)
    } finally {
      void addon.destroyClient(handle)
    }
  })

  it('reports librdkafka errors and logs as events instead of printing them', async () => {
    const events: Array<[string, unknown]> = []
    const handle = addon.createClient({ ...nowhere, log_level: '7', debug: 'broker' }, (kind, payload) => {
      events.push([kind, payload])
    })
    try {
      await addon.describeCluster(handle, { timeoutMs: 300 }).catch(() => undefined)
      expect(
        events.some(
          ([kind, payload]) => kind === 'log' && typeof (payload as { message: string }).message === 'string',
        ),
      ).toBe(true)
      expect(
        events.some(([kind, payload]) => kind === 'error' && typeof (payload as { code: number }).code === 'number'),
      ).toBe(true)
    } finally {
      await addon.destroyClient(handle)
    }
  })

  it('Admin.connect() surfaces a property librdkafka refused as a ConfigError naming it', async () => {
    const admin = new Admin({ brokers: '127.0.0.1:1', rdkafka: { 'socket.timeout.ms': 5 } })
    const error = await admin.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(String((error as Error).message)).toContain('socket.timeout.ms')
    expect(admin.state).toBe('closed')
  })
})
