/**
 * Turns a record as `send()` takes it into what librdkafka takes: a checked topic, partition and timestamp, headers
 * as name/bytes pairs, and key and value bytes from the topic's serdes (a promise while an async serde runs). Pure:
 * no state, no I/O besides what the serdes themselves do.
 * @module
 */
import { ConfigError, KafkaError, SerializationError } from '../errors/kafka-error.js'
import type { RawHeader } from '../native/producer.js'
import type { Serde, SerdeContext } from '../serde/types.js'
import { withExtraHeaders } from './tracing.js'
import type { Headers } from './types.js'

/** The partition of a record that leaves the choice to the partitioner. */
export const NO_PARTITION = -1

/** The key and value serdes of one topic (`undefined`: bytes and strings pass as they are). */
export interface TopicSerdes {
  readonly key: Serde<unknown> | undefined
  readonly value: Serde<unknown> | undefined
}

/** A record as the send pipeline hands it to librdkafka; key and value are promises while an async serde runs. */
export interface EncodedRecord {
  readonly topic: string
  readonly partition: number
  readonly timestamp: number | undefined
  readonly headers: RawHeader[] | undefined
  readonly key: Buffer | null | Promise<Buffer>
  readonly value: Buffer | null | Promise<Buffer>
}

/** The fields of a record `encodeRecord` reads (a `ProducerRecord` of any key and value type). */
export interface RecordFields {
  readonly topic?: unknown
  readonly partition?: number
  readonly timestamp?: number
  readonly key?: unknown
  readonly value?: unknown
  readonly headers?: Headers
}

/** The topic a record names, or `''` when it names none (the failed send's report then has no topic). */
export function topicOf(record: RecordFields | undefined): string {
  const topic = record?.topic
  return typeof topic === 'string' ? topic : ''
}

/**
 * Checks and serializes one record. Throws a {@link ConfigError} for a missing topic or an ill-typed partition or
 * timestamp, and a {@link SerializationError} (or the serde's own {@link KafkaError}) when a serde or a header
 * fails; a promised key or value rejects with the same errors.
 * @param serdesFor - the serdes of a topic
 * @param extra - headers added by tracing subscribers; they replace the record's own headers of the same name
 */
export function encodeRecord(
  record: RecordFields,
  serdesFor: (topic: string) => TopicSerdes,
  extra?: readonly RawHeader[],
): EncodedRecord {
  const topic = record?.topic
  if (typeof topic !== 'string' || topic === '')
    throw new ConfigError('record.topic', `expected a topic name, got ${JSON.stringify(topic)}`)
  const partition = record.partition ?? NO_PARTITION
  if (!Number.isInteger(partition) || partition < NO_PARTITION) {
    throw new ConfigError('record.partition', `expected a partition number >= 0, got ${String(record.partition)}`, {
      topic,
    })
  }
  const timestamp = record.timestamp
  if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isFinite(timestamp))) {
    throw new ConfigError('record.timestamp', `expected ms since the epoch, got ${String(timestamp)}`, { topic })
  }
  try {
    let headers = record.headers === undefined ? undefined : encodeHeaders(record.headers)
    if (extra !== undefined) headers = withExtraHeaders(headers, extra)
    const serdes = serdesFor(topic)
    const key = encodeField(record.key, serdes.key, topic, 'key', record.headers)
    const value = encodeField(record.value, serdes.value, topic, 'value', record.headers)
    return { topic, partition, timestamp, headers, key, value }
  } catch (error) {
    throw serializationError(error, topic)
  }
}

/** The error a send fails with when its record could not be serialized (a {@link KafkaError} passes as it is). */
export function serializationError(error: unknown, topic: string): KafkaError {
  if (error instanceof KafkaError) return error
  const field = error instanceof HeaderError ? 'headers' : undefined
  return new SerializationError(
    `Cannot serialize record for topic ${topic}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      topic,
      ...(field ? { field } : {}),
    },
  )
}

function encodeField(
  data: unknown,
  serde: Serde<unknown> | undefined,
  topic: string,
  field: 'key' | 'value',
  headers: Headers | undefined,
): Buffer | null | Promise<Buffer> {
  if (data === null || data === undefined) return null
  if (serde === undefined) {
    if (Buffer.isBuffer(data)) return data
    if (typeof data === 'string') return Buffer.from(data, 'utf8')
    throw new TypeError(
      `${field} of a topic without a ${field} serde must be a Buffer or a string, got ${typeof data}; configure a serde (e.g. serdes.json()) for topic ${topic}`,
    )
  }
  const context: SerdeContext = { topic, field, headers }
  const out = serde.serialize(data, context)
  if (out instanceof Promise) {
    return out.then((bytes) => checkBytes(bytes, field))
  }
  return checkBytes(out, field)
}

function checkBytes(bytes: unknown, field: string): Buffer {
  if (!Buffer.isBuffer(bytes)) throw new TypeError(`the ${field} serde returned ${typeof bytes}, not a Buffer`)
  return bytes
}

class HeaderError extends TypeError {}

/** A record's headers as name/bytes pairs: string values as UTF-8, Buffers as they are, arrays as repeated names. */
export function encodeHeaders(headers: Headers): RawHeader[] {
  if (typeof headers !== 'object' || headers === null)
    throw new HeaderError(`headers must be an object, got ${typeof headers}`)
  const out: RawHeader[] = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (Array.isArray(value)) for (const item of value) out.push([name, headerBytes(name, item)])
    else out.push([name, headerBytes(name, value)])
  }
  return out
}

function headerBytes(name: string, value: unknown): Buffer | null {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (Buffer.isBuffer(value)) return value
  if (value === null) return null
  throw new HeaderError(`header ${name} must be a string, a Buffer, null or an array of them, got ${typeof value}`)
}
