/**
 * What `serdes.protobuf()` and `serdes.jsonSchema()` share: options, subject naming, the per-subject writer cache
 * (the schema is registered or looked up once per subject, then the library serializer is bound to its id), the
 * wire format check and the mapping of every failure to a {@link SchemaSerializationError}. Each format supplies a
 * {@link SchemaFormat}: how to build its schema text and the library's serializer and deserializer.
 * @module
 */
import type { Deserializer, SchemaInfo, Serializer, SubjectNameStrategyFunc } from '@confluentinc/schemaregistry'
import { expectBoolean, expectObject, expectOneOf, rejectUnknownKeys } from '../config/validate.js'
import { ConfigError, KafkaError } from '../errors/kafka-error.js'
import { type ConfluentClient, type ConfluentModule, loadConfluent } from '../registry/confluent.js'
import { SchemaRegistryError, SchemaRegistryErrorReason, toSchemaRegistryError } from '../registry/errors.js'
import { type SchemaReference, SchemaRegistry } from '../registry/schema-registry.js'
import { registryFailure } from './registry-failure.js'
import { AvroSubjectStrategy, type SubjectNameFunction } from './avro.js'
import { SchemaSerdeErrorReason, type SchemaSerdeFormat, SchemaSerializationError } from './registry-serde-errors.js'
import type { Serde, SerdeContext } from './types.js'

/** Options every registry serde takes (Avro's too, which has a few more). */
export interface RegistrySerdeOptions {
  /** The registry that stores the schemas. */
  registry: SchemaRegistry
  /**
   * How the registry subject is named: `topic-name` (`<topic>-value`), `record-name` (the message's full name, or
   * the JSON schema's `title`), `topic-record-name` (`<topic>-<name>`), or a function.
   * @default 'topic-name'
   */
  subjectStrategy?: AvroSubjectStrategy | SubjectNameFunction
  /**
   * Register `schema` under its subject on first use (once per subject). Off: the schema must already be registered,
   * or writing fails with reason `SCHEMA_NOT_REGISTERED`.
   * @default true
   */
  autoRegister?: boolean
  /** Ask the registry to normalize the schema when registering and looking it up. @default false */
  normalize?: boolean
  /** Producer: write with the latest version registered under the subject instead of `schema`. @default false */
  useLatestVersion?: boolean
}

/** Defaults of {@link RegistrySerdeOptions}. */
export const REGISTRY_SERDE_DEFAULTS = Object.freeze({
  subjectStrategy: AvroSubjectStrategy.TOPIC_NAME,
  autoRegister: true,
  normalize: false,
  useLatestVersion: false,
} as const)

const BASE_OPTION_KEYS = ['registry', 'subjectStrategy', 'autoRegister', 'normalize', 'useLatestVersion'] as const
const STRATEGIES = Object.values(AvroSubjectStrategy)

/** The library's serializer config, as kafkit sets it. */
export interface LibraryConf {
  readonly autoRegisterSchemas: boolean
  readonly useLatestVersion: boolean
  readonly useSchemaId?: number
  readonly normalizeSchemas: boolean
  readonly subjectNameStrategy: SubjectNameStrategyFunc
}

/** The writer schema to register, as the format builds it. */
export interface WriterDefinition {
  /** Schema text as registered. */
  readonly schema: string
  /** References to schemas under other subjects (Protobuf imports). */
  readonly references?: readonly SchemaReference[]
}

/** How one schema format plugs into {@link RegistrySerde}. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- T names the value type a format serves (RegistrySerde<T> takes a SchemaFormat<T>); structural typing ignores it
export interface SchemaFormat<T> {
  /** The registry's schema type. */
  readonly format: SchemaSerdeFormat
  /** Its name in messages: `Protobuf`, `JSON Schema`. */
  readonly label: string
  /** The option keys of this format beyond the shared ones. */
  readonly optionKeys: readonly string[]
  /** Whether a local writer schema was given. */
  readonly hasSchema: boolean
  /** The name record-based strategies use (message full name, JSON schema title), when there is one. */
  readonly recordName: string | undefined
  /** The schema text (and references) to register; registers Protobuf dependencies on the way. */
  definition(confluent: ConfluentModule, client: ConfluentClient, normalize: boolean, autoRegister: boolean): Promise<WriterDefinition>
  /** The library serializer. */
  serializer(confluent: ConfluentModule, client: ConfluentClient, field: 'key' | 'value', conf: LibraryConf): Serializer
  /** The library deserializer. */
  deserializer(confluent: ConfluentModule, client: ConfluentClient, field: 'key' | 'value', conf: Omit<LibraryConf, 'autoRegisterSchemas' | 'useSchemaId' | 'normalizeSchemas'>): Deserializer
  /**
   * Why a value cannot be written with the writer schema, or `undefined` when it can. Says where and what was
   * expected, never the value (records carry personal data, errors end up in logs).
   */
  checkValue(value: unknown, writer: { serializer: Serializer; info: SchemaInfo }): Promise<string | undefined> | string | undefined
  /** Extra advice for a registry failure of this format, or `undefined`. */
  registryHint?(error: SchemaRegistryError): string | undefined
  /** Why a decoded value is not acceptable (JSON Schema validation), or `undefined`. */
  checkDecoded?(value: unknown, deserializer: Deserializer, topic: string, data: Buffer): Promise<string | undefined>
}

