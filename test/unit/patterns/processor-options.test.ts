import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/index.js'
import { PROCESSOR_DEFAULTS, resolveProcessorOptions } from '../../../src/patterns/processor-options.js'

const base = { brokers: 'localhost:9092', groupId: 'g', transactionalId: 't', input: { a: {} }, output: { b: {} }, handle: () => undefined }

describe('resolveProcessorOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveProcessorOptions(base)
    expect(resolved.maxBatchSize).toBe(PROCESSOR_DEFAULTS.maxBatchSize)
    expect(resolved.maxBatchMs).toBe(PROCESSOR_DEFAULTS.maxBatchMs)
    expect(resolved.errorPolicy).toBe('stop')
    expect(resolved.connection).toEqual({ brokers: 'localhost:9092' })
  })

  it.each([
    [{ groupId: undefined }, 'groupId'],
    [{ transactionalId: 3 }, 'transactionalId'],
    [{ input: {} }, 'input'],
    [{ output: { a: {} } }, 'output.a'],
    [{ handle: 'x' }, 'handle'],
    [{ maxBatchSize: 0 }, 'maxBatchSize'],
    [{ maxBatchMs: -1 }, 'maxBatchMs'],
    [{ errorPolicy: 'retry' }, 'errorPolicy'],
    [{ rdkafka: {} }, 'rdkafka'],
  ])('rejects %o naming %s', (patch, path) => {
    const attempt = (): unknown => resolveProcessorOptions({ ...base, ...patch })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(path)
  })
})
