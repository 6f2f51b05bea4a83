import { propagation, trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/index.js'
import { headerGetter, textKey } from '../../../src/otel/headers.js'
import { instrumentKafkit } from '../../../src/otel/index.js'
import { resolveInstrumentationOptions } from '../../../src/otel/options.js'
import { tracingChannels } from '../../../src/tracing/index.js'

describe('instrumentKafkit options', () => {
  it('defaults to the global tracer provider and propagator', () => {
    const resolved = resolveInstrumentationOptions({})
    expect(resolved.tracerProvider).toBe(trace.getTracerProvider())
    expect(resolved.propagator).toBe(propagation)
    expect(resolved).toMatchObject({ injectHeaders: true, transactions: true, admin: true })
  })

  it('throws a ConfigError naming a wrong or misspelled option', () => {
    expect(() => instrumentKafkit({ tracerProvider: {} as never })).toThrow(ConfigError)
    expect(() => instrumentKafkit({ tracerProvider: {} as never })).toThrow(/tracerProvider/)
    expect(() => instrumentKafkit({ propagator: { inject() {} } as never })).toThrow(/propagator/)
    expect(() => instrumentKafkit({ admin: 'yes' as never })).toThrow(/admin/)
    expect(() => instrumentKafkit({ injectHeader: false } as never)).toThrow(/did you mean `injectHeaders`/)
    // A refused configuration subscribes nothing.
    expect(tracingChannels.producerSend.hasSubscribers).toBe(false)
  })

  it('subscribes while enabled and leaves every channel once disabled', () => {
    const instrumentation = instrumentKafkit({ admin: false })
    expect(tracingChannels.producerSend.hasSubscribers).toBe(true)
    expect(tracingChannels.consumerProcess.hasSubscribers).toBe(true)
    expect(tracingChannels.consumerProcessBatch.hasSubscribers).toBe(true)
    expect(tracingChannels.producerTransaction.hasSubscribers).toBe(true)
    expect(tracingChannels.adminCall.hasSubscribers).toBe(false)
    instrumentation.disable()
    instrumentation.disable()
    for (const channel of Object.values(tracingChannels)) expect(channel.hasSubscribers).toBe(false)
  })
})

describe('trace context in headers', () => {
  it('reads the last value of a repeated header, and no value from a header without one', () => {
    const headers = [
      ['traceparent', Buffer.from('first')],
      ['other', null],
      ['traceparent', Buffer.from('second')],
    ] as const
    expect(headerGetter.get(headers, 'traceparent')).toBe('second')
    expect(headerGetter.get(headers, 'other')).toBeUndefined()
    expect(headerGetter.get(headers, 'missing')).toBeUndefined()
    expect(headerGetter.keys(headers)).toEqual(['traceparent', 'other'])
  })

  it('gives a key as text only when it is text', () => {
    expect(textKey(Buffer.from('order-1'))).toBe('order-1')
    expect(textKey(Buffer.from('zoë'))).toBe('zoë')
    expect(textKey(Buffer.from([0, 0, 0, 42]))).toBeUndefined() // an int32 key
    expect(textKey(Buffer.from([0xc3, 0x28]))).toBeUndefined() // invalid UTF-8
    expect(textKey(null)).toBeUndefined()
  })
})
