/**
 * How every admin call runs: a deadline, retries of transient errors within it, typed errors, diagnostics, and
 * in-flight tracking so that `disconnect()` can wait for calls already sent.
 * @module
 */
import { ConfigError, KafkaAggregateError, KafkaError, TimeoutError } from '../errors/kafka-error.js'
import { fromRdkafkaError } from '../errors/map.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import { tracingChannels } from '../tracing/channels.js'
import type { AdminCallContext } from '../tracing/types.js'
import type { AdminAddon, AdminRequest, RawAdminHandle, RawError, RawRequestOptions } from '../native/admin-addon.js'
import type { RequestOptions } from './types.js'

/**
 * Errors that mean the request was not applied and another attempt can succeed: the coordinator or leader is not
 * known or not ready yet. Safe to retry for every call, mutating ones included.
 */
const NOT_APPLIED = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_CONTROLLER',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  '_WAIT_COORD',
])

/** Further errors worth retrying for calls that only read. */
const TRANSIENT = new Set([
  ...NOT_APPLIED,
  '_TRANSPORT',
  '_ALL_BROKERS_DOWN',
  'NETWORK_EXCEPTION',
  'REQUEST_TIMED_OUT',
  '_NOENT',
  'UNKNOWN_LEADER_EPOCH',
  'FENCED_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'KAFKA_STORAGE_ERROR',
])

/** Which errors a call may retry: `read` calls retry every transient error, `write` calls only unapplied ones. */
export type RetryPolicy = 'read' | 'write'

/** Whether an error (raw or mapped) may be retried under `policy`. */
export function isRetryable(error: RawError | KafkaError | null | undefined, policy: RetryPolicy): boolean {
  const name = error instanceof KafkaError ? error.rdkafkaName : error?.rdkafkaName
  if (name === undefined) return false
  return (policy === 'read' ? TRANSIENT : NOT_APPLIED).has(name)
}

/** Thrown inside an attempt to ask for another one (the error is what the caller gets if time runs out). */
export class RetryRequest extends Error {
  /** @param error - the transient error */
  constructor(readonly error: RawError) {
    super(error.message)
  }
}

/** One call's state, handed to each attempt. */
export interface Attempt {
  /** The options for the addon, with the time left as the request timeout. */
  readonly raw: RawRequestOptions
  /** The call's deadline (epoch ms). */
  readonly deadline: number
}

/** What the addon's requests about the cluster as a whole (no items, only the request's options) answer. */
interface ClusterAnswers {
  readonly describeCluster: Awaited<ReturnType<AdminAddon['describeCluster']>>
  readonly listGroups: Awaited<ReturnType<AdminAddon['listGroups']>>
}
/** Those requests of the addon, by name. */
type ClusterRequests = { readonly [K in keyof ClusterAnswers]: AdminRequest<[], ClusterAnswers[K]> }

/** What admin calls share: the native handle, timeouts, and the set of calls in flight. */
export class AdminContext {
  readonly #inFlight = new Set<Promise<unknown>>()

  /**
   * @param addon - the loaded addon
   * @param handle - the librdkafka handle
   * @param settings - default timeout and first retry backoff
   */
  constructor(
    readonly addon: AdminAddon,
    readonly handle: RawAdminHandle,
    private readonly settings: { readonly requestTimeoutMs: number; readonly retryBackoffMs: number },
  ) {}

  /** Calls still running. */
  get inFlight(): number {
    return this.#inFlight.size
  }

