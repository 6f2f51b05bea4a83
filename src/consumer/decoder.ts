/**
 * Turns native messages into kafkit messages, running the key and value serdes. Synchronous serdes stay
 * synchronous: no promise is created per message unless a serde returns one.
 * @module
 */
import { type KafkaError, SerializationError } from '../errors/kafka-error.js'
import type { FetchedBatch, MessageSource, RawMessage } from '../native/fetched-batch.js'
import type { RawHeader } from '../native/producer.js'
import type { Serde, SerdeContext } from '../serde/types.js'
import { notSkippable } from './failure-handler.js'
import type { AnyConsumerMessage } from './types.js'

const NO_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({})

interface TopicDecoders {
  readonly key: Serde<unknown> | undefined
  readonly value: Serde<unknown> | undefined
}

/** Decodes native messages with the consumer's serdes. */
export class MessageDecoder {
  readonly #default: TopicDecoders
  readonly #topics: ReadonlyMap<string, TopicDecoders> | undefined

  /**
   * @param key - key serde for every topic (no `topics` map)
   * @param value - value serde for every topic (no `topics` map)
   * @param topics - serdes per topic; a message of a topic missing from it fails to decode
   */
  constructor(
    key: Serde<unknown> | undefined,
    value: Serde<unknown> | undefined,
    topics:
      Readonly<Record<string, { key?: Serde<unknown> | undefined; value?: Serde<unknown> | undefined }>> | undefined,
  ) {
    this.#default = { key, value }
    // A Map, not an object: a topic named like an Object.prototype member must not find that member.
    this.#topics =
      topics === undefined
        ? undefined
        : new Map(Object.entries(topics).map(([topic, serdes]) => [topic, { key: serdes.key, value: serdes.value }]))
    this.raw = topics === undefined && key === undefined && value === undefined
  }

  /**
   * Decodes one message. Throws (or rejects with) a {@link SerializationError} naming topic, partition, offset and
   * field when a serde fails.
   */
  decode(raw: RawMessage): AnyConsumerMessage | Promise<AnyConsumerMessage> {
    return this.#decode(raw.topic, raw.partition, raw.offset, raw.timestamp, raw.headers, raw.key, raw.value)
  }

  /** Whether every message decodes to its raw bytes: no serde for any topic. */
  readonly raw: boolean

  /**
   * Appends the messages `from` (inclusive) to `to` (exclusive) of `batch` to `out`, as {@link decodeAt} makes them,
   * in one pass over the batch. Only for a {@link raw} decoder: without serdes nothing can fail or be asynchronous.
   */
  decodeRawRun(batch: FetchedBatch, from: number, to: number, out: AnyConsumerMessage[]): void {
    batch.forEachRaw(from, to, out, pushRaw)
  }

  /** Decodes message `index` of `source` as {@link decode} does, without making the message as an object first. */
  decodeAt(source: MessageSource, index: number): AnyConsumerMessage | Promise<AnyConsumerMessage> {
    return this.#decode(
      source.topic(index),
      source.partition(index),
      source.offset(index),
      source.timestamp(index),
      source.headers(index),
      source.key(index),
      source.value(index),
    )
  }

  #decode(
    topic: string,
    partition: number,
    offsetNumber: number,
    timestamp: number,
    headerList: readonly RawHeader[],
    rawKey: Buffer | null,
    rawValue: Buffer | null,
  ): AnyConsumerMessage | Promise<AnyConsumerMessage> {
    const offset = String(offsetNumber)
    const serdes = this.#topics === undefined ? this.#default : this.#topics.get(topic)
    if (serdes === undefined) {
      throw new SerializationError(
        `No serdes for topic ${topic} (partition ${partition}, offset ${offset}): add it to the consumer's topics map`,
        { topic, partition, offset },
      )
    }
    const headers = toHeaders(headerList)
    const key =
      rawKey === null || serdes.key === undefined
        ? rawKey
        : run(serdes.key, rawKey, { topic, field: 'key', headers, partition, offset })
    const value =
      rawValue === null || serdes.value === undefined
        ? rawValue
        : run(serdes.value, rawValue, { topic, field: 'value', headers, partition, offset })
    if (key instanceof Promise || value instanceof Promise) {
      return Promise.all([key, value]).then(([k, v]) =>
        consumerMessage(topic, partition, offset, k, v, timestamp, headers, headerList),
      )
    }
    return consumerMessage(topic, partition, offset, key, value, timestamp, headers, headerList)
  }
}

/** Every consumer message is made here, so that all have one shape (handlers stay monomorphic). */
function consumerMessage(
  topic: string,
  partition: number,
  offset: string,
  key: unknown,
  value: unknown,
  timestamp: number,
  headers: Readonly<Record<string, Buffer>>,
  headerList: readonly RawHeader[],
): AnyConsumerMessage {
  return { topic, partition, offset, key, value, timestamp, headers, headerList }
}

/** {@link MessageDecoder.decodeRawRun}'s step: one raw message onto `out`. */
function pushRaw(
  out: AnyConsumerMessage[],
  topic: string,
  partition: number,
  offset: number,
  timestamp: number,
  headerList: readonly RawHeader[],
  key: Buffer | null,
  value: Buffer | null,
): void {
  out.push(consumerMessage(topic, partition, String(offset), key, value, timestamp, toHeaders(headerList), headerList))
}

/** A serde's context on the consumer side, where the partition and the offset are always known. */
type ReadContext = SerdeContext & { readonly partition: number; readonly offset: string }

/** Runs a serde; its failure becomes a {@link SerializationError} naming the record and the field. */
function run(serde: Serde<unknown>, data: Buffer, context: ReadContext): unknown {
  try {
    const out = serde.deserialize(data, context)
    return out instanceof Promise
      ? out.catch((error: unknown) => {
          throw failure(error, context)
        })
      : out
  } catch (error) {
    throw failure(error, context)
  }
}

function failure(error: unknown, context: ReadContext): KafkaError {
  // A retriable serde failure (the schema registry unreachable) is not the record's fault: after the retries the run
  // stops rather than skipping or dead-lettering a record that would decode once the registry is back.
  if (error instanceof SerializationError) return error.retriable ? notSkippable(error) : error
  const reason = error instanceof Error ? error.message : String(error)
  const { topic, partition, offset, field } = context
  return new SerializationError(
    `Cannot deserialize the ${field} of topic ${topic} partition ${partition} offset ${offset}: ${reason}`,
    { cause: error, topic, partition, offset, field },
  )
}

const EMPTY = Buffer.alloc(0)

/** A record's headers as a record: a repeated name keeps its last value, a header without a value is empty. */
export function toHeaders(list: readonly RawHeader[] | undefined): Readonly<Record<string, Buffer>> {
  if (list === undefined || list.length === 0) return NO_HEADERS
  const headers: Record<string, Buffer> = {}
  for (const [name, value] of list) headers[name] = value ?? EMPTY
  return headers
}
