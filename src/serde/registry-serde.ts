/**
 * What `serdes.protobuf()` and `serdes.jsonSchema()` share on top of the {@link RegistrySerdeCore} every registry
 * serde uses: the schema is registered or looked up once per subject, then the library serializer is bound to its
 * id, and every failure becomes a {@link SchemaSerializationError}. Each format supplies a {@link SchemaFormat}: how
 * to build its schema text and the library's serializer and deserializer.
 * @module
 */
import type { Deserializer, SchemaInfo, Serializer, SubjectNameStrategyFunc } from '@confluentinc/schemaregistry'
import { ConfigError, KafkaError } from '../errors/kafka-error.js'
import { type ConfluentClient, type ConfluentModule, loadConfluent } from '../registry/confluent.js'
import type { SchemaRegistryError } from '../registry/errors.js'
import type { SchemaReference } from '../registry/schema-model.js'
import { RegistrySerdeCore, type RegistrySerdeOptions, resolveRegistrySerdeOptions } from './registry-serde-core.js'
import { type SchemaSerdeFormat, SchemaSerializationError } from './registry-serde-errors.js'
import type { Serde, SerdeContext } from './types.js'

export { REGISTRY_SERDE_DEFAULTS, type RegistrySerdeOptions } from './registry-serde-core.js'

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
  definition(
    confluent: ConfluentModule,
    client: ConfluentClient,
    normalize: boolean,
    autoRegister: boolean,
  ): Promise<WriterDefinition>
  /** The library serializer. */
  serializer(confluent: ConfluentModule, client: ConfluentClient, field: 'key' | 'value', conf: LibraryConf): Serializer
  /** The library deserializer. */
  deserializer(
    confluent: ConfluentModule,
    client: ConfluentClient,
    field: 'key' | 'value',
    conf: Omit<LibraryConf, 'autoRegisterSchemas' | 'useSchemaId' | 'normalizeSchemas'>,
  ): Deserializer
  /**
   * Why a value cannot be written with the writer schema, or `undefined` when it can. Says where and what was
   * expected, never the value (records carry personal data, errors end up in logs).
   */
  checkValue(
    value: unknown,
    writer: { serializer: Serializer; info: SchemaInfo },
  ): Promise<string | undefined> | string | undefined
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

/** A registry-backed serde of one {@link SchemaFormat}. */
export class RegistrySerde<T> implements Serde<T> {
  readonly #format: SchemaFormat<T>
  readonly #core: RegistrySerdeCore<Writer, Deserializer, SchemaSerializationError>

