/* Topics and cluster: CreateTopics, DeleteTopics, CreatePartitions, DescribeTopics, DescribeCluster. */
#include <stdio.h>
#include <stdlib.h>

#include "kafkit_admin.h"

static napi_value topic_result_value(napi_env env, const void *result) {
  napi_value item = kafkit_object(env);
  kafkit_set_string(env, item, "topic", rd_kafka_topic_result_name(result));
  kafkit_set(env, item, "error",
             kafkit_error_value(env, rd_kafka_topic_result_error(result), rd_kafka_topic_result_error_string(result)));
  return item;
}

/* [{topic, error}] in the broker's answer order; JavaScript matches them back by name. */
KAFKIT_ADMIN_CONVERT_ARRAY(create_topics, rd_kafka_CreateTopics_result_topics, rd_kafka_event_CreateTopics_result,
                           topic_result_value)
KAFKIT_ADMIN_CONVERT_ARRAY(delete_topics, rd_kafka_DeleteTopics_result_topics, rd_kafka_event_DeleteTopics_result,
                           topic_result_value)
KAFKIT_ADMIN_CONVERT_ARRAY(create_partitions, rd_kafka_CreatePartitions_result_topics,
                           rd_kafka_event_CreatePartitions_result, topic_result_value)

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
      kafkit_throw_code(env, err, errstr);
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

/* Sets one `config: [{name, value}]` entry of a new topic (entries without both are skipped). */
static rd_kafka_error_t *set_config(void *topic, const char *name, const char *value, int32_t op) {
  rd_kafka_resp_err_t err =
      name && value ? rd_kafka_NewTopic_set_config(topic, name, value) : RD_KAFKA_RESP_ERR_NO_ERROR;
  return err ? rd_kafka_error_new(err, "%s", rd_kafka_err2str(err)) : NULL;
}

/* The topic name of element `item` of the array `what`; NULL after throwing. */
static char *topic_name(napi_env env, napi_value item, const char *what) {
  bool ok = true;
  char *name = kafkit_get_string(env, item, "topic", &ok);
  if (ok && !name) {
    char message[64];
    snprintf(message, sizeof(message), "%s[].topic", what);
    kafkit_throw_type(env, message);
  }
  return name;
}

static void *read_new_topic(napi_env env, napi_value item, const char *what) {
  char *name = topic_name(env, item, what);
  int32_t partitions = -1, replication = -1;
  if (!name || !kafkit_get_int32(env, item, "partitions", -1, &partitions) ||
      !kafkit_get_int32(env, item, "replicationFactor", -1, &replication)) {
    free(name);
    return NULL;
  }
  char errstr[512];
  rd_kafka_NewTopic_t *topic = rd_kafka_NewTopic_new(name, partitions, replication, errstr, sizeof(errstr));
  free(name);
  if (!topic) kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  if (topic && (!apply_assignment(env, item, topic, assign_new_topic) ||
                !kafkit_admin_apply_entries(env, item, "config", false, topic, set_config))) {
    rd_kafka_NewTopic_destroy(topic);
    return NULL;
  }
  return topic;
}

static void *read_new_partitions(napi_env env, napi_value item, const char *what) {
  char *name = topic_name(env, item, what);
  int32_t total = 0;
  if (!name || !kafkit_get_int32(env, item, "count", 0, &total)) {
    free(name);
    return NULL;
  }
  char errstr[512];
  rd_kafka_NewPartitions_t *parts =
      rd_kafka_NewPartitions_new(name, (size_t)(total < 0 ? 0 : total), errstr, sizeof(errstr));
  free(name);
  if (!parts) kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  if (parts && !apply_assignment(env, item, parts, assign_new_partitions)) {
    rd_kafka_NewPartitions_destroy(parts);
    return NULL;
  }
  return parts;
}

static void destroy_new_topic(void *topic) { rd_kafka_NewTopic_destroy(topic); }
static void destroy_new_partitions(void *parts) { rd_kafka_NewPartitions_destroy(parts); }
static void destroy_delete_topic(void *topic) { rd_kafka_DeleteTopic_destroy(topic); }
KAFKIT_ADMIN_READ_NAMED(delete_topic, rd_kafka_DeleteTopic_new)

/* createTopics(handle, [{topic, partitions, replicationFactor, replicaAssignment?, config?: [{name, value}]}], options) */
KAFKIT_ADMIN_ITEMS_FUNCTION(createTopics, rd_kafka_CreateTopics, .op = RD_KAFKA_ADMIN_OP_CREATETOPICS,
                            .array = "topics", .read_one = read_new_topic, .destroy = destroy_new_topic,
                            .convert = convert_create_topics)
