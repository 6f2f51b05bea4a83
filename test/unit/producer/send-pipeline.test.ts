import { afterEach, describe, expect, it, vi } from 'vitest'
import { type KafkaError, StateError, TimeoutError } from '../../../src/errors/kafka-error.js'
import type { NativeProducerClient } from '../../../src/native/producer.js'
import { DeliveryTracker } from '../../../src/producer/delivery-tracker.js'
import { NO_PARTITION, type EncodedRecord } from '../../../src/producer/encode-record.js'
import { PendingDelivery } from '../../../src/producer/pending-delivery.js'
import { BATCH_SIZE, HANDOVER_AT, SendPipeline } from '../../../src/producer/send-pipeline.js'

const MSG_SIZE_TOO_LARGE = 10

/** A native client that takes up to `room` records and records each batch's values. */
function fakeNative(options: { room?: number; refuse?: number[]; refuseCode?: number } = {}) {
  let pending: string[] = []
  const state = {
    room: options.room ?? Infinity,
    batches: [] as string[][],
    firstSeqs: [] as number[],
    active: false,
    drains: 0,
    sendNows: 0,
  }
  const native = {
    batch: {
      add: (_topic: number, _partition: number, _key: Buffer | null, value: Buffer | null) => {
        pending.push(value?.toString() ?? '')
      },
      get count() {
        return pending.length
      },
      reset: () => {
        pending = []
      },
    },
    topicIndex: () => 0,
    produce: (firstSeq: number) => {
      const taken = Math.min(pending.length, state.room)
      state.room -= taken
      state.batches.push(pending.slice(0, taken))
      state.firstSeqs.push(firstSeq)
      const refused = (options.refuse ?? []).filter((index) => index < taken)
      const failures = Int32Array.from([
        refused.length,
        ...refused.flatMap((index) => [index, options.refuseCode ?? MSG_SIZE_TOO_LARGE]),
      ])
      pending = []
      return { taken, failures }
    },
    drain: () => {
      state.drains++
    },
    sendNow: () => {
      state.sendNows++
      return null
    },
    setActive: (active: boolean) => {
      state.active = active
    },
  }
  return { native: native as unknown as NativeProducerClient, state }
}

function pipeline(
  native: NativeProducerClient,
  maxBlockMs = 1000,
  queueLimit = 100_000,
  fatalRefusal: () => KafkaError | undefined = () => undefined,
) {
  const rejected: Array<{ delivery: PendingDelivery; error: unknown }> = []
  const rejectSend = (delivery: PendingDelivery, error: unknown): void => {
    delivery.reject(error)
    rejected.push({ delivery, error })
  }
  const deliveries = new DeliveryTracker(16, {
    transactional: false,
    fatal: () => undefined,
    nativeFatalError: () => undefined,
    failFatally: () => undefined,
    rejectSend,
    afterSettle: () => undefined,
  })
  let closed = false
  const sends = new SendPipeline({
    native,
    deliveries,
    maxBlockMs,
    queueLimit,
    closed: () => closed,
    connected: () => !closed,
    rejectSend,
    fatalRefusal,
  })
  return { sends, deliveries, rejected, close: () => (closed = true) }
}

