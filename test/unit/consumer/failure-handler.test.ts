import { describe, expect, it } from 'vitest'
import { deadLetterHeaders, DEAD_LETTER_HEADERS, type DeadLetterQueue } from '../../../src/consumer/dead-letter.js'
import { FailureHandler, notSkippable, sleep } from '../../../src/consumer/failure-handler.js'
import { resolveConsumerOptions } from '../../../src/consumer/options.js'
import { resolveRunOptions } from '../../../src/consumer/run-options.js'
import { KafkaError, SerializationError } from '../../../src/errors/index.js'
import type { RawMessage } from '../../../src/native/consumer.js'

const raw: RawMessage = {
  topic: 'orders',
  partition: 1,
  offset: 12,
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  size: 1,
  timestamp: 5,
  headers: [],
}
const consumerOptions = resolveConsumerOptions({ brokers: 'localhost:9092', groupId: 'g' })

function policy(
  run: Record<string, unknown>,
  deadLetter?: Partial<DeadLetterQueue>,
): { policy: FailureHandler; reported: KafkaError[] } {
  const reported: KafkaError[] = []
  const resolved = resolveRunOptions({ eachMessage: () => {}, ...run }, consumerOptions)
  return {
    policy: new FailureHandler(resolved, deadLetter as DeadLetterQueue | undefined, (e) => reported.push(e)),
    reported,
  }
}

const context = (attempt: () => unknown, extra: { stale?: () => boolean; signal?: AbortSignal } = {}) => ({
  raw,
  attempt,
  isStale: extra.stale ?? (() => false),
  signal: extra.signal ?? new AbortController().signal,
})

