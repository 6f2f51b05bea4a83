import { afterEach, describe, expect, it, vi } from 'vitest'
import { KafkaError } from '../../../src/errors/kafka-error.js'
import type { DeliveryBatch } from '../../../src/native/producer.js'
import {
  DeliveryTracker,
  FATAL_CAUSE_WAIT_MS,
  type DeliveryTrackerHost,
} from '../../../src/producer/delivery-tracker.js'
import { PendingDelivery } from '../../../src/producer/pending-delivery.js'

const PURGE_QUEUE = -152
const MSG_SIZE_TOO_LARGE = 10

function reports(
  rows: Array<{ seq: number; error?: number; partition?: number; offset?: number; status?: number }>,
): DeliveryBatch {
  return {
    count: rows.length,
    seq: Uint32Array.from(rows.map((r) => r.seq)),
    partition: Int32Array.from(rows.map((r) => r.partition ?? 0)),
    offset: Float64Array.from(rows.map((r) => r.offset ?? 0)),
    timestamp: Float64Array.from(rows.map(() => 1000)),
    error: Int32Array.from(rows.map((r) => r.error ?? 0)),
    status: Int32Array.from(rows.map((r) => r.status ?? 2)),
  }
}

function tracker(options: { transactional?: boolean; nativeFatal?: unknown } = {}): {
  tracker: DeliveryTracker
  host: DeliveryTrackerHost
  rejected: Array<{ delivery: PendingDelivery; error: unknown }>
  settledRounds: () => number
} {
  let fatal: KafkaError | undefined
  let rounds = 0
  const rejected: Array<{ delivery: PendingDelivery; error: unknown }> = []
  const host: DeliveryTrackerHost = {
    transactional: options.transactional ?? false,
    fatal: () => fatal,
    nativeFatalError: () => options.nativeFatal,
    failFatally: (error) => {
      fatal ??= error
      result.tracker.settlePurged()
    },
    rejectSend: (delivery, error) => {
      delivery.reject(error)
      rejected.push({ delivery, error })
    },
    afterSettle: () => {
      rounds++
    },
  }
  const result = { tracker: new DeliveryTracker(16, host), host, rejected, settledRounds: () => rounds }
  return result
}

afterEach(() => {
  vi.useRealTimers()
})

describe('DeliveryTracker', () => {
  it('settles delivered sends with their report and failed ones with the mapped error, then calls afterSettle once', () => {
    const { tracker: t, rejected, settledRounds } = tracker()
    const ok = new PendingDelivery('orders')
    const bad = new PendingDelivery('orders')
    t.track(7, ok)
    t.track(8, bad)
    t.onDeliveries(
      reports([
        { seq: 7, partition: 3, offset: 42 },
        { seq: 8, error: MSG_SIZE_TOO_LARGE, partition: 1, status: 1 },
      ]),
    )
    expect(ok.report).toEqual({ topic: 'orders', partition: 3, offset: '42', timestamp: 1000 })
    expect(rejected).toHaveLength(1)
    expect(rejected[0]!.error).toMatchObject({
      code: 'ERR_KAFKA_MSG_SIZE_TOO_LARGE',
      topic: 'orders',
      partition: 1,
      possiblyPersisted: true,
    })
    expect(t.size).toBe(0)
    expect(settledRounds()).toBe(1)
  })

  it('ignores reports of sends it does not track and forgets untracked ones', () => {
    const { tracker: t, rejected } = tracker()
    const delivery = new PendingDelivery('t')
    t.track(1, delivery)
    expect(t.untrack(1)).toBe(delivery)
    t.onDeliveries(reports([{ seq: 1 }, { seq: 2, error: MSG_SIZE_TOO_LARGE }]))
    expect(delivery.failed || delivery.report !== undefined).toBe(false)
    expect(rejected).toHaveLength(0)
  })

  it('fails purged sends with the fatal error librdkafka recorded before the purge', () => {
    const nativeFatal = { code: 10, rdkafkaName: 'MSG_SIZE_TOO_LARGE', message: 'fatal one', isFatal: true }
    const { tracker: t, rejected } = tracker({ nativeFatal })
    t.track(1, new PendingDelivery('t'))
    t.onDeliveries(reports([{ seq: 1, error: PURGE_QUEUE }]))
    expect(rejected).toHaveLength(1)
    expect(rejected[0]!.error).toMatchObject({ fatal: true })
    expect((rejected[0]!.error as KafkaError).message).toMatch(/fatal one/)
  })

  it('holds purged sends until the fatal error arrives, and settles them with the purge failure when it never does', () => {
    vi.useFakeTimers()
    const { tracker: t, host, rejected } = tracker()
    t.track(1, new PendingDelivery('t'))
    t.track(2, new PendingDelivery('t'))
    t.onDeliveries(reports([{ seq: 1, error: PURGE_QUEUE }]))
    expect(rejected).toHaveLength(0)
    expect(t.size).toBe(2)
    const cause = new KafkaError('ERR_STATE', 'the cause', { fatal: true })
    host.failFatally(cause)
    expect(rejected.map((r) => r.error)).toEqual([cause])
    t.onDeliveries(reports([{ seq: 2, error: PURGE_QUEUE }]))
    expect(rejected.map((r) => r.error)).toEqual([cause, cause])

    const late = tracker()
    late.tracker.track(5, new PendingDelivery('t'))
    late.tracker.onDeliveries(reports([{ seq: 5, error: PURGE_QUEUE }]))
    vi.advanceTimersByTime(FATAL_CAUSE_WAIT_MS)
    expect(late.rejected.map((r) => (r.error as KafkaError).rdkafkaName)).toEqual(['_PURGE_QUEUE'])
  })

  it("fails a transactional producer's purged sends at once (an abort purges without a fatal error)", () => {
    const { tracker: t, rejected } = tracker({ transactional: true })
    t.track(1, new PendingDelivery('t'))
    t.onDeliveries(reports([{ seq: 1, error: PURGE_QUEUE }]))
    expect((rejected[0]!.error as KafkaError).rdkafkaName).toBe('_PURGE_QUEUE')
  })

  it('wakes a waitForSettled waiter once nothing is in flight, and rejectAll fails and forgets every send', async () => {
    const { tracker: t, rejected } = tracker()
    t.track(1, new PendingDelivery('t'))
    let woken = false
    const waiting = t.waitForSettled(60_000).then(() => (woken = true))
    t.wakeIfAllSettled()
    await Promise.resolve()
    expect(woken).toBe(false)
    t.onDeliveries(reports([{ seq: 1 }]))
    t.wakeIfAllSettled()
    await waiting
    expect(woken).toBe(true)
    t.track(2, new PendingDelivery('t'))
    t.track(3, new PendingDelivery('t'))
    const error = new Error('closing')
    expect(t.rejectAll(error)).toBe(2)
    expect(t.size).toBe(0)
    expect(rejected.map((r) => r.error)).toEqual([error, error])
  })
})
