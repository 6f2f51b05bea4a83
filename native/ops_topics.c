/* Topics and cluster: CreateTopics, DeleteTopics, CreatePartitions, DescribeTopics, DescribeCluster. */
#include <stdlib.h>

#include "kafkit_admin.h"

/* [{topic, error}] in the broker's answer order; JavaScript matches them back by name. */
static napi_value topic_results(napi_env env, const rd_kafka_topic_result_t **results, size_t count) {
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", rd_kafka_topic_result_name(results[i]));
    kafkit_set(env, item, "error",
               kafkit_error_value(env, rd_kafka_topic_result_error(results[i]),
                                  rd_kafka_topic_result_error_string(results[i])));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

static napi_value convert_create_topics(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_topic_result_t **results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
  return topic_results(env, results, count);
}

static napi_value convert_delete_topics(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_topic_result_t **results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count);
  return topic_results(env, results, count);
}

static napi_value convert_create_partitions(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_topic_result_t **results =
      rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(event), &count);
  return topic_results(env, results, count);
}

/* Applies `replicaAssignment: number[][]` through `assign(object, index, brokers, count, errstr)`. */
typedef rd_kafka_resp_err_t (*assign_fn)(void *target, int32_t index, int32_t *brokers, size_t count, char *errstr,
                                         size_t errstr_size);

static bool apply_assignment(napi_env env, napi_value item, void *target, assign_fn assign) {
  napi_value assignment;
  if (!kafkit_get(env, item, "replicaAssignment", &assignment)) return false;
  if (!assignment) return true;
  uint32_t count;
  if (!kafkit_array_length(env, assignment, "replicaAssignment", &count)) return false;
  for (uint32_t p = 0; p < count; p++) {
    napi_value replicas;
    int32_t *brokers;
    uint32_t broker_count;
    if (!kafkit_array_get(env, assignment, p, &replicas) ||
        !kafkit_int32_array(env, replicas, "replicaAssignment[]", &brokers, &broker_count)) {
      return false;
    }
    char errstr[512];
    rd_kafka_resp_err_t err = assign(target, (int32_t)p, brokers, broker_count, errstr, sizeof(errstr));
    free(brokers);
    if (err) {
      napi_throw(env, kafkit_error_instance(env, err, errstr));
      return false;
    }
  }
  return true;
}

static rd_kafka_resp_err_t assign_new_topic(void *target, int32_t index, int32_t *brokers, size_t count, char *errstr,
                                            size_t errstr_size) {
  return rd_kafka_NewTopic_set_replica_assignment(target, index, brokers, count, errstr, errstr_size);
}

static rd_kafka_resp_err_t assign_new_partitions(void *target, int32_t index, int32_t *brokers, size_t count,
                                                 char *errstr, size_t errstr_size) {
  return rd_kafka_NewPartitions_set_replica_assignment(target, index, brokers, count, errstr, errstr_size);
}

/* createTopics(handle, [{topic, partitions, replicationFactor, replicaAssignment?, config?: [{name, value}]}], options) */
static napi_value create_topics(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  uint32_t count;
  if (!client || !kafkit_array_length(env, argv[1], "topics", &count)) return NULL;
  rd_kafka_NewTopic_t **topics = calloc(count ? count : 1, sizeof(*topics));
  uint32_t built = 0;
  bool ok = true;
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value item, config;
    int32_t partitions = -1, replication = -1;
    ok = kafkit_array_get(env, argv[1], i, &item);
    char *name = ok ? kafkit_get_string(env, item, "topic", &ok) : NULL;
    if (ok && !name) {
      kafkit_throw_type(env, "topics[].topic");
      ok = false;
    }
    ok = ok && kafkit_get_int32(env, item, "partitions", -1, &partitions) &&
         kafkit_get_int32(env, item, "replicationFactor", -1, &replication);
    if (ok) {
      char errstr[512];
      topics[i] = rd_kafka_NewTopic_new(name, partitions, replication, errstr, sizeof(errstr));
      if (!topics[i]) {
        napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr));
        ok = false;
      } else {
        built++;
      }
    }
    free(name);
    ok = ok && apply_assignment(env, item, topics[i], assign_new_topic) && kafkit_get(env, item, "config", &config);
    if (ok && config) {
      uint32_t entries;
      ok = kafkit_array_length(env, config, "config", &entries);
      for (uint32_t e = 0; ok && e < entries; e++) {
        napi_value entry;
        ok = kafkit_array_get(env, config, e, &entry);
        char *key = ok ? kafkit_get_string(env, entry, "name", &ok) : NULL;
        char *value = ok ? kafkit_get_string(env, entry, "value", &ok) : NULL;
        if (ok && key && value) {
          rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(topics[i], key, value);
          if (err) {
            napi_throw(env, kafkit_error_instance(env, err, NULL));
            ok = false;
          }
        }
        free(key);
        free(value);
      }
    }
  }
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      ok ? kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_CREATETOPICS, argv[2]) : NULL;
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_create_topics, &promise);
    rd_kafka_CreateTopics(client->rk, topics, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_NewTopic_destroy_array(topics, built);
  free(topics);
  return promise;
}

/* deleteTopics(handle, [name], options) */
static napi_value delete_topics(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  char **names;
  uint32_t count;
  if (!client || !kafkit_string_array(env, argv[1], "topics", &names, &count)) return NULL;
  rd_kafka_DeleteTopic_t **topics = calloc(count ? count : 1, sizeof(*topics));
  for (uint32_t i = 0; i < count; i++) topics[i] = rd_kafka_DeleteTopic_new(names[i]);
  kafkit_free_strings(names, count);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DELETETOPICS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_delete_topics, &promise);
    rd_kafka_DeleteTopics(client->rk, topics, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_DeleteTopic_destroy_array(topics, count);
  free(topics);
  return promise;
}

