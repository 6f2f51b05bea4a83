/**
 * `serdes.jsonSchema()`: JSON keys and values in Confluent's wire format (magic byte 0, 4-byte schema id, UTF-8
 * JSON) through a Schema Registry, validated against their JSON Schema on both sides, on
 * `@confluentinc/schemaregistry`'s `JsonSerializer` and `JsonDeserializer` (Ajv underneath).
 * @module
 */
import type { JsonDeserializer, JsonSerializer, SchemaInfo, ValidateFunction } from '@confluentinc/schemaregistry'
import { expectBoolean } from '../config/validate.js'
import { ConfigError } from '../errors/kafka-error.js'
import { RegistrySerde, type RegistrySerdeOptions, type SchemaFormat } from './registry-serde.js'
import type { Serde } from './types.js'

/** A JSON Schema document (draft-07, or 2020-12 when its `$schema` says so), as parsed JSON. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>

/**
 * A JSON Schema that carries the TypeScript type of the values it describes, at the type level only: passing one to
 * `serdes.jsonSchema({ schema })` makes the serde a `Serde<T>` without writing `T`.
 *
 * @typeParam T - the values' type
 */
export type TypedJsonSchema<T> = JsonSchemaObject & {
  /** Type-level only: never present at run time. */
  readonly '~jsonValue'?: T
}

/**
 * Options of `serdes.jsonSchema()`.
 *
 * @typeParam T - the values' type
 */
export interface JsonSchemaSerdeOptions<T> extends RegistrySerdeOptions {
  /**
   * The schema values are written with (parsed JSON or its text). Its `title` names record-based subjects. A consumer
   * reads with the writer schema named by each record's schema id and does not need it.
   * @default none
   */
  schema?: TypedJsonSchema<T> | JsonSchemaObject | string
  /**
   * Consumer: validate every value read against its writer schema (reason `DECODE_FAILED` when it does not). Values
   * written are always validated (reason `INVALID_RECORD`).
   * @default true
   */
  validate?: boolean
}

/** Defaults of the JSON Schema-specific options. */
export const JSON_SCHEMA_SERDE_DEFAULTS = Object.freeze({ validate: true } as const)

function parseSchema(schema: unknown): JsonSchemaObject | undefined {
  if (schema === undefined) return undefined
  let parsed: unknown = schema
  if (typeof schema === 'string') {
    try {
      parsed = JSON.parse(schema)
    } catch (error) {
      throw new ConfigError(
        'schema',
        `expected JSON Schema text, got a string that is not JSON (${(error as Error).message})`,
        { cause: error },
      )
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(
      'schema',
      `expected a JSON Schema object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`,
    )
  }
  return parsed as JsonSchemaObject
}

/** Ajv's errors as `at <path>: <message>`; Ajv (without `verbose`) never quotes the value. */
export function describeValidationErrors(errors: ValidateFunction['errors']): string {
  const list = (errors ?? [])
    .slice(0, 5)
    .map(
      (error) =>
        `at ${error.instancePath === '' ? 'the top level' : error.instancePath}: ${error.message ?? error.keyword}`,
    )
  const more = (errors?.length ?? 0) > 5 ? ` (and ${errors!.length - 5} more)` : ''
  return list.length === 0 ? 'it does not validate' : `${list.join('; ')}${more}`
}

function jsonSchemaFormat<T>(schema: JsonSchemaObject | undefined, validateOnRead: boolean): SchemaFormat<T> {
  const validators = new WeakMap<JsonSerializer, Promise<ValidateFunction | undefined>>()
  const text = schema === undefined ? undefined : JSON.stringify(schema)
  const title = typeof schema?.title === 'string' ? schema.title : undefined
  return {
    format: 'JSON',
    label: 'JSON Schema',
    optionKeys: ['schema', 'validate'],
    hasSchema: schema !== undefined,
    recordName: title,
    definition: async () => ({ schema: text! }),
    // Values are validated by kafkit (checkValue) so that the message says where, without quoting the value.
    serializer: (confluent, client, field, conf) =>
      new confluent.JsonSerializer(client, field === 'key' ? confluent.SerdeType.KEY : confluent.SerdeType.VALUE, {
        ...conf,
        validate: false,
      }),
    deserializer: (confluent, client, field, conf): JsonDeserializer =>
      new confluent.JsonDeserializer(client, field === 'key' ? confluent.SerdeType.KEY : confluent.SerdeType.VALUE, {
        ...conf,
        validate: validateOnRead,
      }),
    async checkValue(value, writer: { serializer: JsonSerializer; info: SchemaInfo }) {
      let validator = validators.get(writer.serializer)
      if (!validator) {
        validator = writer.serializer.toValidateFunction(writer.info)
        validators.set(writer.serializer, validator)
      }
      const validate = await validator
      if (validate === undefined || validate(value)) return undefined
      return describeValidationErrors(validate.errors)
    },
  }
}

/**
 * A JSON Schema serde backed by a Schema Registry, for keys or values; one serde may serve several topics. Values
 * are validated against the schema when written and, by default, when read. Evolution follows the subject's
 * compatibility level: the registry refuses an incompatible schema with reason `INCOMPATIBLE_SCHEMA`.
 *
 * @typeParam T - the values' type (give it, or pass a `TypedJsonSchema<T>`)
 * @example
 * ```ts
 * const value = serdes.jsonSchema<Order>({ registry, schema: {
 *   type: 'object', title: 'Order', properties: { id: { type: 'string' } }, required: ['id'],
 * } })
 * ```
 */
export function jsonSchema<T>(options: JsonSchemaSerdeOptions<T>): Serde<T> {
  const object = (typeof options === 'object' && options !== null ? options : {}) as Partial<JsonSchemaSerdeOptions<T>>
  const validate =
    object.validate === undefined ? JSON_SCHEMA_SERDE_DEFAULTS.validate : expectBoolean(object.validate, 'validate')
  return new RegistrySerde<T>(options, jsonSchemaFormat<T>(parseSchema(object.schema), validate))
}
