/**
 * `serdes.avro()`: Avro keys and values in Confluent's wire format (magic byte 0, 4-byte big-endian schema id, Avro
 * binary) through a Schema Registry, on top of `@confluentinc/schemaregistry`'s `AvroSerializer` and
 * `AvroDeserializer` and avsc. kafkit adds the typed options, the per-subject registration cache, local reader
 * schemas, logical types mapped to JavaScript types (see `avro-logical-types.ts`) and typed errors.
 * @module
 */
import type { AvroDeserializer, AvroSerializer, SubjectNameStrategyFunc } from '@confluentinc/schemaregistry'
import { ConfigError } from '../errors/kafka-error.js'
import { expectBoolean, expectObject, expectOneOf, rejectUnknownKeys } from '../config/validate.js'
import type { ConfluentSchemaInfo } from '../registry/confluent.js'
import { SchemaRegistryError, SchemaRegistryErrorReason, toSchemaRegistryError } from '../registry/errors.js'
import { SchemaRegistry } from '../registry/schema-registry.js'
import { registryFailure } from './registry-failure.js'
import { confluentAvro } from './avro-confluent.js'
import { AvroErrorReason, AvroSerializationError } from './avro-errors.js'
import { AVRO_TYPE_OPTIONS } from './avro-logical-types.js'
import {
  avroTypeOf,
  type ParsedAvroSchema,
  parseAvroSchema,
  type TypedAvroSchema,
  type UntypedAvroSchema,
} from './avro-schema.js'
import type { Serde, SerdeContext } from './types.js'
import type { Type } from 'avsc'

/** How the registry subject of a key or value is named (Confluent's subject name strategies). */
export const AvroSubjectStrategy = {
  /** `<topic>-key` / `<topic>-value`: one schema lineage per topic. */
  TOPIC_NAME: 'topic-name',
  /** The record's full name (`com.acme.Order`): one lineage per record type, shared by all topics. */
  RECORD_NAME: 'record-name',
  /** `<topic>-<record full name>`: several record types per topic, each with its own lineage. */
  TOPIC_RECORD_NAME: 'topic-record-name',
} as const

/** One of {@link AvroSubjectStrategy}. */
export type AvroSubjectStrategy = (typeof AvroSubjectStrategy)[keyof typeof AvroSubjectStrategy]

/** What a custom subject name function is given. */
export interface SubjectNameContext {
  /** The record's topic. */
  readonly topic: string
  /** Key or value. */
  readonly field: 'key' | 'value'
  /** Full name of the schema's top-level record, if it is a named type. */
  readonly recordName: string | undefined
}

/** A custom subject name strategy. */
export type SubjectNameFunction = (context: SubjectNameContext) => string

/**
 * Options of `serdes.avro()`.
 *
 * @typeParam T - the JavaScript type of the values (inferred from a generated `TypedAvroSchema<T>`)
 */
export interface AvroSerdeOptions<T> {
  /** The registry that stores the schemas. */
  registry: SchemaRegistry
  /**
   * The schema values are written with. Needed to produce (unless `useLatestVersion`); a consumer decodes with the
   * writer schema named by each record's schema id and does not need it.
   * @default none
   */
  schema?: TypedAvroSchema<T> | UntypedAvroSchema
  /** How the registry subject is named. @default 'topic-name' */
  subjectStrategy?: AvroSubjectStrategy | SubjectNameFunction
  /**
   * Register `schema` under its subject on first use (once per subject; the registry returns the existing id when
   * the schema is already there). Off: the schema must already be registered, or writing fails with reason
   * `SCHEMA_NOT_REGISTERED`.
   * @default true
   */
  autoRegister?: boolean
  /**
   * Ask the registry to normalize the schema when registering and looking it up. On Apicurio this is what makes
   * differently formatted copies of a schema map to one id, as Confluent does always.
   * @default false
   */
  normalize?: boolean
  /**
   * Producer: write with the latest version registered under the subject instead of `schema`. Consumer: decode every
   * record into the latest version (schema evolution driven by the registry). Cached per the registry's
   * `cacheTtlMs`.
   * @default false
   */
  useLatestVersion?: boolean
  /**
   * Consumer: decode every record into this schema, resolving it from the writer schema by Avro's rules (fields
   * added with defaults are filled in, removed fields are dropped). With it, a consumer on v2 reads v1 records as v2
   * values: every value is a `T`, whichever version wrote it.
   * @default none (values come out as they were written)
   */
  readerSchema?: TypedAvroSchema<T> | UntypedAvroSchema
}

