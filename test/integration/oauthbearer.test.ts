/**
 * SASL/OAUTHBEARER with a token provider against a broker with an authorizer: a Producer and a Consumer authenticate
 * with the tokens the provider returns; a provider that rejects, or is not a function, is refused.
 */
import { describe, expect, it } from 'vitest'
import { Admin, ConfigError, Consumer, KafkaError, Producer } from '../../src/index.js'
import { admin, cluster, produceAsAdmin, useAclCluster } from './helpers/acl-cluster.js'
import { uniqueName, waitFor } from './helpers/kafka.js'
import { SUPER_USER, unsecuredJwt } from './helpers/secure-cluster.js'

useAclCluster()

/** OAUTHBEARER with tokens for the super user from a provider that records each call's `config` in `calls`. */
function superUserTokens(calls: string[]) {
  return {
    mechanism: 'oauthbearer' as const,
    tokenProvider: async ({ config }: { config: string }) => {
      calls.push(config)
      return {
        tokenValue: unsecuredJwt(SUPER_USER.username, 60_000),
        lifetimeMs: 60_000,
        principal: SUPER_USER.username,
      }
    },
  }
}

describe('Producer and Consumer: SASL/OAUTHBEARER with a token provider', () => {
  it('authenticates with the tokens tokenProvider returns and delivers', async () => {
    const topic = uniqueName('oauth')
    await admin.createTopics([{ topic, partitions: 1 }])
    const calls: string[] = []
    const producer = new Producer({
      brokers: cluster.bootstrap,
      sasl: superUserTokens(calls),
    })
    await producer.connect()
    try {
      const report = await producer.send({ topic, value: 'with a token' })
      expect(report.offset).toBe('0')
      expect(calls.length).toBeGreaterThanOrEqual(1)
    } finally {
      await producer.disconnect()
    }
  })

  it("fails to connect, naming the provider's failure, when tokenProvider rejects", async () => {
    const warnings: string[] = []
    const producer = new Producer({
      brokers: cluster.bootstrap,
      connectTimeoutMs: 3000,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (m) => warnings.push(m),
        error: (m) => warnings.push(m),
      },
      sasl: { mechanism: 'oauthbearer', tokenProvider: () => Promise.reject(new Error('identity provider down')) },
    })
    const errors: KafkaError[] = []
    producer.on('error', (error) => errors.push(error))
    await expect(producer.connect()).rejects.toBeInstanceOf(KafkaError)
    expect([...errors.map((error) => error.message), ...warnings].join('\n')).toMatch(/identity provider down/)
  })

  it('a Consumer authenticates with the tokens tokenProvider returns and reads', async () => {
    const topic = uniqueName('oauth-consume')
    await admin.createTopics([{ topic, partitions: 1 }])
    await produceAsAdmin(topic, 'read with a token')
    const calls: string[] = []
    const consumer = new Consumer({
      brokers: cluster.bootstrap,
      groupId: uniqueName('oauth-group'),
      fromBeginning: true,
      sasl: superUserTokens(calls),
    })
    await consumer.connect()
    try {
      await consumer.subscribe({ topics: [topic] })
      const values: string[] = []
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString())
        },
      })
      await waitFor(() => values.length === 1, 'the record read with a token', 30_000)
      expect(values).toEqual(['read with a token'])
      expect(calls.length).toBeGreaterThanOrEqual(1)
      await consumer.stop()
    } finally {
      await consumer.disconnect()
    }
  })

  it('refuses a tokenProvider that is not a function, for every role', () => {
    expect(
      () => new Admin({ brokers: cluster.bootstrap, sasl: { mechanism: 'oauthbearer', tokenProvider: 42 as never } }),
    ).toThrow(ConfigError)
    expect(
      () =>
        new Producer({
          brokers: cluster.bootstrap,
          sasl: { mechanism: 'oauthbearer', tokenProvider: 'token' as never },
        }),
    ).toThrow(/sasl.tokenProvider/)
  })
})