interface Writer {
  readonly subject: string
  readonly schemaId: number | undefined
  readonly serializer: Serializer
  readonly info: SchemaInfo | undefined
}

/** Validates the shared options; throws {@link ConfigError} naming the offending one. */
export function resolveRegistrySerdeOptions(options: unknown, formatKeys: readonly string[]): Required<Omit<RegistrySerdeOptions, 'subjectStrategy'>> & { subjectStrategy: AvroSubjectStrategy | SubjectNameFunction } {
  const object = expectObject(options, 'options')
  rejectUnknownKeys(object, [...BASE_OPTION_KEYS, ...formatKeys], 'options')
  const registry = object.registry
  if (!(registry instanceof SchemaRegistry)) {
    throw new ConfigError('registry', 'expected a SchemaRegistry instance (new SchemaRegistry({ url }))')
  }
  const strategy = object.subjectStrategy ?? REGISTRY_SERDE_DEFAULTS.subjectStrategy
  const flag = (key: 'autoRegister' | 'normalize' | 'useLatestVersion'): boolean =>
    object[key] === undefined ? REGISTRY_SERDE_DEFAULTS[key] : expectBoolean(object[key], key)
  return {
    registry,
    subjectStrategy: typeof strategy === 'function' ? (strategy as SubjectNameFunction) : expectOneOf(strategy, STRATEGIES, 'subjectStrategy'),
    autoRegister: flag('autoRegister'),
    normalize: flag('normalize'),
    useLatestVersion: flag('useLatestVersion'),
  }
}

/** A registry-backed serde of one {@link SchemaFormat}. */
export class RegistrySerde<T> implements Serde<T> {
  readonly #format: SchemaFormat<T>
  readonly #registry: SchemaRegistry
  readonly #strategy: AvroSubjectStrategy | SubjectNameFunction
  readonly #autoRegister: boolean
  readonly #normalize: boolean
  readonly #useLatestVersion: boolean
  readonly #writers = new Map<string, Promise<Writer>>()
  readonly #readers = new Map<'key' | 'value', Promise<Deserializer>>()

  /**
   * @param options - the user's options (validated here)
   * @param format - the schema format
   */
  constructor(options: RegistrySerdeOptions, format: SchemaFormat<T>) {
    const resolved = resolveRegistrySerdeOptions(options, format.optionKeys)
    this.#format = format
    this.#registry = resolved.registry
    this.#strategy = resolved.subjectStrategy
    this.#autoRegister = resolved.autoRegister
    this.#normalize = resolved.normalize
    this.#useLatestVersion = resolved.useLatestVersion
    if (this.#useLatestVersion && format.recordName === undefined && this.#strategy !== AvroSubjectStrategy.TOPIC_NAME && typeof this.#strategy !== 'function') {
      throw new ConfigError('schema', `subjectStrategy '${String(this.#strategy)}' names subjects after the record: give the schema whose latest version to use`)
    }
  }

