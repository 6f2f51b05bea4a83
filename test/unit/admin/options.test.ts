import { describe, expect, it } from 'vitest'
import { configError } from '../../helpers/config-error.js'
import { ADMIN_DEFAULTS, ADMIN_GUARD_GROUP, ADMIN_METADATA_REFRESH_MS } from '../../../src/admin/options.js'
import { resolveAdminOptions } from '../../../src/admin/options.js'
import { Admin } from '../../../src/index.js'

describe('Admin options', () => {
  it('applies the frozen defaults and hands librdkafka strings only, with the guard group', () => {
    const resolved = resolveAdminOptions({
      brokers: ['a:1', 'b:2'],
      rdkafka: { 'socket.keepalive.enable': true, 'metadata.max.age.ms': 1000 },
    })
    expect(resolved).toMatchObject({ requestTimeoutMs: 30_000, connectTimeoutMs: 30_000, retryBackoffMs: 100 })
    expect(resolved.rdkafkaConfig).toEqual({
      'group.id': ADMIN_GUARD_GROUP,
      'topic.metadata.refresh.interval.ms': '10000',
      'bootstrap.servers': 'a:1,b:2',
      'client.id': 'kafkit',
      'socket.keepalive.enable': 'true',
      'metadata.max.age.ms': '1000',
    })
    expect(Object.isFrozen(ADMIN_DEFAULTS)).toBe(true)
    expect(Object.isFrozen(resolved.rdkafkaConfig)).toBe(true)
  })

  it('refreshes metadata every 10 s unless rdkafka says otherwise (a dead controller is replaced in the cache)', () => {
    expect(ADMIN_METADATA_REFRESH_MS).toBe(10_000)
    const { rdkafkaConfig } = resolveAdminOptions({
      brokers: 'k:9092',
      rdkafka: { 'topic.metadata.refresh.interval.ms': 60_000 },
    })
    expect(rdkafkaConfig['topic.metadata.refresh.interval.ms']).toBe('60000')
  })

  it('maps SASL options to librdkafka properties', () => {
    const { rdkafkaConfig } = resolveAdminOptions({
      brokers: 'k:9092',
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    })
    expect(rdkafkaConfig).toMatchObject({
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'u',
    })
  })

  it('rejects unknown and ill-typed options by path, before anything connects', () => {
    const typo = configError(() => new Admin({ brokers: 'k:9092', requestTimeoutMS: 5 } as never))
    expect(typo.path).toBe('requestTimeoutMS')
    expect(typo.message).toContain('did you mean `requestTimeoutMs`')
    expect(configError(() => new Admin({ brokers: 'k:9092', connectTimeoutMs: 0 })).path).toBe('connectTimeoutMs')
    expect(configError(() => new Admin({ brokers: 'k:9092', retryBackoffMs: 1.5 })).path).toBe('retryBackoffMs')
    expect(configError(() => new Admin({} as never)).path).toBe('brokers')
    // Consumer and producer properties do not apply to an admin client.
    expect(configError(() => new Admin({ brokers: 'k:9092', rdkafka: { 'group.id': 'x' } as never })).path).toBe(
      "rdkafka['group.id']",
    )
    expect(configError(() => new Admin({ brokers: 'k:9092', rdkafka: { 'linger.ms': 1 } as never })).path).toBe(
      "rdkafka['linger.ms']",
    )
  })

  it('refuses function-valued librdkafka properties, which the addon cannot pass on', () => {
    const error = configError(() =>
      resolveAdminOptions({ brokers: 'k:9092', rdkafka: { oauthbearer_token_refresh_cb: () => undefined } }),
    )
    expect(error.path).toBe("rdkafka['oauthbearer_token_refresh_cb']")
  })
})
