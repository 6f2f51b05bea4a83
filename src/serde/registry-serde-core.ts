/**
 * What every Schema Registry serde (Avro, Protobuf, JSON Schema) does alike: options and subject naming, the
 * per-subject writer cache (the schema is registered or looked up once per subject and topic, a failure is retried
 * by the next record), the per-field reader cache, the wire format check, and the mapping of registry and library
 * failures to the serde's typed error. Each serde keeps what is its own: how it builds its library serializer and
 * deserializer and how it says where a value does not fit its schema.
 * @module
 */
import { expectBoolean, expectObject, expectOneOf, rejectUnknownKeys } from '../config/validate.js'
import { ConfigError } from '../errors/kafka-error.js'
import { SchemaRegistryError, SchemaRegistryErrorReason, toSchemaRegistryError } from '../registry/errors.js'
import { SchemaRegistry } from '../registry/schema-registry.js'
import { registryFailure } from './registry-failure.js'
import type {
  RegistrySerdeErrorReason,
  RegistrySerializationError,
  RegistrySerializationErrorOptions,
} from './registry-serde-errors.js'
import type { SerdeContext } from './types.js'

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

/** The shared options, validated. */
export type ResolvedRegistrySerdeOptions = Required<Omit<RegistrySerdeOptions, 'subjectStrategy'>> & {
  subjectStrategy: AvroSubjectStrategy | SubjectNameFunction
}

/**
 * Validates the shared options; throws {@link ConfigError} naming the offending one.
 * @param formatKeys - the option keys of the serde beyond the shared ones
 */
export function resolveRegistrySerdeOptions(
  options: unknown,
  formatKeys: readonly string[],
): ResolvedRegistrySerdeOptions {
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
    subjectStrategy:
      typeof strategy === 'function'
        ? (strategy as SubjectNameFunction)
        : expectOneOf(strategy, STRATEGIES, 'subjectStrategy'),
    autoRegister: flag('autoRegister'),
    normalize: flag('normalize'),
    useLatestVersion: flag('useLatestVersion'),
  }
}

/** What makes a serde's errors its own. */
export interface SerdeIdentity<E extends RegistrySerializationError> {
  /** The serde's name in messages: `Avro`, `Protobuf`, `JSON Schema`. */
  readonly label: string
  /** What a record-based subject strategy needs that the schema lacks, for the {@link ConfigError}. */
  readonly unnamed: string
  /** Creates the serde's error. */
  error(reason: RegistrySerdeErrorReason, message: string, options: RegistrySerializationErrorOptions): E
}

/** Where a value is written: the subject, and the schema id when known. */
export interface WriterPlace {
  readonly subject: string
  readonly schemaId: number | undefined
}

/** What is known about a record being read when its reading failed. */
export interface ReadFailure {
  /** The schema id in the record's header (not when the id travels in a record header). */
  readonly schemaId: number | undefined
  /** The subject, when known. */
  readonly subject: string | undefined
  /** Whether errors other than registry errors name the subject (the schema id lookup then names it too). */
  readonly nameSubject: boolean
  /** What the decoder said, for a `DECODE_FAILED` error. */
  readonly decodeDetail: string
}

type ErrorExtra = { cause?: unknown; subject?: string | undefined; schemaId?: number | undefined; retriable?: boolean }

/** The shared machinery of one registry serde; `W` is its writer, `R` its reader. */
export class RegistrySerdeCore<W extends WriterPlace, R, E extends RegistrySerializationError> {
  readonly registry: SchemaRegistry
  readonly strategy: AvroSubjectStrategy | SubjectNameFunction
  readonly autoRegister: boolean
  readonly normalize: boolean
  readonly useLatestVersion: boolean
  readonly #identity: SerdeIdentity<E>
  readonly #writers = new Map<string, Promise<W>>()
  readonly #readers = new Map<'key' | 'value', Promise<R>>()

  /**
   * @param options - the validated shared options
   * @param identity - the serde's name and error
   */
  constructor(options: ResolvedRegistrySerdeOptions, identity: SerdeIdentity<E>) {
    this.registry = options.registry
    this.strategy = options.subjectStrategy
    this.autoRegister = options.autoRegister
    this.normalize = options.normalize
    this.useLatestVersion = options.useLatestVersion
    this.#identity = identity
  }

  /** Whether the strategy names subjects after the record (so a schema with a name is needed). */
  get recordBased(): boolean {
    return typeof this.strategy !== 'function' && this.strategy !== AvroSubjectStrategy.TOPIC_NAME
  }