describe('FailureHandler', () => {
  it('backs off exponentially up to maxDelayMs', () => {
    const { policy: p } = policy({ retry: { initialDelayMs: 100, multiplier: 3, maxDelayMs: 1000 } })
    expect([1, 2, 3, 4].map((n) => p.delayMs(n))).toEqual([100, 300, 900, 1000])
  })

  it('retries until an attempt succeeds, reporting each failure with the message named', async () => {
    const { policy: p, reported } = policy({ retry: { retries: 5, initialDelayMs: 1 } })
    let calls = 0
    const verdict = await p.recover(
      new Error('first'),
      context(() => {
        if (++calls < 3) throw new Error(`again ${calls}`)
      }),
    )
    expect(verdict).toEqual({ kind: 'ok' })
    expect(calls).toBe(3)
    expect(reported.map((e) => e.message)).toEqual([
      'eachMessage failed on topic orders partition 1 offset 12: first',
      'eachMessage failed on topic orders partition 1 offset 12: again 1',
      'eachMessage failed on topic orders partition 1 offset 12: again 2',
    ])
    expect(reported[0]).toMatchObject({ code: 'ERR_HANDLER', topic: 'orders', partition: 1, offset: '12' })
  })

  it("gives up after the retries: 'stop' returns the last error, 'skip' skips", async () => {
    let calls = 0
    const failing = (): never => {
      calls++
      throw new Error('still failing')
    }
    const stop = await policy({ retry: { retries: 2, initialDelayMs: 1 } }).policy.recover(
      new Error('x'),
      context(failing),
    )
    expect(calls).toBe(2)
    expect(stop.kind).toBe('stop')
    expect(stop.kind === 'stop' && stop.error.message).toContain('still failing')
    expect(
      await policy({ retry: { retries: 0 }, errorPolicy: 'skip' }).policy.recover(new Error('x'), context(failing)),
    ).toEqual({ kind: 'skip' })
  })

  it('stops instead of skipping or dead-lettering a failure marked not skippable', async () => {
    const machinery = notSkippable(new KafkaError('ERR_KAFKA_MSG_SIZE_TOO_LARGE', 'delivery failed'))
    const fail = (): never => {
      throw machinery
    }
    expect(
      await policy({ retry: { retries: 1, initialDelayMs: 1 }, errorPolicy: 'skip' }).policy.recover(
        machinery,
        context(fail),
      ),
    ).toEqual({ kind: 'stop', error: machinery })
    const sent: unknown[] = []
    const deadLetter = { topic: 'dlq', send: async (message: unknown) => void sent.push(message) }
    expect(
      await policy({ retry: { retries: 0 }, errorPolicy: { deadLetter: { topic: 'dlq' } } }, deadLetter).policy.recover(
        machinery,
        context(fail),
      ),
    ).toEqual({ kind: 'stop', error: machinery })
    expect(sent).toEqual([])
  })

  it('keeps serde errors as they are', async () => {
    const { policy: p, reported } = policy({ retry: { retries: 0 }, errorPolicy: 'skip' })
    const serde = new SerializationError('bad bytes', { topic: 'orders', partition: 1, offset: '12', field: 'value' })
    await p.recover(
      serde,
      context(() => undefined),
    )
    expect(reported[0]).toBe(serde)
  })

  it("'deadLetter' sends the raw record, retrying the send, and stops when it never succeeds", async () => {
    const sent: Array<[RawMessage, KafkaError]> = []
    let failures = 1
    const dlq = {
      topic: 'dlq',
      send: async (message: RawMessage, error: KafkaError) => {
        if (failures-- > 0) throw new Error('broker away')
        sent.push([message, error])
      },
    }
    const { policy: p, reported } = policy(
      { retry: { retries: 1, initialDelayMs: 1 }, errorPolicy: { deadLetter: { topic: 'dlq' } } },
      dlq,
    )
    expect(
      await p.recover(
        new Error('poison'),
        context(() => {
          throw new Error('poison')
        }),
      ),
    ).toEqual({ kind: 'skip' })
    expect(sent).toHaveLength(1)
    expect(sent[0]![0]).toBe(raw)
    expect(sent[0]![1].message).toContain('poison')
    expect(reported.some((e) => e.code === 'ERR_DEAD_LETTER')).toBe(true)

    const never = {
      topic: 'dlq',
      send: async () => {
        throw new Error('broker away')
      },
    }
    const verdict = await policy(
      { retry: { retries: 1, initialDelayMs: 1 }, errorPolicy: { deadLetter: { topic: 'dlq' } } },
      never,
    ).policy.recover(
      new Error('poison'),
      context(() => {
        throw new Error('poison')
      }),
    )
    expect(verdict.kind === 'stop' && verdict.error.code).toBe('ERR_DEAD_LETTER')
  })

  it('turns stale as soon as the work is moot, also during a backoff', async () => {
    const { policy: p } = policy({ retry: { retries: 3, initialDelayMs: 60_000 } })
    const controller = new AbortController()
    const started = Date.now()
    const pending = p.recover(
      new Error('x'),
      context(() => undefined, { signal: controller.signal }),
    )
    setTimeout(() => controller.abort(), 10)
    expect(await pending).toEqual({ kind: 'stale' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(
      await p.recover(
        new Error('x'),
        context(() => undefined, { stale: () => true }),
      ),
    ).toEqual({ kind: 'stale' })
  })

  it('sleep() resolves false at once on an aborted signal', async () => {
    expect(await sleep(1, new AbortController().signal)).toBe(true)
    expect(await sleep(60_000, AbortSignal.abort())).toBe(false)
  })
})

describe('dead-letter headers', () => {
  it('carry the original headers (binary ones base64) and where and why it failed', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00])
    const headers = deadLetterHeaders(
      {
        ...raw,
        headers: [
          ['trace', Buffer.from('t-1')],
          ['blob', binary],
        ],
      },
      new KafkaError('ERR_HANDLER', 'boom'),
    )
    expect(headers).toEqual({
      trace: 't-1',
      blob: binary.toString('base64'),
      [DEAD_LETTER_HEADERS.base64Headers]: 'blob',
      [DEAD_LETTER_HEADERS.errorMessage]: 'boom',
      [DEAD_LETTER_HEADERS.errorCode]: 'ERR_HANDLER',
      [DEAD_LETTER_HEADERS.originalTopic]: 'orders',
      [DEAD_LETTER_HEADERS.originalPartition]: '1',
      [DEAD_LETTER_HEADERS.originalOffset]: '12',
      [DEAD_LETTER_HEADERS.originalTimestamp]: '5',
    })
  })
})
