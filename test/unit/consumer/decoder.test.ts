import { describe, expect, it } from 'vitest'
import { MessageDecoder, toHeaders } from '../../../src/consumer/decoder.js'
import { SerializationError } from '../../../src/errors/index.js'
import { FetchedBatch, type RawMessage } from '../../../src/native/fetched-batch.js'
import type { Serde } from '../../../src/serde/types.js'
import { serdes } from '../../../src/serde/index.js'

function raw(overrides: Partial<RawMessage> = {}): RawMessage {
  return {
    topic: 'orders',
    partition: 2,
    offset: 41,
    key: Buffer.from('k'),
    value: Buffer.from('{"n":1}'),
    size: 7,
    timestamp: 1000,
    headers: [],
    ...overrides,
  }
}

/** What {@link raw} with a `trace` header decodes to with a string key serde and a JSON value serde. */
const DECODED_41 = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  key: 'k',
  value: { n: 1 },
  timestamp: 1000,
  headers: { trace: Buffer.from('t1') },
  headerList: [['trace', Buffer.from('t1')]],
}

describe('MessageDecoder', () => {
  it('decodes synchronously with sync serdes, offsets as strings, null stays null', () => {
    const decoder = new MessageDecoder(serdes.string(), serdes.json<{ n: number }>(), undefined)
    const message = decoder.decode(raw({ headers: [['trace', Buffer.from('t1')]] }))
    expect(message).not.toBeInstanceOf(Promise)
    expect(message).toEqual(DECODED_41)
    expect(decoder.decode(raw({ key: null, value: null }))).toMatchObject({ key: null, value: null })
  })

  it('decodeAt() reads a fetched batch by index as decode() reads the message made from it', () => {
    // Entry 0: topic 'orders', partition 2, offset 41, key 'k', value '{"n":1}', header trace=t1. Entry 1: no key, a
    // null value, no headers. See native/consumer_fetch.c for the layout.
    const data = Buffer.from('k{"n":1}tracet1')
    const meta = new Int32Array([0, 2, 1, 7, 1, 0, 0, 0, 5, 1, 0, 2, -1, -1, 0, 1, 15, 0, -1, 0])
    const numbers = new Float64Array([41, 1000, 42, -1])
    const batch = new FetchedBatch(2, data, meta, numbers, new Int32Array([5, 2]), ['orders'])
    const decoder = new MessageDecoder(serdes.string(), serdes.json<{ n: number }>(), undefined)
    const first = decoder.decodeAt(batch, 0)
    expect(first).toEqual(decoder.decode(batch.message(0)))
    expect(first).toEqual(DECODED_41)
    expect(decoder.decodeAt(batch, 1)).toEqual({
      topic: 'orders',
      partition: 2,
      offset: '42',
      key: null,
      value: null,
      timestamp: -1,
      headers: {},
      headerList: [],
    })
  })

  it('decodeRawRun() makes what decodeAt() makes, and runEnd() splits a batch at partitions and errors', () => {
    // Entries: 0 orders/2 key 'k' value 'v1'; 1 orders/2 value 'v2', header h=x; 2 orders/3 value 'v3'; 3 an error
    // (text 'boom'); 4 orders/3 value 'v4'.
    const data = Buffer.from('kv1v2hxv3boomv4')
    const meta = new Int32Array([
      ...[0, 2, 1, 2, 0, 0, 0, 0, 5, 1],
      ...[0, 2, -1, 2, 1, 0, 3, 0, 5, 1],
      ...[0, 3, -1, 2, 0, 1, 7, 0, 5, 1],
      ...[0, 3, -1, 4, 0, 1, 9, 1, -1, 0],
      ...[0, 3, -1, 2, 0, 1, 13, 0, 5, 1],
    ])
    const numbers = new Float64Array([10, 100, 11, 101, 20, 200, -1, -1, 21, 201])
    const batch = new FetchedBatch(5, data, meta, numbers, new Int32Array([1, 1]), ['orders'])
    expect([batch.runEnd(0), batch.runEnd(1), batch.runEnd(2), batch.runEnd(4)]).toEqual([2, 2, 3, 5])
    const decoder = new MessageDecoder(undefined, undefined, undefined)
    expect(decoder.raw).toBe(true)
    expect(new MessageDecoder(undefined, serdes.string(), undefined).raw).toBe(false)
    const out: unknown[] = ['before']
    decoder.decodeRawRun(batch, 0, 3, out as never)
    decoder.decodeRawRun(batch, 4, 5, out as never)
    expect(out).toEqual(['before', ...[0, 1, 2, 4].map((i) => decoder.decodeAt(batch, i))])
    expect(out[2]).toEqual({
      topic: 'orders',
      partition: 2,
      offset: '11',
      key: null,
      value: Buffer.from('v2'),
      timestamp: 101,
      headers: { h: Buffer.from('x') },
      headerList: [['h', Buffer.from('x')]],
    })
    expect((out[4] as { value: Buffer }).value.toString()).toBe('v4')
  })

  it('passes raw Buffers through without serdes', () => {
    const message = new MessageDecoder(undefined, undefined, undefined).decode(raw()) as {
      key: unknown
      value: unknown
    }
    expect(message.key).toEqual(Buffer.from('k'))
    expect(message.value).toEqual(Buffer.from('{"n":1}'))
  })

  it('awaits async serdes and gives them the full context', async () => {
    const contexts: unknown[] = []
    const upper: Serde<string> = {
      serialize: () => Buffer.alloc(0),
      deserialize: async (data, context) => {
        contexts.push(context)
        return data.toString().toUpperCase()
      },
    }
    const decoded = new MessageDecoder(undefined, upper, undefined).decode(raw({ value: Buffer.from('abc') }))
    expect(decoded).toBeInstanceOf(Promise)
    expect((await decoded).value).toBe('ABC')
    expect(contexts[0]).toMatchObject({ topic: 'orders', field: 'value', partition: 2, offset: '41' })
  })

  it('wraps serde failures in a SerializationError naming topic, partition, offset and field', async () => {
    const decoder = new MessageDecoder(undefined, serdes.json(), undefined)
    let error: unknown
    try {
      await decoder.decode(raw({ value: Buffer.from('nope') }))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SerializationError)
    expect(error).toMatchObject({
      topic: 'orders',
      partition: 2,
      offset: '41',
      field: 'value',
      code: 'ERR_SERIALIZATION',
    })
    expect((error as Error).message).toContain('topic orders partition 2 offset 41')
    const failing: Serde<string> = {
      serialize: () => Buffer.alloc(0),
      deserialize: async () => {
        throw new Error('registry down')
      },
    }
    await expect(new MessageDecoder(failing, undefined, undefined).decode(raw())).rejects.toMatchObject({
      field: 'key',
      offset: '41',
    })
  })

  it('uses per-topic serdes and fails for topics missing from the map', () => {
    const decoder = new MessageDecoder(undefined, undefined, {
      orders: { value: serdes.json() },
      audit: { key: serdes.string() },
    })
    expect((decoder.decode(raw()) as { value: unknown }).value).toEqual({ n: 1 })
    expect(decoder.decode(raw({ topic: 'audit' })) as { key: unknown; value: unknown }).toMatchObject({
      key: 'k',
      value: Buffer.from('{"n":1}'),
    })
    expect(() => decoder.decode(raw({ topic: 'other' }))).toThrow(SerializationError)
    // Topics named like Object.prototype members are missing from the map too.
    for (const topic of ['constructor', 'toString', '__proto__'])
      expect(() => decoder.decode(raw({ topic }))).toThrow(/No serdes for topic/)
  })

  it('turns header lists into records (the last of a repeated header wins, no value is empty)', () => {
    expect(toHeaders(undefined)).toEqual({})
    expect(
      toHeaders([
        ['a', Buffer.from('1')],
        ['b', Buffer.from('2')],
        ['a', Buffer.from('3')],
        ['c', null],
      ]),
    ).toEqual({ a: Buffer.from('3'), b: Buffer.from('2'), c: Buffer.alloc(0) })
  })
})
