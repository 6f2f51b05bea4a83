/*
 * Consumer groups: ListConsumerGroups, DescribeConsumerGroups, DeleteGroups and the group offset calls
 * (ListConsumerGroupOffsets, AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets; librdkafka accepts one group
 * per offset call).
 */
#include <stdlib.h>

#include "kafkit_admin.h"

/* What a group listing and a group description both tell (librdkafka names their accessors alike after `prefix`). */
#define GROUP_SUMMARY_FIELDS(FIELD, prefix)                                                                            \
  FIELD(string, "groupId", prefix##_group_id)                                                                          \
  FIELD(bool, "isSimple", prefix##_is_simple_consumer_group)                                                           \
  FIELD(int, "state", prefix##_state)                                                                                  \
  FIELD(int, "type", prefix##_type)

#define GROUP_LISTING_FIELDS(FIELD) GROUP_SUMMARY_FIELDS(FIELD, rd_kafka_ConsumerGroupListing)
KAFKIT_OBJECT_OF(listing_value, rd_kafka_ConsumerGroupListing_t, GROUP_LISTING_FIELDS)

static napi_value convert_list_groups(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  const rd_kafka_ListConsumerGroups_result_t *result = rd_kafka_event_ListConsumerGroups_result(event);
  size_t valid_count = 0, error_count = 0;
  const rd_kafka_ConsumerGroupListing_t **valid = rd_kafka_ListConsumerGroups_result_valid(result, &valid_count);
  const rd_kafka_error_t **errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
  napi_value object = kafkit_object(env);
  kafkit_set(env, object, "groups", KAFKIT_ARRAY_OF(env, valid, valid_count, listing_value));
  kafkit_set(env, object, "errors", kafkit_error_array(env, errors, error_count));
  return object;
}

static void send_list_groups(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,
                             rd_kafka_queue_t *queue) {
  rd_kafka_ListConsumerGroups(rk, options, queue);
}

/* listGroups(handle, options{states?, types?}) */
KAFKIT_ADMIN_FUNCTION(listGroups, .op = RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, .argc = 2, .convert = convert_list_groups,
                      .send = send_list_groups)

static napi_value assignment_value(napi_env env, const rd_kafka_MemberAssignment_t *assignment) {
  return assignment ? kafkit_topic_partitions_value(env, rd_kafka_MemberAssignment_partitions(assignment))
                    : kafkit_null(env);
}

#define MEMBER_IDENTITY_FIELDS(FIELD)                                                                                  \
  FIELD(string, "memberId", rd_kafka_MemberDescription_consumer_id)                                                    \
  FIELD(string, "clientId", rd_kafka_MemberDescription_client_id)                                                      \
  FIELD(string, "groupInstanceId", rd_kafka_MemberDescription_group_instance_id)                                       \
  FIELD(string, "host", rd_kafka_MemberDescription_host)
KAFKIT_OBJECT_OF(member_identity_value, rd_kafka_MemberDescription_t, MEMBER_IDENTITY_FIELDS)

static napi_value member_value(napi_env env, const void *member) {
  napi_value item = member_identity_value(env, member);
  kafkit_set(env, item, "assignment", assignment_value(env, rd_kafka_MemberDescription_assignment(member)));
  kafkit_set(env, item, "targetAssignment",
             assignment_value(env, rd_kafka_MemberDescription_target_assignment(member)));
  return item;
}

KAFKIT_ADMIN_ARRAY_AT(members_value, rd_kafka_ConsumerGroupDescription_member_count,
                      rd_kafka_ConsumerGroupDescription_member, member_value)
KAFKIT_ADMIN_OPERATIONS_FROM(group_operations_value, rd_kafka_ConsumerGroupDescription_authorized_operations)

#define GROUP_DESCRIPTION_FIELDS(FIELD)                                                                                \
  GROUP_SUMMARY_FIELDS(FIELD, rd_kafka_ConsumerGroupDescription)                                                       \
  FIELD(string, "partitionAssignor", rd_kafka_ConsumerGroupDescription_partition_assignor)
KAFKIT_OBJECT_OF(group_fields_value, rd_kafka_ConsumerGroupDescription_t, GROUP_DESCRIPTION_FIELDS)

static napi_value group_description_value(napi_env env, const void *description) {
  const rd_kafka_ConsumerGroupDescription_t *group = description;
  napi_value item = group_fields_value(env, group);
  kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_ConsumerGroupDescription_error(group)));
  kafkit_set(env, item, "coordinator", kafkit_node_value(env, rd_kafka_ConsumerGroupDescription_coordinator(group)));
  kafkit_set(env, item, "members", members_value(env, group));
  kafkit_set(env, item, "authorizedOperations", group_operations_value(env, group));
  return item;
}

/* describeGroups(handle, [groupId], options{includeAuthorizedOperations?}) */
KAFKIT_ADMIN_DESCRIBE_NAMED(describeGroups, rd_kafka_DescribeConsumerGroups, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
                            "groups", rd_kafka_DescribeConsumerGroups_result_groups,
                            rd_kafka_event_DescribeConsumerGroups_result, group_description_value)

static napi_value group_result_value(napi_env env, const void *result) {
  napi_value item =
      kafkit_item_result(env, "groupId", rd_kafka_group_result_name(result), rd_kafka_group_result_error(result));
  return kafkit_with(env, item, "partitions",
                     kafkit_partition_list_value(env, rd_kafka_group_result_partitions(result)));
}

/* [{groupId, error, partitions}]: the answer of DeleteGroups and of the three group offset calls. */
KAFKIT_ADMIN_CONVERT_ARRAY(delete_groups, rd_kafka_DeleteGroups_result_groups, rd_kafka_event_DeleteGroups_result,
                           group_result_value)
KAFKIT_ADMIN_CONVERT_ARRAY(list_group_offsets, rd_kafka_ListConsumerGroupOffsets_result_groups,
                           rd_kafka_event_ListConsumerGroupOffsets_result, group_result_value)
KAFKIT_ADMIN_CONVERT_ARRAY(alter_group_offsets, rd_kafka_AlterConsumerGroupOffsets_result_groups,
                           rd_kafka_event_AlterConsumerGroupOffsets_result, group_result_value)
KAFKIT_ADMIN_CONVERT_ARRAY(delete_group_offsets, rd_kafka_DeleteConsumerGroupOffsets_result_groups,
                           rd_kafka_event_DeleteConsumerGroupOffsets_result, group_result_value)

static void destroy_delete_group(void *group) { rd_kafka_DeleteGroup_destroy(group); }
KAFKIT_ADMIN_READ_NAMED(delete_group, rd_kafka_DeleteGroup_new)

/* deleteGroups(handle, [groupId], options) */
KAFKIT_ADMIN_ITEMS_FUNCTION(deleteGroups, rd_kafka_DeleteGroups, .op = RD_KAFKA_ADMIN_OP_DELETEGROUPS,
                            .array = "groups", .read_one = read_delete_group, .destroy = destroy_delete_group,
                            .convert = convert_delete_groups)

/* A group offset call's request: one group and its partitions (NULL: every partition, for listing). */
typedef struct {
  char *group;
  rd_kafka_topic_partition_list_t *partitions;
} group_offsets;

static void destroy_group_offsets(void *object) {
  group_offsets *request = object;
  free(request->group);
  if (request->partitions) rd_kafka_topic_partition_list_destroy(request->partitions);
  free(request);
}

/*
 * Reads (groupId, partitions | null), shared by the three offset calls: `offset_key` names the offsets to read
 * (NULL: none); unless `partitions_required`, null means every partition.
 */
static bool read_group_offsets(napi_env env, const napi_value *input, kafkit_admin_items *in, const char *offset_key,
                               bool partitions_required) {
  group_offsets *request = kafkit_calloc(env, 1, sizeof(*request), "reading a group offset request");
  if (!request) return false;
  *in = kafkit_admin_single(request, destroy_group_offsets);
  if (!(request->group = kafkit_string(env, input[0], "groupId"))) return false;
  napi_valuetype type;
  napi_typeof(env, input[1], &type);
  if (type != napi_null && type != napi_undefined) {
    return (request->partitions = kafkit_partition_list_from(env, input[1], offset_key)) != NULL;
  }
  if (partitions_required) kafkit_throw_type(env, "partitions");
  return !partitions_required;
}

static bool read_list_offsets(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  return read_group_offsets(env, input, in, NULL, false);
}

static bool read_alter_offsets(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  return read_group_offsets(env, input, in, "offset", true);
}

static bool read_delete_offsets(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  return read_group_offsets(env, input, in, NULL, true);
}

/* Defines `send_<name>`: builds librdkafka's one-group request of `type` from a group_offsets and sends it. */
#define SEND_GROUP_OFFSETS(name, type)                                                                                 \
  static void send_##name(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,              \
                          rd_kafka_queue_t *queue) {                                                                   \
    const group_offsets *offsets = in->items;                                                                          \
    rd_kafka_##type##_t *request = rd_kafka_##type##_new(offsets->group, offsets->partitions);                         \
    rd_kafka_##type(rk, &request, 1, options, queue);                                                                  \
    rd_kafka_##type##_destroy(request);                                                                                \
  }

SEND_GROUP_OFFSETS(list_group_offsets, ListConsumerGroupOffsets)
SEND_GROUP_OFFSETS(alter_group_offsets, AlterConsumerGroupOffsets)
SEND_GROUP_OFFSETS(delete_group_offsets, DeleteConsumerGroupOffsets)

/* listGroupOffsets(handle, groupId, [{topic, partition}] | null, options{requireStable?}) */
KAFKIT_ADMIN_FUNCTION(listGroupOffsets, .op = RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, .argc = 4,
                      .read = read_list_offsets, .convert = convert_list_group_offsets, .send = send_list_group_offsets)
/* alterGroupOffsets(handle, groupId, [{topic, partition, offset: bigint, metadata?, leaderEpoch?}], options) */
KAFKIT_ADMIN_FUNCTION(alterGroupOffsets, .op = RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, .argc = 4,
                      .read = read_alter_offsets, .convert = convert_alter_group_offsets,
                      .send = send_alter_group_offsets)
/* deleteGroupOffsets(handle, groupId, [{topic, partition}], options) */
KAFKIT_ADMIN_FUNCTION(deleteGroupOffsets, .op = RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, .argc = 4,
                      .read = read_delete_offsets, .convert = convert_delete_group_offsets,
                      .send = send_delete_group_offsets)
