/**
 * The Admin client's configuration inputs and results: resources, entries, incremental alterations.
 * @module
 */

/** Kinds of configurable resources. */
export type ConfigResourceType = 'topic' | 'broker' | 'group'

/** A resource whose configuration is described or altered. */
export interface ConfigResource {
  /** Resource type. */
  type: ConfigResourceType
  /** Topic name, broker id as a string, or group id. */
  name: string
}

/** Where a configuration value comes from. */
export type ConfigSource =
  'unknown' | 'dynamic-topic' | 'dynamic-broker' | 'dynamic-default-broker' | 'static-broker' | 'default' | 'group'

/** One configuration entry. */
export interface ConfigEntry {
  /** Property name. */
  readonly name: string
  /** Its value; null for sensitive values and unset ones. */
  readonly value: string | null
  /** Where the value comes from. */
  readonly source: ConfigSource
  /** Whether it can be altered. */
  readonly isReadOnly: boolean
  /** Whether it is the default. */
  readonly isDefault: boolean
  /** Whether the broker hides its value. */
  readonly isSensitive: boolean
  /** The values it overrides, most specific first. */
  readonly synonyms: ReadonlyArray<{
    readonly name: string
    readonly value: string | null
    readonly source: ConfigSource
  }>
}

/** What {@link Admin.describeConfigs} returns per resource. */
export interface ConfigDescription {
  /** Resource type. */
  readonly type: ConfigResourceType
  /** Resource name. */
  readonly name: string
  /** Every entry, in the broker's order. */
  readonly entries: readonly ConfigEntry[]
}

/** An incremental configuration change for {@link Admin.alterConfigs}; properties not named keep their values. */
export interface ConfigAlteration extends ConfigResource {
  /** Properties to set. */
  set?: Readonly<Record<string, string | number | boolean>>
  /** Properties to reset to their default. */
  delete?: readonly string[]
  /** List properties to add values to, e.g. `{ 'cleanup.policy': 'compact' }`. */
  append?: Readonly<Record<string, string>>
  /** List properties to remove values from. */
  subtract?: Readonly<Record<string, string>>
}
