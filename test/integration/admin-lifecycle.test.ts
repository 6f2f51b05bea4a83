/**
 * The Admin's lifecycle against the real broker: calls refused outside it, disconnect during calls and during
 * connect, a connect that cannot succeed, and the request diagnostics.
 */
import diagnostics from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { Admin, KafkaError, StateError } from '../../src/index.js'
import { brokers } from './helpers/kafka.js'

describe('Admin: lifecycle and diagnostics', () => {
  it('refuses calls before connect and after disconnect, waits for calls in flight, publishes request diagnostics', async () => {
    const second = new Admin({ brokers: brokers() })
    await expect(second.listTopics()).rejects.toBeInstanceOf(StateError)
    await second.connect()
    expect(second.state).toBe('connected')

    const seen: Array<{ operation: string; durationMs: number }> = []
    const listener = (message: unknown): void => {
      seen.push(message as { operation: string; durationMs: number })
    }
    diagnostics.subscribe('kafkit:admin:request', listener)
    try {
      const pending = second.describeCluster()
      const closing = second.disconnect()
      expect(second.state).toBe('closing')
      expect((await pending).brokers.length).toBeGreaterThan(0)
      await closing
    } finally {
      diagnostics.unsubscribe('kafkit:admin:request', listener)
    }
    expect(second.state).toBe('closed')
    expect(seen.some((m) => m.operation === 'describeCluster' && m.durationMs >= 0)).toBe(true)
    const refused = await second.listTopics().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(StateError)
    expect((refused as StateError).message).toContain('disconnected client cannot be reused')
    await second.disconnect()
  })

  it('disconnect() during connect() waits for it, then closes: the Admin never ends up connected', async () => {
    const racing = new Admin({ brokers: brokers() })
    const connecting = racing.connect()
    const closing = racing.disconnect()
    await connecting
    await closing
    expect(racing.state).toBe('closed')
    await expect(racing.describeCluster()).rejects.toBeInstanceOf(StateError)
  })

  it('connect() to a port nobody listens on fails with a ConnectionError within connectTimeoutMs', async () => {
    const nowhere = new Admin({ brokers: '127.0.0.1:1', connectTimeoutMs: 1500 })
    const started = Date.now()
    const error = await nowhere.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as KafkaError).code).toBe('ERR_CONNECTION')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(nowhere.state).toBe('closed')
  })
})
