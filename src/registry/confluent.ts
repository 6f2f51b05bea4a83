/**
 * Loads `@confluentinc/schemaregistry` on first use. Its package index pulls in every cloud KMS SDK (about a second
 * of startup); kafkit needs only the client and the Avro serde, and only when a registry is created, so importing
 * kafkit costs nothing for applications without Avro. The version is pinned exactly in package.json, which keeps
 * these module paths stable.
 * @module
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** `@confluentinc/schemaregistry`'s client module. */
export type ConfluentClientModule = typeof import('@confluentinc/schemaregistry/dist/schemaregistry-client.js')
/** `@confluentinc/schemaregistry`'s Avro serde module. */
export type ConfluentAvroModule = typeof import('@confluentinc/schemaregistry/dist/serde/avro.js')
/** `@confluentinc/schemaregistry`'s serde base module (serde types, schema ids, strategies). */
export type ConfluentSerdeModule = typeof import('@confluentinc/schemaregistry/dist/serde/serde.js')

export type {
  Client as ConfluentClient,
  SchemaInfo as ConfluentSchemaInfo,
  SchemaMetadata as ConfluentSchemaMetadata,
} from '@confluentinc/schemaregistry/dist/schemaregistry-client.js'

const PACKAGE = '@confluentinc/schemaregistry/dist'

let clientModule: ConfluentClientModule | undefined
let avroModule: ConfluentAvroModule | undefined
let serdeModule: ConfluentSerdeModule | undefined

/** The client module (`SchemaRegistryClient`, `Compatibility`...). */
export function confluentClientModule(): ConfluentClientModule {
  return (clientModule ??= require(`${PACKAGE}/schemaregistry-client.js`) as ConfluentClientModule)
}

/** The Avro serde module (`AvroSerializer`, `AvroDeserializer`). */
export function confluentAvroModule(): ConfluentAvroModule {
  return (avroModule ??= require(`${PACKAGE}/serde/avro.js`) as ConfluentAvroModule)
}

/** The serde base module (`SerdeType`, `SchemaId`, `SerializationError`, subject name strategies). */
export function confluentSerdeModule(): ConfluentSerdeModule {
  return (serdeModule ??= require(`${PACKAGE}/serde/serde.js`) as ConfluentSerdeModule)
}
