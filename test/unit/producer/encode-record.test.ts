import { describe, expect, it } from 'vitest'
import { ConfigError, KafkaError, SerializationError } from '../../../src/errors/kafka-error.js'
import {
  encodeHeaders,
  encodeRecord,
  NO_PARTITION,
  topicOf,
  type TopicSerdes,
} from '../../../src/producer/encode-record.js'
import type { Serde } from '../../../src/serde/types.js'

const raw: TopicSerdes = { key: undefined, value: undefined }
const upper: Serde<string> = {
  serialize: (value) => Buffer.from(value.toUpperCase()),
  deserialize: (bytes) => bytes.toString(),
}

describe('encodeRecord', () => {
  it('passes Buffers and strings through without serdes and leaves the partition to the partitioner', () => {
    const encoded = encodeRecord({ topic: 't', key: 'k', value: Buffer.from('v') }, () => raw)
    expect(encoded).toEqual({
      topic: 't',
      partition: NO_PARTITION,
      timestamp: undefined,
      headers: undefined,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
    })
    expect(encodeRecord({ topic: 't', value: null }, () => raw).value).toBeNull()
  })

  it("serializes with the serdes of the record's topic and hands them the topic, field and headers", () => {
    const seen: unknown[] = []
    const serdes = (topic: string): TopicSerdes =>
      topic === 'loud'
        ? {
            key: undefined,
            value: {
              ...upper,
              serialize: (value: string, context) => (seen.push(context), upper.serialize(value, context)),
            },
          }
        : raw
    const encoded = encodeRecord(
      { topic: 'loud', value: 'hi', headers: { a: 'b' }, partition: 2, timestamp: 5 },
      serdes,
    )
    expect(encoded.value).toEqual(Buffer.from('HI'))
    expect(encoded.partition).toBe(2)
    expect(encoded.timestamp).toBe(5)
    expect(seen).toEqual([{ topic: 'loud', field: 'value', headers: { a: 'b' } }])
  })

  it('returns a promise for an async serde, rejecting when it returns no Buffer', async () => {
    const asyncSerde = { serialize: async () => 'not bytes', deserialize: () => null } as unknown as Serde<unknown>
    const encoded = encodeRecord({ topic: 't', value: 1 }, () => ({ key: undefined, value: asyncSerde }))
    await expect(encoded.value).rejects.toThrow(/value serde returned string, not a Buffer/)
  })

  it('refuses a missing topic, a bad partition and a bad timestamp with ConfigErrors naming the field', () => {
    const field = (record: object): unknown => {
      try {
        encodeRecord(record, () => raw)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as ConfigError).message
      }
      return 'accepted'
    }
    expect(field({ value: 'x' })).toMatch(/expected a topic name/)
    expect(field({ topic: 't', partition: -2 })).toMatch(/expected a partition number >= 0, got -2/)
    expect(field({ topic: 't', partition: 1.5 })).toMatch(/got 1.5/)
    expect(field({ topic: 't', timestamp: Number.NaN })).toMatch(/expected ms since the epoch/)
  })

  it('wraps serde and header failures in a SerializationError for the topic; a KafkaError passes as it is', () => {
    const throwing = {
      serialize: () => {
        throw new Error('boom')
      },
      deserialize: () => null,
    } as unknown as Serde<unknown>
    expect(() => encodeRecord({ topic: 't', value: 1 }, () => ({ key: undefined, value: throwing }))).toThrow(
      expect.objectContaining({
        name: 'SerializationError',
        message: 'Cannot serialize record for topic t: boom',
        topic: 't',
      }),
    )
    expect(() => encodeRecord({ topic: 't', value: 1 }, () => raw)).toThrow(/must be a Buffer or a string, got number/)
    try {
      encodeRecord({ topic: 't', headers: { bad: 1 as never } }, () => raw)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SerializationError)
      expect((error as SerializationError).field).toBe('headers')
    }
    const own = new KafkaError('ERR_SERIALIZATION', 'registry said no')
    const refusing = {
      serialize: () => {
        throw own
      },
      deserialize: () => null,
    } as unknown as Serde<unknown>
    expect(() => encodeRecord({ topic: 't', key: 1 }, () => ({ key: refusing, value: undefined }))).toThrow(own)
  })

  it("adds tracing headers, replacing the record's own headers of the same name", () => {
    const encoded = encodeRecord({ topic: 't', headers: { traceparent: 'old', other: 'x' } }, () => raw, [
      ['traceparent', Buffer.from('new')],
    ])
    expect(encoded.headers).toEqual([
      ['other', Buffer.from('x')],
      ['traceparent', Buffer.from('new')],
    ])
  })
})

describe('encodeHeaders', () => {
  it('encodes strings as UTF-8, keeps Buffers and nulls, and repeats the name for array values', () => {
    expect(encodeHeaders({ a: 'é', b: Buffer.from([1]), c: null, d: ['x', 'y'] })).toEqual([
      ['a', Buffer.from('é', 'utf8')],
      ['b', Buffer.from([1])],
      ['c', null],
      ['d', Buffer.from('x')],
      ['d', Buffer.from('y')],
    ])
  })
})

describe('topicOf', () => {
  it("names the record's topic, or nothing when it has none", () => {
    expect(topicOf({ topic: 'orders' })).toBe('orders')
    expect(topicOf({ topic: 7 })).toBe('')
    expect(topicOf(undefined)).toBe('')
  })
})
