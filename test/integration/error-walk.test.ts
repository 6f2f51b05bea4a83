// Walks the public API's failure cases and checks that every one of them throws or rejects with a KafkaError
// (`instanceof KafkaError`, KafkaAggregateError included) carrying the literal code the case names; for an aggregate,
// each failure's code too. A real broker (and the test cluster's registry) wherever the failure can be produced for
// real; the mock cluster only where a fault must be injected (a broker taken down, a request failed on purpose).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaAggregateError, KafkaError } from '../../src/index.js'
import { failureOf } from '../helpers/failure.js'
import { adminCases } from './error-walk/admin-cases.js'
import { closeClients, type FailureCase, openClients } from './error-walk/clients.js'
import { consumerCases } from './error-walk/consumer-cases.js'
import { patternCases } from './error-walk/pattern-cases.js'
import { producerCases } from './error-walk/producer-cases.js'
import { serdeCases } from './error-walk/serde-cases.js'
import { testingCases } from './error-walk/testing-cases.js'

beforeAll(openClients, 120_000)
afterAll(closeClients, 120_000)

const areas: ReadonlyArray<readonly [string, readonly FailureCase[]]> = [
  ['Producer', producerCases],
  ['Consumer', consumerCases],
  ['Admin', adminCases],
  ['serdes and registry', serdeCases],
  ['patterns', patternCases],
  ['kafkit/testing', testingCases],
]

describe.each(areas)('every failure of %s is a KafkaError with a literal code', (_area, cases) => {
  it.each(cases)('$name -> $code', { timeout: 60_000 }, async (failure) => {
    const error = await failureOf(failure.run)
    expect(error, String(error)).toBeInstanceOf(KafkaError)
    const kafkaError = error as KafkaError | KafkaAggregateError
    expect(kafkaError.code, kafkaError.message).toBe(failure.code)
    expect(kafkaError.message.length).toBeGreaterThan(10)
    if (failure.failures) {
      expect(kafkaError).toBeInstanceOf(KafkaAggregateError)
      const failures = (kafkaError as KafkaAggregateError).failures
      for (const item of failures) expect(item.error).toBeInstanceOf(KafkaError)
      expect(failures.map((item) => item.error.code)).toEqual(failure.failures)
    }
  })
})

it('walks the failure cases of every area', () => {
  const count = areas.reduce((sum, [, cases]) => sum + cases.length, 0)
  expect(count).toBeGreaterThanOrEqual(70)
})
