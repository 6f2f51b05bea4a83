/**
 * Built-in serdes: string, JSON, raw bytes and big-endian integers.
 * @module
 */
import type { Serde, SerdeContext } from './types.js'

function fail(context: SerdeContext, what: string): never {
  throw new TypeError(`${what} (topic ${context.topic}, ${context.field})`)
}

/** UTF-8 strings. */
export function string(): Serde<string> {
  return {
    serialize: (value, context) =>
      typeof value === 'string' ? Buffer.from(value, 'utf8') : fail(context, `expected a string, got ${typeof value}`),
    deserialize: (data) => data.toString('utf8'),
  }
}

/**
 * JSON documents, UTF-8 encoded. The type parameter is trusted on the way in: validate parsed values yourself
 * (or use Avro) when producers are not under your control.
 *
 * @typeParam T - the document type
 */
export function json<T>(): Serde<T> {
  return {
    serialize: (value, context) => {
      const text = JSON.stringify(value)
      if (text === undefined) fail(context, `cannot encode ${typeof value} as JSON`)
      return Buffer.from(text, 'utf8')
    },
    deserialize: (data) => JSON.parse(data.toString('utf8')) as T,
  }
}

/** Raw bytes, passed through without copying. */
export function buffer(): Serde<Buffer> {
  return {
    serialize: (value, context) => (Buffer.isBuffer(value) ? value : fail(context, `expected a Buffer, got ${typeof value}`)),
    deserialize: (data) => data,
  }
}

/** Signed 32-bit big-endian integers (Java's `IntegerSerializer`). */
export function int32(): Serde<number> {
  return {
    serialize: (value, context) => {
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
        fail(context, `expected a 32-bit integer, got ${String(value)}`)
      }
      const out = Buffer.allocUnsafe(4)
      out.writeInt32BE(value)
      return out
    },
    deserialize: (data, context) => {
      if (data.length !== 4) fail(context, `expected 4 bytes for an int32, got ${data.length}`)
      return data.readInt32BE(0)
    },
  }
}

/** Signed 64-bit big-endian integers as `bigint` (Java's `LongSerializer`). */
export function int64(): Serde<bigint> {
  return {
    serialize: (value, context) => {
      if (typeof value !== 'bigint' || value < -(2n ** 63n) || value >= 2n ** 63n) {
        fail(context, `expected a 64-bit bigint, got ${String(value)}`)
      }
      const out = Buffer.allocUnsafe(8)
      out.writeBigInt64BE(value)
      return out
    },
    deserialize: (data, context) => {
      if (data.length !== 8) fail(context, `expected 8 bytes for an int64, got ${data.length}`)
      return data.readBigInt64BE(0)
    },
  }
}
