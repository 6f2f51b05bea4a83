/**
 * TLS and SASL end to end, through the public API only, against the secure cluster helper: a Producer sends and a
 * fresh Consumer group reads the record back, and an Admin lists topics, over TLS, mutual TLS, SASL PLAIN,
 * SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER; a wrong CA, a missing client certificate and a wrong password fail
 * connect() with a clear error.
 */
import { createPrivateKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Admin, Consumer, KafkaError, Producer, type SaslOptions, type SslOptions } from '../../src/index.js'
import { uniqueName } from './helpers/kafka.js'
import { APP_USER, SUPER_USER, unsecuredJwt } from './helpers/secure-cluster.js'
import { admin, cluster, type Connection, messages, roundTrip, useSecureCluster } from './helpers/security-fixture.js'

useSecureCluster({ registries: false })

type Role = 'producer' | 'consumer' | 'admin'
type Refusals = Record<Role, { error: unknown; ms: number }>

/** connect() of a fresh client of each role, side by side: the error each rejected with (undefined if it connected). */
async function connectEach(connection: Connection, connectTimeoutMs: number): Promise<Refusals> {
  const attempt = async (client: {
    connect(): Promise<void>
    disconnect(): Promise<void>
  }): Promise<{ error: unknown; ms: number }> => {
    const started = Date.now()
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    const ms = Date.now() - started
    if (error === undefined) await client.disconnect()
    return { error, ms }
  }
  const [producer, consumer, adminClient] = await Promise.all([
    attempt(new Producer({ ...connection, connectTimeoutMs })),
    attempt(new Consumer({ ...connection, groupId: uniqueName('security-refused'), connectTimeoutMs })),
    attempt(new Admin({ ...connection, connectTimeoutMs })),
  ])
  return { producer, consumer, admin: adminClient }
}

// Each refused connection is tried once and shared by the two tests of it.
const WRONG_CA_TIMEOUT_MS = 8000
const WRONG_PASSWORD_TIMEOUT_MS = 9000
let wrongCa: Promise<Refusals> | undefined
let wrongPassword: Promise<Refusals> | undefined
const connectWithWrongCa = (): Promise<Refusals> =>
  (wrongCa ??= connectEach({ brokers: cluster.listeners.ssl, ssl: { ca: cluster.tls.otherCa } }, WRONG_CA_TIMEOUT_MS))
const connectWithWrongPassword = (): Promise<Refusals> =>
  (wrongPassword ??= connectEach(
    {
      brokers: cluster.listeners.saslPlaintext,
      sasl: { mechanism: 'scram-sha-256', username: APP_USER.username, password: 'wrong' },
    },
    WRONG_PASSWORD_TIMEOUT_MS,
  ))

/** What a failed connect() says, for a failure message. */
function explain(role: string, result: { error: unknown; ms: number }): string {
  const error = result.error as KafkaError | undefined
  return `${role} after ${result.ms} ms: ${error?.constructor.name} ${error?.code} retriable=${error?.retriable}: ${messages(error)}`
}

