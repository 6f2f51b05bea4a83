/**
 * The options of `Consumer.run()`: the handler, concurrency, retries and the error policy (stop, skip or dead-letter
 * topic); their types, defaults and validation.
 * @module
 */
import {
  describeValue,
  expectFunction,
  expectInteger,
  expectObject,
  expectString,
  integerOption,
  rejectUnknownKeys,
} from '../config/index.js'
import { ConfigError } from '../errors/kafka-error.js'
import type { DeliveryReport } from '../producer/types.js'
import type { ResolvedConsumerOptions } from './options.js'
import type { EachBatchPayload, EachMessagePayload } from './types.js'

/** A producer able to send dead letters: a kafkit `Producer` without key/value serdes fits. */
export interface DeadLetterProducer {
  /** Sends one raw record. */
  send(record: {
    topic: string
    key: Buffer | null
    value: Buffer | null
    headers: Record<string, string>
  }): Promise<DeliveryReport>
}

/** Where messages whose handling failed for good are sent. */
export interface DeadLetterOptions {
  /** The dead-letter topic. */
  topic: string
  /** The producer to send with. @default a producer kafkit creates with the consumer's connection options */
  producer?: DeadLetterProducer
}

/** What happens to a message whose handler (or deserialization) still fails after the retries. */
export type ErrorPolicy = 'stop' | 'skip' | { deadLetter: DeadLetterOptions }

/** Retries of a failing handler, with exponential backoff. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 applies the error policy at once. @default 5 */
  retries?: number
  /** Delay before the first retry, ms. @default 100 */
  initialDelayMs?: number
  /** Longest delay between retries, ms. @default 10000 */
  maxDelayMs?: number
  /** Factor applied to the delay after each retry. @default 2 */
  multiplier?: number
}

/** Retry defaults. */
export const RETRY_DEFAULTS = Object.freeze({
  retries: 5,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  multiplier: 2,
} as const)

/** Options shared by both handler styles. */
interface RunOptionsBase {
  /** How many partitions are handled at the same time (messages of one partition are always handled in order). @default 1 */
  partitionsConsumedConcurrently?: number
  /** Retries of a failing handler. */
  retry?: RetryOptions
  /**
   * What to do with a message still failing after the retries: `stop` the consumer (the default; `stopped()`
   * rejects with the error, earlier offsets are committed), `skip` it, or send it to a dead-letter topic and go on.
   * @default 'stop'
   */
  errorPolicy?: ErrorPolicy
}

/** `run()` with a handler per message. */
export interface EachMessageRunOptions<M> extends RunOptionsBase {
  /** Handles one message. The message counts as processed when the returned promise resolves. */
  eachMessage: (payload: EachMessagePayload<M>) => void | Promise<void>
  eachBatch?: never
  maxBatchSize?: never
}

/** `run()` with a handler per batch of one partition. */
export interface EachBatchRunOptions<M> extends RunOptionsBase {
  /** Handles consecutive messages of one partition. */
  eachBatch: (payload: EachBatchPayload<M>) => void | Promise<void>
  eachMessage?: never
  /** Most messages per batch. @default maxBufferedMessagesPerPartition */
  maxBatchSize?: number
}

/** Options of `run()`: exactly one of `eachMessage` or `eachBatch`. */
export type RunOptions<M> = EachMessageRunOptions<M> | EachBatchRunOptions<M>

/** Validated run settings. */
export interface ResolvedRunOptions {
  readonly mode: 'message' | 'batch'
  readonly handler: (payload: never) => void | Promise<void>
  readonly concurrency: number
  readonly maxBatchSize: number
  readonly retry: Required<RetryOptions>
  readonly errorPolicy: 'stop' | 'skip' | { readonly deadLetter: DeadLetterOptions }
}

/** Validates `run()` options. Throws {@link ConfigError}. */
export function resolveRunOptions(options: unknown, consumer: ResolvedConsumerOptions): ResolvedRunOptions {
  const opts = expectObject(options, 'run')
  rejectUnknownKeys(
    opts,
    ['eachMessage', 'eachBatch', 'partitionsConsumedConcurrently', 'maxBatchSize', 'retry', 'errorPolicy'],
    'run',
  )
  if ((opts.eachMessage === undefined) === (opts.eachBatch === undefined)) {
    throw new ConfigError('run.eachMessage', 'pass exactly one of eachMessage or eachBatch')
  }
  const mode = opts.eachMessage !== undefined ? 'message' : 'batch'
  const handler = expectFunction(
    mode === 'message' ? opts.eachMessage : opts.eachBatch,
    mode === 'message' ? 'run.eachMessage' : 'run.eachBatch',
  )
  if (mode === 'message' && opts.maxBatchSize !== undefined)
    throw new ConfigError('run.maxBatchSize', 'only applies to eachBatch')
  const retryInput = opts.retry === undefined ? {} : expectObject(opts.retry, 'run.retry')
  rejectUnknownKeys(retryInput, Object.keys(RETRY_DEFAULTS), 'run.retry')
  const retry = {
    retries: integerOption(retryInput, RETRY_DEFAULTS, 'retries', 'run.retry.', 0, 1_000_000),
    initialDelayMs: integerOption(retryInput, RETRY_DEFAULTS, 'initialDelayMs', 'run.retry.', 0, 86_400_000),
    maxDelayMs: integerOption(retryInput, RETRY_DEFAULTS, 'maxDelayMs', 'run.retry.', 0, 86_400_000),
    multiplier: retryInput.multiplier ?? RETRY_DEFAULTS.multiplier,
  }
  if (typeof retry.multiplier !== 'number' || !(retry.multiplier >= 1)) {
    throw new ConfigError('run.retry.multiplier', `expected a number >= 1, got ${describeValue(retry.multiplier)}`)
  }
  return {
    mode,
    handler: handler as ResolvedRunOptions['handler'],
    concurrency: expectInteger(
      opts.partitionsConsumedConcurrently ?? 1,
      'run.partitionsConsumedConcurrently',
      1,
      10_000,
    ),
    maxBatchSize: expectInteger(
      opts.maxBatchSize ?? consumer.maxBufferedMessagesPerPartition,
      'run.maxBatchSize',
      1,
      10_000_000,
    ),
    retry: retry as Required<RetryOptions>,
    errorPolicy: resolveErrorPolicy(opts.errorPolicy),
  }
}

function resolveErrorPolicy(value: unknown): ResolvedRunOptions['errorPolicy'] {
  if (value === undefined || value === 'stop' || value === 'skip') return value ?? 'stop'
  if (typeof value === 'string')
    throw new ConfigError('run.errorPolicy', `expected 'stop', 'skip' or { deadLetter: { topic } }, got '${value}'`)
  const policy = expectObject(value, 'run.errorPolicy')
  rejectUnknownKeys(policy, ['deadLetter'], 'run.errorPolicy')
  const deadLetter = expectObject(policy.deadLetter, 'run.errorPolicy.deadLetter')
  rejectUnknownKeys(deadLetter, ['topic', 'producer'], 'run.errorPolicy.deadLetter')
  const topic = expectString(deadLetter.topic, 'run.errorPolicy.deadLetter.topic')
  if (deadLetter.producer !== undefined && typeof (deadLetter.producer as { send?: unknown }).send !== 'function') {
    throw new ConfigError('run.errorPolicy.deadLetter.producer', 'expected a connected kafkit Producer')
  }
  return {
    deadLetter: {
      topic,
      ...(deadLetter.producer === undefined ? {} : { producer: deadLetter.producer as DeadLetterProducer }),
    },
  }
}