/** Defaults of {@link AvroSerdeOptions}. */
export const AVRO_SERDE_DEFAULTS = Object.freeze({
  subjectStrategy: AvroSubjectStrategy.TOPIC_NAME,
  autoRegister: true,
  normalize: false,
  useLatestVersion: false,
} as const)

const OPTION_KEYS = ['registry', 'schema', 'subjectStrategy', 'autoRegister', 'normalize', 'useLatestVersion', 'readerSchema'] as const
const STRATEGIES = Object.values(AvroSubjectStrategy)

/** Where a value is written: the subject, and the library serializer bound to it. */
interface Writer {
  readonly subject: string
  readonly schemaId: number | undefined
  readonly serializer: AvroSerializer
  /** The writer schema as an avsc type, to say where a value does not match it (undefined when not parseable here). */
  readonly type: Type | undefined
}

/**
 * An Avro serde backed by a Schema Registry. Keys and values alike; one serde may serve several topics (the subject
 * is derived per topic and field).
 *
 * @typeParam T - the JavaScript type of the values; inferred from a schema generated by `kafkit avro-types`
 * @example
 * ```ts
 * import { orderSchema } from './generated/order.js'
 * const value = serdes.avro({ registry, schema: orderSchema }) // Serde<Order>
 * ```
 */
export function avro<T>(options: AvroSerdeOptions<T>): Serde<T> {
  return new AvroSerde<T>(options)
}

class AvroSerde<T> implements Serde<T> {
  readonly #registry: SchemaRegistry
  readonly #schema: ParsedAvroSchema | undefined
  readonly #reader: ParsedAvroSchema | undefined
  readonly #strategy: AvroSubjectStrategy | SubjectNameFunction
  readonly #autoRegister: boolean
  readonly #normalize: boolean
  readonly #useLatestVersion: boolean
  readonly #writers = new Map<string, Promise<Writer>>()
  readonly #readers = new Map<'key' | 'value', Promise<AvroDeserializer>>()
  readonly #recordNames = new Map<string, string | undefined>()

  constructor(options: AvroSerdeOptions<T>) {
    const object = expectObject(options, 'options')
    rejectUnknownKeys(object, OPTION_KEYS, 'options')
    if (!(object.registry instanceof SchemaRegistry)) {
      throw new ConfigError('registry', 'expected a SchemaRegistry instance (new SchemaRegistry({ url }))')
    }
    this.#registry = object.registry
    this.#schema = options.schema === undefined ? undefined : parseAvroSchema(options.schema, 'schema')
    this.#reader = options.readerSchema === undefined ? undefined : parseAvroSchema(options.readerSchema, 'readerSchema')
    const strategy = object.subjectStrategy ?? AVRO_SERDE_DEFAULTS.subjectStrategy
    this.#strategy = typeof strategy === 'function' ? (strategy as SubjectNameFunction) : expectOneOf(strategy, STRATEGIES, 'subjectStrategy')
    this.#autoRegister = object.autoRegister === undefined ? AVRO_SERDE_DEFAULTS.autoRegister : expectBoolean(object.autoRegister, 'autoRegister')
    this.#normalize = object.normalize === undefined ? AVRO_SERDE_DEFAULTS.normalize : expectBoolean(object.normalize, 'normalize')
    this.#useLatestVersion = object.useLatestVersion === undefined ? AVRO_SERDE_DEFAULTS.useLatestVersion : expectBoolean(object.useLatestVersion, 'useLatestVersion')
    if (this.#useLatestVersion && this.#reader !== undefined) {
      throw new ConfigError('readerSchema', 'cannot be combined with useLatestVersion, which reads into the latest registered version')
    }
    if (this.#useLatestVersion && this.#schema === undefined && strategy !== AvroSubjectStrategy.TOPIC_NAME) {
      throw new ConfigError('schema', `subjectStrategy ${typeof this.#strategy === 'function' ? '(a function)' : `'${this.#strategy}'`} names subjects after the record: give the schema whose latest version to use`)
    }
  }

  async serialize(value: T, context: SerdeContext): Promise<Buffer> {
    const writer = await this.#writerFor(context)
    try {
      return await writer.serializer.serialize(context.topic, value)
    } catch (error) {
      throw this.#serializeError(error, context, writer, value)
    }
  }

