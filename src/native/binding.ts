/**
 * What kafkit takes from node-rdkafka besides its librdkafka build: the configuration property types. node-rdkafka's
 * JavaScript (and its own native binding) is never loaded by kafkit.
 * @module
 */
import { loadAddon } from './addon.js'

// librdkafka's configuration property types, as node-rdkafka's generated config.d.ts spells them.
export type {
  ConsumerGlobalConfig,
  ConsumerTopicConfig,
  GlobalConfig,
  ProducerGlobalConfig,
  ProducerTopicConfig,
} from 'node-rdkafka'

/** The librdkafka build in this process. */
export interface LibrdkafkaInfo {
  /** librdkafka's version, e.g. `2.12.0`. */
  readonly version: string
  /** The features librdkafka was built with (`builtin.features`), e.g. `zstd`, `ssl`, `sasl_scram`. */
  readonly features: readonly string[]
}

/**
 * Reports the version and built-in features of the librdkafka that kafkit runs on.
 *
 * @example
 * ```ts
 * const { version, features } = librdkafkaInfo()
 * if (!features.includes('zstd')) throw new Error('rebuild node-rdkafka with libzstd-dev installed')
 * ```
 */
export function librdkafkaInfo(): LibrdkafkaInfo {
  const addon = loadAddon<{ librdkafkaVersion(): string; librdkafkaFeatures(): string }>()
  return { version: addon.librdkafkaVersion(), features: Object.freeze(addon.librdkafkaFeatures().split(',').filter(Boolean)) }
}
