/**
 * Where librdkafka's log lines go: the `logger` option when there is one, otherwise warnings and errors become
 * process warnings (what Node prints to stderr by default) so that nothing fails unseen, at most one per
 * facility every 10 s; debug and info lines are dropped without a logger.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'

/** A logger: any object with these methods (console, pino, winston and bunyan loggers all fit). */
export interface Logger {
  /** librdkafka levels 7 (debug). */
  debug(message: string, fields: LogFields): void
  /** librdkafka levels 5-6 (notice, info). */
  info(message: string, fields: LogFields): void
  /** librdkafka level 4 (warning). */
  warn(message: string, fields: LogFields): void
  /** librdkafka levels 0-3 (emergency to error). */
  error(message: string, fields: LogFields): void
}

/** What each log line carries besides its text. */
export interface LogFields {
  /** `'librdkafka'` for librdkafka's own lines. */
  readonly source: 'librdkafka'
  /** The client's role and name, e.g. `producer orders-service`. */
  readonly client: string
  /** librdkafka's facility, e.g. `FAIL`, `REQTMOUT`, `MOCK`. */
  readonly facility: string
  /** The syslog level librdkafka gave (0 emergency ... 7 debug). */
  readonly level: number
}

const WARNING_INTERVAL_MS = 10_000

/** Routes one client's librdkafka log lines. */
export class LogRouter {
  readonly #logger: Logger | undefined
  readonly #client: string
  readonly #lastWarning = new Map<string, number>()

  constructor(logger: Logger | undefined, client: string) {
    this.#logger = logger
    this.#client = client
  }

  /** One librdkafka log line. */
  log(level: number, facility: string, message: string): void {
    const fields: LogFields = { source: 'librdkafka', client: this.#client, facility, level }
    const logger = this.#logger
    if (logger) {
      if (level <= 3) logger.error(message, fields)
      else if (level === 4) logger.warn(message, fields)
      else if (level <= 6) logger.info(message, fields)
      else logger.debug(message, fields)
      return
    }
    if (level > 4) return
    const now = Date.now()
    if (now - (this.#lastWarning.get(facility) ?? -Infinity) < WARNING_INTERVAL_MS) return
    this.#lastWarning.set(facility, now)
    process.emitWarning(`${this.#client}: ${message}`, { type: 'KafkitLibrdkafkaWarning', code: `RDKAFKA_${facility}` })
  }
}

/** Validates a `logger` option; `undefined` when not given. Throws {@link ConfigError} for anything else. */
export function resolveLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined
  if (!isLogger(value))
    throw new ConfigError(
      'logger',
      'expected an object with debug, info, warn and error methods (console, pino and winston loggers fit)',
    )
  return value
}

/** Checks a `logger` option: an object with the four methods. */
export function isLogger(value: unknown): value is Logger {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['debug', 'info', 'warn', 'error'].every(
      (method) => typeof (value as Record<string, unknown>)[method] === 'function',
    )
  )
}
