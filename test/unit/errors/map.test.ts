import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  AuthorizationError,
  ConnectionError,
  fromRdkafkaError,
  KafkaError,
  kafkitCodeFor,
  RDKAFKA_ERROR_CODES,
  RESP_ERR,
  TimeoutError,
} from '../../../src/errors/index.js'

describe('fromRdkafkaError', () => {
  it('maps a numeric librdkafka code to a literal kafkit code with its flags', () => {
    const error = fromRdkafkaError(10, { operation: 'send', topic: 'orders', partition: 3 })
    expect(error).toBeInstanceOf(KafkaError)
    expect(error.code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    expect(error.rdkafkaCode).toBe(10)
    expect(error.retriable).toBe(false)
    expect(error.topic).toBe('orders')
    expect(error.partition).toBe(3)
    expect(error.message).toContain('send failed (topic orders, partition 3)')
  })

  it('maps an error that carries only err2str text back to its code by exact lookup', () => {
    const error = fromRdkafkaError(new Error('Broker: Message size too large'))
    expect(error.code).toBe('ERR_KAFKA_MSG_SIZE_TOO_LARGE')
    expect(error.rdkafkaCode).toBe(10)
    const unknown = fromRdkafkaError(new Error('something librdkafka never says'))
    expect(unknown.code).toBe('ERR_KAFKA_UNKNOWN')
  })

  it('maps refused credentials to a non-retriable AuthenticationError, not a ConnectionError', () => {
    for (const code of [-169, 58, 33]) {
      const error = fromRdkafkaError(code)
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error).not.toBeInstanceOf(ConnectionError)
      expect(error.retriable).toBe(false)
    }
    expect(fromRdkafkaError(-169).code).toBe('ERR_KAFKA_AUTHENTICATION')
    expect(fromRdkafkaError({ code: 58, message: 'x', isRetriable: true }).retriable).toBe(false)
  })

  it('chooses the subclass from the code and honours native flags', () => {
    expect(fromRdkafkaError(-185)).toBeInstanceOf(TimeoutError)
    expect(fromRdkafkaError(-195)).toBeInstanceOf(ConnectionError)
    expect(fromRdkafkaError(-195).retriable).toBe(true)
    const denied = fromRdkafkaError(29)
    expect(denied).toBeInstanceOf(AuthorizationError)
    expect(denied.code).toBe('ERR_KAFKA_TOPIC_AUTHORIZATION_FAILED')
    expect(fromRdkafkaError(90).fatal).toBe(true)
    const abortable = fromRdkafkaError({ code: 48, message: 'x', isTxnRequiresAbort: true })
    expect(abortable.abortable).toBe(true)
    expect(abortable.cause).toMatchObject({ code: 48 })
  })

  it('maps a code librdkafka does not know to ERR_KAFKA_UNKNOWN and keeps the number', () => {
    const error = fromRdkafkaError({ code: 4242, message: '' })
    expect(error.code).toBe('ERR_KAFKA_UNKNOWN')
    expect(error.rdkafkaName).toBe('UNKNOWN')
    expect(error.rdkafkaCode).toBe(4242)
    expect(error.message).toContain('librdkafka error code 4242')
    // A real code is never second-guessed by its text.
    expect(fromRdkafkaError({ code: RESP_ERR._TIMED_OUT, message: 'Broker: Message size too large' }).rdkafkaName).toBe(
      '_TIMED_OUT',
    )
  })

  it('names every librdkafka error by a constant equal to its number', () => {
    for (const entry of RDKAFKA_ERROR_CODES) expect(RESP_ERR[entry.name]).toBe(entry.code)
    expect(RESP_ERR._PARTITION_EOF).toBe(-191)
    expect(kafkitCodeFor('_QUEUE_FULL')).toBe('ERR_KAFKA_QUEUE_FULL')
  })

  it('passes KafkaErrors through unchanged', () => {
    const original = new KafkaError('ERR_STATE', 'x')
    expect(fromRdkafkaError(original as never)).toBe(original)
  })

  it('has a table generated from librdkafka with unique names and codes', () => {
    expect(RDKAFKA_ERROR_CODES.length).toBeGreaterThan(150)
    expect(new Set(RDKAFKA_ERROR_CODES.map((e) => e.code)).size).toBe(RDKAFKA_ERROR_CODES.length)
    expect(new Set(RDKAFKA_ERROR_CODES.map((e) => e.name.replace(/^_/, ''))).size).toBe(RDKAFKA_ERROR_CODES.length)
    expect(RDKAFKA_ERROR_CODES.find((e) => e.name === '_QUEUE_FULL')?.code).toBe(-184)
  })
})
