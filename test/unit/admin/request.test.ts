import diagnostics from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { AdminContext, isRetryable, RetryRequest } from '../../../src/admin/request.js'
import { ConfigError, KafkaAggregateError, KafkaError, TimeoutError } from '../../../src/index.js'
import type { AdminAddon, RawAdminHandle, RawError } from '../../../src/native/admin-addon.js'

// The runner never touches the addon itself: attempts do. Unit tests give it none.
const context = (requestTimeoutMs = 2000) =>
  new AdminContext({} as AdminAddon, {} as RawAdminHandle, { requestTimeoutMs, retryBackoffMs: 5 })

// The addon rejects with RawError objects, not Errors; AdminContext.run converts them. These tests throw them as it does.
/* eslint-disable @typescript-eslint/only-throw-error -- RawError is what the addon throws */
const raw = (rdkafkaName: string, code = -1): RawError => ({ code, rdkafkaName, message: `${rdkafkaName} happened` })

describe('AdminContext.run', () => {
  it('retries a coordinator that is not ready, then returns the result', async () => {
    let attempts = 0
    const result = await context().run('describeGroups', {}, 'write', async ({ raw: options }) => {
      attempts++
      expect(options.timeoutMs).toBeGreaterThan(0)
      if (attempts < 3) throw raw('COORDINATOR_LOAD_IN_PROGRESS', 14)
      return 'described'
    })
    expect(result).toBe('described')
    expect(attempts).toBe(3)
  })

  it('does not retry a write on an error that may have been applied, but does for a read', async () => {
    let writes = 0
    const write = await context()
      .run('createTopics', {}, 'write', async () => {
        writes++
        throw raw('_TRANSPORT', -195)
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(writes).toBe(1)
    expect(write).toBeInstanceOf(KafkaError)
    expect((write as KafkaError).code).toBe('ERR_KAFKA_TRANSPORT')
    expect((write as KafkaError).message).toContain('createTopics failed')

    let reads = 0
    await context().run('listTopics', {}, 'read', async () => {
      if (++reads < 2) throw raw('_TRANSPORT', -195)
      return []
    })
    expect(reads).toBe(2)
    expect(isRetryable(raw('NOT_COORDINATOR', 16), 'write')).toBe(true)
    expect(isRetryable(raw('TOPIC_ALREADY_EXISTS', 36), 'read')).toBe(false)
  })

  it('gives up at the deadline with the last error, and says which timeout ran out', async () => {
    const started = Date.now()
    const error = await context()
      .run('listGroupOffsets', { timeoutMs: 150 }, 'read', async () => {
        throw new RetryRequest(raw('NOT_COORDINATOR', 16))
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(Date.now() - started).toBeLessThan(1000)
    expect((error as KafkaError).code).toBe('ERR_KAFKA_NOT_COORDINATOR')

    const timeout = await context()
      .run('describeCluster', { timeoutMs: 100 }, 'read', async () => {
        throw raw('_TIMED_OUT', -185)
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(timeout).toBeInstanceOf(TimeoutError)
    expect((timeout as TimeoutError).message).toContain('timeoutMs 100')
    expect((timeout as TimeoutError).retriable).toBe(true)
  })

  it('passes typed errors through untouched and wraps foreign ones', async () => {
    const aggregate = new KafkaAggregateError([], 'x')
    await expect(
      context().run('a', {}, 'read', async () => {
        throw aggregate
      }),
    ).rejects.toBe(aggregate)
    const foreign = await context()
      .run('b', {}, 'read', async () => {
        throw new TypeError('boom')
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect((foreign as KafkaError).code).toBe('ERR_ADMIN')
    expect((foreign as KafkaError).cause).toBeInstanceOf(TypeError)
  })

  it('refuses a bad per-call timeout', async () => {
    const error = await context()
      .run('x', { timeoutMs: -5 }, 'read', async () => 1)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).path).toBe('options.timeoutMs')
  })

  it('tracks calls in flight until they settle, and publishes one diagnostics message per call', async () => {
    const admin = context()
    const messages: Array<{ operation: string; attempts: number; error?: unknown }> = []
    const listener = (message: unknown): void => {
      messages.push(message as never)
    }
    diagnostics.subscribe('kafkit:admin:request', listener)
    try {
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const pending = admin.run('slow', {}, 'read', async () => gate)
      expect(admin.inFlight).toBe(1)
      let drained = false
      const drain = admin.drain().then(() => {
        drained = true
      })
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(drained).toBe(false)
      release()
      await pending
      await drain
      expect(admin.inFlight).toBe(0)
      await admin
        .run('failing', {}, 'write', async () => {
          throw raw('INVALID_CONFIG', 40)
        })
        .catch(() => undefined)
    } finally {
      diagnostics.unsubscribe('kafkit:admin:request', listener)
    }
    expect(messages.map((m) => [m.operation, m.attempts, m.error === undefined])).toEqual([
      ['slow', 1, true],
      ['failing', 1, false],
    ])
  })
})