/* createPartitions(handle, [{topic, count, replicaAssignment?}], options) */
KAFKIT_ADMIN_ITEMS_FUNCTION(createPartitions, rd_kafka_CreatePartitions, .op = RD_KAFKA_ADMIN_OP_CREATEPARTITIONS,
                            .array = "partitions", .read_one = read_new_partitions, .destroy = destroy_new_partitions,
                            .convert = convert_create_partitions)
/* deleteTopics(handle, [name], options) */
KAFKIT_ADMIN_ITEMS_FUNCTION(deleteTopics, rd_kafka_DeleteTopics, .op = RD_KAFKA_ADMIN_OP_DELETETOPICS,
                            .array = "topics", .read_one = read_delete_topic, .destroy = destroy_delete_topic,
                            .convert = convert_delete_topics)

static napi_value partition_info_value(napi_env env, const void *info) {
  napi_value partition = kafkit_object(env);
  size_t replica_count = 0, isr_count = 0;
  const rd_kafka_Node_t **replicas = rd_kafka_TopicPartitionInfo_replicas(info, &replica_count);
  const rd_kafka_Node_t **isr = rd_kafka_TopicPartitionInfo_isr(info, &isr_count);
  kafkit_set_int(env, partition, "partition", rd_kafka_TopicPartitionInfo_partition(info));
  kafkit_set(env, partition, "leader", kafkit_node_value(env, rd_kafka_TopicPartitionInfo_leader(info)));
  kafkit_set(env, partition, "replicas", kafkit_node_array(env, replicas, replica_count));
  kafkit_set(env, partition, "isr", kafkit_node_array(env, isr, isr_count));
  return partition;
}

KAFKIT_ADMIN_ARRAY_FROM(partitions_value, rd_kafka_TopicDescription_partitions, partition_info_value)
KAFKIT_ADMIN_OPERATIONS_FROM(topic_operations_value, rd_kafka_TopicDescription_authorized_operations)

static napi_value topic_description_value(napi_env env, const void *description) {
  napi_value item = kafkit_object(env);
  kafkit_set_string(env, item, "topic", rd_kafka_TopicDescription_name(description));
  const rd_kafka_Uuid_t *id = rd_kafka_TopicDescription_topic_id(description);
  kafkit_set_string(env, item, "topicId", id ? rd_kafka_Uuid_base64str(id) : NULL);
  kafkit_set_bool(env, item, "isInternal", rd_kafka_TopicDescription_is_internal(description));
  kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_TopicDescription_error(description)));
  kafkit_set(env, item, "partitions", partitions_value(env, description));
  kafkit_set(env, item, "authorizedOperations", topic_operations_value(env, description));
  return item;
}

KAFKIT_ADMIN_CONVERT_ARRAY(describe_topics, rd_kafka_DescribeTopics_result_topics, rd_kafka_event_DescribeTopics_result,
                           topic_description_value)

static void destroy_collection(void *collection) { rd_kafka_TopicCollection_destroy(collection); }

static bool read_topic_collection(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  char **names;
  uint32_t count;
  if (!kafkit_string_array(env, input[0], "topics", &names, &count)) return false;
  *in = kafkit_admin_single(rd_kafka_TopicCollection_of_topic_names((const char **)names, count), destroy_collection);
  kafkit_free_strings(names, count);
  return true;
}

/* describeTopics(handle, [name], options) */
KAFKIT_ADMIN_ONE_FUNCTION(describeTopics, rd_kafka_DescribeTopics, .op = RD_KAFKA_ADMIN_OP_DESCRIBETOPICS,
                          .read = read_topic_collection, .convert = convert_describe_topics)

KAFKIT_ADMIN_OPERATIONS_FROM(cluster_operations_value, rd_kafka_DescribeCluster_result_authorized_operations)

static napi_value convert_describe_cluster(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  const rd_kafka_DescribeCluster_result_t *result = rd_kafka_event_DescribeCluster_result(event);
  napi_value object = kafkit_object(env);
  size_t node_count = 0;
  const rd_kafka_Node_t **nodes = rd_kafka_DescribeCluster_result_nodes(result, &node_count);
  kafkit_set_string(env, object, "clusterId", rd_kafka_DescribeCluster_result_cluster_id(result));
  kafkit_set(env, object, "controller", kafkit_node_value(env, rd_kafka_DescribeCluster_result_controller(result)));
  kafkit_set(env, object, "nodes", kafkit_node_array(env, nodes, node_count));
  kafkit_set(env, object, "authorizedOperations", cluster_operations_value(env, result));
  return object;
}

static void send_describe_cluster(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,
                                  rd_kafka_queue_t *queue) {
  rd_kafka_DescribeCluster(rk, options, queue);
}

/* describeCluster(handle, options) */
KAFKIT_ADMIN_FUNCTION(describeCluster, .op = RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER, .argc = 2,
                      .convert = convert_describe_cluster, .send = send_describe_cluster)
