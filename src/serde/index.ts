export * from './types.js'
import { buffer, int32, int64, json, string } from './builtin.js'
import { avro } from './avro.js'

/** The built-in serdes, e.g. `serdes.string()`, `serdes.json<Order>()`. The Avro serde lives in `serdes.avro`. */
export const serdes = {
  /** UTF-8 text. */
  string,
  /** JSON text of a value of type `T` (`serdes.json<Order>()`). */
  json,
  /** Bytes as they are. */
  buffer,
  /** A 32-bit signed big-endian integer. */
  int32,
  /** A 64-bit signed big-endian integer as a `bigint`. */
  int64,
  /** Avro in Confluent's wire format through a Schema Registry; see `AvroSerdeOptions`. */
  avro,
} as const
