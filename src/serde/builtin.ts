/**
 * Built-in serdes: string, JSON, raw bytes and big-endian integers.
 * @module
 */
import { expectObject, rejectUnknownKeys } from '../config/validate.js'
import { ConfigError, SerializationError } from '../errors/kafka-error.js'
import { LazyJsonSchemaValidator } from './json-validator.js'
import type { Serde, SerdeContext } from './types.js'

/** The record a serde failed on, for the error (a serde called directly, without a context, names none). */
function details(context: SerdeContext | undefined): {
  field?: 'key' | 'value'
  topic?: string
  partition?: number
  offset?: string
} {
  if (context === undefined) return {}
  return {
    field: context.field,
    topic: context.topic,
    ...(context.partition === undefined ? {} : { partition: context.partition }),
    ...(context.offset === undefined ? {} : { offset: context.offset }),
  }
}

/** " (the value of topic t partition 0 offset 5)", or nothing without a context. */
function where(context: SerdeContext | undefined): string {
  if (context === undefined) return ''
  const partition = context.partition === undefined ? '' : ` partition ${context.partition}`
  const offset = context.offset === undefined ? '' : ` offset ${context.offset}`
  return ` (the ${context.field} of topic ${context.topic}${partition}${offset})`
}

/** Rejects a value or bytes with a {@link SerializationError} that says what was expected and where. */
function fail(context: SerdeContext | undefined, what: string, cause?: unknown): never {
  throw new SerializationError(`${what}${where(context)}`, {
    ...details(context),
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Parses UTF-8 JSON; bytes that are not JSON fail with a {@link SerializationError} that does not quote them. */
function parseJson(data: Buffer, context: SerdeContext | undefined): unknown {
  try {
    return JSON.parse(data.toString('utf8'))
  } catch (error) {
    return fail(context, `not valid JSON: ${data.length} byte${data.length === 1 ? '' : 's'}`, error)
  }
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
 * Checks a JSON value: `true` when it is acceptable; `false`, a reason or a list of reasons when it is not. A type
 * guard (`(value: unknown) => value is Order`) makes `serdes.json({ validate })` a `Serde<Order>`. It may throw: the
 * error becomes the serde's.
 */
export type JsonValidator<T = unknown> =
  ((value: unknown) => value is T) | ((value: unknown) => boolean | string | readonly string[])

/**
 * Options of `serdes.json()`.
 *
 * @typeParam T - the document type
 */
export interface JsonSerdeOptions<T> {
  /**
   * Checks every value written and read: a function ({@link JsonValidator}), or a JSON Schema object (draft-07, or
   * 2020-12 when its `$schema` says so) compiled with Ajv, which is then loaded on first use from the optional peer
   * dependency `ajv`. A value that fails is rejected with a `SerializationError` saying where, never quoting it.
   * @default none (the type parameter is trusted)
   */
  validate?: JsonValidator<T> | Readonly<Record<string, unknown>>
}

/** What a validator said, as a reason or undefined. */
function verdict(result: boolean | string | readonly string[]): string | undefined {
  if (result === true) return undefined
  if (result === false) return 'rejected by the validator'
  if (typeof result === 'string') return result
  return result.length === 0 ? undefined : result.join('; ')
}

function invalid(context: SerdeContext | undefined, direction: 'write' | 'read', reason: string): never {
  const what = `${context?.field ?? 'value'} ${direction === 'write' ? 'to write' : 'read'}`
  const topic = context === undefined ? '' : ` (topic ${context.topic})`
  throw new SerializationError(`JSON: the ${what} is not valid${topic}: ${reason}`, details(context))
}

/**
 * JSON documents, UTF-8 encoded. Without `validate` the type parameter is trusted on the way in; with it, every
 * value written and read is checked (use it when producers are not under your control, or use a registry serde:
 * `serdes.jsonSchema`, `serdes.avro`).
 *
 * @typeParam T - the document type
 * @example
 * ```ts
 * serdes.json<Order>({ validate: (value) => typeof (value as Order)?.id === 'string' || 'id must be a string' })
 * serdes.json<Order>({ validate: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } })
 * ```
 */
export function json<T>(options: JsonSerdeOptions<T> = {}): Serde<T> {
  const settings = expectObject(options, 'options')
  rejectUnknownKeys(settings, ['validate'], 'options')
  const validate = settings.validate
  const encodeText = (value: T, context: SerdeContext): Buffer => {
    let text: string | undefined
    try {
      text = JSON.stringify(value)
    } catch (error) {
      // A cycle or a BigInt.
      return fail(
        context,
        `JSON: cannot encode the value (${error instanceof Error ? error.message : String(error)})`,
        error,
      )
    }
    if (text === undefined) fail(context, `cannot encode ${typeof value} as JSON`)
    return Buffer.from(text, 'utf8')
  }
  if (validate === undefined) {
    return { serialize: encodeText, deserialize: (data, context) => parseJson(data, context) as T }
  }
  if (typeof validate === 'function') {
    const check = validate as (value: unknown) => boolean | string | readonly string[]
    return {
      serialize: (value, context) => {
        const reason = verdict(check(value))
        return reason === undefined ? encodeText(value, context) : invalid(context, 'write', reason)
      },
      deserialize: (data, context) => {
        const value = parseJson(data, context)
        const reason = verdict(check(value))
        return reason === undefined ? (value as T) : invalid(context, 'read', reason)
      },
    }
  }
  if (typeof validate !== 'object' || validate === null || Array.isArray(validate)) {
    throw new ConfigError('validate', 'expected a function or a JSON Schema object')
  }
  const schemaValidator = new LazyJsonSchemaValidator(validate as Readonly<Record<string, unknown>>)
  return {
    serialize: (value, context) => {
      const reason = schemaValidator.check(value)
      if (reason instanceof Promise) {
        return reason.then((later) =>
          later === undefined ? encodeText(value, context) : invalid(context, 'write', later),
        )
      }
      return reason === undefined ? encodeText(value, context) : invalid(context, 'write', reason)
    },
    deserialize: (data, context) => {
      const value = parseJson(data, context)
      const reason = schemaValidator.check(value)
      if (reason instanceof Promise)
        return reason.then((later) => (later === undefined ? (value as T) : invalid(context, 'read', later)))
      return reason === undefined ? (value as T) : invalid(context, 'read', reason)
    },
  }
}

/** Raw bytes, passed through without copying. */
export function buffer(): Serde<Buffer> {
  return {
    serialize: (value, context) =>
      Buffer.isBuffer(value) ? value : fail(context, `expected a Buffer, got ${typeof value}`),
    deserialize: (data) => data,
  }
}

/** Signed 32-bit big-endian integers (Java's `IntegerSerializer`). */
export function int32(): Serde<number> {
  return fixedWidth(
    4,
    'an int32',
    'a 32-bit integer',
    (value) => Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff,
    (out, value) => out.writeInt32BE(value),
    (data) => data.readInt32BE(0),
  )
}

/** Signed 64-bit big-endian integers as `bigint` (Java's `LongSerializer`). */
export function int64(): Serde<bigint> {
  return fixedWidth(
    8,
    'an int64',
    'a 64-bit bigint',
    (value) => typeof value === 'bigint' && value >= -(2n ** 63n) && value < 2n ** 63n,
    (out, value) => out.writeBigInt64BE(value),
    (data) => data.readBigInt64BE(0),
  )
}

/**
 * A serde of fixed-width numbers: values outside `valid` and data of another width fail with a
 * {@link SerializationError} saying what was expected.
 */
function fixedWidth<T>(
  width: number,
  name: string,
  expected: string,
  valid: (value: T) => boolean,
  write: (out: Buffer, value: T) => void,
  read: (data: Buffer) => T,
): Serde<T> {
  return {
    serialize: (value, context) => {
      if (!valid(value)) fail(context, `expected ${expected}, got ${String(value)}`)
      const out = Buffer.allocUnsafe(width)
      write(out, value)
      return out
    },
    deserialize: (data, context) => {
      if (data.length !== width) fail(context, `expected ${width} bytes for ${name}, got ${data.length}`)
      return read(data)
    },
  }
}
