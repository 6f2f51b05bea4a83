/* Partition offsets and records: ListOffsets, DeleteRecords. */
#include "kafkit_admin.h"

static napi_value offsets_info_value(napi_env env, const void *info) {
  const rd_kafka_topic_partition_t *tp = rd_kafka_ListOffsetsResultInfo_topic_partition(info);
  napi_value item = kafkit_object(env);
  kafkit_set_string(env, item, "topic", tp->topic);
  kafkit_set_int(env, item, "partition", tp->partition);
  kafkit_set_bigint(env, item, "offset", tp->offset);
  kafkit_set_int(env, item, "timestamp", rd_kafka_ListOffsetsResultInfo_timestamp(info));
  kafkit_set_leader_epoch(env, item, tp);
  kafkit_set(env, item, "error", kafkit_error_value(env, tp->err, NULL));
  return item;
}

KAFKIT_ADMIN_CONVERT_ARRAY(list_offsets, rd_kafka_ListOffsets_result_infos, rd_kafka_event_ListOffsets_result,
                           offsets_info_value)

static void destroy_list(void *list) { rd_kafka_topic_partition_list_destroy(list); }
static void destroy_records(void *records) { rd_kafka_DeleteRecords_destroy(records); }

static bool read_specs(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  rd_kafka_topic_partition_list_t *partitions = kafkit_partition_list_from(env, input[0], "spec");
  *in = kafkit_admin_single(partitions, destroy_list);
  return partitions != NULL;
}

/* listOffsets(handle, [{topic, partition, spec: bigint}], options{isolationLevel?}); spec: -1 latest, -2 earliest,
 * -3 max timestamp, else a timestamp in ms. */
KAFKIT_ADMIN_ONE_FUNCTION(listOffsets, rd_kafka_ListOffsets, .op = RD_KAFKA_ADMIN_OP_LISTOFFSETS, .read = read_specs,
                          .convert = convert_list_offsets)

static napi_value convert_delete_records(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  return kafkit_partition_list_value(env,
                                     rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)));
}

static bool read_records(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  rd_kafka_topic_partition_list_t *partitions = kafkit_partition_list_from(env, input[0], "offset");
  if (!partitions) return false;
  *in = kafkit_admin_single(rd_kafka_DeleteRecords_new(partitions), destroy_records);
  rd_kafka_topic_partition_list_destroy(partitions);
  return true;
}

static void send_delete_records(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,
                                rd_kafka_queue_t *queue) {
  rd_kafka_DeleteRecords_t *records = in->items;
  rd_kafka_DeleteRecords(rk, &records, 1, options, queue);
}

/* deleteRecords(handle, [{topic, partition, offset: bigint}], options); offset -1 means the high watermark. */
KAFKIT_ADMIN_FUNCTION(deleteRecords, .op = RD_KAFKA_ADMIN_OP_DELETERECORDS, .argc = 3, .read = read_records,
                      .convert = convert_delete_records, .send = send_delete_records)
