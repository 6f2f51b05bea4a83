/**
 * The schema model of the registry API: compatibility levels, schema definitions, stored schemas and versions, and
 * their conversion to and from `@confluentinc/schemaregistry`'s `SchemaInfo`.
 * @module
 */
import type { AvroSchemaInput, TypedAvroSchema } from '../serde/avro-schema.js'
import type { ConfluentSchemaInfo } from './confluent.js'

/** Compatibility levels a registry enforces between versions of a subject. */
export const CompatibilityLevel = {
  NONE: 'NONE',
  BACKWARD: 'BACKWARD',
  BACKWARD_TRANSITIVE: 'BACKWARD_TRANSITIVE',
  FORWARD: 'FORWARD',
  FORWARD_TRANSITIVE: 'FORWARD_TRANSITIVE',
  FULL: 'FULL',
  FULL_TRANSITIVE: 'FULL_TRANSITIVE',
} as const

/** One of {@link CompatibilityLevel}. */
export type CompatibilityLevel = (typeof CompatibilityLevel)[keyof typeof CompatibilityLevel]

/** Schema formats a registry stores. */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF'

/** A reference from a schema to a named type registered under another subject. */
export interface SchemaReference {
  /** The referenced type's name as used in the referencing schema (Avro: its full name). */
  readonly name: string
  /** The subject the referenced schema is registered under. */
  readonly subject: string
  /** The version of that subject. */
  readonly version: number
}

/** A schema to register or look up. */
export interface SchemaDefinition {
  /** The schema: its text, or (Avro, JSON Schema) its parsed JSON. Objects are sent as compact JSON. */
  schema: AvroSchemaInput | TypedAvroSchema<unknown> | Readonly<Record<string, unknown>>
  /** Its format. @default 'AVRO' */
  schemaType?: SchemaType
  /** References to schemas under other subjects. @default none */
  references?: readonly SchemaReference[]
}

/** A schema as stored by the registry. */
export interface StoredSchema {
  /** The schema text, exactly as the registry returns it. */
  readonly schema: string
  /** Its format. */
  readonly schemaType: SchemaType
  /** Its references. */
  readonly references: readonly SchemaReference[]
}

/** A version of a subject. */
export interface SubjectVersion extends StoredSchema {
  /** The subject. */
  readonly subject: string
  /** The version number within the subject. */
  readonly version: number
  /** The globally unique schema id written in each record's header. */
  readonly id: number
}

/** The id a schema got (or already had) under a subject. */
export interface RegisteredSchema {
  /** The subject. */
  readonly subject: string
  /** The schema id. */
  readonly id: number
  /** The version within the subject, when the registry reported it. */
  readonly version: number | undefined
}

const SCHEMA_TYPES: ReadonlySet<string> = new Set(['AVRO', 'JSON', 'PROTOBUF'])

function schemaTypeOf(value: string | undefined): SchemaType {
  return value !== undefined && SCHEMA_TYPES.has(value) ? (value as SchemaType) : 'AVRO'
}

/**
 * Compact JSON text of an Avro or JSON schema, so that the same schema is always sent as the same text: registries
 * that compare schemas by exact text (Apicurio, unless `normalize` is set) then give it one id. Protobuf text is
 * sent as is.
 */
export function schemaText(schema: SchemaDefinition['schema'], schemaType: SchemaType = 'AVRO'): string {
  if (typeof schema !== 'string') return JSON.stringify(schema)
  if (schemaType === 'PROTOBUF') return schema
  try {
    return JSON.stringify(JSON.parse(schema))
  } catch {
    // Not JSON: let the registry say what is wrong with it.
    return schema
  }
}

/** The client's `SchemaInfo` for a definition (schema text as {@link schemaText} makes it). */
export function toSchemaInfo(definition: SchemaDefinition): ConfluentSchemaInfo {
  const schemaType = definition.schemaType ?? 'AVRO'
  return {
    schema: schemaText(definition.schema, schemaType),
    schemaType,
    ...(definition.references === undefined ? {} : { references: definition.references.map((ref) => ({ ...ref })) }),
  }
}

/** A stored schema from the client's `SchemaInfo` (an unknown or missing type reads as `AVRO`). */
export function toStored(info: ConfluentSchemaInfo): StoredSchema {
  return {
    schema: info.schema,
    schemaType: schemaTypeOf(info.schemaType),
    references: (info.references ?? []).map((ref) => ({ name: ref.name, subject: ref.subject, version: ref.version })),
  }
}