  async serialize(value: T, context: SerdeContext): Promise<Buffer> {
    const writer = await this.#writerFor(context)
    const problem = writer.info === undefined ? undefined : await this.#format.checkValue(value, { serializer: writer.serializer, info: writer.info })
    if (problem !== undefined) {
      throw this.#error('serialize', SchemaSerdeErrorReason.INVALID_RECORD, context,
        `the ${context.field} does not match the schema${writer.schemaId === undefined ? '' : ` with id ${writer.schemaId}`} (subject "${writer.subject}"): ${problem}`,
        { subject: writer.subject, schemaId: writer.schemaId })
    }
    try {
      return await writer.serializer.serialize(context.topic, value)
    } catch (error) {
      const registryError = this.#asRegistryError(error, writer.subject, writer.schemaId)
      if (registryError) {
        throw this.#error('serialize', SchemaSerdeErrorReason.REGISTRY_ERROR, context, registryError.message,
          { cause: registryError, subject: writer.subject, schemaId: writer.schemaId, retriable: registryError.retriable })
      }
      // The library's message may quote the value: keep it and its error out of the message and the cause chain.
      throw this.#error('serialize', SchemaSerdeErrorReason.INVALID_RECORD, context,
        `the ${context.field} could not be written with the schema${writer.schemaId === undefined ? '' : ` with id ${writer.schemaId}`} (subject "${writer.subject}"): the ${this.#format.label} serializer refused it (${error instanceof Error ? error.name : typeof error})`,
        { subject: writer.subject, schemaId: writer.schemaId })
    }
  }

  async deserialize(data: Buffer, context: SerdeContext): Promise<T> {
    const field = context.field
    const idInHeader = context.headers?.[field === 'key' ? '__key_schema_id' : '__value_schema_id'] !== undefined
    if (!idInHeader && (data.length < 5 || (data[0] !== 0 && data[0] !== 1))) {
      throw this.#error('deserialize', SchemaSerdeErrorReason.NOT_WIRE_FORMAT, context,
        `${data.length < 5 ? `${data.length} bytes is too short for` : `magic byte ${data[0]} is not`} Confluent's wire format (magic byte 0, 4-byte schema id, ${this.#format.label} data): it was not written by a Schema Registry serializer`)
    }
    const schemaId = !idInHeader && data[0] === 0 ? data.readInt32BE(1) : undefined
    const deserializer = await this.#readerFor(field, context)
    let value: unknown
    try {
      value = await deserializer.deserialize(context.topic, data, context.headers)
    } catch (error) {
      throw await this.#deserializeError(error, context, schemaId)
    }
    const problem = await this.#format.checkDecoded?.(value, deserializer, context.topic, data)
    if (problem !== undefined) {
      throw this.#error('deserialize', SchemaSerdeErrorReason.DECODE_FAILED, context,
        `the ${field} does not validate against its writer schema${schemaId === undefined ? '' : ` (id ${schemaId})`}: ${problem}`,
        { ...(schemaId === undefined ? {} : { schemaId }) })
    }
    return value as T
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
    const format = this.#format
    if (!this.#useLatestVersion && !format.hasSchema) {
      throw this.#error('serialize', SchemaSerdeErrorReason.NO_WRITER_SCHEMA, context,
        `this ${format.label} serde has no schema to write with: pass \`schema\` (or \`useLatestVersion: true\`)`)
    }
    const subject = this.#subjectName(topic, field, format.recordName)
    const confluent = await this.#registryCall(context, subject, loadConfluent)
    const client = await this.#registryCall(context, subject, () => this.#registry.getClient())
    const conf = { normalizeSchemas: this.#normalize, subjectNameStrategy: () => subject }
    if (this.#useLatestVersion) {
      const latest = await this.#registryCall(context, subject, () => this.#registry.getLatest({ subject }))
      const serializer = format.serializer(confluent, client, field, { ...conf, autoRegisterSchemas: false, useLatestVersion: true })
      return { subject, schemaId: latest.id, serializer, info: { schema: latest.schema, schemaType: latest.schemaType, references: [...latest.references] } }
    }
    const definition = await this.#registryCall(context, subject, async () => {
      try {
        return await format.definition(confluent, client, this.#normalize, this.#autoRegister)
      } catch (error) {
        throw this.#asRegistryError(error, subject, undefined) ?? error
      }
    })
    const request = { subject, schema: definition.schema, schemaType: format.format, normalize: this.#normalize, ...(definition.references === undefined ? {} : { references: definition.references }) }
    const { id } = await this.#registryCall(context, subject, () =>
      this.#autoRegister ? this.#registry.register(request) : this.#registry.lookup(request))
    const serializer = format.serializer(confluent, client, field, { ...conf, autoRegisterSchemas: false, useLatestVersion: false, useSchemaId: id })
    const info: SchemaInfo = { schema: definition.schema, schemaType: format.format, references: (definition.references ?? []).map((ref) => ({ ...ref })) }
    return { subject, schemaId: id, serializer, info }
  }

  async #registryCall<R>(context: SerdeContext, subject: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof SchemaRegistryError)) throw error
      const { reason, hint } = registryFailure(error, subject, this.#useLatestVersion)
      const advice = this.#format.registryHint?.(error)
      throw this.#error('serialize', SchemaSerdeErrorReason[reason], context, `${hint}: ${error.message}${advice === undefined ? '' : ` (${advice})`}`, { cause: error, subject, retriable: error.retriable })
    }
  }

  // -- reading ------------------------------------------------------------------------------------------------------

  #readerFor(field: 'key' | 'value', context: SerdeContext): Promise<Deserializer> {
    let reader = this.#readers.get(field)
    if (!reader) {
      reader = (async () => {
        const confluent = await loadConfluent()
        const client = await this.#registry.getClient()
        return this.#format.deserializer(confluent, client, field, {
          useLatestVersion: this.#useLatestVersion,
          subjectNameStrategy: (topic) => this.#readerSubject(topic, field),
        })
      })()
      this.#readers.set(field, reader)
      reader.catch(() => this.#readers.delete(field))
    }
    return reader.catch((error: unknown) => {
      if (error instanceof KafkaError) throw error
      throw this.#error('deserialize', SchemaSerdeErrorReason.REGISTRY_ERROR, context, String(error), { cause: error })
    })
  }

  /**
   * The subject on the read side: only a hint when the writer schema is looked up by id, and what `useLatestVersion`
   * reads. Record-based strategies use the local schema's name, or give no hint ('') as the library's do.
   */
  #readerSubject(topic: string, field: 'key' | 'value'): string {
    const recordName = this.#format.recordName
    if (recordName === undefined && typeof this.#strategy !== 'function' && this.#strategy !== AvroSubjectStrategy.TOPIC_NAME) return ''
    return this.#subjectName(topic, field, recordName)
  }

  async #deserializeError(error: unknown, context: SerdeContext, schemaId: number | undefined): Promise<SchemaSerializationError> {
    const subject = this.#readerSubject(context.topic, context.field) || undefined
    const registryError = this.#asRegistryError(error, subject, schemaId)
    if (registryError) {
      if (schemaId !== undefined && registryError.status === 404 && !(await this.#schemaIdExists(schemaId))) {
        return this.#error('deserialize', SchemaSerdeErrorReason.UNKNOWN_SCHEMA_ID, context,
          `schema id ${schemaId} in the record header is unknown to the registry (${this.#registry.urls.join(', ')}): was it written against another registry?`,
          { cause: registryError, schemaId })
      }
      const reason = this.#useLatestVersion && registryError.status === 404 ? SchemaSerdeErrorReason.SCHEMA_NOT_REGISTERED : SchemaSerdeErrorReason.REGISTRY_ERROR
      return this.#error('deserialize', reason, context, registryError.message,
        { cause: registryError, retriable: registryError.retriable, ...(schemaId === undefined ? {} : { schemaId }), ...(subject === undefined ? {} : { subject }) })
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return this.#error('deserialize', SchemaSerdeErrorReason.DECODE_FAILED, context,
      `the ${context.field} does not decode with its writer schema${schemaId === undefined ? '' : ` (id ${schemaId})`}: ${detail}`,
      { cause: error, ...(schemaId === undefined ? {} : { schemaId }) })
  }

  async #schemaIdExists(schemaId: number): Promise<boolean> {
    try {
      await this.#registry.getSchema({ id: schemaId })
      return true
    } catch {
      return false
    }
  }

  // -- shared -------------------------------------------------------------------------------------------------------

  #subjectName(topic: string, field: 'key' | 'value', recordName: string | undefined): string {
    const strategy = this.#strategy
    if (typeof strategy === 'function') return strategy({ topic, field, recordName })
    if (strategy === AvroSubjectStrategy.TOPIC_NAME) return `${topic}-${field}`
    if (recordName === undefined) {
      throw new ConfigError('subjectStrategy', `'${strategy}' needs a record name (${this.#format.format === 'PROTOBUF' ? 'the message type' : "the JSON schema's `title`"}); this schema has none`)
    }
    return strategy === AvroSubjectStrategy.RECORD_NAME ? recordName : `${topic}-${recordName}`
  }

  /** Registry failures inside the library surface as its `RestError` or an axios error: both carry an HTTP shape. */
  #asRegistryError(error: unknown, subject: string | undefined, schemaId: number | undefined): SchemaRegistryError | undefined {
    if (error instanceof SchemaRegistryError) return error
    const like = error as { status?: unknown; errorCode?: unknown; isAxiosError?: unknown } | null
    if (typeof like !== 'object' || like === null) return undefined
    if (!(typeof like.status === 'number' && typeof like.errorCode === 'number') && like.isAxiosError !== true) return undefined
    return toSchemaRegistryError(error, { operation: 'serde request', subject, schemaId, notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND, urls: this.#registry.urls })
  }

  #error(direction: 'serialize' | 'deserialize', reason: SchemaSerdeErrorReason, context: SerdeContext, detail: string, extra: {
    cause?: unknown; subject?: string | undefined; schemaId?: number | undefined; retriable?: boolean
  } = {}): SchemaSerializationError {
    const where = [
      `topic ${context.topic}`,
      context.partition === undefined ? undefined : `partition ${context.partition}`,
      context.offset === undefined ? undefined : `offset ${context.offset}`,
    ].filter(Boolean).join(', ')
    return new SchemaSerializationError(this.#format.format, reason, `${this.#format.label}: cannot ${direction} the ${context.field} (${where}): ${detail}`, {
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
