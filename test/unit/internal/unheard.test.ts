import { afterEach, describe, expect, it, vi } from 'vitest'
import { KafkaError } from '../../../src/errors/index.js'
import { UnheardErrors } from '../../../src/internal/unheard.js'

afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('UnheardErrors', () => {
  it('emits a process warning per error code at most every 10 s', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const emitted: Array<[string, unknown]> = []
    vi.spyOn(process, 'emitWarning').mockImplementation(((message: string, options: unknown) => {
      emitted.push([message, options])
    }) as typeof process.emitWarning)
    const unheard = new UnheardErrors('kafkit Consumer')
    unheard.warn(new KafkaError('ERR_HOOK', 'onRevoke hook failed: boom'))
    unheard.warn(new KafkaError('ERR_HOOK', 'onRevoke hook failed: again'))
    unheard.warn(new KafkaError('ERR_KAFKA_REBALANCE_IN_PROGRESS', 'commit failed'))
    vi.advanceTimersByTime(10_001)
    unheard.warn(new KafkaError('ERR_HOOK', 'onRevoke hook failed: later'))
    expect(emitted.map(([message]) => message.split(' (no')[0])).toEqual([
      'kafkit Consumer: onRevoke hook failed: boom',
      'kafkit Consumer: commit failed',
      'kafkit Consumer: onRevoke hook failed: later',
    ])
    expect(emitted[0]![1]).toEqual({ type: 'KafkitErrorWarning', code: 'ERR_HOOK' })
  })
})
