/**
 * Which librdkafka kafkit runs on: its version and built-in features.
 * @module
 */
import { loadAddon } from './addon.js'

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
  return {
    version: addon.librdkafkaVersion(),
    features: Object.freeze(addon.librdkafkaFeatures().split(',').filter(Boolean)),
  }
}
