/**
 * The Admin client: Kafka's whole admin API over librdkafka, through kafkit's own addon.
 * @module
 */
import { AuthenticationError, ConnectionError, KafkaError } from '../errors/kafka-error.js'
import { authenticationFailed, configErrorFrom, fromRdkafkaError, isHopeless } from '../errors/map.js'
import { type OAuthBearerTokenProvider, tokenProviderOf } from '../config/index.js'
import { ConnectGuard } from '../internal/connect-guard.js'
import { diagnosticsChannels as channels } from '../diagnostics/channels.js'
import type { AdminLogPayload } from '../diagnostics/payloads.js'
import { type ClientState, Lifecycle } from '../internal/lifecycle.js'
import { OAuthRefresher } from '../internal/oauth.js'
import { loadAdminAddon, type RawAdminEventListener, type RawAdminHandle } from '../native/admin-addon.js'
import * as acls from './acls.js'
import type { AdminCalls } from './calls.js'
import * as configs from './configs.js'
import * as groups from './groups.js'
import * as groupOffsetCalls from './group-offsets.js'
import * as offsets from './offsets.js'
import { type AdminOptions, resolveAdminOptions, type ResolvedAdminOptions } from './options.js'
import type { AdminCallName, AdminOperation } from './operation.js'
import { AdminContext } from './request.js'
import * as topics from './topics.js'

/** The module-level operation behind each call of {@link AdminCalls}, checked against the call's declaration. */
const OPERATIONS: { readonly [M in AdminCallName]: AdminOperation<M> } = {
  describeCluster: topics.describeCluster,
  listTopics: topics.listTopics,
  describeTopics: topics.describeTopics,
  createTopics: topics.createTopics,
  deleteTopics: topics.deleteTopics,
  createPartitions: topics.createPartitions,
  listGroups: groups.listGroups,
  describeGroups: groups.describeGroups,
  deleteGroups: groups.deleteGroups,
  listGroupOffsets: groupOffsetCalls.listGroupOffsets,
  alterGroupOffsets: groupOffsetCalls.alterGroupOffsets,
  resetGroupOffsets: groupOffsetCalls.resetGroupOffsets,
  deleteGroupOffsets: groupOffsetCalls.deleteGroupOffsets,
  listOffsets: offsets.listOffsets,
  deleteRecords: offsets.deleteRecords,
  describeConfigs: configs.describeConfigs,
  alterConfigs: configs.alterConfigs,
  createAcls: acls.createAcls,
  describeAcls: acls.describeAcls,
  deleteAcls: acls.deleteAcls,
  describeUserScramCredentials: acls.describeUserScramCredentials,
  alterUserScramCredentials: acls.alterUserScramCredentials,
}

// The calls are declared once, in AdminCalls, and installed from OPERATIONS by the class's static block.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Admin extends AdminCalls {}

