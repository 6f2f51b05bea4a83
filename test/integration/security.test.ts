/**
 * TLS and SASL end to end, through the public API only, against the secure cluster helper (one broker with a listener
 * per way in; certificates made with keytool at start): a Producer sends and a fresh Consumer group reads the record
 * back, and an Admin lists topics, over TLS, mutual TLS, SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER;
 * a wrong CA, a missing client certificate and a wrong password fail connect() with a clear error. The schema registry
 * client and the Avro serde talk to an Apicurio registry that serves HTTPS only, trusting its CA through `tls.ca` or
 * NODE_EXTRA_CA_CERTS, and, for mutual TLS, to the test run's registry behind an HTTPS endpoint that demands a client
 * certificate.
 */
import { execFile } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer as createHttpsServer, request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCertificates, type TlsFiles } from '../../scripts/tls-lib.mjs'
import {
  Admin,
  type ClientOptions,
  Consumer,
  KafkaError,
  Producer,
  type SaslOptions,
  SchemaRegistry,
  SchemaRegistryError,
  SchemaRegistryErrorReason,
  serdes,
  type SslOptions,
} from '../../src/index.js'
import { registryUrl } from './helpers/avro.js'
import { uniqueName, waitFor } from './helpers/kafka.js'
import { APP_USER, type SecureCluster, startSecureCluster, SUPER_USER } from './helpers/secure-cluster.js'
import { startTlsRegistry, type TlsRegistry } from './helpers/tls-registry.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')

let certificatesDir: string
let cluster: SecureCluster
let registry: TlsRegistry
let mtlsRegistry: MutualTlsProxy
let admin: Admin

/** Where and how a client connects: the options every role shares. */
type Connection = Pick<ClientOptions, 'brokers' | 'ssl' | 'sasl'>

beforeAll(async () => {
  // One set of certificates for the broker and the registry, which then start side by side.
  certificatesDir = await mkdtemp(join(tmpdir(), 'kafkit-security-'))
  const tls = await makeCertificates(join(certificatesDir, 'tls'))
  const [startedCluster, startedRegistry, startedMtlsRegistry] = await Promise.allSettled([
    startSecureCluster(
      async (bootstrap) => {
        const probe = new Admin({
          brokers: bootstrap,
          sasl: { mechanism: 'scram-sha-256', ...SUPER_USER },
          connectTimeoutMs: 2000,
        })
        await probe.connect()
        await probe.disconnect()
      },
      { tls },
    ),
    startTlsRegistry(tls, join(certificatesDir, 'registry')),
    startMutualTlsProxy(tls),
  ])
  if (startedCluster.status === 'fulfilled') cluster = startedCluster.value
  if (startedRegistry.status === 'fulfilled') registry = startedRegistry.value
  if (startedMtlsRegistry.status === 'fulfilled') mtlsRegistry = startedMtlsRegistry.value
  for (const result of [startedCluster, startedRegistry, startedMtlsRegistry])
    if (result.status === 'rejected') throw result.reason
  console.log(
    `[security] certificates made in ${tls.ms} ms; then secure cluster ready in ${cluster.timings.totalMs} ms, ` +
      `HTTPS registry in ${registry.startMs} ms (side by side)`,
  )
  admin = new Admin({ brokers: cluster.bootstrap, sasl: { mechanism: 'scram-sha-256', ...SUPER_USER } })
  await admin.connect()
  // The app user's SCRAM credentials, through kafkit's own SCRAM API (its PLAIN password is in the broker's config).
  // One request per mechanism: Kafka refuses two changes to one user in a request (DUPLICATE_RESOURCE).
  for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
    await admin.alterUserScramCredentials([{ user: APP_USER.username, mechanism, password: APP_USER.password }])
  }
  // The broker learns credentials from the metadata log, a moment after the controller accepted them.
  await waitFor(async () => {
    const credentials = (await admin.describeUserScramCredentials([APP_USER.username]))[0]?.credentials ?? []
    return credentials.length === 2
  }, 'the SCRAM credentials of the app user to be visible')
})

afterAll(async () => {
  await admin?.disconnect()
  await Promise.all([cluster?.stop(), registry?.stop(), mtlsRegistry?.stop()])
  if (certificatesDir) await rm(certificatesDir, { recursive: true, force: true })
})

