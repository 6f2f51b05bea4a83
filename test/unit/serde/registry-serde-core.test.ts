import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/kafka-error.js'
import { SchemaRegistry } from '../../../src/registry/schema-registry.js'
import { RegistrySerdeCore, resolveRegistrySerdeOptions } from '../../../src/serde/registry-serde-core.js'
import {
  AvroErrorReason,
  AvroSerializationError,
  SchemaSerdeErrorReason,
} from '../../../src/serde/registry-serde-errors.js'
import type { SerdeContext } from '../../../src/serde/types.js'

const registry = new SchemaRegistry({ url: 'mock://registry-serde-core' })
const context: SerdeContext = { topic: 'orders', field: 'value', partition: 2, offset: '7' }

function core(options: Record<string, unknown> = {}) {
  return new RegistrySerdeCore<{ subject: string; schemaId: number | undefined }, string, AvroSerializationError>(
    resolveRegistrySerdeOptions({ registry, ...options }, []),
    {
      label: 'Avro',
      unnamed: 'a named schema',
      error: (reason, message, errorOptions) => new AvroSerializationError(reason, message, errorOptions),
    },
  )
}

describe('RegistrySerdeCore', () => {
  it('names subjects by strategy, and gives no reader hint for a record-based strategy without a name', () => {
    expect(core().subjectName('orders', 'key', undefined)).toBe('orders-key')
    expect(core({ subjectStrategy: 'record-name' }).subjectName('orders', 'value', 'com.acme.Order')).toBe(
      'com.acme.Order',
    )
    expect(core({ subjectStrategy: 'topic-record-name' }).subjectName('orders', 'value', 'com.acme.Order')).toBe(
      'orders-com.acme.Order',
    )
    expect(core({ subjectStrategy: () => 'custom' }).subjectName('orders', 'value', undefined)).toBe('custom')
    expect(() => core({ subjectStrategy: 'record-name' }).subjectName('orders', 'value', undefined)).toThrow(
      ConfigError,
    )
    expect(core({ subjectStrategy: 'record-name' }).readerSubject('orders', 'value', undefined)).toBe('')
    expect(core().readerSubject('orders', 'value', undefined)).toBe('orders-value')
  })

  it('creates a writer once per topic and field, and again after a failure', async () => {
    const serde = core()
    let created = 0
    const create = async (c: SerdeContext) => {
      created++
      if (created === 1) throw new Error('registry down')
      return { subject: `${c.topic}-${c.field}`, schemaId: created }
    }
    await expect(serde.writerFor(context, create)).rejects.toThrow('registry down')
    await Promise.resolve()
    const writer = await serde.writerFor(context, create)
    expect(await serde.writerFor(context, create)).toBe(writer)
    await serde.writerFor({ ...context, field: 'key' }, create)
    expect(created).toBe(3)
    let readers = 0
    const reader = () => Promise.resolve(`reader ${++readers}`)
    expect(await serde.readerFor('value', reader)).toBe(await serde.readerFor('value', reader))
    expect(readers).toBe(1)
  })

  it('refuses data not in the wire format, naming where it was, and reads the schema id of data that is', () => {
    const serde = core()
    let error: unknown
    try {
      serde.wireSchemaId(Buffer.from([7, 0, 0, 0, 1]), context)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AvroSerializationError)
    expect(error).toMatchObject({
      reason: AvroErrorReason.NOT_WIRE_FORMAT,
      topic: 'orders',
      partition: 2,
      offset: '7',
      field: 'value',
    })
    expect((error as Error).message).toBe(
      "Avro: cannot deserialize the value (topic orders, partition 2, offset 7): magic byte 7 is not Confluent's wire format (magic byte 0, 4-byte schema id, Avro data): it was not written by a Schema Registry serializer",
    )
    expect(serde.wireSchemaId(Buffer.from([0, 0, 0, 0, 42, 1]), context)).toEqual({ idInHeader: false, schemaId: 42 })
    expect(serde.wireSchemaId(Buffer.alloc(0), { ...context, headers: { __value_schema_id: 'x' } })).toEqual({
      idInHeader: true,
      schemaId: undefined,
    })
  })

  it('maps a failed write that is no registry failure to INVALID_RECORD without the library error', () => {
    const error = core().writeFailure(
      new TypeError('value 42 is wrong'),
      context,
      { subject: 'orders-value', schemaId: 3 },
      () => 'the value does not match',
    )
    expect(error).toMatchObject({ reason: 'INVALID_RECORD', subject: 'orders-value', schemaId: 3 })
    expect(error.cause).toBeUndefined()
    expect(error.message).toBe(
      'Avro: cannot serialize the value (topic orders, partition 2, offset 7): the value does not match',
    )
  })

  it('maps a failed read that is no registry failure to DECODE_FAILED, naming the subject only when asked', async () => {
    const read = { schemaId: 5, subject: 'orders-value', decodeDetail: ': truncated' }
    const named = await core().readFailure(new Error('truncated'), context, { ...read, nameSubject: true })
    expect(named).toMatchObject({ reason: SchemaSerdeErrorReason.DECODE_FAILED, schemaId: 5, subject: 'orders-value' })
    expect(named.message).toMatch(/the value does not decode with its writer schema \(id 5\): truncated$/)
    expect(
      (await core().readFailure(new Error('truncated'), context, { ...read, nameSubject: false })).subject,
    ).toBeUndefined()
  })
})
