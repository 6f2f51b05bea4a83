import { describe, expect, it } from 'vitest'
import { ConfigError, SerializationError, serdes } from '../../../src/index.js'

const context = { topic: 't', field: 'value' as const }

describe('built-in serdes', () => {
  it('round-trip their values', async () => {
    expect(await serdes.string().deserialize(await serdes.string().serialize('héllo', context), context)).toBe('héllo')
    expect(
      await serdes
        .json<{ a: number[] }>()
        .deserialize(await serdes.json<{ a: number[] }>().serialize({ a: [1, 2] }, context), context),
    ).toEqual({ a: [1, 2] })
    expect(serdes.int32().serialize(-2, context)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]))
    expect(serdes.int32().deserialize(Buffer.from([0, 0, 1, 0]), context)).toBe(256)
    expect(serdes.int64().deserialize(serdes.int64().serialize(2n ** 62n, context) as Buffer, context)).toBe(2n ** 62n)
  })

  it('reject what they cannot encode, naming the topic', () => {
    expect(() => serdes.int32().serialize(2 ** 31, context)).toThrow(/32-bit.*topic t/)
    expect(() => serdes.int64().deserialize(Buffer.alloc(3), context)).toThrow(/8 bytes/)
    expect(() => serdes.string().serialize(5 as never, context)).toThrow(/expected a string/)
    expect(() => serdes.json().serialize(undefined, context)).toThrow(/JSON/)
  })

  it('fail with a typed SerializationError, also when called directly without a context', () => {
    const caught = (fn: () => unknown): SerializationError => {
      try {
        fn()
      } catch (error) {
        expect(error).toBeInstanceOf(SerializationError)
        return error as SerializationError
      }
      throw new Error('expected a throw')
    }
    const notJson = caught(() =>
      serdes.json().deserialize(Buffer.from('secret{'), { ...context, partition: 2, offset: '41' }),
    )
    expect(notJson.code).toBe('ERR_SERIALIZATION')
    expect(notJson.message).toBe('not valid JSON: 7 bytes (the value of topic t partition 2 offset 41)')
    expect(notJson).toMatchObject({ topic: 't', field: 'value', partition: 2, offset: '41' })
    expect(notJson.cause).toBeInstanceOf(SyntaxError)

    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(caught(() => serdes.json().serialize(cycle, context)).message).toMatch(/JSON: cannot encode the value/)
    expect(caught(() => serdes.json().serialize(1n, context)).message).toMatch(/cannot encode/)

    const direct = caught(() => (serdes.string().serialize as (value: unknown) => Buffer)(5))
    expect(direct.message).toBe('expected a string, got number')
    expect(caught(() => (serdes.int32().deserialize as (data: Buffer) => number)(Buffer.alloc(2))).message).toBe(
      'expected 4 bytes for an int32, got 2',
    )
    expect(caught(() => (serdes.json().deserialize as (data: Buffer) => unknown)(Buffer.from('{'))).message).toBe(
      'not valid JSON: 1 byte',
    )
  })
})

describe('serdes.json with a validator', () => {
  interface Order {
    id: string
    cents: number
  }
  const isOrder = (value: unknown): value is Order =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Order).id === 'string' &&
    Number.isInteger((value as Order).cents)

  it('a type guard checks values written and read, and types the serde', () => {
    const serde = serdes.json({ validate: isOrder })
    const bytes = serde.serialize({ id: 'o-1', cents: 5 }, context) as Buffer
    const order: Order = serde.deserialize(bytes, context) as Order
    expect(order).toEqual({ id: 'o-1', cents: 5 })
    expect(() => serde.serialize({ id: 'o-2' } as never, context)).toThrow(SerializationError)
    expect(() =>
      serde.deserialize(Buffer.from('{"id":7,"cents":1}'), { ...context, partition: 0, offset: '9' }),
    ).toThrow(/read is not valid \(topic t\)/)
  })

  it('a function may say why, and its reasons never quote the value', () => {
    const serde = serdes.json<Order>({
      validate: (value) => (isOrder(value) ? true : ['id must be a string', 'cents must be an integer']),
    })
    expect(() => serde.serialize({ id: 'secret', cents: 0.5 }, context)).toThrow(
      /id must be a string; cents must be an integer/,
    )
    expect(() => serde.serialize({ id: 'secret', cents: 0.5 }, context)).not.toThrow(/secret/)
  })

  it('a JSON Schema is compiled with Ajv on first use; errors say where, never the value', async () => {
    const serde = serdes.json<Order>({
      validate: {
        type: 'object',
        properties: { id: { type: 'string' }, cents: { type: 'integer' } },
        required: ['id', 'cents'],
      },
    })
    const bytes = await serde.serialize({ id: 'o-1', cents: 5 }, context)
    expect(await serde.deserialize(bytes, context)).toEqual({ id: 'o-1', cents: 5 })
    const error = await Promise.resolve()
      .then(() => serde.serialize({ id: 'secret-value', cents: 1.5 }, context))
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(SerializationError)
    expect((error as Error).message).toMatch(/at \/cents: must be integer/)
    expect((error as Error).message).not.toContain('secret-value')
    // Compiled by now: later checks are synchronous.
    expect(() => serde.deserialize(Buffer.from('{"id":"o-2"}'), context)).toThrow(/must have required property 'cents'/)
  })

  it('rejects a validator that is neither a function nor a schema', () => {
    expect(() => serdes.json({ validate: 5 as never })).toThrow(ConfigError)
    expect(() => serdes.json({ validat: isOrder } as never)).toThrow(/validate/)
  })
})