/** Sends one record with a Producer on `connection`, reads it back with a Consumer in a fresh group. */
async function roundTrip(connection: Connection, label: string): Promise<void> {
  const topic = uniqueName(`security-${label}`)
  await admin.createTopics([{ topic, partitions: 1 }])
  const value = `over ${label}`
  const producer = new Producer({ ...connection, connectTimeoutMs: 15_000 })
  await producer.connect()
  try {
    const report = await producer.send({ topic, key: label, value })
    expect(report.offset).toBe('0')
  } finally {
    await producer.disconnect()
  }
  const consumer = new Consumer({
    ...connection,
    groupId: uniqueName(`security-${label}`),
    fromBeginning: true,
    connectTimeoutMs: 15_000,
  })
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic] })
    const read: Array<[string, string]> = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        read.push([message.key!.toString(), message.value!.toString()])
      },
    })
    await waitFor(() => read.length > 0, `the record sent over ${label} to be read back`, 30_000)
    expect(read).toEqual([[label, value]])
    await consumer.stop()
  } finally {
    await consumer.disconnect()
  }
}

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

/** The message of an error and of its causes, for assertions on what a user would read. */
function messages(error: unknown): string {
  const parts: string[] = []
  for (let e = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message)
  return parts.join(' <- ')
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

describe('Schema registry over HTTPS', () => {
  it('SchemaRegistry and the Avro serde work with a registry that serves HTTPS, the CA trusted through NODE_EXTRA_CA_CERTS', async () => {
    const topic = uniqueName('security-avro')
    await admin.createTopics([{ topic, partitions: 1 }])
    // Without `tls`, kafkit's SchemaRegistry trusts what Node trusts, and Node reads NODE_EXTRA_CA_CERTS only at
    // start, hence a child process. (The `tls.ca` option is tested in-process below.)
    const { stdout } = await run(
      process.execPath,
      [
        join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(root, 'test', 'integration', 'helpers', 'registry-tls-child.ts'),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: cluster.tls.files.caPem,
          REGISTRY_URL: registry.url,
          KAFKA_TLS_BROKERS: cluster.listeners.ssl,
          KAFKA_TLS_CA: cluster.tls.files.caPem,
          TOPIC: topic,
        },
        timeout: 60_000,
      },
    )
    const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      registeredId: number
      latestId: number
      read: unknown[]
    }
    expect(seen.read).toEqual([{ id: 'p-1', cents: 4200 }])
    expect(seen.latestId).toBe(seen.registeredId)
    // Second means: the registry itself, asked over HTTPS with the CA, lists the subject the child registered.
    const subjects = JSON.parse(await httpsGet(`${registry.url}/subjects`, cluster.tls.ca)) as string[]
    expect(subjects).toContain(`${topic}-value`)
  })

  it("without the CA, the registry client refuses the registry's certificate with a SchemaRegistryError saying so", async () => {
    const untrusting = new SchemaRegistry({ url: registry.url, maxRetries: 0 })
    try {
      const error = await untrusting.listSubjects().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SchemaRegistryError)
      expect(messages(error)).toMatch(/certificate/i)
      expect((error as SchemaRegistryError).reason).toBe(SchemaRegistryErrorReason.TLS_FAILED)
      expect((error as SchemaRegistryError).retriable).toBe(false)
    } finally {
      await untrusting.close()
    }
  })

  it('with `tls.ca`, the registry client verifies the certificate in-process: registers, reads back, and an Avro record round-trips over Kafka TLS', async () => {
    const topic = uniqueName('security-avro-ca')
    await admin.createTopics([{ topic, partitions: 1 }])
    const trusting = new SchemaRegistry({ url: registry.url, maxRetries: 0, tls: { ca: cluster.tls.ca } })
    const ssl = { ca: cluster.tls.ca }
    const schema = {
      type: 'record',
      name: 'Refund',
      namespace: 'kafkit.test.tls',
      fields: [{ name: 'id', type: 'string' }],
    } as const
    const producer = new Producer({
      brokers: cluster.listeners.ssl,
      ssl,
      value: serdes.avro<{ id: string }>({ registry: trusting, schema }),
    })
    const consumer = new Consumer({
      brokers: cluster.listeners.ssl,
      ssl,
      groupId: uniqueName('security-avro-ca'),
      fromBeginning: true,
      value: serdes.avro<{ id: string }>({ registry: trusting }),
    })
    try {
      await producer.connect()
      await producer.send({ topic, value: { id: 'r-1' } })
      const latest = await trusting.getLatest({ subject: `${topic}-value` })
      expect(JSON.parse(latest.schema)).toEqual(schema)
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      const read: Array<{ id: string }> = []
      await consumer.run({
        eachMessage: async ({ message }) => {
          read.push(message.value!)
        },
      })
      await waitFor(() => read.length >= 1, 'the Avro record over TLS')
      expect(read).toEqual([{ id: 'r-1' }])
    } finally {
      await consumer.disconnect()
      await producer.disconnect()
      await trusting.close()
    }
  })

  it('with a `tls.ca` that did not sign the certificate, the registry client refuses it: TLS_FAILED, not retriable', async () => {
    const wrongCa = new SchemaRegistry({
      url: registry.url,
      maxRetries: 2,
      retryBackoffMs: 10,
      tls: { ca: cluster.tls.otherCa },
    })
    try {
      const error = await wrongCa.listSubjects().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SchemaRegistryError)
      expect((error as SchemaRegistryError).reason).toBe(SchemaRegistryErrorReason.TLS_FAILED)
      expect((error as SchemaRegistryError).code).toBe('ERR_SCHEMA_REGISTRY_TLS_FAILED')
      expect((error as SchemaRegistryError).retriable).toBe(false)
      expect((error as SchemaRegistryError).message).toContain(registry.url)
      expect(messages(error)).toMatch(/certificate/i)
    } finally {
      await wrongCa.close()
    }
  })

  it('mutual TLS: with `tls.cert` and `tls.key` a registry endpoint that requires a client certificate accepts the client; without them it refuses it', async () => {
    const subject = uniqueName('security-mtls-value')
    const withCertificate = new SchemaRegistry({
      url: mtlsRegistry.url,
      maxRetries: 0,
      tls: { ca: cluster.tls.ca, cert: cluster.tls.clientCert, key: cluster.tls.clientKey },
    })
    const withoutCertificate = new SchemaRegistry({ url: mtlsRegistry.url, maxRetries: 0, tls: { ca: cluster.tls.ca } })
    try {
      const { id } = await withCertificate.register({ subject, schema: { type: 'string' } })
      expect((await withCertificate.getLatest({ subject })).id).toBe(id)
      const error = await withoutCertificate.listSubjects().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SchemaRegistryError)
      expect((error as SchemaRegistryError).message).toContain(mtlsRegistry.url)
      expect((error as SchemaRegistryError).reason).toBe(SchemaRegistryErrorReason.TLS_FAILED)
    } finally {
      await withCertificate.close()
      await withoutCertificate.close()
    }
  })

  it('`tls.rejectUnauthorized: false` accepts the certificate unverified (tests only)', async () => {
    const unverified = new SchemaRegistry({ url: registry.url, maxRetries: 0, tls: { rejectUnauthorized: false } })
    try {
      expect(Array.isArray(await unverified.listSubjects())).toBe(true)
    } finally {
      await unverified.close()
    }
  })
})

