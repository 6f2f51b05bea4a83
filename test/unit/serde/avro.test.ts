// The Avro serde against @confluentinc/schemaregistry's in-memory client (url mock://...): subject naming, option
// validation and error mapping. The real registry and broker are in test/integration/avro*.test.ts.
import { randomUUID } from 'node:crypto'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, SerializationError } from '../../../src/errors/index.js'
import { SchemaRegistry } from '../../../src/registry/index.js'
import { serdes } from '../../../src/serde/index.js'
import { AvroErrorReason, AvroSerializationError } from '../../../src/serde/registry-serde-errors.js'
import type { SerdeContext } from '../../../src/serde/types.js'

const userSchema = {
  type: 'record',
  name: 'User',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
} as const
interface User {
  id: number
  at: Date
}

const newRegistry = () => new SchemaRegistry({ url: `mock://${randomUUID()}` })
const produced = (topic: string, field: 'key' | 'value' = 'value'): SerdeContext => ({ topic, field })
const consumed = (topic: string, field: 'key' | 'value' = 'value'): SerdeContext => ({
  topic,
  field,
  partition: 3,
  offset: '42',
})

async function rejection(result: unknown): Promise<AvroSerializationError> {
  const error = await Promise.resolve(result).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AvroSerializationError)
  return error as AvroSerializationError
}

