/**
 * {@link SchemaRegistry}: kafkit's typed wrapper over `@confluentinc/schemaregistry`'s client. The client does the
 * HTTP, retries and caching; this class validates options up front, takes one options object per call and turns
 * every failure into a {@link SchemaRegistryError} with a literal reason.
 * @module
 */
import { Agent } from 'node:https'
import { StateError } from '../errors/kafka-error.js'
import { type ConfluentClient, type ConfluentModule, loadConfluent } from './confluent.js'
import { type RegistryCallContext, SchemaRegistryErrorReason, toSchemaRegistryError } from './errors.js'
import {
  type ResolvedSchemaRegistryOptions,
  resolveSchemaRegistryOptions,
  type SchemaRegistryOptions,
  type SchemaRegistryTlsOptions,
} from './options.js'
import {
  type CompatibilityLevel,
  type RegisteredSchema,
  type SchemaDefinition,
  type StoredSchema,
  type SubjectVersion,
  toSchemaInfo,
  toStored,
} from './schema-model.js'

/** An HTTPS agent with the registry's TLS settings; keep-alive as axios' default agent has none. */
function tlsAgent(tls: SchemaRegistryTlsOptions): Agent {
  return new Agent({
    keepAlive: true,
    ...(tls.ca === undefined
      ? {}
      : { ca: typeof tls.ca === 'string' || Buffer.isBuffer(tls.ca) ? tls.ca : [...tls.ca] }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  })
}

/**
 * A Confluent-compatible Schema Registry (Confluent Schema Registry, Apicurio's `ccompat` API, Karapace...).
 * Share one instance between the serdes of an application: its caches of ids and schemas are per instance.
 *
 * @example
 * ```ts
 * const registry = new SchemaRegistry({ url: 'http://localhost:8080/apis/ccompat/v7' })
 * await registry.setCompatibility({ subject: 'orders-value', level: 'BACKWARD' })
 * const { id } = await registry.register({ subject: 'orders-value', schema: orderSchema })
 * ```
 */
export class SchemaRegistry {
  /** The base URLs in use, without trailing slash. */
  readonly urls: readonly string[]
  readonly #options: ResolvedSchemaRegistryOptions
  #client: ConfluentClient | undefined
  #closed = false

  /**
   * Validates the options (throws `ConfigError`); no request is made until a method is called.
   *
   * @param options - where the registry is and how to talk to it
   */
  constructor(options: SchemaRegistryOptions) {
    this.#options = resolveSchemaRegistryOptions(options)
    this.urls = this.#options.urls
  }

  /**
   * The underlying `@confluentinc/schemaregistry` client, for what this class does not wrap (data contract rules,
   * associations, DEK registry...). Errors it throws are not mapped. Loads the package on first use: rejects with
   * code `ERR_MISSING_DEPENDENCY` when it is not installed, `StateError` after {@link SchemaRegistry.close}.
   */
  async getClient(): Promise<ConfluentClient> {
    if (this.#closed)
      throw new StateError('SchemaRegistry.getClient() was called after close(): create a new SchemaRegistry')
    if (this.#client) return this.#client
    const confluent = await loadConfluent()
    if (this.#closed)
      throw new StateError('SchemaRegistry.getClient() was called after close(): create a new SchemaRegistry')
    return (this.#client ??= this.#createClient(confluent.SchemaRegistryClient))
  }

  /** Whether {@link SchemaRegistry.close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Registers a schema under a subject and returns its id. Registering a schema the subject already has returns the
   * existing id without creating a version. Rejected with reason `INCOMPATIBLE_SCHEMA` when the subject's
   * compatibility rule refuses it, `INVALID_SCHEMA` when the registry cannot parse it.
   */
  async register(
    options: SchemaDefinition & {
      /** The subject, e.g. `orders-value`. */
      subject: string
      /** Ask the registry to normalize the schema first (see docs/avro.md on Apicurio). @default false */
      normalize?: boolean
    },
  ): Promise<RegisteredSchema> {
    const { subject } = options
    const metadata = await this.#call({ operation: 'register schema', subject }, (client) =>
      client.registerFullResponse(subject, toSchemaInfo(options), options.normalize ?? false),
    )
    return { subject, id: metadata.id ?? -1, version: metadata.version }
  }

  /** Finds the id and version of a schema already registered under a subject; reason `SCHEMA_NOT_FOUND` if absent. */
  async lookup(
    options: SchemaDefinition & {
      /** The subject. */
      subject: string
      /** Compare normalized schemas rather than their text. @default false */
      normalize?: boolean
    },
  ): Promise<RegisteredSchema> {
    const { subject } = options
    const metadata = await this.#call(
      { operation: 'look up schema', subject, notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND },
      (client) => client.getIdFullResponse(subject, toSchemaInfo(options), options.normalize ?? false),
    )
    return { subject, id: metadata.id ?? -1, version: metadata.version }
  }

  /** The schema with a given id (cached); reason `SCHEMA_NOT_FOUND` if the registry has no such id. */
  async getSchema(options: {
    /** The schema id, as written in record headers. */
    id: number
    /** A subject the schema is registered under; some registries need it to resolve references. @default none */
    subject?: string
  }): Promise<StoredSchema> {
    const { id, subject = '' } = options
    const info = await this.#call(
      {
        operation: 'get schema by id',
        schemaId: id,
        subject: subject === '' ? undefined : subject,
        notFound: SchemaRegistryErrorReason.SCHEMA_NOT_FOUND,
      },
      (client) => client.getBySubjectAndId(subject, id),
    )
    return toStored(info)
  }

  /** The latest version of a subject; reason `SUBJECT_NOT_FOUND` if it has none. */
  async getLatest(options: {
    /** The subject. */
    subject: string
  }): Promise<SubjectVersion> {
    const { subject } = options
    const metadata = await this.#call({ operation: 'get latest version', subject }, (client) =>
      client.getLatestSchemaMetadata(subject),
    )
    return { ...toStored(metadata), subject, version: metadata.version ?? -1, id: metadata.id ?? -1 }
  }

  /** A given version of a subject; reason `VERSION_NOT_FOUND` or `SUBJECT_NOT_FOUND` if absent. */
  async getVersion(options: {
    /** The subject. */
    subject: string
    /** The version number. */
    version: number
  }): Promise<SubjectVersion> {
    const { subject, version } = options
    const metadata = await this.#call(
      { operation: `get version ${version}`, subject, notFound: SchemaRegistryErrorReason.VERSION_NOT_FOUND },
      (client) => client.getSchemaMetadata(subject, version, false),
    )
    return { ...toStored(metadata), subject, version: metadata.version ?? version, id: metadata.id ?? -1 }
  }

  /** All subjects. */
  async listSubjects(): Promise<string[]> {
    return this.#call({ operation: 'list subjects' }, (client) => client.getAllSubjects())
  }

  /** The version numbers of a subject. */
  async listVersions(options: {
    /** The subject. */
    subject: string
  }): Promise<number[]> {
    const { subject } = options
    return this.#call({ operation: 'list versions', subject }, (client) => client.getAllVersions(subject))
  }

  /** Deletes a subject (soft by default) and returns the versions it had. */
  async deleteSubject(options: {
    /** The subject. */
    subject: string
    /** Delete for good (a soft delete must come first on Confluent). @default false */
    permanent?: boolean
  }): Promise<number[]> {
    const { subject } = options
    return this.#call({ operation: 'delete subject', subject }, (client) =>
      client.deleteSubject(subject, options.permanent ?? false),
    )
  }

  /**
   * The compatibility level of a subject, or the registry's default level when `subject` is omitted or the subject
   * has no level of its own.
   */
  async getCompatibility(
    options: {
      /** The subject. @default the registry-wide level */
      subject?: string
    } = {},
  ): Promise<CompatibilityLevel> {
    const { subject } = options
    if (subject !== undefined) {
      try {
        return await this.#call(
          { operation: 'get compatibility level', subject },
          async (client) => (await client.getCompatibility(subject)) as CompatibilityLevel,
        )
      } catch (error) {
        // Confluent answers 40408 for "no subject-level config", Apicurio 40401: both mean "use the default".
        if ((error as { status?: number }).status !== 404) throw error
      }
    }
    return this.#call(
      { operation: 'get default compatibility level' },
      async (client) => (await client.getDefaultCompatibility()) as CompatibilityLevel,
    )
  }

  /** Sets the compatibility level of a subject (also before its first version), or the registry-wide default. */
  async setCompatibility(options: {
    /** The level to enforce. */
    level: CompatibilityLevel
    /** The subject. @default the registry-wide level */
    subject?: string
  }): Promise<CompatibilityLevel> {
    const { subject, level } = options
    const update = level as Parameters<ConfluentClient['updateCompatibility']>[1]
    if (subject === undefined) {
      await this.#call({ operation: `set default compatibility level ${level}` }, (client) =>
        client.updateDefaultCompatibility(update),
      )
    } else {
      await this.#call({ operation: `set compatibility level ${level}`, subject }, (client) =>
        client.updateCompatibility(subject, update),
      )
    }
    return level
  }

  /**
   * Whether a schema could be registered under a subject without breaking its compatibility rule (tested against
   * the latest version, or the given one). A subject without versions accepts anything.
   */
  async testCompatibility(
    options: SchemaDefinition & {
      /** The subject. */
      subject: string
      /** The version to test against. @default the latest */
      version?: number
    },
  ): Promise<boolean> {
    const { subject, version } = options
    const info = toSchemaInfo(options)
    try {
      return await this.#call({ operation: 'test compatibility', subject }, (client) =>
        version === undefined
          ? client.testSubjectCompatibility(subject, info)
          : client.testCompatibility(subject, version, info),
      )
    } catch (error) {
      const reason = (error as { reason?: string }).reason
      if (version === undefined && (reason === 'SUBJECT_NOT_FOUND' || reason === 'VERSION_NOT_FOUND')) return true
      throw error
    }
  }

  /** Clears the caches and refuses further calls. Serdes built on this registry stop working. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const client = this.#client
    this.#client = undefined
    // eslint-disable-next-line @typescript-eslint/await-thenable -- the Client interface says void, SchemaRegistryClient's close() returns a promise
    await client?.close()
  }

  #createClient(SchemaRegistryClient: ConfluentModule['SchemaRegistryClient']): ConfluentClient {
    const options = this.#options
    const auth = options.auth
    const headers: Record<string, string> = { ...options.headers }
    // The library's bearer support targets Confluent Cloud (it insists on a logical cluster): a static token is just
    // a header.
    if (auth !== undefined && 'token' in auth) headers.Authorization = `Bearer ${auth.token}`
    return SchemaRegistryClient.newClient({
      baseURLs: [...options.urls],
      cacheCapacity: options.cacheCapacity,
      ...(options.cacheTtlMs === undefined ? {} : { cacheLatestTtlSecs: options.cacheTtlMs / 1000 }),
      maxRetries: options.maxRetries,
      retriesWaitMs: options.retryBackoffMs,
      retriesMaxWaitMs: options.retryBackoffMaxMs,
      createAxiosDefaults: {
        timeout: options.requestTimeoutMs,
        headers,
        ...(options.tls === undefined ? {} : { httpsAgent: tlsAgent(options.tls) }),
      },
      ...(auth !== undefined && 'username' in auth
        ? {
            basicAuthCredentials: {
              credentialsSource: 'USER_INFO' as const,
              userInfo: `${auth.username}:${auth.password}`,
            },
          }
        : {}),
    })
  }

  async #call<R>(context: RegistryCallContext, run: (client: ConfluentClient) => Promise<R>): Promise<R> {
    if (this.#closed) {
      throw new StateError(`SchemaRegistry: cannot ${context.operation} after close(): create a new SchemaRegistry`)
    }
    const client = await this.getClient()
    try {
      return await run(client)
    } catch (error) {
      throw toSchemaRegistryError(error, { ...context, urls: this.urls })
    }
  }
}
