import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  KafkaAggregateError,
  KafkaError,
  StateError,
  TimeoutError,
} from '../../../src/errors/kafka-error.js'

describe('instanceof KafkaError', () => {
  it('holds for every kafkit error, aggregates included', () => {
    const timeout = new TimeoutError('slow', { retriable: true })
    const aggregate = new KafkaAggregateError([{ index: 0, error: timeout }], 'one item failed')
    expect(new ConfigError('brokers', 'bad')).toBeInstanceOf(KafkaError)
    expect(aggregate).toBeInstanceOf(KafkaError)
    expect(aggregate).toBeInstanceOf(AggregateError)
    expect(aggregate.errors).toEqual([timeout])
    expect(new Error('plain')).not.toBeInstanceOf(KafkaError)
    const notObjects: unknown[] = [null, undefined, 'ERR_CONFIG', 42]
    for (const value of notObjects) expect(value instanceof KafkaError).toBe(false)
  })

  it('keeps the prototype check for subclasses', () => {
    expect(new ConfigError('brokers', 'bad')).toBeInstanceOf(ConfigError)
    expect(new ConfigError('brokers', 'bad')).not.toBeInstanceOf(StateError)
    expect(new KafkaAggregateError([], 'none')).not.toBeInstanceOf(ConfigError)
  })

  it('recognizes an error of another copy of kafkit by its shared brand', () => {
    class OtherCopyError extends Error {
      get [Symbol.for('kafkit.error')](): boolean {
        return true
      }
    }
    expect(new OtherCopyError('from a second install')).toBeInstanceOf(KafkaError)
  })

  it('gives an aggregate the flags of its failures', () => {
    const retriable = new TimeoutError('slow', { retriable: true })
    const fatal = new KafkaError('ERR_KAFKA_FENCED', 'fenced', { fatal: true })
    const both = new KafkaAggregateError(
      [
        { index: 0, error: retriable },
        { index: 3, error: fatal },
      ],
      'two failed',
    )
    expect({ retriable: both.retriable, fatal: both.fatal, abortable: both.abortable, code: both.code }).toEqual({
      retriable: false,
      fatal: true,
      abortable: false,
      code: 'ERR_AGGREGATE',
    })
    const onlyRetriable = new KafkaAggregateError([{ index: 1, error: retriable }], 'one failed')
    expect(onlyRetriable.retriable).toBe(true)
  })
})