/** An HTTPS endpoint requiring client certificates, in front of the test run's registry. */
interface MutualTlsProxy {
  /** `https://127.0.0.1:port/apis/ccompat/v7`. */
  readonly url: string
  stop(): Promise<void>
}

/**
 * Mutual TLS in front of the plain registry of the test run, terminated by a Node HTTPS server that demands a client
 * certificate signed by the test CA, as a TLS-terminating proxy does in many deployments. Apicurio 2.6 cannot do it
 * itself: `quarkus.http.ssl.client-auth` is fixed to NONE when it is built (its log says so when set at run time).
 */
async function startMutualTlsProxy(tls: TlsFiles): Promise<MutualTlsProxy> {
  const upstream = new URL(registryUrl())
  const server = createHttpsServer(
    {
      key: readFileSync(tls.brokerKeyPem),
      cert: readFileSync(tls.brokerCertPem),
      ca: readFileSync(tls.caPem),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (incoming, outgoing) => {
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(outgoing)
        },
      )
      forwarded.once('error', (error) => outgoing.writeHead(502).end(String(error)))
      incoming.pipe(forwarded)
    },
  )
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}/apis/ccompat/v7`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** GET over HTTPS trusting only `ca`: the body, or a rejection unless the status is 200. */
function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${body}`)),
      )
    })
    req.once('error', reject)
    req.end()
  })
}

/** An unsecured JWT (alg "none"), which the broker's default OAUTHBEARER validator accepts. */
function unsecuredJwt(subject: string, lifetimeMs: number): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Date.now() / 1000
  return `${encode({ alg: 'none' })}.${encode({ sub: subject, iat: now, exp: now + lifetimeMs / 1000 })}.`
}