describe('TLS', () => {
  it('over TLS a Producer sends, a Consumer reads it back, an Admin lists topics', async () => {
    const connection: Connection = { brokers: cluster.listeners.ssl, ssl: { ca: cluster.tls.ca } }
    await roundTrip(connection, 'tls')
    const tlsAdmin = new Admin(connection)
    await tlsAdmin.connect()
    try {
      expect(await tlsAdmin.listTopics()).toEqual(expect.arrayContaining([expect.stringMatching(/^security-tls-/)]))
    } finally {
      await tlsAdmin.disconnect()
    }
  })

  it('over mutual TLS with a client certificate, the same', async () => {
    // The broker authorizes nobody but its super users: the round trip also shows that the certificate's subject
    // became the principal User:kafkit-client (ssl.principal.mapping.rules).
    const ssl: SslOptions = { ca: cluster.tls.ca, cert: cluster.tls.clientCert, key: cluster.tls.clientKey }
    const connection: Connection = { brokers: cluster.listeners.mtls, ssl }
    await roundTrip(connection, 'mtls')
    const mtlsAdmin = new Admin(connection)
    await mtlsAdmin.connect()
    try {
      expect(await mtlsAdmin.listTopics()).toEqual(expect.arrayContaining([expect.stringMatching(/^security-mtls-/)]))
    } finally {
      await mtlsAdmin.disconnect()
    }
  })

  it('mutual TLS with an encrypted key and its passphrase; Buffers work as well as strings', async () => {
    const passphrase = 'client-key-passphrase'
    const encrypted = createPrivateKey(cluster.tls.clientKey).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase,
    })
    const ssl: SslOptions = {
      ca: Buffer.from(cluster.tls.ca),
      cert: Buffer.from(cluster.tls.clientCert),
      key: encrypted,
      passphrase,
    }
    const mtlsAdmin = new Admin({ brokers: cluster.listeners.mtls, ssl, connectTimeoutMs: 15_000 })
    await mtlsAdmin.connect()
    try {
      expect((await mtlsAdmin.describeCluster()).brokers).toHaveLength(1)
    } finally {
      await mtlsAdmin.disconnect()
    }
  })

  it('rejectUnauthorized: false connects without the CA; ssl: true (the system store) does not trust the test CA', async () => {
    const unchecked = new Admin({
      brokers: cluster.listeners.ssl,
      ssl: { rejectUnauthorized: false },
      connectTimeoutMs: 10_000,
    })
    await unchecked.connect()
    try {
      expect((await unchecked.describeCluster()).brokers).toHaveLength(1)
    } finally {
      await unchecked.disconnect()
    }
    const systemStore = new Admin({ brokers: cluster.listeners.ssl, ssl: true, connectTimeoutMs: 10_000 })
    const error = await systemStore.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkaError)
    expect(messages(error)).toMatch(/certificate verify failed/)
  })

  it('a client that trusts another CA fails connect() (the Admin at once, naming the certificate)', async () => {
    const results = await connectWithWrongCa()
    for (const [role, result] of Object.entries(results)) {
      expect(result.error, `${role} connected though it does not trust the broker's CA`).toBeInstanceOf(KafkaError)
      expect(result.ms, explain(role, result)).toBeLessThan(WRONG_CA_TIMEOUT_MS + 2000)
    }
    expect(results.admin.ms, explain('admin', results.admin)).toBeLessThan(WRONG_CA_TIMEOUT_MS / 3)
    expect(messages(results.admin.error)).toMatch(/certificate verify failed/)
  })

  // Producer and Consumer end connect() on librdkafka's _SSL error, as Admin does, instead of waiting out
  // connectTimeoutMs and reporting a transport failure that does not say the certificate was refused.
  it('Producer and Consumer fail connect() with a wrong CA at once, naming the certificate', async () => {
    const results = await connectWithWrongCa()
    for (const role of ['producer', 'consumer'] as const) {
      expect(results[role].ms, explain(role, results[role])).toBeLessThan(WRONG_CA_TIMEOUT_MS / 3)
      expect(messages(results[role].error), explain(role, results[role])).toMatch(/certificate verify failed/)
    }
  })

  it('mutual TLS without a client certificate fails connect()', async () => {
    const connectTimeoutMs = 8000
    const results = await connectEach(
      { brokers: cluster.listeners.mtls, ssl: { ca: cluster.tls.ca } },
      connectTimeoutMs,
    )
    for (const [role, result] of Object.entries(results)) {
      expect(result.error, `${role} connected to the mutual TLS listener without a certificate`).toBeInstanceOf(
        KafkaError,
      )
      expect(result.ms, explain(role, result)).toBeLessThan(connectTimeoutMs + 2000)
    }
  })
})

