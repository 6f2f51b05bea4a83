import { describe, expect, it } from 'vitest'
import { serdes } from '../../../src/index.js'

const context = { topic: 't', field: 'value' as const }

describe('built-in serdes', () => {
  it('round-trip their values', async () => {
    expect(await serdes.string().deserialize(await serdes.string().serialize('héllo', context), context)).toBe('héllo')
    expect(await serdes.json<{ a: number[] }>().deserialize(await serdes.json<{ a: number[] }>().serialize({ a: [1, 2] }, context), context)).toEqual({ a: [1, 2] })
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
})
