export * from './types.js'
import { buffer, int32, int64, json, string } from './builtin.js'
import { avro } from './avro.js'

/** The built-in serdes, e.g. `serdes.string()`, `serdes.json<Order>()`. The Avro serde lives in `serdes.avro`. */
export const serdes = { string, json, buffer, int32, int64, avro } as const
