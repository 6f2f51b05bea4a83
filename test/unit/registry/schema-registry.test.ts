import { once } from 'node:events'
import { inspect } from 'node:util'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ConfigError, KafkaError, StateError } from '../../../src/errors/index.js'
import { SchemaRegistry, SchemaRegistryError, SchemaRegistryErrorReason } from '../../../src/registry/index.js'
import { toSchemaRegistryError } from '../../../src/registry/errors.js'

const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }

/** A loopback HTTP server answering every request with `status` and `body`, recording the requests. */
async function fakeRegistry(status: number, body: unknown) {
  const requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = []
  const server = createServer((request, response) => {
    let data = ''
    request.on('data', (chunk: Buffer) => {
      data += chunk.toString()
    })
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: data })
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) }
}

describe('SchemaRegistry options', () => {
  it('are validated at construction, naming the option', () => {
    const invalid = (options: unknown, pattern: RegExp) => {
      expect(() => new SchemaRegistry(options as never)).toThrow(ConfigError)
      expect(() => new SchemaRegistry(options as never)).toThrow(pattern)
    }
    invalid({}, /`url`/)
    invalid({ url: 'localhost:8081' }, /`url`.*http\(s\) URL/)
    invalid({ url: 'http://user:secret@host:8081' }, /`url`.*`auth`/)
    invalid({ url: ['http://a:1', 5] }, /`url\[1\]`/)
    invalid({ url: 'http://a:1', auth: { username: 'u' } }, /`auth.password`/)
    invalid({ url: 'http://a:1', maxRetries: -1 }, /`maxRetries`/)
    invalid({ url: 'http://a:1', requestTimeoutMS: 5 }, /requestTimeoutMs/)
    invalid({ url: 'http://a:1', tls: { ca: 'pem' } }, /`tls`.*https/)
    invalid({ url: 'https://a:1', tls: { ca: 5 } }, /`tls.ca`.*PEM/)
    invalid({ url: 'https://a:1', tls: { ca: ['pem', 5] } }, /`tls.ca\[1\]`/)
    invalid({ url: 'https://a:1', tls: { cert: 'pem' } }, /`tls.key`.*both/)
    invalid({ url: 'https://a:1', tls: { key: 'pem' } }, /`tls.cert`.*both/)
    invalid({ url: 'https://a:1', tls: { rejectUnauthorised: false } }, /rejectUnauthorized/)
    expect(
      () =>
        new SchemaRegistry({
          url: 'https://a:1',
          tls: { ca: 'pem', cert: 'pem', key: 'pem', passphrase: 'p', rejectUnauthorized: false },
        }),
    ).not.toThrow()
    expect(new SchemaRegistry({ url: 'http://host:8080/apis/ccompat/v7/' }).urls).toEqual([
      'http://host:8080/apis/ccompat/v7',
    ])
  })
})

describe('SchemaRegistry calls', () => {
  it('register, look up and fetch schemas; the same schema keeps its id', async () => {
    const registry = new SchemaRegistry({ url: 'mock://calls' })
    const first = await registry.register({ subject: 's-value', schema })
    expect(await registry.register({ subject: 's-value', schema: JSON.stringify(schema, null, 2) })).toEqual(first)
    expect((await registry.lookup({ subject: 's-value', schema })).id).toBe(first.id)
    expect(JSON.parse((await registry.getSchema({ id: first.id })).schema)).toEqual(schema)
    expect((await registry.getLatest({ subject: 's-value' })).version).toBe(1)
    expect(await registry.listSubjects()).toEqual(['s-value'])
    await registry.setCompatibility({ subject: 's-value', level: 'FULL' })
    expect(await registry.getCompatibility({ subject: 's-value' })).toBe('FULL')
  })

  it('fail with a SchemaRegistryError whose reason says why', async () => {
    const registry = new SchemaRegistry({ url: 'mock://failures' })
    const error = await registry.getLatest({ subject: 'missing' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SchemaRegistryError)
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as SchemaRegistryError).subject).toBe('missing')
    expect(((await registry.getSchema({ id: 99 }).catch((e: unknown) => e)) as SchemaRegistryError).reason).toBe(
      SchemaRegistryErrorReason.SCHEMA_NOT_FOUND,
    )
  })

  it('refuse calls after close()', async () => {
    const registry = new SchemaRegistry({ url: 'mock://closed' })
    await registry.close()
    await expect(registry.listSubjects()).rejects.toThrow(StateError)
    await expect(registry.getClient()).rejects.toThrow(/after close/)
  })

  it('send basic and bearer credentials and extra headers, and compact schema text', async () => {
    const server = await fakeRegistry(200, { id: 12 })
    try {
      await new SchemaRegistry({ url: server.url, auth: { username: 'key', password: 's3cret' } }).register({
        subject: 'a',
        schema: JSON.stringify(schema, null, 2),
      })
      await new SchemaRegistry({ url: server.url, auth: { token: 'tok' }, headers: { 'x-tenant': 't1' } }).register({
        subject: 'b',
        schema,
      })
      const [basic, bearer] = server.requests
      expect(basic!.method).toBe('POST')
      expect(basic!.url).toBe('/apis/ccompat/v7/subjects/a/versions?normalize=false')
      expect(basic!.headers.authorization).toBe(`Basic ${Buffer.from('key:s3cret').toString('base64')}`)
      expect(JSON.parse(basic!.body)).toEqual({ schema: JSON.stringify(schema), schemaType: 'AVRO' })
      expect(bearer!.headers.authorization).toBe('Bearer tok')
      expect(bearer!.headers['x-tenant']).toBe('t1')
    } finally {
      await server.close()
    }
  })

  it('report an unreachable registry as UNAVAILABLE and retriable, after the configured retries', async () => {
    const server = await fakeRegistry(503, { error_code: 50301, message: 'overloaded' })
    try {
      const registry = new SchemaRegistry({ url: server.url, maxRetries: 2, retryBackoffMs: 1, retryBackoffMaxMs: 2 })
      const error = (await registry.listSubjects().catch((e: unknown) => e)) as SchemaRegistryError
      expect(error.reason).toBe(SchemaRegistryErrorReason.UNAVAILABLE)
      expect(error.retriable).toBe(true)
      expect(error.status).toBe(503)
      expect(server.requests).toHaveLength(3)
    } finally {
      await server.close()
    }
  })
})

