// kafkit/otel: OpenTelemetry spans for kafkit, with trace context carried in record headers.
// Loads `@opentelemetry/api` (an optional peer dependency): import this subpath only where it is installed.
export { instrumentKafkit, TRACER_NAME, type KafkitInstrumentation } from './instrument.js'
export { INSTRUMENTATION_DEFAULTS, type KafkitInstrumentationOptions } from './options.js'
export { MESSAGING_ATTRIBUTES } from './attributes.js'