describe('SASL', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`${mechanism}: a Producer sends and a Consumer reads back`, async () => {
      await roundTrip({ brokers: cluster.listeners.saslPlaintext, sasl: { mechanism, ...APP_USER } }, mechanism)
    })
  }

  it('scram-sha-512 over TLS (SASL_SSL): a Producer sends and a Consumer reads back', async () => {
    await roundTrip(
      {
        brokers: cluster.listeners.saslSsl,
        ssl: { ca: cluster.tls.ca },
        sasl: { mechanism: 'scram-sha-512', ...APP_USER },
      },
      'sasl-ssl',
    )
  })

  it('oauthbearer with a tokenProvider (unsecured JWT): a Producer sends and a Consumer reads back', async () => {
    let calls = 0
    const sasl: SaslOptions = {
      mechanism: 'oauthbearer',
      tokenProvider: () => {
        calls += 1
        return { tokenValue: unsecuredJwt(APP_USER.username, 60_000), lifetimeMs: 60_000, principal: APP_USER.username }
      },
    }
    await roundTrip({ brokers: cluster.listeners.saslPlaintext, sasl }, 'oauthbearer')
    expect(calls).toBeGreaterThanOrEqual(2) // at least one token for each client
  })

  it('oauthbearer with a tokenProvider: an Admin connects with its token and lists topics; a provider that throws fails connect()', async () => {
    const principals: string[] = []
    const oauthAdmin = new Admin({
      brokers: cluster.listeners.saslPlaintext,
      sasl: {
        mechanism: 'oauthbearer',
        tokenProvider: async () => {
          principals.push(SUPER_USER.username)
          return {
            tokenValue: unsecuredJwt(SUPER_USER.username, 60_000),
            lifetimeMs: 60_000,
            principal: SUPER_USER.username,
          }
        },
      },
      connectTimeoutMs: 15_000,
    })
    await oauthAdmin.connect()
    try {
      expect(principals.length).toBeGreaterThanOrEqual(1)
      const topic = uniqueName('security-oauth-admin')
      await admin.createTopics([{ topic, partitions: 1 }])
      expect(await oauthAdmin.listTopics()).toContain(topic)
    } finally {
      await oauthAdmin.disconnect()
    }
    const refused = new Admin({
      brokers: cluster.listeners.saslPlaintext,
      sasl: {
        mechanism: 'oauthbearer',
        tokenProvider: () => {
          throw new Error('identity provider down')
        },
      },
      connectTimeoutMs: 3_000,
    })
    await expect(refused.connect()).rejects.toThrow(/Admin\.connect\(\) failed/)
  })

  it('a wrong password fails connect() of Producer, Consumer and Admin (the Admin at once, naming authentication)', async () => {
    const results = await connectWithWrongPassword()
    for (const [role, result] of Object.entries(results)) {
      expect(result.error, `${role} connected with a wrong password`).toBeInstanceOf(KafkaError)
      expect(result.ms, explain(role, result)).toBeLessThan(WRONG_PASSWORD_TIMEOUT_MS + 2000)
    }
    expect(results.admin.ms, explain('admin', results.admin)).toBeLessThan(WRONG_PASSWORD_TIMEOUT_MS / 3)
    expect(messages(results.admin.error)).toMatch(/authentication/i)
  })

  // Every role ends connect() on librdkafka's authentication error instead of waiting out connectTimeoutMs.
  it('a wrong password fails connect() of every role fast, with a non-retriable authentication error', async () => {
    const results = await connectWithWrongPassword()
    for (const [role, result] of Object.entries(results)) {
      expect(result.ms, explain(role, result)).toBeLessThan(WRONG_PASSWORD_TIMEOUT_MS / 3)
      expect(messages(result.error), explain(role, result)).toMatch(/authentication/i)
      expect((result.error as KafkaError).retriable, explain(role, result)).toBe(false)
    }
  })
})
