/**
 * One fetch's messages as the addon hands them over (one Buffer: their metadata, read through typed arrays, then their
 * bytes; see native/consumer_fetch.c for the layout), and message objects that read keys, values and headers from it
 * on demand.
 * @module
 */
import { bufferView } from '../internal/buffer-view.js'
import type { RawHeader } from './producer.js'

/** A fetched message as kafkit's consumer keeps it until handled. */
export interface RawMessage {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** ms since the epoch; -1 when the record has none. */
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Every header in record order, repeated names kept. */
  readonly headers: readonly RawHeader[]
  /** Key and value bytes (for buffer bounds). */
  readonly size: number
}

/** Int32 fields per message (see native/consumer.c). */
export const STRIDE = 10
const M_TOPIC = 0
const M_PARTITION = 1
const M_KEY = 2
const M_VALUE = 3
const M_HEADERS = 4
const M_HEADER_START = 5
const M_DATA_START = 6
const M_ERROR = 7
const NO_HEADERS: readonly RawHeader[] = Object.freeze([])

/**
 * Messages read by index: a fetched batch, or a list of messages. The consumer buffers ranges of a source and reads a
 * message's fields from it only when handling the message, so that no object is made per message before then.
 */
export interface MessageSource {
  topic(i: number): string
  partition(i: number): number
  offset(i: number): number
  timestamp(i: number): number
  key(i: number): Buffer | null
  value(i: number): Buffer | null
  headers(i: number): readonly RawHeader[]
  /** Key and value bytes. */
  size(i: number): number
  /** The whole message at `i` (a new object on each call). */
  message(i: number): RawMessage
}

/** Messages already made, as a {@link MessageSource}. */
export class MessageList implements MessageSource {
  /** @param messages - the messages, read by index */
  constructor(readonly messages: readonly RawMessage[]) {}

  topic(i: number): string {
    return this.messages[i]!.topic
  }

  partition(i: number): number {
    return this.messages[i]!.partition
  }

  offset(i: number): number {
    return this.messages[i]!.offset
  }

  timestamp(i: number): number {
    return this.messages[i]!.timestamp
  }

  key(i: number): Buffer | null {
    return this.messages[i]!.key
  }

  value(i: number): Buffer | null {
    return this.messages[i]!.value
  }

  headers(i: number): readonly RawHeader[] {
    return this.messages[i]!.headers
  }

  size(i: number): number {
    return this.messages[i]!.size
  }

  message(i: number): RawMessage {
    return this.messages[i]!
  }
}

/**
 * One fetch's messages: their bytes, and their metadata in typed arrays, all in one Buffer. A message object reads its
 * key, value and headers from here as views, so a message kept alive keeps its whole batch alive.
 */
export class FetchedBatch implements MessageSource {
  /** How many entries (messages and errors) the fetch returned. */
  readonly count: number
  readonly #data: Buffer
  /** `#data`'s memory and where `#data` starts in it: views are made from these (see internal/buffer-view.ts). */
  readonly #memory: ArrayBuffer
  readonly #base: number
  readonly #meta: Int32Array
  readonly #numbers: Float64Array
  readonly #headerLengths: Int32Array | undefined
  readonly #topics: readonly string[]

  /** @internal */
  constructor(
    count: number,
    data: Buffer,
    meta: Int32Array,
    numbers: Float64Array,
    headerLengths: Int32Array | undefined,
    topics: readonly string[],
  ) {
    this.count = count
    this.#data = data
    this.#memory = data.buffer as ArrayBuffer
    this.#base = data.byteOffset
    this.#meta = meta
    this.#numbers = numbers
    this.#headerLengths = headerLengths
    this.#topics = topics
  }

  /**
   * The batch in the Buffer the addon's fetch returns (see native/consumer_fetch.c): the numbers (2 Float64 per
   * message), the metadata ({@link STRIDE} Int32 per message), the header length pairs, then the bytes. The typed
   * arrays are views: the whole fetch is one allocation.
   * @internal
   */
  static fromFetch(count: number, headerPairs: number, fetched: Buffer, topics: readonly string[]): FetchedBatch {
    const memory = fetched.buffer as ArrayBuffer
    const metaAt = fetched.byteOffset + count * 2 * Float64Array.BYTES_PER_ELEMENT
    const lengthsAt = metaAt + count * STRIDE * Int32Array.BYTES_PER_ELEMENT
    const dataAt = lengthsAt + headerPairs * 2 * Int32Array.BYTES_PER_ELEMENT
    return new FetchedBatch(
      count,
      fetched.subarray(dataAt - fetched.byteOffset),
      new Int32Array(memory, metaAt, count * STRIDE),
      new Float64Array(memory, fetched.byteOffset, count * 2),
      headerPairs > 0 ? new Int32Array(memory, lengthsAt, headerPairs * 2) : undefined,
      topics,
    )
  }

  /** librdkafka's error code of entry `i`: 0 for a message. */
  error(i: number): number {
    return this.#meta[i * STRIDE + M_ERROR]!
  }

