// serdes.protobuf and serdes.jsonSchema against @confluentinc/schemaregistry's in-memory client (url mock://...):
// option validation, subject naming, wire format and typed errors. The real registry is in test/integration.
import { create } from '@bufbuild/protobuf'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/index.js'
import { SchemaRegistry } from '../../../src/registry/index.js'
import { serdes } from '../../../src/serde/index.js'
import { SchemaSerdeErrorReason, SchemaSerializationError } from '../../../src/serde/registry-serde-errors.js'
import { OrderSchema } from '../../fixtures/protobuf/orders.js'

const context = { topic: 'payments', field: 'value' as const }
const paymentSchema = {
  title: 'Payment',
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer' } },
  required: ['id', 'cents'],
} as const

async function failure(promise: unknown): Promise<SchemaSerializationError> {
  const error = await Promise.resolve()
    .then(() => promise)
    .then(
      () => undefined,
      (e: unknown) => e,
    )
  expect(error).toBeInstanceOf(SchemaSerializationError)
  return error as SchemaSerializationError
}

describe('registry serde options', () => {
  const registry = new SchemaRegistry({ url: 'mock://registry-serde-options' })

  it('are validated at construction, naming the option', () => {
    expect(() => serdes.jsonSchema({ registry: {} as never, schema: paymentSchema })).toThrow(/`registry`/)
    expect(() => serdes.jsonSchema({ registry, schema: paymentSchema, subjectStrategy: 'topic' as never })).toThrow(
      /`subjectStrategy`/,
    )
    expect(() => serdes.jsonSchema({ registry, schema: '{not json' })).toThrow(/`schema`.*not JSON/)
    expect(() => serdes.jsonSchema({ registry, schema: paymentSchema, validat: true } as never)).toThrow(/validate/)
    expect(() => serdes.protobuf({ registry, schema: { kind: 'enum' } as never })).toThrow(ConfigError)
    expect(() => serdes.protobuf({ registry, useLatestVersion: true, subjectStrategy: 'record-name' })).toThrow(
      /`schema`/,
    )
  })
})

describe('serdes.jsonSchema (in-memory registry)', () => {
  it('writes magic byte 0, the schema id and the JSON text, and reads it back', async () => {
    const registry = new SchemaRegistry({ url: 'mock://json-schema-round-trip' })
    const serde = serdes.jsonSchema<{ id: string; cents: number }>({ registry, schema: paymentSchema })
    const bytes = await serde.serialize({ id: 'p-1', cents: 5 }, context)
    const { id } = await registry.getLatest({ subject: 'payments-value' })
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe(id)
    expect(JSON.parse(bytes.subarray(5).toString())).toEqual({ id: 'p-1', cents: 5 })
    expect(await serde.deserialize(bytes, context)).toEqual({ id: 'p-1', cents: 5 })
  })

  it('names subjects by strategy: record-name uses the title', async () => {
    const registry = new SchemaRegistry({ url: 'mock://json-schema-strategies' })
    await serdes
      .jsonSchema({ registry, schema: paymentSchema, subjectStrategy: 'record-name' })
      .serialize({ id: 'a', cents: 1 }, context)
    await serdes
      .jsonSchema({ registry, schema: paymentSchema, subjectStrategy: 'topic-record-name' })
      .serialize({ id: 'a', cents: 1 }, context)
    await serdes
      .jsonSchema({
        registry,
        schema: paymentSchema,
        subjectStrategy: ({ topic, field }) => `custom.${topic}.${field}`,
      })
      .serialize({ id: 'a', cents: 1 }, context)
    expect((await registry.listSubjects()).sort()).toEqual(['Payment', 'custom.payments.value', 'payments-Payment'])
  })

  it('refuses invalid values, bytes not in the wire format and a missing writer schema, with reasons', async () => {
    const registry = new SchemaRegistry({ url: 'mock://json-schema-errors' })
    const serde = serdes.jsonSchema({ registry, schema: paymentSchema })
    const invalid = await failure(serde.serialize({ id: 'secret', cents: 'x' }, context))
    expect(invalid.reason).toBe(SchemaSerdeErrorReason.INVALID_RECORD)
    expect(invalid.message).toMatch(/at \/cents: must be integer/)
    expect(invalid.message).not.toContain('secret')
    const notWire = await failure(serde.deserialize(Buffer.from('{"id":"p"}'), context))
    expect(notWire.reason).toBe(SchemaSerdeErrorReason.NOT_WIRE_FORMAT)
    const noSchema = await failure(serdes.jsonSchema({ registry }).serialize({}, context))
    expect(noSchema.reason).toBe(SchemaSerdeErrorReason.NO_WRITER_SCHEMA)
    const unregistered = await failure(
      serdes
        .jsonSchema({ registry, schema: { ...paymentSchema, title: 'Other' }, autoRegister: false })
        .serialize({ id: 'a', cents: 1 }, { ...context, topic: 'elsewhere' }),
    )
    expect(unregistered.reason).toBe(SchemaSerdeErrorReason.SCHEMA_NOT_REGISTERED)
  })
})

describe('serdes.protobuf (in-memory registry)', () => {
  it('writes the wire format with message indexes and reads the message back', async () => {
    const registry = new SchemaRegistry({ url: 'mock://protobuf-round-trip' })
    const serde = serdes.protobuf({ registry, schema: OrderSchema })
    const order = create(OrderSchema, { id: 'o-1', cents: 42n })
    const bytes = await serde.serialize(order, context)
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe((await registry.getLatest({ subject: 'payments-value' })).id)
    expect(bytes[5]).toBe(0)
    const read = await serde.deserialize(bytes, context)
    expect(read.$typeName).toBe('kafkit.test.Order')
    expect({ id: read.id, cents: read.cents }).toEqual({ id: 'o-1', cents: 42n })
  })

  it('refuses a value that is not a message of the schema', async () => {
    const registry = new SchemaRegistry({ url: 'mock://protobuf-invalid' })
    const error = await failure(
      serdes.protobuf({ registry, schema: OrderSchema }).serialize({ id: 'x' } as never, context),
    )
    expect(error.reason).toBe(SchemaSerdeErrorReason.INVALID_RECORD)
    expect(error.format).toBe('PROTOBUF')
  })
})
