/**
 * Trace context in Kafka record headers: the setter that writes a propagator's fields into a traced send's headers,
 * and the getter that reads them back from a fetched record's header list.
 * @module
 */
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api'

/** A fetched record's headers: repeated names kept, `null` for a header without a value. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: Buffer | null]>

/** Writes propagation fields (`traceparent`, `tracestate`, ...) as headers of the records being sent. */
export const headerSetter: TextMapSetter<Record<string, string | Buffer>> = {
  set(carrier, key, value) {
    carrier[key] = value
  },
}

/** Reads propagation fields from a record's headers; a repeated header counts with its last value, as on the wire. */
export const headerGetter: TextMapGetter<HeaderList> = {
  keys(carrier) {
    return [...new Set(carrier.map(([name]) => name))]
  },
  get(carrier, key) {
    for (let index = carrier.length - 1; index >= 0; index--) {
      const [name, value] = carrier[index]!
      if (name === key) return value === null ? undefined : value.toString('utf8')
    }
    return undefined
  },
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })
// C0 controls other than tab, line feed and carriage return, and DEL: text keys do not contain them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/**
 * A fetched key as span attribute text: only when its bytes are valid UTF-8 without control characters (a key that
 * was sent as a string), never for binary keys (Avro, integers) that would turn into noise.
 */
export function textKey(key: Buffer | null): string | undefined {
  if (key === null || key.length === 0 || key.length > 256) return undefined
  try {
    const text = UTF8.decode(key)
    return CONTROL.test(text) ? undefined : text
  } catch {
    return undefined
  }
}
