import { describe, expect, it } from 'vitest'
import { childEnv } from '../../../bench/lib/child.js'

describe("a benchmark child's environment", () => {
  const env = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', KAFKA_BROKERS: 'x:1' }

  it('drops NODE_EXTRA_CA_CERTS for a plaintext cluster and keeps everything else', () => {
    expect(childEnv({ security: {} }, env)).toEqual({ PATH: '/usr/bin', KAFKA_BROKERS: 'x:1' })
    expect(childEnv({ security: { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' } }, env)).toEqual({
      PATH: '/usr/bin',
      KAFKA_BROKERS: 'x:1',
    })
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/certs/ca-certificates.crt')
  })

  it('keeps it when the cluster is reached over TLS, and leaves an environment without it as it is', () => {
    expect(childEnv({ security: { 'security.protocol': 'SSL' } }, env)).toBe(env)
    expect(childEnv({ security: { 'security.protocol': 'sasl_ssl' } }, env)).toBe(env)
    const plain = { PATH: '/usr/bin' }
    expect(childEnv({ security: {} }, plain)).toBe(plain)
  })
})
