/**
 * What an {@link Admin} can ask of the cluster: every call's signature and documentation, declared once. The Admin
 * class takes these members by declaration merging and runs each through the module-level operation of the same
 * name (see `OPERATIONS` in admin.ts), so no call is written out twice.
 * @module
 */
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
 * The calls of an {@link Admin}. Every call returns a promise and only ever rejects (argument mistakes included);
 * batch calls (taking an array) reject with one {@link KafkaAggregateError} listing each failed item.
 */
export interface AdminCalls {
  /** The cluster id, the controller and the brokers. */
  describeCluster(options?: DescribeOptions): Promise<ClusterDescription>

  /** Topic names, sorted; internal topics only with `includeInternal`. */
  listTopics(options?: ListTopicsOptions): Promise<string[]>

  /**
   * Partitions, leaders, replicas and in-sync replicas of each topic, in input order.
   * Batch call: an unknown topic fails its item with `ERR_KAFKA_UNKNOWN_TOPIC_OR_PART`.
   */
  describeTopics(topicNames: readonly string[], options?: DescribeOptions): Promise<TopicDescription[]>

  /**
   * Creates topics and, unless `waitForLeaders: false`, waits until every broker shows every partition with a
   * leader (brokers learn of new topics at their own pace).
   * Batch call: an existing topic fails its item with `ERR_KAFKA_TOPIC_ALREADY_EXISTS` and is left as it was; an
   * unknown config key fails with `ERR_KAFKA_INVALID_CONFIG`. Pass `validateOnly` to check without creating.
   */
  createTopics(newTopics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<void>

  /** Deletes topics. Batch call: an unknown topic fails its item with `ERR_KAFKA_UNKNOWN_TOPIC_OR_PART`. */
  deleteTopics(topicNames: readonly string[], options?: RequestOptions): Promise<void>

  /**
   * Raises topics' partition counts to `count` (the new total) and, unless `waitForLeaders: false`, waits until
   * every broker shows them led. Batch call: a count not above the current one fails its item with
   * `ERR_KAFKA_INVALID_PARTITIONS`.
   */
  createPartitions(partitions: readonly NewPartitions[], options?: CreatePartitionsOptions): Promise<void>

  /** Consumer groups known to the brokers, sorted by id. Rejects if some broker could not answer. */
  listGroups(options?: ListGroupsOptions): Promise<GroupListing[]>

  /** State, members and assignments of each group, in input order. An unknown group is reported as `dead`. */
  describeGroups(groupIds: readonly string[], options?: DescribeOptions): Promise<GroupDescription[]>

  /**
   * Deletes groups with their committed offsets. Batch call: a group with members fails its item with
   * `ERR_KAFKA_NON_EMPTY_GROUP`, an unknown one with `ERR_KAFKA_GROUP_ID_NOT_FOUND`.
   */
  deleteGroups(groupIds: readonly string[], options?: RequestOptions): Promise<void>

  /**
   * A group's committed offsets and, unless `lag: false`, each partition's end offset and lag. By default every
   * partition with a committed offset; with `topics`, every partition of those topics (`offset: null` where
   * nothing was committed).
   */
  listGroupOffsets(groupId: string, options?: ListGroupOffsetsOptions): Promise<GroupPartitionOffset[]>

  /**
   * Sets a group's committed offsets. The group must be empty (no running consumers): otherwise rejects with
   * `ERR_KAFKA_NON_EMPTY_GROUP` and changes nothing. Per-partition failures reject with a
   * {@link KafkaAggregateError}.
   */
  alterGroupOffsets(groupId: string, groupOffsets: readonly GroupOffsetInput[], options?: RequestOptions): Promise<void>

  /**
   * Moves an empty group's offsets on one topic to the earliest or latest offset, or to the first record at or after
   * a timestamp (the end when there is none). Resolves with the offsets written (or, with `dryRun`, that would be).
   */
  resetGroupOffsets(groupId: string, options: ResetGroupOffsetsOptions): Promise<GroupOffset[]>

  /**
   * Deletes a group's committed offsets for some partitions. A group still subscribed to the topic fails them
   * with `ERR_KAFKA_GROUP_SUBSCRIBED_TO_TOPIC`.
   */
  deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[], options?: RequestOptions): Promise<void>

  /**
   * Looks offsets up per partition: earliest, latest, the record with the largest timestamp, or the first record
   * at or after a timestamp. Batch call: an unknown topic or partition fails its item by name.
   */
  listOffsets(partitions: readonly ListOffsetsInput[], options?: ListOffsetsOptions): Promise<PartitionOffset[]>

  /**
   * Deletes every record below `before` in each partition and resolves with the new low watermarks. Batch call:
   * compacted topics fail with `ERR_KAFKA_POLICY_VIOLATION`, offsets past the end with
   * `ERR_KAFKA_OFFSET_OUT_OF_RANGE`.
   */
  deleteRecords(partitions: readonly DeleteRecordsInput[], options?: RequestOptions): Promise<DeletedRecords[]>

  /** Every configuration entry of each resource, with its source and synonyms. Batch call. */
  describeConfigs(resources: readonly ConfigResource[], options?: RequestOptions): Promise<ConfigDescription[]>

  /**
   * Changes only the named properties (Kafka's IncrementalAlterConfigs): `set`, `delete` (back to the default),
   * `append`/`subtract` for list properties. Batch call: an unknown property fails its resource with
   * `ERR_KAFKA_INVALID_CONFIG`, and that resource keeps its configuration.
   */
  alterConfigs(alterations: readonly ConfigAlteration[], options?: ValidateOnlyOptions): Promise<void>

  /** Creates ACL bindings. Batch call; needs an authorizer on the brokers (else `ERR_KAFKA_SECURITY_DISABLED`). */
  createAcls(bindings: readonly AclBinding[], options?: RequestOptions): Promise<void>

  /** The ACL bindings matching `filter` (fields left out match anything). */
  describeAcls(filter?: AclFilter, options?: RequestOptions): Promise<AclDescription[]>

  /** Deletes the ACL bindings matching each filter; resolves with what each filter deleted. Batch call. */
  deleteAcls(filters: readonly AclFilter[], options?: RequestOptions): Promise<AclDescription[][]>

  /** SCRAM credentials (mechanisms and iterations, never secrets) of some users, or of every user. */
  describeUserScramCredentials(
    users?: readonly string[],
    options?: RequestOptions,
  ): Promise<ScramCredentialsDescription[]>

  /** Creates, replaces or deletes SASL/SCRAM credentials. Batch call. */
  alterUserScramCredentials(alterations: readonly ScramCredentialAlteration[], options?: RequestOptions): Promise<void>
}
