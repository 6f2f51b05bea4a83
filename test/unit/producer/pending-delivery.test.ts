import { describe, expect, it } from 'vitest'
import { PendingDelivery } from '../../../src/producer/pending-delivery.js'

describe('PendingDelivery', () => {
  it('creates no promise until observed, then resolves with the converted report', async () => {
    const delivery = new PendingDelivery('t')
    delivery.deliveredAt(2, 41, 1700000000000)
    expect(delivery.observed).toBe(false)
    await expect(delivery).resolves.toEqual({ topic: 't', partition: 2, offset: '41', timestamp: 1700000000000 })
    expect(delivery.observed).toBe(true)
  })

  it('settles an awaiting caller, and ignores a second settle', async () => {
    const delivery = new PendingDelivery('t')
    const seen = delivery.then((report) => report.offset)
    delivery.deliveredAt(2, 41, 1700000000000)
    delivery.reject(new Error('too late'))
    await expect(seen).resolves.toBe('41')
  })

  it('keeps a failure nobody observed without an unhandled rejection, and hands it to a late observer', async () => {
    const delivery = new PendingDelivery('t')
    const failure = new Error('boom')
    delivery.reject(failure)
    expect(delivery.failed).toBe(true)
    expect(delivery.error).toBe(failure)
    await new Promise((resolve) => setImmediate(resolve))
    await expect(delivery.catch((error: unknown) => error)).resolves.toBe(failure)
    await expect(delivery.finally(() => undefined)).rejects.toBe(failure)
  })

  it('counts as observed once attached to or marked as reported elsewhere, without creating a promise', () => {
    const delivery = new PendingDelivery('t')
    expect(delivery.observed).toBe(false)
    delivery.markReported()
    delivery.reject(new Error('reported by the transaction'))
    expect(delivery.observed).toBe(true)
    expect(delivery.failed).toBe(true)
  })

  it('calls an onSettled listener once, at once when already settled, and gives the report without a promise', () => {
    const later = new PendingDelivery('t')
    const calls: string[] = []
    later.onSettled(() => calls.push('later'))
    expect(calls).toEqual([])
    later.deliveredAt(2, 41, 1700000000000)
    later.reject(new Error('ignored'))
    expect(calls).toEqual(['later'])
    expect(later.report?.offset).toBe('41')
    expect(later.observed).toBe(false)

    const failed = new PendingDelivery('t')
    failed.reject(new Error('boom'))
    failed.onSettled(() => calls.push('failed'))
    expect(calls).toEqual(['later', 'failed'])
    expect(failed.report).toBeUndefined()
  })

  it('runs every onSettled listener, in the order they were added (a traced send has one already)', () => {
    const delivery = new PendingDelivery('t')
    const calls: string[] = []
    delivery.onSettled(() => calls.push('tracing'))
    delivery.onSettled(() => calls.push('caller'))
    delivery.deliveredAt(0, 1, 1700000000000)
    delivery.onSettled(() => calls.push('late'))
    expect(calls).toEqual(['tracing', 'caller', 'late'])
  })

  it('works with Promise combinators and await', async () => {
    const deliveries = [new PendingDelivery('t'), new PendingDelivery('t')]
    const all = Promise.all(deliveries)
    deliveries[0]!.deliveredAt(2, 41, 1700000000000)
    deliveries[1]!.deliveredAt(2, 42, 1700000000000)
    expect((await all).map((r) => r.offset)).toEqual(['41', '42'])
  })
})