/* createPartitions(handle, [{topic, count, replicaAssignment?}], options) */
static napi_value create_partitions(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  uint32_t count;
  if (!client || !kafkit_array_length(env, argv[1], "partitions", &count)) return NULL;
  rd_kafka_NewPartitions_t **parts = calloc(count ? count : 1, sizeof(*parts));
  uint32_t built = 0;
  bool ok = true;
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value item;
    int32_t total = 0;
    ok = kafkit_array_get(env, argv[1], i, &item);
    char *name = ok ? kafkit_get_string(env, item, "topic", &ok) : NULL;
    if (ok && !name) {
      kafkit_throw_type(env, "partitions[].topic");
      ok = false;
    }
    ok = ok && kafkit_get_int32(env, item, "count", 0, &total);
    if (ok) {
      char errstr[512];
      parts[i] = rd_kafka_NewPartitions_new(name, (size_t)(total < 0 ? 0 : total), errstr, sizeof(errstr));
      if (!parts[i]) {
        napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr));
        ok = false;
      } else {
        built++;
      }
    }
    free(name);
    ok = ok && apply_assignment(env, item, parts[i], assign_new_partitions);
  }
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      ok ? kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, argv[2]) : NULL;
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_create_partitions, &promise);
    rd_kafka_CreatePartitions(client->rk, parts, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_NewPartitions_destroy_array(parts, built);
  free(parts);
  return promise;
}

static napi_value convert_describe_topics(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_TopicDescription_t **topics =
      rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(event), &count);
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_TopicDescription_t *description = topics[i];
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", rd_kafka_TopicDescription_name(description));
    const rd_kafka_Uuid_t *id = rd_kafka_TopicDescription_topic_id(description);
    kafkit_set_string(env, item, "topicId", id ? rd_kafka_Uuid_base64str(id) : NULL);
    kafkit_set_bool(env, item, "isInternal", rd_kafka_TopicDescription_is_internal(description));
    kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_TopicDescription_error(description)));
    size_t partition_count = 0;
    const rd_kafka_TopicPartitionInfo_t **partitions =
        rd_kafka_TopicDescription_partitions(description, &partition_count);
    napi_value js_partitions = kafkit_array(env, partition_count);
    for (size_t p = 0; p < partition_count; p++) {
      napi_value partition = kafkit_object(env);
      size_t replica_count = 0, isr_count = 0;
      const rd_kafka_Node_t **replicas = rd_kafka_TopicPartitionInfo_replicas(partitions[p], &replica_count);
      const rd_kafka_Node_t **isr = rd_kafka_TopicPartitionInfo_isr(partitions[p], &isr_count);
      kafkit_set_int(env, partition, "partition", rd_kafka_TopicPartitionInfo_partition(partitions[p]));
      kafkit_set(env, partition, "leader", kafkit_node_value(env, rd_kafka_TopicPartitionInfo_leader(partitions[p])));
      kafkit_set(env, partition, "replicas", kafkit_node_array(env, replicas, replica_count));
      kafkit_set(env, partition, "isr", kafkit_node_array(env, isr, isr_count));
      kafkit_push(env, js_partitions, (uint32_t)p, partition);
    }
    kafkit_set(env, item, "partitions", js_partitions);
    size_t operation_count = 0;
    const rd_kafka_AclOperation_t *operations =
        rd_kafka_TopicDescription_authorized_operations(description, &operation_count);
    kafkit_set(env, item, "authorizedOperations", kafkit_acl_operations_value(env, operations, operation_count));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

/* describeTopics(handle, [name], options) */
static napi_value describe_topics(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  char **names;
  uint32_t count;
  if (!client || !kafkit_string_array(env, argv[1], "topics", &names, &count)) return NULL;
  rd_kafka_TopicCollection_t *collection = rd_kafka_TopicCollection_of_topic_names((const char **)names, count);
  kafkit_free_strings(names, count);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DESCRIBETOPICS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_describe_topics, &promise);
    rd_kafka_DescribeTopics(client->rk, collection, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_TopicCollection_destroy(collection);
  return promise;
}

static napi_value convert_describe_cluster(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  const rd_kafka_DescribeCluster_result_t *result = rd_kafka_event_DescribeCluster_result(event);
  napi_value object = kafkit_object(env);
  size_t node_count = 0, operation_count = 0;
  const rd_kafka_Node_t **nodes = rd_kafka_DescribeCluster_result_nodes(result, &node_count);
  const rd_kafka_AclOperation_t *operations =
      rd_kafka_DescribeCluster_result_authorized_operations(result, &operation_count);
  kafkit_set_string(env, object, "clusterId", rd_kafka_DescribeCluster_result_cluster_id(result));
  kafkit_set(env, object, "controller", kafkit_node_value(env, rd_kafka_DescribeCluster_result_controller(result)));
  kafkit_set(env, object, "nodes", kafkit_node_array(env, nodes, node_count));
  kafkit_set(env, object, "authorizedOperations", kafkit_acl_operations_value(env, operations, operation_count));
  return object;
}

/* describeCluster(handle, options) */
static napi_value describe_cluster(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!kafkit_args(env, info, 2, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER, argv[1]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_describe_cluster, &promise);
    rd_kafka_DescribeCluster(client->rk, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  return promise;
}

void kafkit_register_topics(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "createTopics", create_topics);
  kafkit_export(env, exports, "deleteTopics", delete_topics);
  kafkit_export(env, exports, "createPartitions", create_partitions);
  kafkit_export(env, exports, "describeTopics", describe_topics);
  kafkit_export(env, exports, "describeCluster", describe_cluster);
}
