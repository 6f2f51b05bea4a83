/**
 * Options of {@link instrumentKafkit}, validated once.
 * @module
 */
import { propagation, trace, type TextMapPropagator, type TracerProvider } from '@opentelemetry/api'
import { ConfigError } from '../errors/kafka-error.js'
import { expectBoolean, expectObject, rejectUnknownKeys } from '../config/validate.js'

/** Options of {@link instrumentKafkit}. */
export interface KafkitInstrumentationOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`, set by the OpenTelemetry SDK)
   */
  readonly tracerProvider?: TracerProvider
  /**
   * How trace context is written into and read from record headers.
   * @default the global propagator (`propagation`): W3C `traceparent`/`tracestate` once the SDK is set up
   */
  readonly propagator?: TextMapPropagator
  /**
   * Write the trace context of each send into its records' headers (`traceparent`, `tracestate`), so that the
   * consumer's spans join the producer's trace.
   * @default true
   */
  readonly injectHeaders?: boolean
  /**
   * Spans for `producer.transaction(fn)` (the transaction's sends become its children).
   * @default true
   */
  readonly transactions?: boolean
  /**
   * Spans for `Admin` calls.
   * @default true
   */
  readonly admin?: boolean
}

/** Defaults of {@link KafkitInstrumentationOptions}. */
export const INSTRUMENTATION_DEFAULTS = Object.freeze({ injectHeaders: true, transactions: true, admin: true })

/** Validated options. */
export interface ResolvedInstrumentationOptions {
  readonly tracerProvider: TracerProvider
  readonly propagator: TextMapPropagator
  readonly injectHeaders: boolean
  readonly transactions: boolean
  readonly admin: boolean
}

const KEYS = ['tracerProvider', 'propagator', ...Object.keys(INSTRUMENTATION_DEFAULTS)]

/** Validates the options; throws a `ConfigError` naming the option on a wrong one. */
export function resolveInstrumentationOptions(options: unknown): ResolvedInstrumentationOptions {
  const opts = expectObject(options ?? {}, 'options')
  rejectUnknownKeys(opts, KEYS, '')
  const tracerProvider = opts.tracerProvider ?? trace.getTracerProvider()
  if (typeof (tracerProvider as Partial<TracerProvider>).getTracer !== 'function') {
    throw new ConfigError('tracerProvider', 'expected an OpenTelemetry TracerProvider (an object with getTracer())')
  }
  const propagator = opts.propagator ?? propagation
  const { inject, extract } = propagator as Partial<TextMapPropagator>
  if (typeof inject !== 'function' || typeof extract !== 'function') {
    throw new ConfigError(
      'propagator',
      'expected an OpenTelemetry TextMapPropagator (an object with inject() and extract())',
    )
  }
  const flag = (key: keyof typeof INSTRUMENTATION_DEFAULTS): boolean =>
    expectBoolean(opts[key] ?? INSTRUMENTATION_DEFAULTS[key], key)
  return {
    tracerProvider: tracerProvider as TracerProvider,
    propagator: propagator as TextMapPropagator,
    injectHeaders: flag('injectHeaders'),
    transactions: flag('transactions'),
    admin: flag('admin'),
  }
}
