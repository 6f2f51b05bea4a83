/**
 * The schema registry client and the Avro serde against an Apicurio registry that serves HTTPS only, trusting its CA
 * through `tls.ca` or NODE_EXTRA_CA_CERTS, and, for mutual TLS, against the test run's registry behind an HTTPS
 * endpoint that demands a client certificate; the Avro records travel over the secure cluster's TLS listener.
 */
import { execFile } from 'node:child_process'
import { request } from 'node:https'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  Consumer,
  Producer,
  SchemaRegistry,
  SchemaRegistryError,
  SchemaRegistryErrorReason,
  serdes,
} from '../../src/index.js'
import { uniqueName, waitFor } from './helpers/kafka.js'
import { admin, cluster, messages, mtlsRegistry, registry, useSecureCluster } from './helpers/security-fixture.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')

useSecureCluster({ registries: true })

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
