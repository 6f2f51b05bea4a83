import { describe, expect, it } from 'vitest'
import { BatchFailures, type ItemFailure, NOT_IN_ANSWER, resultsInOrder } from '../../../src/admin/batch.js'
import { AuthorizationError, KafkaAggregateError, KafkaError } from '../../../src/index.js'

describe('BatchFailures', () => {
  it('does nothing when no item failed', () => {
    expect(() => new BatchFailures('createTopics').throwIfFailed(3)).not.toThrow()
  })

  it('throws one KafkaAggregateError with typed per-item errors, in input order, naming each item', () => {
    const failures = new BatchFailures('deleteGroups')
    failures.addRaw(
      2,
      { code: 68, rdkafkaName: 'NON_EMPTY_GROUP', message: 'Broker: The group is not empty' },
      "group 'billing'",
    )
    failures.addRaw(0, { code: 30, rdkafkaName: 'GROUP_AUTHORIZATION_FAILED', message: 'denied' }, "group 'audit'")
    failures.addRaw(1, { code: 3, rdkafkaName: 'UNKNOWN_TOPIC_OR_PART', message: 'gone' }, "topic 'orders'", {
      topic: 'orders',
      partition: 4,
    })
    let error: unknown
    try {
      failures.throwIfFailed(5)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KafkaAggregateError)
    const aggregate = error as KafkaAggregateError
    expect(aggregate.code).toBe('ERR_AGGREGATE')
    expect(aggregate.failures.map((f) => f.index)).toEqual([0, 1, 2])
    expect(aggregate.errors).toHaveLength(3)
    const [auth, topic, group] = aggregate.failures.map((f) => f.error)
    expect(auth).toBeInstanceOf(AuthorizationError)
    expect(auth!.message).toContain("group 'audit'")
    expect(topic).toMatchObject({
      code: 'ERR_KAFKA_UNKNOWN_TOPIC_OR_PART',
      topic: 'orders',
      partition: 4,
      rdkafkaCode: 3,
    })
    expect(group).toBeInstanceOf(KafkaError)
    expect(group!.code).toBe('ERR_KAFKA_NON_EMPTY_GROUP')
    expect(group!.message).toContain("deleteGroups of group 'billing' failed")
    expect(aggregate.message).toContain('deleteGroups: 3 of 5 item(s) failed')
    expect(aggregate.message).toContain('[2] NON_EMPTY_GROUP')
  })

  it('keeps the summary short for large batches', () => {
    const failures = new BatchFailures('createTopics')
    for (let i = 0; i < 8; i++)
      failures.addRaw(i, { code: 36, rdkafkaName: 'TOPIC_ALREADY_EXISTS', message: 'exists' }, `topic 't${i}'`, {
        topic: `t${i}`,
      })
    expect(() => failures.throwIfFailed(8)).toThrow(/and 3 more/)
  })
})

describe('resultsInOrder', () => {
  const answer = [
    { name: 'b', error: null, value: 2 },
    { name: 'a', error: null, value: 1 },
    { name: 'c', error: { code: 30, rdkafkaName: 'GROUP_AUTHORIZATION_FAILED', message: 'denied' }, value: 3 },
  ]
  const failure = (name: string): ItemFailure => ({ item: `group '${name}'`, missing: NOT_IN_ANSWER })

  it('answers the results in input order when every item succeeded', () => {
    const results = resultsInOrder('describeGroups', ['a', 'b'], (n) => answer.find((r) => r.name === n), failure)
    expect(results.map((r) => r.value)).toEqual([1, 2])
  })

  it('throws the items without a result or with an error together, at their input index', () => {
    let error: unknown
    try {
      resultsInOrder('describeGroups', ['a', 'c', 'x'], (n) => answer.find((r) => r.name === n), failure)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KafkaAggregateError)
    const failures = (error as KafkaAggregateError).failures
    expect(failures.map((f) => f.index)).toEqual([1, 2])
    expect(failures[0]!.error).toBeInstanceOf(AuthorizationError)
    expect(failures[1]!.error.message).toContain("describeGroups of group 'x'")
    expect(failures[1]!.error.message).toContain('not in the answer')
  })
})
