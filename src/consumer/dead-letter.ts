/**
 * Sends messages whose handling failed for good to a dead-letter topic: the original key, value and headers,
 * plus `kafkit-*` headers saying where the record came from and why it failed.
 * @module
 */
import { isUtf8 } from 'node:buffer'
import type { KafkaError } from '../errors/kafka-error.js'
import type { RawMessage } from '../native/consumer.js'
import { Producer } from '../producer/index.js'
import { toHeaders } from './decoder.js'
import type { DeadLetterOptions, DeadLetterProducer } from './run-options.js'

/** The headers kafkit adds to a dead letter. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  errorMessage: 'kafkit-error-message',
  errorCode: 'kafkit-error-code',
  originalTopic: 'kafkit-original-topic',
  originalPartition: 'kafkit-original-partition',
  originalOffset: 'kafkit-original-offset',
  originalTimestamp: 'kafkit-original-timestamp',
  /** Comma-separated names of original headers that were not UTF-8 and are carried base64-encoded. */
  base64Headers: 'kafkit-base64-headers',
} as const)

/** Sends dead letters through the given producer, or one it creates (and closes) itself. */
export class DeadLetterQueue {
  readonly topic: string
  readonly #connection: Record<string, unknown>
  readonly #given: DeadLetterProducer | undefined
  #owned: Producer | undefined
  #connecting: Promise<DeadLetterProducer> | undefined

  /**
   * @param options - the topic and, optionally, the producer to use
   * @param connection - brokers and credentials for a producer kafkit creates
   */
  constructor(options: DeadLetterOptions, connection: Record<string, unknown>) {
    this.topic = options.topic
    this.#given = options.producer
    this.#connection = connection
  }

  /** Sends the raw record with error headers; resolves once the broker acknowledged it. */
  async send(raw: RawMessage, error: KafkaError): Promise<void> {
    const producer = await this.#producer()
    await producer.send({
      topic: this.topic,
      key: raw.key ?? null,
      value: raw.value ?? null,
      headers: deadLetterHeaders(raw, error),
    })
  }

  /**
   * Connects the producer kafkit creates now, so that a wrong address or credentials fail `run()` rather than the
   * first poison message much later. Resolves at once for a given producer.
   */
  async ready(): Promise<void> {
    await this.#producer()
  }

  /** Disconnects the producer kafkit created, if any. */
  async close(): Promise<void> {
    const owned = this.#owned
    this.#owned = undefined
    this.#connecting = undefined
    await owned?.disconnect()
  }

  #producer(): Promise<DeadLetterProducer> {
    if (this.#given) return Promise.resolve(this.#given)
    this.#connecting ??= (async () => {
      const producer = new Producer({ ...this.#connection } as unknown as ConstructorParameters<typeof Producer>[0])
      try {
        await producer.connect()
      } catch (error) {
        this.#connecting = undefined
        throw error
      }
      this.#owned = producer
      return producer
    })()
    return this.#connecting
  }
}

/** The headers of a dead letter: the original ones (binary values base64-encoded) and kafkit's. */
export function deadLetterHeaders(raw: RawMessage, error: KafkaError): Record<string, string> {
  const headers: Record<string, string> = {}
  const base64: string[] = []
  for (const [name, value] of Object.entries(toHeaders(raw.headers))) {
    // Dead-letter header values are UTF-8 text (`kafkit-base64-headers` names the binary ones, base64-encoded).
    if (isUtf8(value)) headers[name] = value.toString('utf8')
    else {
      headers[name] = value.toString('base64')
      base64.push(name)
    }
  }
  if (base64.length > 0) headers[DEAD_LETTER_HEADERS.base64Headers] = base64.join(',')
  headers[DEAD_LETTER_HEADERS.errorMessage] = error.message
  headers[DEAD_LETTER_HEADERS.errorCode] = error.code
  headers[DEAD_LETTER_HEADERS.originalTopic] = raw.topic
  headers[DEAD_LETTER_HEADERS.originalPartition] = String(raw.partition)
  headers[DEAD_LETTER_HEADERS.originalOffset] = String(raw.offset)
  if (raw.timestamp !== undefined) headers[DEAD_LETTER_HEADERS.originalTimestamp] = String(raw.timestamp)
  return headers
}
