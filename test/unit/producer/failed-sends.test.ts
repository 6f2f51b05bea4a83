import { describe, expect, it } from 'vitest'
import { KafkaAggregateError, KafkaError } from '../../../src/errors/kafka-error.js'
import { FAILED_SENDS_KEPT, FailedSends } from '../../../src/producer/failed-sends.js'
import { PendingDelivery } from '../../../src/producer/pending-delivery.js'

describe('FailedSends', () => {
  it('rejects the send and reports it at the next report only when nobody observed it', async () => {
    const failed = new FailedSends()
    const unobserved = new PendingDelivery('t')
    const observed = new PendingDelivery('t')
    const caught = observed.catch((error: unknown) => error)
    failed.reject(unobserved, new KafkaError('ERR_TIMEOUT', 'first failure'))
    failed.reject(observed, new KafkaError('ERR_STATE', 'second failure'))
    expect(unobserved.failed).toBe(true)
    expect(await caught).toMatchObject({ code: 'ERR_STATE' })
    let thrown: unknown
    try {
      failed.throwUnobserved('Producer.flush()')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(KafkaAggregateError)
    expect((thrown as KafkaAggregateError).message).toMatch(
      /^Producer\.flush\(\): 1 sends that nobody awaited failed \(first: first failure\)/,
    )
    expect((thrown as KafkaAggregateError).failures.map((f) => f.error.code)).toEqual(['ERR_TIMEOUT'])
    expect(() => failed.throwUnobserved('again')).not.toThrow()
  })

  it('keeps a bounded number of failures but counts every one', () => {
    const failed = new FailedSends()
    for (let index = 0; index < FAILED_SENDS_KEPT + 5; index++)
      failed.reject(new PendingDelivery('t'), new KafkaError('ERR_HANDLER', 'x'))
    try {
      failed.throwUnobserved('Producer.disconnect()')
      expect.unreachable()
    } catch (error) {
      expect((error as KafkaAggregateError).failures).toHaveLength(FAILED_SENDS_KEPT)
      expect((error as KafkaAggregateError).message).toContain(
        `${FAILED_SENDS_KEPT + 5} sends that nobody awaited failed`,
      )
    }
  })

  it('does not report a send marked as reported by other means', () => {
    const failed = new FailedSends()
    const delivery = new PendingDelivery('t')
    delivery.markReported()
    failed.reject(delivery, new KafkaError('ERR_HANDLER', 'x'))
    expect(() => failed.throwUnobserved('Producer.flush()')).not.toThrow()
  })
})
