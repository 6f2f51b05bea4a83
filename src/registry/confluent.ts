/**
 * Loads `@confluentinc/schemaregistry` on first use, through its public entry point only. It is an optional peer
 * dependency: its cloud key-management SDKs (AWS, Azure, Google Cloud, Vault) make up most of an install, so a
 * service that never uses a registry does not install it, and importing kafkit never loads it. The first
 * `SchemaRegistry` call or registry serde loads it once (its index pulls in those SDKs: about a second).
 * @module
 */
import type * as Confluent from '@confluentinc/schemaregistry'
import { KafkaError } from '../errors/kafka-error.js'

/** The package kafkit's registry features need. */
export const CONFLUENT_PACKAGE = '@confluentinc/schemaregistry'
/** The version range kafkit is tested with (kept in step with `peerDependencies`). */
export const CONFLUENT_PACKAGE_RANGE = '^1.10.1'

/** `@confluentinc/schemaregistry`'s public exports. */
export type ConfluentModule = typeof Confluent

export type {
  Client as ConfluentClient,
  SchemaInfo as ConfluentSchemaInfo,
  SchemaMetadata as ConfluentSchemaMetadata,
} from '@confluentinc/schemaregistry'

let loading: Promise<ConfluentModule> | undefined

/**
 * The package, loaded once. Rejects with code `ERR_MISSING_DEPENDENCY` (naming the package and the install command)
 * when it is not installed; a later call tries again, so installing it does not need a restart of the caller's
 * retry loop.
 */
export function loadConfluent(): Promise<ConfluentModule> {
  loading ??= import(CONFLUENT_PACKAGE).then(
    (module: ConfluentModule & { default?: ConfluentModule }) =>
      // A CommonJS package: Node finds its named exports statically; the default export is the fallback.
      typeof module.SchemaRegistryClient === 'function' ? module : (module.default ?? module),
    (error: unknown) => {
      loading = undefined
      throw missingDependency(error)
    },
  )
  return loading
}

/** The error for a package that could not be loaded, saying how to install it. */
function missingDependency(error: unknown): KafkaError {
  const code = (error as { code?: unknown } | null)?.code
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
  return new KafkaError(
    'ERR_MISSING_DEPENDENCY',
    missing
      ? `SchemaRegistry and the registry serdes (serdes.avro, serdes.protobuf, serdes.jsonSchema) need the optional peer dependency ${CONFLUENT_PACKAGE}, which is not installed: run \`npm install ${CONFLUENT_PACKAGE}@${CONFLUENT_PACKAGE_RANGE}\``
      : `${CONFLUENT_PACKAGE} is installed but could not be loaded (${error instanceof Error ? error.message : String(error)}): reinstall it with \`npm install ${CONFLUENT_PACKAGE}@${CONFLUENT_PACKAGE_RANGE}\``,
    { cause: error },
  )
}
