import { describe, expect, it } from 'vitest'
import { configError } from '../../helpers/config-error.js'
import { buildClientConfig } from '../../../src/config/index.js'
import { Producer, SchemaRegistry } from '../../../src/index.js'
import { resolveProducerOptions, TRANSACTIONAL_RETRY_BACKOFF_MS } from '../../../src/producer/options.js'

describe('client options', () => {
  it('rejects brokers: 42 naming the option', () => {
    const error = configError(() => new Producer({ brokers: 42 as never }))
    expect(error.path).toBe('brokers')
    expect(error.code).toBe('ERR_CONFIG')
    expect(error.message).toContain('`brokers`')
    expect(error.message).toContain('the number 42')
  })

  it('never shows the value of an ill-typed secret, only its kind', () => {
    const secret = 987654321
    const cases: Array<[() => unknown, string]> = [
      [
        () =>
          new Producer({
            brokers: 'localhost:9092',
            sasl: { mechanism: 'plain', username: 'u', password: secret as never },
          }),
        'sasl.password',
      ],
      [() => new Producer({ brokers: 'localhost:9092', ssl: { passphrase: secret as never } }), 'ssl.passphrase'],
      [
        () =>
          new Producer({
            brokers: 'localhost:9092',
            sasl: {
              mechanism: 'oauthbearer',
              clientId: 'c',
              clientSecret: secret as never,
              tokenEndpointUrl: 'https://idp',
            },
          }),
        'sasl.clientSecret',
      ],
      [
        () => new Producer({ brokers: 'localhost:9092', rdkafka: { 'sasl.password': { value: secret } as never } }),
        "rdkafka['sasl.password']",
      ],
      [
        () => new SchemaRegistry({ url: 'http://localhost:8081', auth: { username: 'u', password: secret as never } }),
        'auth.password',
      ],
      [() => new SchemaRegistry({ url: 'http://localhost:8081', auth: { token: secret as never } }), 'auth.token'],
    ]
    for (const [create, path] of cases) {
      const error = configError(create)
      expect(error.path).toBe(path)
      expect(error.message).not.toContain(String(secret))
      expect(error.message).toContain('not shown')
    }
  })

  it('rejects a malformed broker entry by index', () => {
    expect(configError(() => buildClientConfig({ brokers: ['localhost:9092', 'nope'] }, 'producer', [])).path).toBe(
      'brokers[1]',
    )
  })

  it('rejects an unknown rdkafka key, a key of another role, a reserved key and an ill-typed value', () => {
    expect(
      configError(() => new Producer({ brokers: 'localhost:9092', rdkafka: { 'linger.mss': 5 } as never })).path,
    ).toBe("rdkafka['linger.mss']")
    expect(
      configError(() => new Producer({ brokers: 'localhost:9092', rdkafka: { 'group.id': 'g' } as never })).message,
    ).toContain('consumer property')
    expect(configError(() => new Producer({ brokers: 'localhost:9092', rdkafka: { dr_cb: true } })).message).toContain(
      'delivery reports',
    )
    expect(
      configError(
        () => new Producer({ brokers: 'localhost:9092', rdkafka: { 'compression.codec': 'brotli' } as never }),
      ).message,
    ).toContain("'zstd'")
    expect(
      configError(() => new Producer({ brokers: 'localhost:9092', rdkafka: { 'enable.idempotence': 'yes' } as never }))
        .path,
    ).toBe("rdkafka['enable.idempotence']")
  })

  it('rejects unknown top-level options with a suggestion', () => {
    const error = configError(() => new Producer({ brokers: 'localhost:9092', lingerMS: 5 } as never))
    expect(error.path).toBe('lingerMS')
    expect(error.message).toContain('did you mean `lingerMs`')
  })

  it('rejects producer options of the wrong type or inconsistent ones', () => {
    expect(configError(() => new Producer({ brokers: 'localhost:9092', acks: 2 as never })).path).toBe('acks')
    expect(configError(() => new Producer({ brokers: 'localhost:9092', acks: 1 })).message).toContain(
      'idempotent: false',
    )
    expect(configError(() => new Producer({ brokers: 'localhost:9092', maxBlockMs: -1 })).path).toBe('maxBlockMs')
    expect(configError(() => new Producer({ brokers: 'localhost:9092', value: {} as never })).path).toBe('value')
  })

  it('gives a transactional producer a short retry backoff (CONCURRENT_TRANSACTIONS after each commit), unless rdkafka sets one', () => {
    const plain = resolveProducerOptions({ brokers: 'localhost:9092' }).rdkafkaConfig
    expect(plain).not.toHaveProperty('retry.backoff.ms')
    const transactional = resolveProducerOptions({
      brokers: 'localhost:9092',
      transactionalId: 't',
      transactionTimeoutMs: 20_000,
    }).rdkafkaConfig
    expect(transactional).toMatchObject({
      'transactional.id': 't',
      'retry.backoff.ms': TRANSACTIONAL_RETRY_BACKOFF_MS,
      'message.timeout.ms': 20_000,
    })
    const chosen = resolveProducerOptions({
      brokers: 'localhost:9092',
      transactionalId: 't',
      rdkafka: { 'retry.backoff.ms': 250 },
    }).rdkafkaConfig
    expect(chosen['retry.backoff.ms']).toBe(250)
  })

  it('translates ssl and sasl into librdkafka properties, rdkafka applied last', () => {
    const config = buildClientConfig(
      {
        brokers: ['a:1', 'b:2'],
        clientId: 'svc',
        ssl: { ca: 'PEM', rejectUnauthorized: false },
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
        rdkafka: { 'client.id': 'override' },
      },
      'producer',
      [],
    )
    expect(config).toMatchObject({
      'bootstrap.servers': 'a:1,b:2',
      'client.id': 'override',
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'u',
      'ssl.ca.pem': 'PEM',
      'enable.ssl.certificate.verification': false,
    })
    expect(
      configError(() => buildClientConfig({ brokers: 'a:1', sasl: { mechanism: 'gssapi' } }, 'producer', [])).path,
    ).toBe('sasl.mechanism')
  })

  it("does not mutate the caller's options", () => {
    const options = Object.freeze({ brokers: 'localhost:9092', rdkafka: Object.freeze({ 'linger.ms': 1 }) })
    expect(() => new Producer(options)).not.toThrow()
  })
})
