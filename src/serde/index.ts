export * from './types.js'
import { buffer, int32, int64, json, string } from './builtin.js'
export type { JsonSerdeOptions, JsonValidator } from './builtin.js'
import { avro } from './avro.js'
import { jsonSchema } from './json-schema.js'
import { protobuf } from './protobuf.js'

/**
 * The built-in serdes, e.g. `serdes.string()`, `serdes.json<Order>()`; the Schema Registry serdes are
 * `serdes.avro`, `serdes.protobuf` and `serdes.jsonSchema`.
 */
export const serdes = {
  /** UTF-8 text. */
  string,
  /** JSON text of a value of type `T` (`serdes.json<Order>()`), optionally validated; see `JsonSerdeOptions`. */
  json,
  /** Bytes as they are. */
  buffer,
  /** A 32-bit signed big-endian integer. */
  int32,
  /** A 64-bit signed big-endian integer as a `bigint`. */
  int64,
  /** Avro in Confluent's wire format through a Schema Registry; see `AvroSerdeOptions`. */
  avro,
  /** Protobuf (protobuf-es messages) in Confluent's wire format through a Schema Registry; see `ProtobufSerdeOptions`. */
  protobuf,
  /** JSON validated by a JSON Schema, in Confluent's wire format through a Schema Registry; see `JsonSchemaSerdeOptions`. */
  jsonSchema,
} as const
