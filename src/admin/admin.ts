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
import * as configs from './configs.js'
import * as groups from './groups.js'
import * as groupOffsetCalls from './group-offsets.js'
import * as offsets from './offsets.js'
import { type AdminOptions, resolveAdminOptions, type ResolvedAdminOptions } from './options.js'
import { AdminContext } from './request.js'
import * as topics from './topics.js'
import type {
  AclBinding,
  AclDescription,
  AclFilter,
  ClusterDescription,
  ConfigAlteration,
  ConfigDescription,
  ConfigResource,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeletedRecords,
  DeleteRecordsInput,
  DescribeOptions,
  GroupDescription,
  GroupListing,
  GroupOffset,
  GroupOffsetInput,
  GroupPartitionOffset,
  ListGroupOffsetsOptions,
  ListGroupsOptions,
  ListOffsetsInput,
  ListOffsetsOptions,
  ListTopicsOptions,
  NewPartitions,
  NewTopic,
  PartitionOffset,
  RequestOptions,
  ResetGroupOffsetsOptions,
  ScramCredentialAlteration,
  ScramCredentialsDescription,
  TopicDescription,
  TopicPartition,
  ValidateOnlyOptions,
} from './types.js'

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

  /** The cluster id, the controller and the brokers. */
  describeCluster(options?: DescribeOptions): Promise<ClusterDescription> {
    return run(() => topics.describeCluster(this.#use('describeCluster'), options))
  }

  /** Topic names, sorted; internal topics only with `includeInternal`. */
  listTopics(options?: ListTopicsOptions): Promise<string[]> {
    return run(() => topics.listTopics(this.#use('listTopics'), options))
  }

  /**
   * Partitions, leaders, replicas and in-sync replicas of each topic, in input order.
   * Batch call: an unknown topic fails its item with `ERR_KAFKA_UNKNOWN_TOPIC_OR_PART`.
   */
  describeTopics(topicNames: readonly string[], options?: DescribeOptions): Promise<TopicDescription[]> {
    return run(() => topics.describeTopics(this.#use('describeTopics'), topicNames, options))
  }

  /**
   * Creates topics and, unless `waitForLeaders: false`, waits until every broker shows every partition with a
   * leader (brokers learn of new topics at their own pace).
   * Batch call: an existing topic fails its item with `ERR_KAFKA_TOPIC_ALREADY_EXISTS` and is left as it was; an
   * unknown config key fails with `ERR_KAFKA_INVALID_CONFIG`. Pass `validateOnly` to check without creating.
   */
  createTopics(newTopics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<void> {
    return run(() => topics.createTopics(this.#use('createTopics'), newTopics, options))
  }

  /** Deletes topics. Batch call: an unknown topic fails its item with `ERR_KAFKA_UNKNOWN_TOPIC_OR_PART`. */
  deleteTopics(topicNames: readonly string[], options?: RequestOptions): Promise<void> {
    return run(() => topics.deleteTopics(this.#use('deleteTopics'), topicNames, options))
  }

  /**
   * Raises topics' partition counts to `count` (the new total) and, unless `waitForLeaders: false`, waits until
   * every broker shows them led. Batch call: a count not above the current one fails its item with
   * `ERR_KAFKA_INVALID_PARTITIONS`.
   */
  createPartitions(partitions: readonly NewPartitions[], options?: CreatePartitionsOptions): Promise<void> {
    return run(() => topics.createPartitions(this.#use('createPartitions'), partitions, options))
  }

  /** Consumer groups known to the brokers, sorted by id. Rejects if some broker could not answer. */
  listGroups(options?: ListGroupsOptions): Promise<GroupListing[]> {
    return run(() => groups.listGroups(this.#use('listGroups'), options))
  }

  /** State, members and assignments of each group, in input order. An unknown group is reported as `dead`. */
  describeGroups(groupIds: readonly string[], options?: DescribeOptions): Promise<GroupDescription[]> {
    return run(() => groups.describeGroups(this.#use('describeGroups'), groupIds, options))
  }

  /**
   * Deletes groups with their committed offsets. Batch call: a group with members fails its item with
   * `ERR_KAFKA_NON_EMPTY_GROUP`, an unknown one with `ERR_KAFKA_GROUP_ID_NOT_FOUND`.
   */
  deleteGroups(groupIds: readonly string[], options?: RequestOptions): Promise<void> {
    return run(() => groups.deleteGroups(this.#use('deleteGroups'), groupIds, options))
  }

  /**
   * A group's committed offsets and, unless `lag: false`, each partition's end offset and lag. By default every
   * partition with a committed offset; with `topics`, every partition of those topics (`offset: null` where
   * nothing was committed).
   */
  listGroupOffsets(groupId: string, options?: ListGroupOffsetsOptions): Promise<GroupPartitionOffset[]> {
    return run(() => groupOffsetCalls.listGroupOffsets(this.#use('listGroupOffsets'), groupId, options))
  }

  /**
   * Sets a group's committed offsets. The group must be empty (no running consumers): otherwise rejects with
   * `ERR_KAFKA_NON_EMPTY_GROUP` and changes nothing. Per-partition failures reject with a
   * {@link KafkaAggregateError}.
   */
  alterGroupOffsets(
    groupId: string,
    groupOffsets: readonly GroupOffsetInput[],
    options?: RequestOptions,
  ): Promise<void> {
    return run(() => groupOffsetCalls.alterGroupOffsets(this.#use('alterGroupOffsets'), groupId, groupOffsets, options))
  }

  /**
   * Moves an empty group's offsets on one topic to the earliest or latest offset, or to the first record at or after
   * a timestamp (the end when there is none). Resolves with the offsets written (or, with `dryRun`, that would be).
   */
  resetGroupOffsets(groupId: string, options: ResetGroupOffsetsOptions): Promise<GroupOffset[]> {
    return run(() => groupOffsetCalls.resetGroupOffsets(this.#use('resetGroupOffsets'), groupId, options))
  }

  /**
   * Deletes a group's committed offsets for some partitions. A group still subscribed to the topic fails them
   * with `ERR_KAFKA_GROUP_SUBSCRIBED_TO_TOPIC`.
   */
  deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[], options?: RequestOptions): Promise<void> {
    return run(() => groupOffsetCalls.deleteGroupOffsets(this.#use('deleteGroupOffsets'), groupId, partitions, options))
  }

  /**
   * Looks offsets up per partition: earliest, latest, the record with the largest timestamp, or the first record
   * at or after a timestamp. Batch call: an unknown topic or partition fails its item by name.
   */
  listOffsets(partitions: readonly ListOffsetsInput[], options?: ListOffsetsOptions): Promise<PartitionOffset[]> {
    return run(() => offsets.listOffsets(this.#use('listOffsets'), partitions, options))
  }

  /**
   * Deletes every record below `before` in each partition and resolves with the new low watermarks. Batch call:
   * compacted topics fail with `ERR_KAFKA_POLICY_VIOLATION`, offsets past the end with
   * `ERR_KAFKA_OFFSET_OUT_OF_RANGE`.
   */
  deleteRecords(partitions: readonly DeleteRecordsInput[], options?: RequestOptions): Promise<DeletedRecords[]> {
    return run(() => offsets.deleteRecords(this.#use('deleteRecords'), partitions, options))
  }

  /** Every configuration entry of each resource, with its source and synonyms. Batch call. */
  describeConfigs(resources: readonly ConfigResource[], options?: RequestOptions): Promise<ConfigDescription[]> {
    return run(() => configs.describeConfigs(this.#use('describeConfigs'), resources, options))
  }

  /**
   * Changes only the named properties (Kafka's IncrementalAlterConfigs): `set`, `delete` (back to the default),
   * `append`/`subtract` for list properties. Batch call: an unknown property fails its resource with
   * `ERR_KAFKA_INVALID_CONFIG`, and that resource keeps its configuration.
   */
  alterConfigs(alterations: readonly ConfigAlteration[], options?: ValidateOnlyOptions): Promise<void> {
    return run(() => configs.alterConfigs(this.#use('alterConfigs'), alterations, options))
  }

  /** Creates ACL bindings. Batch call; needs an authorizer on the brokers (else `ERR_KAFKA_SECURITY_DISABLED`). */
  createAcls(bindings: readonly AclBinding[], options?: RequestOptions): Promise<void> {
    return run(() => acls.createAcls(this.#use('createAcls'), bindings, options))
  }

  /** The ACL bindings matching `filter` (fields left out match anything). */
  describeAcls(filter?: AclFilter, options?: RequestOptions): Promise<AclDescription[]> {
    return run(() => acls.describeAcls(this.#use('describeAcls'), filter, options))
  }

  /** Deletes the ACL bindings matching each filter; resolves with what each filter deleted. Batch call. */
  deleteAcls(filters: readonly AclFilter[], options?: RequestOptions): Promise<AclDescription[][]> {
    return run(() => acls.deleteAcls(this.#use('deleteAcls'), filters, options))
  }

  /** SCRAM credentials (mechanisms and iterations, never secrets) of some users, or of every user. */
  describeUserScramCredentials(
    users?: readonly string[],
    options?: RequestOptions,
  ): Promise<ScramCredentialsDescription[]> {
    return run(() => acls.describeUserScramCredentials(this.#use('describeUserScramCredentials'), users, options))
  }

  /** Creates, replaces or deletes SASL/SCRAM credentials. Batch call. */
  alterUserScramCredentials(
    alterations: readonly ScramCredentialAlteration[],
    options?: RequestOptions,
  ): Promise<void> {
    return run(() => acls.alterUserScramCredentials(this.#use('alterUserScramCredentials'), alterations, options))
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