  /** Resolves once every call started so far has settled. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline passes. Rejections of the addon and
   * {@link RetryRequest}s are retried when `policy` allows; everything is mapped to {@link KafkaError}.
   *
   * @param operation - the method name, used in error messages and diagnostics
   * @param options - the caller's per-call options
   * @param policy - which errors may be retried
   * @param attempt - one try; receives the addon options with the time left
   * @param extra - addon options besides the timeout (validateOnly, ...)
   */
  run<T>(
    operation: string,
    options: RequestOptions | undefined,
    policy: RetryPolicy,
    attempt: (state: Attempt) => Promise<T>,
    extra: Omit<RawRequestOptions, 'timeoutMs'> = {},
  ): Promise<T> {
    const channel = tracingChannels.adminCall
    let promise: Promise<T>
    if (channel.hasSubscribers) {
      const context: AdminCallContext = { operation }
      promise = channel.tracePromise(() => this.#run(operation, options, policy, attempt, extra, context), context)
    } else {
      promise = this.#run(operation, options, policy, attempt, extra, undefined)
    }
    this.#inFlight.add(promise)
    const forget = (): void => {
      this.#inFlight.delete(promise)
    }
    promise.then(forget, forget)
    return promise
  }

  /**
   * Runs a read of the cluster as a whole: an addon request about no items (`describeCluster`, `listGroups`), sent
   * with `extra` besides the timeout, whose answer `convert` turns into the result (it may throw a
   * {@link RetryRequest}). Retried as {@link AdminContext.run} retries reads.
   */
  readCluster<K extends keyof ClusterAnswers, T>(
    operation: K,
    options: RequestOptions | undefined,
    extra: Omit<RawRequestOptions, 'timeoutMs'>,
    convert: (answer: ClusterAnswers[K]) => T,
  ): Promise<T> {
    const request: ClusterRequests[K] = this.addon[operation]
    return this.run(
      operation,
      options,
      'read',
      async ({ raw }) => convert(await request.call(this.addon, this.handle, raw)),
      extra,
    )
  }

  async #run<T>(
    operation: string,
    options: RequestOptions | undefined,
    policy: RetryPolicy,
    attempt: (state: Attempt) => Promise<T>,
    extra: Omit<RawRequestOptions, 'timeoutMs'>,
    traced: { attempts?: number } | undefined,
  ): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.settings.requestTimeoutMs
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new ConfigError(
        'options.timeoutMs',
        `${operation}(): expected a positive integer, got ${String(timeoutMs)}`,
      )
    }
    const started = Date.now()
    const deadline = started + timeoutMs
    let backoff = this.settings.retryBackoffMs
    let attempts = 0
    for (;;) {
      attempts++
      if (traced !== undefined) traced.attempts = attempts
      try {
        const result = await attempt({ raw: { ...extra, timeoutMs: Math.max(1, deadline - Date.now()) }, deadline })
        publish(operation, started, attempts)
        return result
      } catch (thrown) {
        const raw = thrown instanceof RetryRequest ? thrown.error : isRawError(thrown) ? thrown : undefined
        const retry = raw !== undefined && (thrown instanceof RetryRequest || isRetryable(raw, policy))
        if (retry && Date.now() + backoff < deadline) {
          await new Promise((resolve) => setTimeout(resolve, backoff))
          backoff = Math.min(backoff * 2, 1000)
          continue
        }
        const error = toKafkaError(thrown, operation, timeoutMs, raw)
        publish(operation, started, attempts, error)
        throw error
      }
    }
  }
}

function isRawError(value: unknown): value is RawError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { rdkafkaName?: unknown }).rdkafkaName === 'string'
  )
}

function toKafkaError(
  thrown: unknown,
  operation: string,
  timeoutMs: number,
  raw: RawError | undefined,
): KafkaError | KafkaAggregateError {
  if (thrown instanceof KafkaError || thrown instanceof KafkaAggregateError) return thrown
  if (raw === undefined) {
    return new KafkaError(
      'ERR_ADMIN',
      `${operation} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      { cause: thrown },
    )
  }
  const error = fromRdkafkaError(raw, { operation })
  if (error instanceof TimeoutError || raw.rdkafkaName === '_TIMED_OUT') {
    return new TimeoutError(
      `${error.message} (timeoutMs ${timeoutMs})`,
      {
        cause: raw,
        retriable: true,
        rdkafkaCode: raw.code,
        ...(error.rdkafkaName === undefined ? {} : { rdkafkaName: error.rdkafkaName }),
      },
      error.code,
    )
  }
  return error
}

function publish(operation: string, started: number, attempts: number, error?: KafkaError | KafkaAggregateError): void {
  if (!channels.adminRequest.hasSubscribers) return
  channels.adminRequest.publish({ operation, durationMs: Date.now() - started, attempts, ...(error ? { error } : {}) })
}

/** The addon options of a nested call: the time left, without the outer call's operation-specific options. */
export function timeoutOnly(raw: RawRequestOptions): RawRequestOptions {
  return { timeoutMs: raw.timeoutMs }
}

/** Sleeps `ms` unless that passes the deadline; returns whether there was time. */
export async function pause(ms: number, deadline: number): Promise<boolean> {
  if (Date.now() + ms >= deadline) return false
  await new Promise((resolve) => setTimeout(resolve, ms))
  return true
}
