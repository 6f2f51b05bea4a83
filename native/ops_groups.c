/*
 * Consumer groups: ListConsumerGroups, DescribeConsumerGroups, DeleteGroups and the group offset calls
 * (ListConsumerGroupOffsets, AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets; librdkafka accepts one group
 * per offset call).
 */
#include <stdlib.h>

#include "kafkit_admin.h"

static napi_value convert_list_groups(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  const rd_kafka_ListConsumerGroups_result_t *result = rd_kafka_event_ListConsumerGroups_result(event);
  size_t valid_count = 0, error_count = 0;
  const rd_kafka_ConsumerGroupListing_t **valid = rd_kafka_ListConsumerGroups_result_valid(result, &valid_count);
  const rd_kafka_error_t **errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
  napi_value object = kafkit_object(env);
  napi_value groups = kafkit_array(env, valid_count);
  for (size_t i = 0; i < valid_count; i++) {
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "groupId", rd_kafka_ConsumerGroupListing_group_id(valid[i]));
    kafkit_set_bool(env, item, "isSimple", rd_kafka_ConsumerGroupListing_is_simple_consumer_group(valid[i]));
    kafkit_set_int(env, item, "state", rd_kafka_ConsumerGroupListing_state(valid[i]));
    kafkit_set_int(env, item, "type", rd_kafka_ConsumerGroupListing_type(valid[i]));
    kafkit_push(env, groups, (uint32_t)i, item);
  }
  napi_value js_errors = kafkit_array(env, error_count);
  for (size_t i = 0; i < error_count; i++) {
    kafkit_push(env, js_errors, (uint32_t)i, kafkit_error_object_value(env, errors[i]));
  }
  kafkit_set(env, object, "groups", groups);
  kafkit_set(env, object, "errors", js_errors);
  return object;
}

/* listGroups(handle, options{states?, types?}) */
static napi_value list_groups(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!kafkit_args(env, info, 2, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, argv[1]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_list_groups, &promise);
    rd_kafka_ListConsumerGroups(client->rk, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  return promise;
}

static napi_value assignment_value(napi_env env, const rd_kafka_MemberAssignment_t *assignment) {
  if (!assignment) return kafkit_null(env);
  const rd_kafka_topic_partition_list_t *list = rd_kafka_MemberAssignment_partitions(assignment);
  size_t count = list ? (size_t)list->cnt : 0;
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", list->elems[i].topic);
    kafkit_set_int(env, item, "partition", list->elems[i].partition);
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

static napi_value convert_describe_groups(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t **groups =
      rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(event), &count);
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_ConsumerGroupDescription_t *group = groups[i];
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "groupId", rd_kafka_ConsumerGroupDescription_group_id(group));
    kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_ConsumerGroupDescription_error(group)));
    kafkit_set_bool(env, item, "isSimple", rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(group));
    kafkit_set_string(env, item, "partitionAssignor", rd_kafka_ConsumerGroupDescription_partition_assignor(group));
    kafkit_set_int(env, item, "state", rd_kafka_ConsumerGroupDescription_state(group));
    kafkit_set_int(env, item, "type", rd_kafka_ConsumerGroupDescription_type(group));
    kafkit_set(env, item, "coordinator", kafkit_node_value(env, rd_kafka_ConsumerGroupDescription_coordinator(group)));
    size_t member_count = rd_kafka_ConsumerGroupDescription_member_count(group);
    napi_value members = kafkit_array(env, member_count);
    for (size_t m = 0; m < member_count; m++) {
      const rd_kafka_MemberDescription_t *member = rd_kafka_ConsumerGroupDescription_member(group, m);
      napi_value js_member = kafkit_object(env);
      kafkit_set_string(env, js_member, "memberId", rd_kafka_MemberDescription_consumer_id(member));
      kafkit_set_string(env, js_member, "clientId", rd_kafka_MemberDescription_client_id(member));
      kafkit_set_string(env, js_member, "groupInstanceId", rd_kafka_MemberDescription_group_instance_id(member));
      kafkit_set_string(env, js_member, "host", rd_kafka_MemberDescription_host(member));
      kafkit_set(env, js_member, "assignment", assignment_value(env, rd_kafka_MemberDescription_assignment(member)));
      kafkit_set(env, js_member, "targetAssignment",
                 assignment_value(env, rd_kafka_MemberDescription_target_assignment(member)));
      kafkit_push(env, members, (uint32_t)m, js_member);
    }
    kafkit_set(env, item, "members", members);
    size_t operation_count = 0;
    const rd_kafka_AclOperation_t *operations =
        rd_kafka_ConsumerGroupDescription_authorized_operations(group, &operation_count);
    kafkit_set(env, item, "authorizedOperations", kafkit_acl_operations_value(env, operations, operation_count));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

/* describeGroups(handle, [groupId], options{includeAuthorizedOperations?}) */
static napi_value describe_groups(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  char **names;
  uint32_t count;
  if (!client || !kafkit_string_array(env, argv[1], "groups", &names, &count)) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_describe_groups, &promise);
    rd_kafka_DescribeConsumerGroups(client->rk, (const char **)names, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  kafkit_free_strings(names, count);
  return promise;
}