describe('SchemaRegistry errors and credentials', () => {
  /** Everything a logger could print of an error: its inspection (cause chain included) and every own property. */
  function printed(error: unknown): string {
    const seen = new Set<unknown>()
    const walk = (value: unknown): string => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return String(value)
      seen.add(value)
      return Object.getOwnPropertyNames(value)
        .map((name) => `${name}=${walk((value as Record<string, unknown>)[name])}`)
        .join(',')
    }
    return `${inspect(error, { depth: 50, showHidden: true })}\n${walk(error)}`
  }

  it('never carry the Authorization header (basic or bearer) in the error or its cause chain', async () => {
    const basic = Buffer.from('key:s3cret-password').toString('base64')
    const unreachable = 'http://127.0.0.1:9/apis/ccompat/v7'
    const server = await fakeRegistry(503, { error_code: 50301, message: 'overloaded' })
    try {
      for (const url of [unreachable, server.url]) {
        for (const auth of [{ username: 'key', password: 's3cret-password' }, { token: 'bearer-t0ken-value' }]) {
          const registry = new SchemaRegistry({ url, auth, maxRetries: 0 })
          const error = await registry.listSubjects().catch((e: unknown) => e)
          expect(error).toBeInstanceOf(SchemaRegistryError)
          const text = printed(error)
          expect(text).not.toContain(basic)
          expect(text).not.toContain('s3cret-password')
          expect(text).not.toContain('bearer-t0ken-value')
          expect((error as SchemaRegistryError).cause).toBeInstanceOf(Error)
        }
      }
    } finally {
      await server.close()
    }
  })
})

describe('toSchemaRegistryError', () => {
  const rest = (status: number, errorCode: number) =>
    Object.assign(new Error('registry says no'), { status, errorCode })
  const reasonOf = (error: unknown, notFound?: SchemaRegistryErrorReason) =>
    toSchemaRegistryError(error, { operation: 'op', ...(notFound ? { notFound } : {}) }).reason

  it('maps the registry error codes Confluent and Apicurio share', () => {
    expect(reasonOf(rest(404, 40401))).toBe('SUBJECT_NOT_FOUND')
    expect(reasonOf(rest(404, 40402))).toBe('VERSION_NOT_FOUND')
    expect(reasonOf(rest(404, 40403))).toBe('SCHEMA_NOT_FOUND')
    expect(reasonOf(rest(409, 409))).toBe('INCOMPATIBLE_SCHEMA')
    expect(reasonOf(rest(422, 42201))).toBe('INVALID_SCHEMA')
    expect(reasonOf(rest(422, 42203))).toBe('INVALID_REQUEST')
  })

  it("falls back on the HTTP status, and the call's meaning of a bare 404", () => {
    expect(reasonOf(rest(401, -1))).toBe('UNAUTHORIZED')
    expect(reasonOf(rest(500, 50001))).toBe('UNAVAILABLE')
    expect(reasonOf(rest(404, 0))).toBe('UNSUPPORTED')
    expect(reasonOf(rest(404, 40400), SchemaRegistryErrorReason.SCHEMA_NOT_FOUND)).toBe('SCHEMA_NOT_FOUND')
    expect(
      reasonOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', isAxiosError: true })),
    ).toBe('UNAVAILABLE')
  })
})

describe('toSchemaRegistryError without an answer', () => {
  it('names the registry URL without query or fragment, and says what happened: retriable UNAVAILABLE', () => {
    const error = toSchemaRegistryError(
      { isAxiosError: true, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:8081' },
      { operation: 'list subjects', urls: ['http://10.0.0.1:8081/apis/ccompat/v7?token=abc#frag'] },
    )
    expect(error.reason).toBe(SchemaRegistryErrorReason.UNAVAILABLE)
    expect(error.retriable).toBe(true)
    expect(error.message).toMatch(
      /^Schema registry at http:\/\/10\.0\.0\.1:8081\/apis\/ccompat\/v7: list subjects failed with no answer: connection refused/,
    )
    expect(error.message).not.toContain('token=abc')
    expect(
      toSchemaRegistryError(
        { isAxiosError: true, code: 'ECONNABORTED', message: 'timeout of 300ms exceeded' },
        { operation: 'x' },
      ).message,
    ).toMatch(/no answer: timed out/)
  })

  it('a certificate the client does not trust, or an alert from the server: TLS_FAILED, not retriable', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    ]) {
      const error = toSchemaRegistryError({ isAxiosError: true, code, message: 'handshake' }, { operation: 'x' })
      expect([code, error.reason, error.retriable, error.code]).toEqual([
        code,
        SchemaRegistryErrorReason.TLS_FAILED,
        false,
        'ERR_SCHEMA_REGISTRY_TLS_FAILED',
      ])
    }
  })
})