  /** The writer for the record's topic and field, created once (and again after a failure) by `create`. */
  writerFor(context: SerdeContext, create: (context: SerdeContext) => Promise<W>): Promise<W> {
    // A failed registration is retried by the next record (the registry may be back, the subject fixed).
    return cached(this.#writers, `${context.field}\u0000${context.topic}`, () => create(context))
  }

  /** The reader for keys or values, created once (and again after a failure) by `create`. */
  readerFor(field: 'key' | 'value', create: (field: 'key' | 'value') => Promise<R>): Promise<R> {
    // A failed load (the peer dependency missing, the registry down) is tried again by the next record.
    return cached(this.#readers, field, () => create(field))
  }

  /** The subject for a topic, field and record name, by the configured strategy. */
  subjectName(topic: string, field: 'key' | 'value', recordName: string | undefined): string {
    const strategy = this.strategy
    if (typeof strategy === 'function') return strategy({ topic, field, recordName })
    if (strategy === AvroSubjectStrategy.TOPIC_NAME) return `${topic}-${field}`
    if (recordName === undefined)
      throw new ConfigError('subjectStrategy', `'${strategy}' needs ${this.#identity.unnamed}`)
    return strategy === AvroSubjectStrategy.RECORD_NAME ? recordName : `${topic}-${recordName}`
  }

  /**
   * The subject on the read side: only a hint when the writer schema is looked up by id, and what `useLatestVersion`
   * reads. Record-based strategies without a record name give no hint (''), as the library's own strategies do.
   */
  readerSubject(topic: string, field: 'key' | 'value', recordName: string | undefined): string {
    if (recordName === undefined && this.recordBased) return ''
    return this.subjectName(topic, field, recordName)
  }

  /** Runs a registry call for writing under `subject`; its failure becomes the serde's error with a reason and hint. */
  async registryCall<T>(
    context: SerdeContext,
    subject: string,
    call: () => Promise<T>,
    advice?: (error: SchemaRegistryError) => string | undefined,
  ): Promise<T> {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof SchemaRegistryError)) throw error
      const { reason, hint } = registryFailure(error, subject, this.useLatestVersion)
      const extra = advice?.(error)
      throw this.error(
        'serialize',
        reason,
        context,
        `${hint}: ${error.message}${extra === undefined ? '' : ` (${extra})`}`,
        { cause: error, subject, retriable: error.retriable },
      )
    }
  }

  /** Registry failures inside the library surface as its `RestError` or an axios error: both carry an HTTP shape. */
  asRegistryError(
    error: unknown,
    subject: string | undefined,
    schemaId: number | undefined,
  ): SchemaRegistryError | undefined {
    if (error instanceof SchemaRegistryError) return error
    const like = error as { status?: unknown; errorCode?: unknown; isAxiosError?: unknown } | null
    if (typeof like !== 'object' || like === null) return undefined
    if (!(typeof like.status === 'number' && typeof like.errorCode === 'number') && like.isAxiosError !== true)
      return undefined
    return toSchemaRegistryError(error, {
      operation: 'serde request',
      subject,
      schemaId,
      notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND,
      urls: this.registry.urls,
    })
  }

  /**
   * The error of a failed write: a registry failure (`REGISTRY_ERROR`), else `INVALID_RECORD` with `invalid` as
   * the message; the library's error is left out then (its message may quote the value).
   */
  writeFailure(error: unknown, context: SerdeContext, writer: WriterPlace, invalid: () => string): E {
    const registryError = this.asRegistryError(error, writer.subject, writer.schemaId)
    if (registryError) {
      return this.error('serialize', 'REGISTRY_ERROR', context, registryError.message, {
        cause: registryError,
        subject: writer.subject,
        schemaId: writer.schemaId,
        retriable: registryError.retriable,
      })
    }
    return this.error('serialize', 'INVALID_RECORD', context, invalid(), {
      subject: writer.subject,
      schemaId: writer.schemaId,
    })
  }

  /**
   * Checks that `data` is in Confluent's wire format unless the schema id travels in a record header; returns the
   * schema id in the data, if any. Throws `NOT_WIRE_FORMAT`.
   */
  wireSchemaId(data: Buffer, context: SerdeContext): { idInHeader: boolean; schemaId: number | undefined } {
    const idInHeader =
      context.headers?.[context.field === 'key' ? '__key_schema_id' : '__value_schema_id'] !== undefined
    // The library reads an empty payload as null, which no T allows; anything without a header is not Confluent's.
    if (!idInHeader && (data.length < 5 || (data[0] !== 0 && data[0] !== 1))) {
      throw this.error(
        'deserialize',
        'NOT_WIRE_FORMAT',
        context,
        `${data.length < 5 ? `${data.length} bytes is too short for` : `magic byte ${data[0]} is not`} Confluent's wire format (magic byte 0, 4-byte schema id, ${this.#identity.label} data): it was not written by a Schema Registry serializer`,
      )
    }
    return { idInHeader, schemaId: !idInHeader && data[0] === 0 ? data.readInt32BE(1) : undefined }
  }

  /**
   * The error of a failed read: an unknown schema id, a missing subject version (`useLatestVersion`), another
   * registry failure, or (not a registry failure) `DECODE_FAILED`.
   */
  async readFailure(error: unknown, context: SerdeContext, read: ReadFailure): Promise<E> {
    const { schemaId, subject, nameSubject } = read
    const named = nameSubject && subject !== undefined ? { subject } : {}
    const id = schemaId === undefined ? {} : { schemaId }
    const registryError = this.asRegistryError(error, subject, schemaId)
    if (registryError) {
      // The library asks the registry for the writer schema (by id) and, with useLatestVersion, the latest version:
      // ask again for the id alone (an error path, so the extra request costs nothing in the common case).
      if (
        schemaId !== undefined &&
        registryError.status === 404 &&
        !(await this.#schemaIdExists(nameSubject ? subject : undefined, schemaId))
      ) {
        return this.error(
          'deserialize',
          'UNKNOWN_SCHEMA_ID',
          context,
          `schema id ${schemaId} in the record header is unknown to the registry (${this.registry.urls.join(', ')}): was it written against another registry?`,
          { cause: registryError, schemaId, ...named },
        )
      }
      const reason = this.useLatestVersion && registryError.status === 404 ? 'SCHEMA_NOT_REGISTERED' : 'REGISTRY_ERROR'
      return this.error('deserialize', reason, context, registryError.message, {
        cause: registryError,
        retriable: registryError.retriable,
        ...id,
        ...(subject === undefined ? {} : { subject }),
      })
    }
    return this.error(
      'deserialize',
      'DECODE_FAILED',
      context,
      `the ${context.field} does not decode with its writer schema${schemaId === undefined ? '' : ` (id ${schemaId})`}${read.decodeDetail}`,
      { cause: error, ...id, ...named },
    )
  }

  /** The serde's error, its message naming the direction, field, topic and (when known) partition and offset. */
  error(
    direction: 'serialize' | 'deserialize',
    reason: RegistrySerdeErrorReason,
    context: SerdeContext,
    detail: string,
    extra: ErrorExtra = {},
  ): E {
    const where = [
      `topic ${context.topic}`,
      context.partition === undefined ? undefined : `partition ${context.partition}`,
      context.offset === undefined ? undefined : `offset ${context.offset}`,
    ]
      .filter(Boolean)
      .join(', ')
    return this.#identity.error(
      reason,
      `${this.#identity.label}: cannot ${direction} the ${context.field} (${where}): ${detail}`,
      {
        field: context.field,
        topic: context.topic,
        ...(context.partition === undefined ? {} : { partition: context.partition }),
        ...(context.offset === undefined ? {} : { offset: context.offset }),
        ...(extra.cause === undefined ? {} : { cause: extra.cause }),
        ...(extra.subject === undefined ? {} : { subject: extra.subject }),
        ...(extra.schemaId === undefined ? {} : { schemaId: extra.schemaId }),
        ...(extra.retriable === undefined ? {} : { retriable: extra.retriable }),
      },
    )
  }

  async #schemaIdExists(subject: string | undefined, schemaId: number): Promise<boolean> {
    try {
      await this.registry.getSchema({ id: schemaId, ...(subject === undefined ? {} : { subject }) })
      return true
    } catch {
      return false
    }
  }
}

/** The promise cached under `key`, created by `create` when there is none; a promise that rejects is forgotten. */
function cached<K, V>(cache: Map<K, Promise<V>>, key: K, create: () => Promise<V>): Promise<V> {
  let value = cache.get(key)
  if (!value) {
    value = create()
    cache.set(key, value)
    value.catch(() => cache.delete(key))
  }
  return value
}