  async deserialize(data: Buffer, context: SerdeContext): Promise<T> {
    const field = context.field
    const headerName = field === 'key' ? '__key_schema_id' : '__value_schema_id'
    const idInHeader = context.headers?.[headerName] !== undefined
    // The library reads an empty payload as null, which no T allows; anything without a header is not Confluent's.
    if (!idInHeader && (data.length < 5 || (data[0] !== 0 && data[0] !== 1))) {
      throw this.#error('deserialize', AvroErrorReason.NOT_WIRE_FORMAT, context,
        `${data.length < 5 ? `${data.length} bytes is too short for` : `magic byte ${data[0]} is not`} Confluent's wire format (magic byte 0, 4-byte schema id, Avro data): it was not written by a Schema Registry serializer`)
    }
    const deserializer = await this.#readerFor(field)
    try {
      return (await deserializer.deserialize(context.topic, data, context.headers)) as T
    } catch (error) {
      throw await this.#deserializeError(error, data, context, deserializer, idInHeader)
    }
  }

  // -- writing ------------------------------------------------------------------------------------------------------

  #writerFor(context: SerdeContext): Promise<Writer> {
    const key = `${context.field}\u0000${context.topic}`
    let writer = this.#writers.get(key)
    if (!writer) {
      writer = this.#createWriter(context)
      this.#writers.set(key, writer)
      // A failed registration is retried by the next record (the registry may be back, the subject fixed).
      writer.catch(() => this.#writers.delete(key))
    }
    return writer
  }

  async #createWriter(context: SerdeContext): Promise<Writer> {
    const { topic, field } = context
    const schema = this.#schema
    if (!this.#useLatestVersion && schema === undefined) {
      throw this.#error('serialize', AvroErrorReason.NO_WRITER_SCHEMA, context,
        'this Avro serde has no schema to write with: pass `schema` (or `useLatestVersion: true`) to serdes.avro()')
    }
    const subject = this.#subjectName(topic, field, schema?.name)
    const confluent = await this.#registryCall(context, subject, confluentAvro)
    const client = await this.#registryCall(context, subject, () => this.#registry.getClient())
    const conf = { ...AVRO_TYPE_OPTIONS, normalizeSchemas: this.#normalize, subjectNameStrategy: () => subject }
    const serdeType = confluent.serdeType[field]
    if (this.#useLatestVersion) {
      // Fetched here (and cached by the client) so that a missing subject fails clearly before the first record.
      const latest = await this.#registryCall(context, subject, () => this.#registry.getLatest({ subject }))
      return {
        subject,
        schemaId: latest.id,
        serializer: new confluent.AvroSerializer(client, serdeType, { ...conf, useLatestVersion: true, autoRegisterSchemas: false }),
        type: typeOrUndefined(latest.schema),
      }
    }
    const definition = { subject, schema: (schema as ParsedAvroSchema).text, normalize: this.#normalize }
    const { id } = await this.#registryCall(context, subject, () =>
      this.#autoRegister ? this.#registry.register(definition) : this.#registry.lookup(definition))
    // The registered version as the registry has it: with its rule set and metadata, if any, for the library's rules.
    const info = await this.#registryCall(context, subject, async (): Promise<ConfluentSchemaInfo> => {
      try {
        return await client.getBySubjectAndId(subject, id)
      } catch (error) {
        throw toSchemaRegistryError(error, { operation: 'get schema by id', subject, schemaId: id, notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND, urls: this.#registry.urls })
      }
    })
    return { subject, schemaId: id, serializer: new confluent.FixedSchemaSerializer(client, serdeType, conf, id, info), type: (schema as ParsedAvroSchema).type }
  }

  async #registryCall<R>(context: SerdeContext, subject: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof SchemaRegistryError)) throw error
      const { reason, hint } = registryFailure(error, subject, this.#useLatestVersion)
      throw this.#error('serialize', AvroErrorReason[reason], context, `${hint}: ${error.message}`, { cause: error, subject, retriable: error.retriable })
    }
  }

  #serializeError(error: unknown, context: SerdeContext, writer: Writer, value: unknown): AvroSerializationError {
    const registryError = this.#asRegistryError(error, writer.subject, writer.schemaId)
    if (registryError) {
      return this.#error('serialize', AvroErrorReason.REGISTRY_ERROR, context, registryError.message,
        { cause: registryError, subject: writer.subject, schemaId: writer.schemaId, retriable: registryError.retriable })
    }
    // The library's message quotes the offending value (a whole record when it is the record that does not fit):
    // records carry personal data and errors end up in logs and dead-letter headers. Say where, not what; and keep
    // the library's error out of the cause chain for the same reason.
    const where = writer.type === undefined ? undefined : mismatchOf(writer.type, value)
    return this.#error('serialize', AvroErrorReason.INVALID_RECORD, context,
      `the ${context.field} does not match the schema${writer.schemaId === undefined ? '' : ` with id ${writer.schemaId}`} (subject "${writer.subject}"): ${where ?? `the serializer refused it (${error instanceof Error ? error.name : typeof error})`}`,
      { subject: writer.subject, schemaId: writer.schemaId })
  }

  // -- reading ------------------------------------------------------------------------------------------------------

  #readerFor(field: 'key' | 'value'): Promise<AvroDeserializer> {
    let deserializer = this.#readers.get(field)
    if (!deserializer) {
      deserializer = this.#createReader(field)
      this.#readers.set(field, deserializer)
      // A failed load (the peer dependency missing) is tried again by the next record.
      deserializer.catch(() => this.#readers.delete(field))
    }
    return deserializer
  }

  async #createReader(field: 'key' | 'value'): Promise<AvroDeserializer> {
    const confluent = await confluentAvro()
    const client = await this.#registry.getClient()
    const conf = { ...AVRO_TYPE_OPTIONS, useLatestVersion: this.#useLatestVersion, subjectNameStrategy: this.#strategyFunction(field) }
    const serdeType = confluent.serdeType[field]
    return this.#reader === undefined
      ? new confluent.AvroDeserializer(client, serdeType, conf)
      : new confluent.LocalReaderDeserializer(client, serdeType, conf, { schema: this.#reader.text, schemaType: 'AVRO' })
  }

  async #deserializeError(error: unknown, data: Buffer, context: SerdeContext, deserializer: AvroDeserializer, idInHeader: boolean): Promise<AvroSerializationError> {
    const schemaId = !idInHeader && data[0] === 0 ? data.readInt32BE(1) : undefined
    let subject: string | undefined
    try {
      subject = (await deserializer.subjectName(context.topic)) || undefined
    } catch {
      subject = undefined
    }
    const registryError = this.#asRegistryError(error, subject, schemaId)
    if (registryError) {
      // The library asks the registry for the writer schema (by id) and, with useLatestVersion, the latest version:
      // ask again for the id alone (an error path, so the extra request costs nothing in the common case).
      if (schemaId !== undefined && registryError.status === 404 && !(await this.#schemaIdExists(subject, schemaId))) {
        return this.#error('deserialize', AvroErrorReason.UNKNOWN_SCHEMA_ID, context,
          `schema id ${schemaId} in the record header is unknown to the registry (${this.#registry.urls.join(', ')}): was it written against another registry?`,
          { cause: registryError, schemaId, ...(subject === undefined ? {} : { subject }) })
      }
      const reason = this.#useLatestVersion && registryError.status === 404 ? AvroErrorReason.SCHEMA_NOT_REGISTERED : AvroErrorReason.REGISTRY_ERROR
      return this.#error('deserialize', reason, context, registryError.message,
        { cause: registryError, retriable: registryError.retriable, ...(schemaId === undefined ? {} : { schemaId }), ...(subject === undefined ? {} : { subject }) })
    }
    const detail = error instanceof Error ? error.message : String(error)
    return this.#error('deserialize', AvroErrorReason.DECODE_FAILED, context,
      `the ${context.field} does not decode with its writer schema${schemaId === undefined ? '' : ` (id ${schemaId})`}${this.#reader === undefined ? '' : ' into the reader schema'}: ${detail}`,
      { cause: error, ...(schemaId === undefined ? {} : { schemaId }), ...(subject === undefined ? {} : { subject }) })
  }

  async #schemaIdExists(subject: string | undefined, schemaId: number): Promise<boolean> {
    try {
      await this.#registry.getSchema({ id: schemaId, ...(subject === undefined ? {} : { subject }) })
      return true
    } catch {
      return false
    }
  }

  // -- shared -------------------------------------------------------------------------------------------------------

  /** The subject for a topic, field and record name, by the configured strategy. */
  #subjectName(topic: string, field: 'key' | 'value', recordName: string | undefined): string {
    const strategy = this.#strategy
    if (typeof strategy === 'function') return strategy({ topic, field, recordName })
    if (strategy === AvroSubjectStrategy.TOPIC_NAME) return `${topic}-${field}`
    if (recordName === undefined) {
      throw new ConfigError('subjectStrategy', `'${strategy}' needs a named schema (record, enum or fixed); this schema has no name`)
    }
    return strategy === AvroSubjectStrategy.RECORD_NAME ? recordName : `${topic}-${recordName}`
  }

  /**
   * The strategy in the library's shape, for the deserializer. It is called without a schema when looking up the
   * writer schema by id, where the subject is only a hint: record-based strategies then give '' (no hint), as the
   * library's own strategies do.
   */
  #strategyFunction(field: 'key' | 'value'): SubjectNameStrategyFunc {
    return (topic, _serdeType, info) => {
      const recordName = info === undefined ? undefined : this.#recordName(info.schema)
      if (recordName === undefined && this.#strategy !== AvroSubjectStrategy.TOPIC_NAME && typeof this.#strategy !== 'function') return ''
      return this.#subjectName(topic, field, recordName)
    }
  }

  #recordName(schemaText: string): string | undefined {
    if (!this.#recordNames.has(schemaText)) {
      let name: string | undefined
      try {
        name = avroTypeOf(schemaText).name
      } catch {
        name = undefined
      }
      this.#recordNames.set(schemaText, name)
    }
    return this.#recordNames.get(schemaText)
  }

  /** Registry failures inside the library surface as its `RestError` or an axios error: both carry an HTTP shape. */
  #asRegistryError(error: unknown, subject: string | undefined, schemaId: number | undefined): SchemaRegistryError | undefined {
    if (error instanceof SchemaRegistryError) return error
    const like = error as { status?: unknown; errorCode?: unknown; isAxiosError?: unknown } | null
    if (typeof like !== 'object' || like === null) return undefined
    if (!(typeof like.status === 'number' && typeof like.errorCode === 'number') && like.isAxiosError !== true) return undefined
    return toSchemaRegistryError(error, {
      operation: 'serde request',
      subject,
      schemaId,
      notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND,
      urls: this.#registry.urls,
    })
  }

  #error(direction: 'serialize' | 'deserialize', reason: AvroErrorReason, context: SerdeContext, detail: string, extra: {
    cause?: unknown; subject?: string | undefined; schemaId?: number | undefined; retriable?: boolean
  } = {}): AvroSerializationError {
    const where = [
      `topic ${context.topic}`,
      context.partition === undefined ? undefined : `partition ${context.partition}`,
      context.offset === undefined ? undefined : `offset ${context.offset}`,
    ].filter(Boolean).join(', ')
    return new AvroSerializationError(reason, `Avro: cannot ${direction} the ${context.field} (${where}): ${detail}`, {
      field: context.field,
      topic: context.topic,
      ...(context.partition === undefined ? {} : { partition: context.partition }),
      ...(context.offset === undefined ? {} : { offset: context.offset }),
      ...(extra.cause === undefined ? {} : { cause: extra.cause }),
      ...(extra.subject === undefined ? {} : { subject: extra.subject }),
      ...(extra.schemaId === undefined ? {} : { schemaId: extra.schemaId }),
      ...(extra.retriable === undefined ? {} : { retriable: extra.retriable }),
    })
  }
}

function typeOrUndefined(schemaText: string): Type | undefined {
  try {
    return avroTypeOf(schemaText)
  } catch {
    return undefined
  }
}

/** Where `value` first departs from `type`, naming the expected type and the kind of value found, never the value. */
function mismatchOf(type: Type, value: unknown): string | undefined {
  let found: string | undefined
  type.isValid(value, {
    errorHook: (path: string[], any: unknown, expected: Type) => {
      const kind = any === null ? 'null' : Array.isArray(any) ? 'an array' : Buffer.isBuffer(any) ? 'a Buffer' : `a value of type ${typeof any}`
      found ??= `at ${path.length === 0 ? 'the top level' : path.join('.')}, expected ${expected.name ?? expected.typeName}, got ${kind}`
    },
  })
  return found
}