  /**
   * The end (exclusive) of the run of messages from entry `from`: the first later entry of another topic or partition,
   * or an error, or {@link count}.
   */
  runEnd(from: number): number {
    const meta = this.#meta
    const topic = meta[from * STRIDE + M_TOPIC]
    const partition = meta[from * STRIDE + M_PARTITION]
    let i = from + 1
    for (let at = i * STRIDE; i < this.count; i++, at += STRIDE) {
      if (meta[at + M_PARTITION] !== partition || meta[at + M_TOPIC] !== topic || meta[at + M_ERROR] !== 0) break
    }
    return i
  }

  /** The topic of entry `i` ('' when librdkafka gave none). */
  topic(i: number): string {
    return this.#topics[this.#meta[i * STRIDE + M_TOPIC]!] ?? ''
  }

  /** The partition of entry `i`. */
  partition(i: number): number {
    return this.#meta[i * STRIDE + M_PARTITION]!
  }

  /** The offset of entry `i`. */
  offset(i: number): number {
    return this.#numbers[i * 2]!
  }

  /** The timestamp of entry `i`: ms since the epoch, -1 when the record has none. */
  timestamp(i: number): number {
    return this.#numbers[i * 2 + 1]!
  }

  /** The error text librdkafka put in an error entry. */
  errorText(i: number): string {
    return this.value(i)?.toString('utf8') ?? ''
  }

  /** The message at entry `i`. */
  message(i: number): RawMessage {
    return new FetchedMessage(
      this,
      i,
      this.topic(i),
      this.#meta[i * STRIDE + M_PARTITION]!,
      this.#numbers[i * 2]!,
      this.#numbers[i * 2 + 1]!,
    )
  }

  /** The key of entry `i`, a view into the batch (null when none). */
  key(i: number): Buffer | null {
    const length = this.#meta[i * STRIDE + M_KEY]!
    if (length < 0) return null
    return bufferView(this.#memory, this.#base + this.#meta[i * STRIDE + M_DATA_START]!, length)
  }

  /** The value of entry `i`, a view into the batch (null when none). */
  value(i: number): Buffer | null {
    const length = this.#meta[i * STRIDE + M_VALUE]!
    if (length < 0) return null
    const start = this.#meta[i * STRIDE + M_DATA_START]! + Math.max(0, this.#meta[i * STRIDE + M_KEY]!)
    return bufferView(this.#memory, this.#base + start, length)
  }

  /** The key and value bytes of entry `i`. */
  size(i: number): number {
    return Math.max(0, this.#meta[i * STRIDE + M_KEY]!) + Math.max(0, this.#meta[i * STRIDE + M_VALUE]!)
  }

  /**
   * Calls `each` with `target` and the fields of every message from `from` (inclusive) to `to` (exclusive), keys and
   * values as views into the batch: one loop over a run of messages, with no message object made first.
   */
  forEachRaw<T>(
    from: number,
    to: number,
    target: T,
    each: (
      target: T,
      topic: string,
      partition: number,
      offset: number,
      timestamp: number,
      headers: readonly RawHeader[],
      key: Buffer | null,
      value: Buffer | null,
    ) => void,
  ): void {
    for (let i = from; i < to; i++) {
      each(
        target,
        this.topic(i),
        this.partition(i),
        this.offset(i),
        this.timestamp(i),
        this.headers(i),
        this.key(i),
        this.value(i),
      )
    }
  }

  /** The headers of entry `i` in record order, values as views into the batch. */
  headers(i: number): readonly RawHeader[] {
    const base = i * STRIDE
    const count = this.#meta[base + M_HEADERS]!
    const lengths = this.#headerLengths
    if (count === 0 || lengths === undefined) return NO_HEADERS
    let at =
      this.#meta[base + M_DATA_START]! +
      Math.max(0, this.#meta[base + M_KEY]!) +
      Math.max(0, this.#meta[base + M_VALUE]!)
    const headers: RawHeader[] = []
    for (let h = this.#meta[base + M_HEADER_START]!, end = h + count; h < end; h++) {
      const nameLength = lengths[h * 2]!
      const valueLength = lengths[h * 2 + 1]!
      const name = this.#data.toString('utf8', at, at + nameLength)
      at += nameLength
      headers.push([name, valueLength < 0 ? null : bufferView(this.#memory, this.#base + at, valueLength)])
      at += Math.max(0, valueLength)
    }
    return headers
  }
}

/** A message of a {@link FetchedBatch}; key, value and headers are views into the batch, made when read. */
class FetchedMessage implements RawMessage {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly #batch: FetchedBatch
  readonly #index: number

  constructor(batch: FetchedBatch, index: number, topic: string, partition: number, offset: number, timestamp: number) {
    this.#batch = batch
    this.#index = index
    this.topic = topic
    this.partition = partition
    this.offset = offset
    this.timestamp = timestamp
  }

  get key(): Buffer | null {
    return this.#batch.key(this.#index)
  }

  get value(): Buffer | null {
    return this.#batch.value(this.#index)
  }

  get headers(): readonly RawHeader[] {
    return this.#batch.headers(this.#index)
  }

  get size(): number {
    return this.#batch.size(this.#index)
  }
}