function record(value: string | Promise<Buffer>, partition = NO_PARTITION): EncodedRecord {
  return {
    topic: 't',
    partition,
    timestamp: undefined,
    headers: undefined,
    key: null,
    value: typeof value === 'string' ? Buffer.from(value) : value,
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('SendPipeline', () => {
  it('hands ready records over in one batch once the caller yields, tracked under consecutive sequence ids', async () => {
    const { native, state } = fakeNative()
    const { sends, deliveries } = pipeline(native)
    for (const value of ['a', 'b', 'c']) sends.push(new PendingDelivery('t'), record(value))
    expect(state.batches).toEqual([])
    expect(sends.length).toBe(3)
    expect(state.active).toBe(true)
    await Promise.resolve()
    expect(state.batches).toEqual([['a', 'b', 'c']])
    expect(sends.length).toBe(0)
    expect(deliveries.size).toBe(3)
  })

  it('hands a burst over in steps of HANDOVER_AT records while the caller is still sending', () => {
    const { native, state } = fakeNative()
    const { sends } = pipeline(native)
    for (let index = 0; index < HANDOVER_AT - 1; index++) sends.push(new PendingDelivery('t'), record(String(index)))
    expect(state.batches).toHaveLength(0)
    sends.push(new PendingDelivery('t'), record('last of the first step'))
    expect(state.batches).toHaveLength(1)
    expect(state.batches[0]).toHaveLength(HANDOVER_AT)
    for (let index = 0; index < HANDOVER_AT; index++) sends.push(new PendingDelivery('t'), record(String(index)))
    expect(state.batches.map((batch) => batch.length)).toEqual([HANDOVER_AT, HANDOVER_AT])
  })

  it('takes at most BATCH_SIZE records per native call when more wait', async () => {
    const { native, state } = fakeNative({ room: 0 })
    const { sends } = pipeline(native)
    // librdkafka's queue is full: the records pile up in kafkit's queue.
    for (let index = 0; index < BATCH_SIZE + 10; index++) sends.push(new PendingDelivery('t'), record(String(index)))
    await Promise.resolve()
    expect(state.batches.flat()).toHaveLength(0)
    state.room = Infinity
    sends.drain()
    expect(state.batches.filter((batch) => batch.length > 0).map((batch) => batch.length)).toEqual([BATCH_SIZE, 10])
  })

  it('keeps send order behind a record whose async serde is still running', async () => {
    const { native, state } = fakeNative()
    const { sends } = pipeline(native)
    let finish!: (bytes: Buffer) => void
    sends.push(new PendingDelivery('t'), record(new Promise<Buffer>((resolve) => (finish = resolve))))
    sends.push(new PendingDelivery('t'), record('second'))
    await Promise.resolve()
    expect(state.batches).toEqual([])
    finish(Buffer.from('first'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(state.batches).toEqual([['first', 'second']])
  })

  it('rejects a record whose async serde failed with a SerializationError and lets the next one go', async () => {
    const { native, state } = fakeNative()
    const { sends, rejected } = pipeline(native)
    sends.push(new PendingDelivery('t'), record(Promise.reject(new Error('schema gone'))))
    sends.push(new PendingDelivery('t'), record('next'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(rejected.map((r) => (r.error as KafkaError).message)).toEqual([
      'Cannot serialize record for topic t: schema gone',
    ])
    expect(state.batches.flat()).toEqual(['next'])
  })

  it("rejects a record refused with '_FATAL' with the producer's refusal naming its fatal error, once known", async () => {
    const FATAL = -150
    const cause = new StateError('Producer.send() refused: the producer hit a fatal error (denied)', { fatal: true })
    const fatal: { known?: KafkaError } = {}
    const { native } = fakeNative({ refuse: [0], refuseCode: FATAL })
    const { sends, rejected } = pipeline(native, 1000, 100_000, () => fatal.known)
    // Not known yet: librdkafka's own error.
    sends.push(new PendingDelivery('t'), record('a'))
    await Promise.resolve()
    expect((rejected[0]!.error as KafkaError).code).toBe('ERR_KAFKA_FATAL')
    fatal.known = cause
    sends.push(new PendingDelivery('t'), record('b'))
    await Promise.resolve()
    expect(rejected[1]!.error).toBe(cause)
  })

  it('rejects records librdkafka refused on their own and stops tracking them', async () => {
    const { native } = fakeNative({ refuse: [1] })
    const { sends, deliveries, rejected } = pipeline(native)
    sends.push(new PendingDelivery('t'), record('ok'))
    sends.push(new PendingDelivery('t'), record('too big', 2))
    await Promise.resolve()
    expect(deliveries.size).toBe(1)
    expect(rejected[0]!.error).toMatchObject({ code: 'ERR_KAFKA_MSG_SIZE_TOO_LARGE', topic: 't', partition: 2 })
  })

  it("waits for room when librdkafka's queue is full and fails records that waited longer than maxBlockMs", async () => {
    vi.useFakeTimers()
    const { native, state } = fakeNative({ room: 1 })
    const { sends, rejected } = pipeline(native, 50, 2)
    sends.push(new PendingDelivery('t'), record('a'))
    sends.push(new PendingDelivery('t'), record('b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(state.batches[0]).toEqual(['a'])
    expect(state.drains).toBe(1)
    expect(sends.hasCapacity).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(rejected).toHaveLength(1)
    expect(rejected[0]!.error).toBeInstanceOf(TimeoutError)
    expect((rejected[0]!.error as Error).message).toMatch(/waited 50 ms \(maxBlockMs\)/)
    expect(sends.length).toBe(0)
  })

  it('discards waiting records as purged, and rejectWaiting fails them with the given error and wakes waiters', async () => {
    const { native, state } = fakeNative({ room: 0 })
    const first = pipeline(native, 60_000, 1)
    first.sends.push(new PendingDelivery('t'), record('a'))
    first.sends.discardWaiting('abort')
    expect(first.rejected.map((r) => (r.error as KafkaError).rdkafkaName)).toEqual(['_PURGE_QUEUE'])
    expect(state.active).toBe(false)

    const second = pipeline(native, 60_000, 1)
    second.sends.push(new PendingDelivery('t'), record('b'))
    second.sends.drain()
    const capacity = second.sends.waitForCapacity()
    const handedOver = second.sends.handedOver(60_000, 'flush')
    const closing = new Error('closing')
    second.sends.rejectWaiting(closing)
    await capacity
    await handedOver
    expect(second.rejected.map((r) => r.error)).toEqual([closing])
  })

  it('asks librdkafka to send at once only after a sendBatch() handed all its records over, once', async () => {
    const { native, state } = fakeNative()
    const { sends } = pipeline(native)
    sends.push(new PendingDelivery('t'), record('plain send'))
    await Promise.resolve()
    expect(state.sendNows).toBe(0)
    let finish!: (bytes: Buffer) => void
    sends.sendNowOnceHandedOver()
    sends.push(new PendingDelivery('t'), record(new Promise<Buffer>((resolve) => (finish = resolve))))
    sends.push(new PendingDelivery('t'), record('second'))
    await Promise.resolve()
    expect(state.sendNows).toBe(0)
    finish(Buffer.from('first'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(state.batches.at(-1)).toEqual(['first', 'second'])
    expect(state.sendNows).toBe(1)
    sends.push(new PendingDelivery('t'), record('later send'))
    await Promise.resolve()
    expect(state.sendNows).toBe(1)
  })

  it('starts the send-now round of a batch larger than HANDOVER_AT only once all its records are handed over', async () => {
    const { native, state } = fakeNative()
    const { sends } = pipeline(native)
    sends.sendNowOnceHandedOver()
    const total = HANDOVER_AT * 2 + 5
    for (let index = 0; index < total; index++) sends.push(new PendingDelivery('t'), record(String(index)))
    // Two handovers happened while the batch was being queued: neither may hurry librdkafka.
    expect(state.batches.flat()).toHaveLength(HANDOVER_AT * 2)
    expect(state.sendNows).toBe(0)
    await Promise.resolve()
    expect(state.batches.flat()).toHaveLength(total)
    expect(state.sendNows).toBe(1)
  })

  it('starts the send-now round of a batch that ended on a handover (nothing left to drain)', async () => {
    const { native, state } = fakeNative()
    const { sends } = pipeline(native)
    for (let index = 0; index < HANDOVER_AT; index++) sends.push(new PendingDelivery('t'), record(String(index)))
    expect(state.batches.flat()).toHaveLength(HANDOVER_AT)
    sends.sendNowOnceHandedOver()
    await Promise.resolve()
    expect(state.sendNows).toBe(1)
  })

  it('times handedOver out naming the records still waiting, and hands nothing over once closed', async () => {
    const { native, state } = fakeNative({ room: 0 })
    const { sends, close } = pipeline(native, 60_000)
    sends.push(new PendingDelivery('t'), record('a'))
    await expect(sends.handedOver(5, 'Producer.flush()')).rejects.toThrow(
      /Producer\.flush\(\) timed out after 5 ms with 1 records still waiting/,
    )
    close()
    const before = state.batches.length
    sends.drain()
    expect(state.batches.length).toBe(before)
    sends.rejectWaiting(new Error('closed'))
  })
})
