/**
 * Avro schema values as kafkit accepts them, the typed schema constants the code generator emits, and parsing them
 * into avsc types with kafkit's logical types.
 * @module
 */
import type { Type } from 'avsc'
import { ConfigError } from '../errors/kafka-error.js'
import { avroTypeFor } from './avro-logical-types.js'

/** A JSON object of an Avro schema (`{ "type": "record", ... }`), as parsed from an `.avsc` file. */
export interface AvroSchemaObject {
  /** The Avro type: a primitive name, `record`, `enum`, `array`, `map`, `fixed`, or a nested schema. */
  readonly type: unknown
  /** Any other attribute: `name`, `namespace`, `fields`, `symbols`, `logicalType`, `doc`... */
  readonly [attribute: string]: unknown
}

/**
 * An Avro schema: its JSON text (the content of an `.avsc` file, or the `schema` string of a registry response), its
 * parsed JSON object, or a top-level union (array).
 *
 * A string is always JSON text: the primitive schema `string` is written `'"string"'` or `{ type: 'string' }`.
 */
export type AvroSchemaInput = string | AvroSchemaObject | readonly unknown[]

/**
 * An Avro schema that carries the TypeScript type of its values, as emitted by `kafkit avro-types`. Passing one to
 * `serdes.avro({ schema })` makes the serde a `Serde<T>` without writing `T`.
 *
 * @typeParam T - the JavaScript type of values of this schema
 */
export type TypedAvroSchema<T> = (AvroSchemaObject | readonly unknown[]) & {
  /** Type-level only: never present at run time. */
  readonly '~avroValue'?: T
}

/** A schema without a TypeScript type attached, so that it cannot stand in for a typed schema of another type. */
export type UntypedAvroSchema = AvroSchemaInput & { readonly '~avroValue'?: never }

/** An Avro schema parsed once: its avsc type, its JSON value and the text sent to the registry. */
export interface ParsedAvroSchema {
  /** The avsc type, with kafkit's logical types. */
  readonly type: Type
  /** The schema as JSON (what was given, not normalized). */
  readonly json: unknown
  /**
   * Compact JSON text of the schema, registered as is. Always the same text for the same schema, which matters on
   * registries that identify schemas by exact text (Apicurio without `normalize`).
   */
  readonly text: string
  /** Full name of the top-level named type (`com.acme.Order`), or `undefined` for primitives, arrays, maps, unions. */
  readonly name: string | undefined
}

/**
 * Parses a schema with kafkit's avsc options. Throws {@link ConfigError} naming `path` when it is not valid Avro.
 *
 * @param input - JSON text or parsed JSON of the schema
 * @param path - the option path reported in errors, e.g. `schema` or `readerSchema`
 */
export function parseAvroSchema(input: AvroSchemaInput, path: string): ParsedAvroSchema {
  let json: unknown
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input)
    } catch (error) {
      throw new ConfigError(
        path,
        `expected Avro schema JSON text, got a string that is not JSON (${(error as Error).message}); primitive schemas are written '"string"' or { type: 'string' }`,
        { cause: error },
      )
    }
  } else if (typeof input === 'object' && input !== null) {
    json = input
  } else {
    throw new ConfigError(
      path,
      `expected an Avro schema (JSON text or object), got ${input === null ? 'null' : typeof input}`,
    )
  }
  let type: Type
  try {
    type = avroTypeFor(json)
  } catch (error) {
    throw new ConfigError(path, `not a valid Avro schema: ${(error as Error).message}`, { cause: error })
  }
  return { type, json, text: JSON.stringify(json), name: type.name }
}

/** The avsc type of a schema text fetched from a registry, with kafkit's logical types. */
export function avroTypeOf(schemaText: string): Type {
  return avroTypeFor(JSON.parse(schemaText))
}