  /**
   * @param options - the user's options (validated here)
   * @param format - the schema format
   */
  constructor(options: RegistrySerdeOptions, format: SchemaFormat<T>) {
    const resolved = resolveRegistrySerdeOptions(options, format.optionKeys)
    this.#format = format
    this.#core = new RegistrySerdeCore(resolved, {
      label: format.label,
      unnamed: `a record name (${format.format === 'PROTOBUF' ? 'the message type' : "the JSON schema's `title`"}); this schema has none`,
      error: (reason, message, options) => new SchemaSerializationError(format.format, reason, message, options),
    })
    if (resolved.useLatestVersion && format.recordName === undefined && this.#core.recordBased) {
      throw new ConfigError(
        'schema',
        `subjectStrategy '${String(resolved.subjectStrategy)}' names subjects after the record: give the schema whose latest version to use`,
      )
    }
  }

  async serialize(value: T, context: SerdeContext): Promise<Buffer> {
    const writer = await this.#core.writerFor(context, this.#createWriter)
    const problem =
      writer.info === undefined
        ? undefined
        : await this.#format.checkValue(value, { serializer: writer.serializer, info: writer.info })
    if (problem !== undefined) {
      throw this.#core.error(
        'serialize',
        'INVALID_RECORD',
        context,
        `the ${context.field} does not match the schema${writer.schemaId === undefined ? '' : ` with id ${writer.schemaId}`} (subject "${writer.subject}"): ${problem}`,
        { subject: writer.subject, schemaId: writer.schemaId },
      )
    }
    try {
      return await writer.serializer.serialize(context.topic, value)
    } catch (error) {
      // The library's message may quote the value: keep it and its error out of the message and the cause chain.
      throw this.#core.writeFailure(
        error,
        context,
        writer,
        () =>
          `the ${context.field} could not be written with the schema${writer.schemaId === undefined ? '' : ` with id ${writer.schemaId}`} (subject "${writer.subject}"): the ${this.#format.label} serializer refused it (${error instanceof Error ? error.name : typeof error})`,
      )
    }
  }

  async deserialize(data: Buffer, context: SerdeContext): Promise<T> {
    const field = context.field
    const { schemaId } = this.#core.wireSchemaId(data, context)
    const deserializer = await this.#readerFor(field, context)
    let value: unknown
    try {
      value = await deserializer.deserialize(context.topic, data, context.headers)
    } catch (error) {
      throw await this.#core.readFailure(error, context, {
        schemaId,
        subject: this.#readerSubject(context.topic, field) || undefined,
        nameSubject: false,
        decodeDetail: `: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      })
    }
    const problem = await this.#format.checkDecoded?.(value, deserializer, context.topic, data)
    if (problem !== undefined) {
      throw this.#core.error(
        'deserialize',
        'DECODE_FAILED',
        context,
        `the ${field} does not validate against its writer schema${schemaId === undefined ? '' : ` (id ${schemaId})`}: ${problem}`,
        { ...(schemaId === undefined ? {} : { schemaId }) },
      )
    }
    return value as T
  }

  // -- writing ------------------------------------------------------------------------------------------------------

  #createWriter = async (context: SerdeContext): Promise<Writer> => {
    const { topic, field } = context
    const format = this.#format
    const core = this.#core
    const { registry } = core
    if (!core.useLatestVersion && !format.hasSchema) {
      throw core.error(
        'serialize',
        'NO_WRITER_SCHEMA',
        context,
        `this ${format.label} serde has no schema to write with: pass \`schema\` (or \`useLatestVersion: true\`)`,
      )
    }
    const subject = core.subjectName(topic, field, format.recordName)
    const registryCall = <R>(call: () => Promise<R>): Promise<R> =>
      core.registryCall(context, subject, call, this.#advice)
    const confluent = await registryCall(loadConfluent)
    const client = await registryCall(() => registry.getClient())
    const conf = { normalizeSchemas: core.normalize, subjectNameStrategy: () => subject }
    if (core.useLatestVersion) {
      const latest = await registryCall(() => registry.getLatest({ subject }))
      const serializer = format.serializer(confluent, client, field, {
        ...conf,
        autoRegisterSchemas: false,
        useLatestVersion: true,
      })
      return {
        subject,
        schemaId: latest.id,
        serializer,
        info: { schema: latest.schema, schemaType: latest.schemaType, references: [...latest.references] },
      }
    }
    const definition = await registryCall(async () => {
      try {
        return await format.definition(confluent, client, core.normalize, core.autoRegister)
      } catch (error) {
        throw core.asRegistryError(error, subject, undefined) ?? error
      }
    })
    const request = {
      subject,
      schema: definition.schema,
      schemaType: format.format,
      normalize: core.normalize,
      ...(definition.references === undefined ? {} : { references: definition.references }),
    }
    const { id } = await registryCall(() => (core.autoRegister ? registry.register(request) : registry.lookup(request)))
    const serializer = format.serializer(confluent, client, field, {
      ...conf,
      autoRegisterSchemas: false,
      useLatestVersion: false,
      useSchemaId: id,
    })
    const info: SchemaInfo = {
      schema: definition.schema,
      schemaType: format.format,
      references: (definition.references ?? []).map((ref) => ({ ...ref })),
    }
    return { subject, schemaId: id, serializer, info }
  }

  #advice = (error: SchemaRegistryError): string | undefined => this.#format.registryHint?.(error)

  // -- reading ------------------------------------------------------------------------------------------------------

  #readerFor(field: 'key' | 'value', context: SerdeContext): Promise<Deserializer> {
    return this.#core.readerFor(field, this.#createReader).catch((error: unknown) => {
      if (error instanceof KafkaError) throw error
      throw this.#core.error('deserialize', 'REGISTRY_ERROR', context, String(error), { cause: error })
    })
  }

  #createReader = async (field: 'key' | 'value'): Promise<Deserializer> => {
    const confluent = await loadConfluent()
    const client = await this.#core.registry.getClient()
    return this.#format.deserializer(confluent, client, field, {
      useLatestVersion: this.#core.useLatestVersion,
      subjectNameStrategy: (topic) => this.#readerSubject(topic, field),
    })
  }

  /**
   * The subject on the read side: only a hint when the writer schema is looked up by id, and what `useLatestVersion`
   * reads. Record-based strategies use the local schema's name, or give no hint ('') as the library's do.
   */
  #readerSubject(topic: string, field: 'key' | 'value'): string {
    return this.#core.readerSubject(topic, field, this.#format.recordName)
  }
}
