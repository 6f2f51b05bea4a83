/**
 * The shared setup of security-kafka.test.ts and security-registry.test.ts: the secure cluster helper (one broker with
 * a listener per way in; certificates made at start) with the app user's SCRAM credentials, an Admin on it as the
 * super user, and, for the registry tests, an Apicurio registry that serves HTTPS only and an HTTPS endpoint in front of
 * the test run's registry that demands a client certificate.
 */
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { makeCertificates, type TlsFiles } from '../../../scripts/tls-lib.mjs'
import { Admin, type ClientOptions, Consumer, Producer } from '../../../src/index.js'
import { registryUrl } from './avro.js'
import { uniqueName, waitFor } from './kafka.js'
import { APP_USER, type SecureCluster, startSecureCluster, SUPER_USER } from './secure-cluster.js'
import { startTlsRegistry, type TlsRegistry } from './tls-registry.js'

let certificatesDir: string
/** The secure cluster {@link useSecureCluster} started. */
export let cluster: SecureCluster
/** The HTTPS-only registry (started when {@link useSecureCluster} is asked for registries). */
export let registry: TlsRegistry
/** The mutual-TLS endpoint in front of the test run's registry (started with the registries). */
export let mtlsRegistry: MutualTlsProxy
/** An Admin on the secure cluster as the super user. */
export let admin: Admin

/** Where and how a client connects: the options every role shares. */
export type Connection = Pick<ClientOptions, 'brokers' | 'ssl' | 'sasl'>

/**
 * Before the file's tests: makes certificates, starts the secure cluster (and, with `registries`, the HTTPS registry
 * and the mutual-TLS endpoint, side by side), connects {@link admin} and gives the app user SCRAM credentials.
 * After them: stops everything and removes the certificates.
 */
export function useSecureCluster(options: { registries: boolean }): void {
  beforeAll(async () => {
    // One set of certificates for the broker and the registries, which then start side by side.
    certificatesDir = await mkdtemp(join(tmpdir(), 'kafkit-security-'))
    const tls = await makeCertificates(join(certificatesDir, 'tls'))
    const [startedCluster, startedRegistry, startedMtlsRegistry] = await Promise.allSettled([
      startSecureCluster({ tls }),
      options.registries ? startTlsRegistry(tls, join(certificatesDir, 'registry')) : undefined,
      options.registries ? startMutualTlsProxy(tls) : undefined,
    ])
    if (startedCluster.status === 'fulfilled') cluster = startedCluster.value
    if (startedRegistry.status === 'fulfilled' && startedRegistry.value) registry = startedRegistry.value
    if (startedMtlsRegistry.status === 'fulfilled' && startedMtlsRegistry.value)
      mtlsRegistry = startedMtlsRegistry.value
    for (const result of [startedCluster, startedRegistry, startedMtlsRegistry])
      if (result.status === 'rejected') throw result.reason
    console.log(
      `[security] certificates made in ${tls.ms} ms; then secure cluster ready in ${cluster.timings.totalMs} ms` +
        (options.registries ? `, HTTPS registry in ${registry.startMs} ms (side by side)` : ''),
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
}

/** Sends one record with a Producer on `connection`, reads it back with a Consumer in a fresh group. */
export async function roundTrip(connection: Connection, label: string): Promise<void> {
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

/** The message of an error and of its causes, for assertions on what a user would read. */
export function messages(error: unknown): string {
  const parts: string[] = []
  for (let e = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message)
  return parts.join(' <- ')
}

/** An HTTPS endpoint requiring client certificates, in front of the test run's registry. */
export interface MutualTlsProxy {
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
