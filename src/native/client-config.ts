/**
 * The configuration a client handle is created with. librdkafka connects to its bootstrap brokers as soon as a
 * handle exists, so handles are created without them and `connect()` hands them over ({@link Bootstrap}): a client
 * that was constructed but never connected opens no connection and logs nothing.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'

/** The properties that name bootstrap brokers. */
const BOOTSTRAP_KEYS = ['bootstrap.servers', 'metadata.broker.list'] as const

/** What the addon needs to hand a handle its brokers. */
interface BrokersAddon {
  clientAddBrokers(handle: object, brokers: string): number
}

/** librdkafka takes every property as a string; `undefined` values are left out. */
export function toStrings(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- librdkafka property values, checked by validateRdkafka
  for (const [key, value] of Object.entries(config)) if (value !== undefined) out[key] = String(value)
  return out
}

/** A client's bootstrap brokers, kept apart from its creation until `connect()`. */
export class Bootstrap {
  readonly #brokers: string | undefined
  #added = false

  /** Takes the bootstrap properties out of `config` (which is changed) and keeps them. */
  constructor(config: Record<string, string>) {
    const lists = BOOTSTRAP_KEYS.map((key) => config[key]).filter(
      (list): list is string => list !== undefined && list !== '',
    )
    for (const key of BOOTSTRAP_KEYS) delete config[key]
    this.#brokers = lists.length === 0 ? undefined : lists.join(',')
  }

  /** Hands the brokers to the handle, once; librdkafka starts connecting then. */
  start(addon: BrokersAddon, handle: object): void {
    if (this.#added || this.#brokers === undefined) return
    this.#added = true
    if (addon.clientAddBrokers(handle, this.#brokers) === 0) {
      throw new ConfigError(
        'brokers',
        `librdkafka found no broker address in '${this.#brokers}'; give host:port pairs, e.g. 'localhost:9092'`,
      )
    }
  }
}