describe('serdes.avro', () => {
  it("writes Confluent's wire format and reads it back", async () => {
    const registry = newRegistry()
    const serde = serdes.avro<User>({ registry, schema: userSchema })
    const value = { id: 7, at: new Date('2024-01-01T00:00:00Z') }
    const bytes = await serde.serialize(value, produced('users'))
    const { id } = await registry.lookup({ subject: 'users-value', schema: userSchema })
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe(id)
    expect(await serde.deserialize(bytes, consumed('users'))).toEqual(value)
  })

  it('names subjects by topic, record or topic and record', async () => {
    const registry = newRegistry()
    const value = { id: 1, at: new Date(0) }
    await serdes.avro<User>({ registry, schema: userSchema }).serialize(value, produced('a', 'key'))
    await serdes
      .avro<User>({ registry, schema: userSchema, subjectStrategy: 'record-name' })
      .serialize(value, produced('b'))
    await serdes
      .avro<User>({ registry, schema: userSchema, subjectStrategy: 'topic-record-name' })
      .serialize(value, produced('c'))
    await serdes
      .avro<User>({ registry, schema: userSchema, subjectStrategy: ({ topic, field }) => `custom.${topic}.${field}` })
      .serialize(value, produced('d'))
    expect((await registry.listSubjects()).sort()).toEqual([
      'a-key',
      'c-com.acme.User',
      'com.acme.User',
      'custom.d.value',
    ])
  })

  it('registers once per subject however many records are in flight', async () => {
    const registry = newRegistry()
    const serde = serdes.avro<User>({ registry, schema: userSchema })
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => serde.serialize({ id: i, at: new Date(i) }, produced('t'))),
    )
    expect(await registry.listVersions({ subject: 't-value' })).toEqual([1])
  })

  it('refuses bytes that are not in the wire format, naming topic, partition and offset', async () => {
    const serde = serdes.avro<User>({ registry: newRegistry() })
    const error = await rejection(serde.deserialize(Buffer.from('{"id":1}'), consumed('users')))
    expect(error).toBeInstanceOf(SerializationError)
    expect(error.reason).toBe(AvroErrorReason.NOT_WIRE_FORMAT)
    expect(error.code).toBe('ERR_SERIALIZATION')
    expect([error.topic, error.partition, error.offset, error.field]).toEqual(['users', 3, '42', 'value'])
    expect(error.message).toMatch(/topic users, partition 3, offset 42/)
    expect((await rejection(serde.deserialize(Buffer.alloc(0), consumed('users')))).reason).toBe(
      AvroErrorReason.NOT_WIRE_FORMAT,
    )
  })

  it('reports a schema id the registry does not know', async () => {
    const serde = serdes.avro<User>({ registry: newRegistry() })
    const error = await rejection(serde.deserialize(Buffer.from([0, 0, 0, 0x30, 0x39, 2]), consumed('users')))
    expect(error.reason).toBe(AvroErrorReason.UNKNOWN_SCHEMA_ID)
    expect(error.schemaId).toBe(12345)
    expect(error.message).toMatch(/schema id 12345/)
  })

  it('reports bytes that do not decode with their writer schema', async () => {
    const registry = newRegistry()
    const serde = serdes.avro<User>({ registry, schema: userSchema })
    const bytes = await serde.serialize({ id: 1, at: new Date(0) }, produced('users'))
    const error = await rejection(serde.deserialize(bytes.subarray(0, 6), consumed('users')))
    expect(error.reason).toBe(AvroErrorReason.DECODE_FAILED)
    expect(error.schemaId).toBe(bytes.readInt32BE(1))
  })

  it('rejects a value that does not match the schema, naming the field path', async () => {
    const serde = serdes.avro<User>({ registry: newRegistry(), schema: userSchema })
    const error = await rejection(serde.serialize({ id: 1, at: 'yesterday' } as unknown as User, produced('users')))
    expect(error.reason).toBe(AvroErrorReason.INVALID_RECORD)
    expect(error.subject).toBe('users-value')
    expect(error.message).toMatch(/\bat\b/)
  })

  it('never quotes the value that does not match, nor keeps the library error that does, in the cause chain', async () => {
    const orderSchema = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'card', type: 'string' },
        { name: 'billing', type: { type: 'record', name: 'Billing', fields: [{ name: 'zip', type: 'int' }] } },
      ],
    } as const
    const serde = serdes.avro<unknown>({ registry: newRegistry(), schema: orderSchema })
    const secrets = ['4111-1111-1111-1111', 'secret-zip-value', 'whole-record-secret']
    for (const value of [
      { card: '4111-1111-1111-1111', billing: { zip: 'secret-zip-value' } },
      { card: '4111-1111-1111-1111', billing: 'whole-record-secret' },
      ['4111-1111-1111-1111', 'whole-record-secret'],
    ]) {
      const error = await rejection(serde.serialize(value, produced('orders')))
      expect(error.reason).toBe(AvroErrorReason.INVALID_RECORD)
      const printed = `${error.message} ${inspect(error, { depth: 20 })}`
      for (const secret of secrets) expect(printed).not.toContain(secret)
    }
    const nested = await rejection(
      serde.serialize({ card: 'x', billing: { zip: 'secret-zip-value' } }, produced('orders')),
    )
    expect(nested.message).toContain('at billing.zip, expected int, got a value of type string')
  })

  it('with autoRegister off, refuses a schema that is not registered', async () => {
    const registry = newRegistry()
    const serde = serdes.avro<User>({ registry, schema: userSchema, autoRegister: false })
    const error = await rejection(serde.serialize({ id: 1, at: new Date(0) }, produced('users')))
    expect(error.reason).toBe(AvroErrorReason.SCHEMA_NOT_REGISTERED)
    await registry.register({ subject: 'users-value', schema: userSchema })
    // The failed lookup is not cached: the next record finds the schema.
    expect((await serde.serialize({ id: 1, at: new Date(0) }, produced('users')))[0]).toBe(0)
  })

  it('writes with the latest registered version when asked to', async () => {
    const registry = newRegistry()
    const serde = serdes.avro<User>({ registry, useLatestVersion: true })
    expect((await rejection(serde.serialize({ id: 1, at: new Date(0) }, produced('users')))).reason).toBe(
      AvroErrorReason.SCHEMA_NOT_REGISTERED,
    )
    const { id } = await registry.register({ subject: 'users-value', schema: userSchema })
    const bytes = await serde.serialize({ id: 1, at: new Date(0) }, produced('users'))
    expect(bytes.readInt32BE(1)).toBe(id)
  })

  it('without a schema, cannot write', async () => {
    const error = await rejection(
      serdes.avro<User>({ registry: newRegistry() }).serialize({ id: 1, at: new Date(0) }, produced('users')),
    )
    expect(error.reason).toBe(AvroErrorReason.NO_WRITER_SCHEMA)
  })

  it('reads older records into a local reader schema, filling in defaults', async () => {
    const registry = newRegistry()
    const v1 = serdes.avro<User>({ registry, schema: userSchema })
    const bytes = await v1.serialize({ id: 5, at: new Date(9) }, produced('users'))
    const v2Schema = {
      ...userSchema,
      fields: [...userSchema.fields, { name: 'email', type: ['null', 'string'], default: null }],
    }
    const v2 = serdes.avro<User & { email: string | null }>({ registry, readerSchema: v2Schema })
    expect(await v2.deserialize(bytes, consumed('users'))).toEqual({ id: 5, at: new Date(9), email: null })
  })

  it('validates its options before any request', () => {
    const registry = newRegistry()
    expect(() => serdes.avro({ registry: {} as SchemaRegistry })).toThrow(ConfigError)
    expect(() => serdes.avro({ registry, schema: 'string' })).toThrow(/`schema`.*not JSON/)
    expect(() => serdes.avro({ registry, schema: { type: 'recrod', name: 'X', fields: [] } })).toThrow(
      /`schema`.*not a valid Avro schema/,
    )
    expect(() => serdes.avro({ registry, subjectStrategy: 'record' as never })).toThrow(
      /`subjectStrategy`.*'topic-name'/,
    )
    expect(() => serdes.avro({ registry, useLatestVersion: true, readerSchema: userSchema })).toThrow(/`readerSchema`/)
    expect(() => serdes.avro({ registry, autoRegistr: false } as never)).toThrow(/autoRegister/)
  })
})

describe('serdes.avro and the golden vector written by fastavro', () => {
  it("writes byte for byte what Confluent's Python serializer writes for schema id 1, and reads it", async () => {
    const { readFileSync } = await import('node:fs')
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/avro/golden/${name}`, import.meta.url))
    const schema = JSON.parse(fixture('payment.avsc').toString()) as { type: 'record' }
    const framed = fixture('payment.confluent-1.bin')
    const registry = newRegistry() // the in-memory registry numbers schemas from 1
    expect((await registry.register({ subject: 'payments-value', schema })).id).toBe(1)
    const serde = serdes.avro<Record<string, unknown>>({ registry, schema })
    const value = await serde.deserialize(framed, consumed('payments'))
    expect(value).toMatchObject({
      amount: '12345.67',
      day: '2024-02-29',
      at: new Date('2024-02-29T13:45:30.123Z'),
      big: 1234567890123456,
    })
    expect((await serde.serialize(value, produced('payments'))).toString('hex')).toBe(framed.toString('hex'))
  })
})