/**
 * Administers a Kafka cluster: topics, partitions, consumer groups and their offsets, records, configuration, ACLs
 * and SCRAM users.
 *
 * Every call returns a promise; results come back from librdkafka's background thread, so the event loop never
 * waits. Transient errors (no coordinator yet, a leader moving) are retried within the call's `timeoutMs`.
 *
 * **Errors.** Argument mistakes throw {@link ConfigError} before anything is sent. A batch call (one taking an
 * array) resolves only if every item succeeded; otherwise it rejects with one {@link KafkaAggregateError} whose
 * `failures` list each failed item's input `index` and typed error (e.g. `ERR_KAFKA_TOPIC_ALREADY_EXISTS`); items
 * not listed were applied — Kafka has no transaction across items. Calls about one group or one resource reject
 * with that single typed error.
 *
 * @example
 * ```ts
 * const admin = new Admin({ brokers: 'localhost:9092' })
 * await admin.connect()
 * await admin.createTopics([{ topic: 'orders', partitions: 6, replicationFactor: 3 }])
 * console.log(await admin.listGroupOffsets('billing')) // committed offsets and lag
 * await admin.disconnect()
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Admin {
  readonly #lifecycle = new Lifecycle('Admin')
  readonly #options: ResolvedAdminOptions
  #context: AdminContext | undefined
  #closing: Promise<void> | undefined
  /** Set while connecting: fails connect() at once on errors that waiting cannot cure (bad credentials). */
  readonly #guard = new ConnectGuard()
  readonly #tokenProvider: OAuthBearerTokenProvider | undefined
  #oauth: OAuthRefresher | undefined

  /**
   * Validates the options; throws {@link ConfigError} for a wrong one. Nothing connects until {@link connect}.
   * @param options - brokers, security and timeouts
   */
  constructor(options: AdminOptions) {
    this.#options = resolveAdminOptions(options)
    this.#tokenProvider = tokenProviderOf(options)
  }

  /** The lifecycle state. */
  get state(): ClientState {
    return this.#lifecycle.state
  }

  /**
   * Creates the librdkafka handle and waits until the cluster answers (a DescribeCluster round trip). Rejects
   * with {@link ConnectionError} when no broker answers within `connectTimeoutMs`; the Admin is then closed.
   */
  connect(): Promise<void> {
    return this.#lifecycle.connect('connect', () => this.#connect())
  }

  async #connect(): Promise<void> {
    let handle: RawAdminHandle | undefined
    try {
      const addon = loadAdminAddon()
      handle = addon.createClient(this.#options.rdkafkaConfig, (kind, payload) => this.#onNativeEvent(kind, payload), {
        oauthbearer: this.#tokenProvider !== undefined,
      })
      const created = handle
      if (this.#tokenProvider)
        this.#oauth = new OAuthRefresher(this.#tokenProvider, (token) => addon.setOAuthToken(created, token))
      this.#context = new AdminContext(addon, handle, this.#options)
      await this.#guard.run(topics.describeCluster(this.#context, { timeoutMs: this.#options.connectTimeoutMs }))
      this.#lifecycle.set('connected')
    } catch (error) {
      this.#lifecycle.set('closed')
      if (handle) await this.#context?.addon.destroyClient(handle).catch(() => undefined)
      this.#context = undefined
      if (error instanceof KafkaError && error.code === 'ERR_ADDON') throw error
      // librdkafka refused properties when the handle was created: the addon names each one.
      if (Array.isArray((error as { properties?: unknown } | undefined)?.properties)) throw configErrorFrom(error)
      const cause = error instanceof KafkaError ? error : fromRdkafkaError(error, { operation: 'Admin.connect' })
      if (cause instanceof AuthenticationError) throw authenticationFailed('Admin', cause)
      throw new ConnectionError(
        `Admin.connect() failed: ${
          isHopeless(cause)
            ? 'the brokers refused the client'
            : `no answer from the cluster within ${this.#options.connectTimeoutMs} ms`
        } (${cause.message})`,
        { cause, ...(cause.rdkafkaName ? { rdkafkaName: cause.rdkafkaName } : {}) },
      )
    }
  }

  /** librdkafka's client-level errors and logs, published on `kafkit:admin:error` and `kafkit:admin:log`. */
  #onNativeEvent: RawAdminEventListener = (kind, payload) => {
    if (kind === 'oauthbearer-refresh') {
      this.#oauth?.refresh((payload as { config: string }).config)
      return
    }
    if (kind === 'log') {
      // A 'log' event's payload is a log line.
      if (channels.adminLog.hasSubscribers) channels.adminLog.publish(payload as AdminLogPayload)
      return
    }
    const error = fromRdkafkaError(payload, { operation: 'Admin' })
    this.#guard.report(error)
    if (channels.adminError.hasSubscribers) channels.adminError.publish({ error })
  }

  /**
   * Waits for calls already made, then destroys the librdkafka handle (off the event loop). Safe to call more than
   * once and in any state; an Admin cannot be reconnected.
   */
  disconnect(): Promise<void> {
    if (this.#closing) return this.#closing
    if (this.#lifecycle.state === 'connecting') {
      // Let connect() settle first, so that it cannot mark a closed Admin connected afterwards.
      this.#closing = this.#lifecycle.connectSettled().then(() => {
        this.#closing = undefined
        return this.disconnect()
      })
      return this.#closing
    }
    if (this.#lifecycle.state !== 'connected') {
      this.#lifecycle.set('closed')
      return Promise.resolve()
    }
    this.#lifecycle.set('closing')
    const context = this.#context!
    this.#closing = (async () => {
      try {
        await context.drain()
        await context.addon.destroyClient(context.handle)
      } finally {
        this.#context = undefined
        this.#lifecycle.set('closed')
      }
    })()
    return this.#closing
  }

  #use(method: string): AdminContext {
    this.#lifecycle.assertConnected(method)
    return this.#context!
  }

  // Every call of AdminCalls, run through its module-level operation: state and argument errors become rejections.
  static {
    for (const name of Object.keys(OPERATIONS) as AdminCallName[]) {
      const operation = OPERATIONS[name] as (context: AdminContext, ...args: unknown[]) => Promise<unknown>
      const call = {
        [name](this: Admin, ...args: unknown[]): Promise<unknown> {
          return run(() => operation(this.#use(name), ...args))
        },
      }[name]
      Object.defineProperty(Admin.prototype, name, { value: call, writable: true, configurable: true })
    }
  }
}

/** Turns a synchronous throw (state, arguments) into a rejection, so every method only ever rejects. */
function run<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}