/* [{groupId, error, partitions}] */
static napi_value group_results(napi_env env, const rd_kafka_group_result_t **results, size_t count) {
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "groupId", rd_kafka_group_result_name(results[i]));
    kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_group_result_error(results[i])));
    kafkit_set(env, item, "partitions", kafkit_partition_list_value(env, rd_kafka_group_result_partitions(results[i])));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

static napi_value convert_delete_groups(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_group_result_t **results =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &count);
  return group_results(env, results, count);
}

/* deleteGroups(handle, [groupId], options) */
static napi_value delete_groups(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  char **names;
  uint32_t count;
  if (!client || !kafkit_string_array(env, argv[1], "groups", &names, &count)) return NULL;
  rd_kafka_DeleteGroup_t **groups = calloc(count ? count : 1, sizeof(*groups));
  for (uint32_t i = 0; i < count; i++) groups[i] = rd_kafka_DeleteGroup_new(names[i]);
  kafkit_free_strings(names, count);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DELETEGROUPS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_delete_groups, &promise);
    rd_kafka_DeleteGroups(client->rk, groups, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_DeleteGroup_destroy_array(groups, count);
  free(groups);
  return promise;
}

static napi_value convert_list_group_offsets(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_group_result_t **results =
      rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event), &count);
  return group_results(env, results, count);
}

static napi_value convert_alter_group_offsets(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_group_result_t **results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count);
  return group_results(env, results, count);
}

static napi_value convert_delete_group_offsets(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_group_result_t **results = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
      rd_kafka_event_DeleteConsumerGroupOffsets_result(event), &count);
  return group_results(env, results, count);
}

/* Reads (handle, groupId, partitions|null, options) shared by the three offset calls. */
static bool group_offsets_args(napi_env env, napi_callback_info info, napi_value *argv, kafkit_client **client,
                               char **group, rd_kafka_topic_partition_list_t **partitions, const char *offset_key,
                               bool partitions_required) {
  if (!kafkit_args(env, info, 4, argv)) return false;
  *client = kafkit_client_from(env, argv[0]);
  if (!*client || !(*group = kafkit_string(env, argv[1], "groupId"))) return false;
  napi_valuetype type;
  napi_typeof(env, argv[2], &type);
  *partitions = NULL;
  if (type == napi_null || type == napi_undefined) {
    if (!partitions_required) return true;
    kafkit_throw_type(env, "partitions");
  } else if ((*partitions = kafkit_partition_list_from(env, argv[2], offset_key))) {
    return true;
  }
  free(*group);
  return false;
}

/* listGroupOffsets(handle, groupId, [{topic, partition}] | null, options{requireStable?}) */
static napi_value list_group_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_client *client;
  char *group;
  rd_kafka_topic_partition_list_t *partitions;
  if (!group_offsets_args(env, info, argv, &client, &group, &partitions, NULL, false)) return NULL;
  rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(group, partitions);
  free(group);
  if (partitions) rd_kafka_topic_partition_list_destroy(partitions);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, argv[3]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_list_group_offsets, &promise);
    rd_kafka_ListConsumerGroupOffsets(client->rk, &request, 1, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  return promise;
}

/* alterGroupOffsets(handle, groupId, [{topic, partition, offset: bigint, metadata?, leaderEpoch?}], options) */
static napi_value alter_group_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_client *client;
  char *group;
  rd_kafka_topic_partition_list_t *partitions;
  if (!group_offsets_args(env, info, argv, &client, &group, &partitions, "offset", true)) return NULL;
  rd_kafka_AlterConsumerGroupOffsets_t *request = rd_kafka_AlterConsumerGroupOffsets_new(group, partitions);
  free(group);
  rd_kafka_topic_partition_list_destroy(partitions);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, argv[3]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_alter_group_offsets, &promise);
    rd_kafka_AlterConsumerGroupOffsets(client->rk, &request, 1, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  return promise;
}

/* deleteGroupOffsets(handle, groupId, [{topic, partition}], options) */
static napi_value delete_group_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_client *client;
  char *group;
  rd_kafka_topic_partition_list_t *partitions;
  if (!group_offsets_args(env, info, argv, &client, &group, &partitions, NULL, true)) return NULL;
  rd_kafka_DeleteConsumerGroupOffsets_t *request = rd_kafka_DeleteConsumerGroupOffsets_new(group, partitions);
  free(group);
  rd_kafka_topic_partition_list_destroy(partitions);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, argv[3]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_delete_group_offsets, &promise);
    rd_kafka_DeleteConsumerGroupOffsets(client->rk, &request, 1, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_DeleteConsumerGroupOffsets_destroy(request);
  return promise;
}

void kafkit_register_groups(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "listGroups", list_groups);
  kafkit_export(env, exports, "describeGroups", describe_groups);
  kafkit_export(env, exports, "deleteGroups", delete_groups);
  kafkit_export(env, exports, "listGroupOffsets", list_group_offsets);
  kafkit_export(env, exports, "alterGroupOffsets", alter_group_offsets);
  kafkit_export(env, exports, "deleteGroupOffsets", delete_group_offsets);
}
