/**
 * The two hooks kafkit sets into `@confluentinc/schemaregistry`'s Avro serde, as subclasses built on first use
 * (the library is an optional peer dependency loaded on first use, see `src/registry/confluent.ts`). Everything else (wire format, schema id
 * lookup, validation, encoding, reader/writer resolution, data contract rules) is the library's own code.
 * @module
 */
import type {
  AvroDeserializer,
  AvroDeserializerConfig,
  AvroSerializer,
  AvroSerializerConfig,
  Migration,
  SchemaId,
  SerdeType,
} from '@confluentinc/schemaregistry'
import type { Type } from 'avsc'
import {
  type ConfluentClient,
  type ConfluentSchemaInfo,
  type ConfluentSchemaMetadata,
  loadConfluent,
} from '../registry/confluent.js'

/** The library pieces the Avro serde uses, plus kafkit's two subclasses. */
export interface ConfluentAvro {
  /** `SerdeType.KEY` / `SerdeType.VALUE`. */
  readonly serdeType: { readonly key: SerdeType; readonly value: SerdeType }
  /** The library's serializer (with a faster schema cache), used with `useLatestVersion`. */
  readonly AvroSerializer: new (
    client: ConfluentClient,
    serdeType: SerdeType,
    conf: AvroSerializerConfig,
  ) => AvroSerializer
  /** The library's deserializer (with a faster schema cache), used unless a local reader schema is given. */
  readonly AvroDeserializer: new (
    client: ConfluentClient,
    serdeType: SerdeType,
    conf: AvroDeserializerConfig,
  ) => AvroDeserializer
  /**
   * A serializer bound to one schema id. kafkit registers (or looks up) the user's schema once per subject; the
   * library's own flow would instead derive a schema from each value (`Type.forValue`) or ask the registry.
   */
  readonly FixedSchemaSerializer: new (
    client: ConfluentClient,
    serdeType: SerdeType,
    conf: AvroSerializerConfig,
    id: number,
    info: ConfluentSchemaInfo,
  ) => AvroSerializer
  /**
   * A deserializer that resolves every writer schema into a local reader schema. The library only takes reader
   * schemas from the registry (`useLatestVersion`).
   */
  readonly LocalReaderDeserializer: new (
    client: ConfluentClient,
    serdeType: SerdeType,
    conf: AvroDeserializerConfig,
    reader: ConfluentSchemaMetadata,
  ) => AvroDeserializer
  /** The library's serialization error class (thrown for invalid values and bad headers). */
  readonly SerializationError: new (message?: string) => Error
}

let loaded: Promise<ConfluentAvro> | undefined

type TypeAndReferences = [Type, Map<string, string>]
// The library types headers with a type of @confluentinc/kafka-javascript, which is not installed.
type LibraryHeaders = Parameters<AvroDeserializer['getWriterSchema']>[3]
type WithToType = new (...args: any[]) => { toType(info: ConfluentSchemaInfo): Promise<TypeAndReferences> }

/**
 * Caches parsed schemas by schema object. The library's own cache is keyed by a deterministic stringification of the
 * schema text, computed for every record (a quarter of the time spent on a 300-byte record); the schema objects it
 * passes are the client's cached ones, so identity is a sound key.
 */
function withTypeCache<Base extends WithToType>(base: Base) {
  return class extends base {
    readonly #types = new WeakMap<ConfluentSchemaInfo, Promise<TypeAndReferences>>()

    override toType(info: ConfluentSchemaInfo): Promise<TypeAndReferences> {
      let type = this.#types.get(info)
      if (!type) {
        type = super.toType(info)
        this.#types.set(info, type)
        type.catch(() => this.#types.delete(info))
      }
      return type
    }
  }
}

/** Loads the library and builds the subclasses, once (a failed load is tried again by the next call). */
export function confluentAvro(): Promise<ConfluentAvro> {
  loaded ??= loadConfluent().then(buildConfluentAvro, (error: unknown) => {
    loaded = undefined
    throw error
  })
  return loaded
}

function buildConfluentAvro(serde: Awaited<ReturnType<typeof loadConfluent>>): ConfluentAvro {
  const { AvroSerializer: LibrarySerializer, AvroDeserializer: LibraryDeserializer } = serde
  const AvroSerializer = withTypeCache(LibrarySerializer)

  /**
   * Remembers writer schemas by id. The library asks its client for every record, and the client serializes those
   * lookups through a mutex: with a few thousand records in flight that queue, not the decoding, set the pace. An id
   * always names the same schema, so nothing goes stale.
   */
  class AvroDeserializer extends withTypeCache(LibraryDeserializer) {
    readonly #writers = new Map<string, ConfluentSchemaInfo>()

    override async getWriterSchema(
      topic: string,
      payload: Buffer,
      schemaId: SchemaId,
      headers?: LibraryHeaders,
      format?: string,
    ): Promise<[ConfluentSchemaInfo, number]> {
      const bytesRead = this.deserializeSchemaId(topic, payload, schemaId, headers)
      const key = `${topic}\u0000${schemaId.id ?? schemaId.guid ?? ''}`
      const known = this.#writers.get(key)
      if (known) return [known, bytesRead]
      const found = await super.getWriterSchema(topic, payload, schemaId, headers, format)
      this.#writers.set(key, found[0])
      return found
    }
  }

  class FixedSchemaSerializer extends AvroSerializer {
    readonly #schemaId: SchemaId
    readonly #info: ConfluentSchemaInfo

    constructor(
      client: ConfluentClient,
      serdeType: SerdeType,
      conf: AvroSerializerConfig,
      id: number,
      info: ConfluentSchemaInfo,
    ) {
      // useSchemaId only makes the library skip deriving a schema from the value; getSchemaId below answers.
      super(client, serdeType, { ...conf, useSchemaId: id, autoRegisterSchemas: false, useLatestVersion: false })
      this.#schemaId = new serde.SchemaId('AVRO', id)
      this.#info = info
    }

    override async getSchemaId(): Promise<[SchemaId, ConfluentSchemaInfo]> {
      return [this.#schemaId, this.#info]
    }
  }

  class LocalReaderDeserializer extends AvroDeserializer {
    readonly #reader: ConfluentSchemaMetadata

    constructor(
      client: ConfluentClient,
      serdeType: SerdeType,
      conf: AvroDeserializerConfig,
      reader: ConfluentSchemaMetadata,
    ) {
      super(client, serdeType, { ...conf, useLatestVersion: false })
      this.#reader = reader
    }

    override async getReaderSchema(): Promise<ConfluentSchemaMetadata> {
      return this.#reader
    }

    // Migration rules link registered versions; a local reader schema is not one of them.
    override async getMigrations(): Promise<Migration[]> {
      return []
    }
  }

  return {
    serdeType: { key: serde.SerdeType.KEY, value: serde.SerdeType.VALUE },
    AvroSerializer,
    AvroDeserializer,
    FixedSchemaSerializer,
    LocalReaderDeserializer,
    SerializationError: serde.SerializationError,
  }
}
