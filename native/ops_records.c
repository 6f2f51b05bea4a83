/* Partition offsets and records: ListOffsets, DeleteRecords. */
#include "kafkit_admin.h"

static napi_value convert_list_offsets(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  size_t count = 0;
  const rd_kafka_ListOffsetsResultInfo_t **infos =
      rd_kafka_ListOffsets_result_infos(rd_kafka_event_ListOffsets_result(event), &count);
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_topic_partition_t *tp = rd_kafka_ListOffsetsResultInfo_topic_partition(infos[i]);
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", tp->topic);
    kafkit_set_int(env, item, "partition", tp->partition);
    kafkit_set_bigint(env, item, "offset", tp->offset);
    kafkit_set_int(env, item, "timestamp", rd_kafka_ListOffsetsResultInfo_timestamp(infos[i]));
    kafkit_set_leader_epoch(env, item, tp);
    kafkit_set(env, item, "error", kafkit_error_value(env, tp->err, NULL));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

static void send_list_offsets(rd_kafka_t *rk, const void *args, rd_kafka_AdminOptions_t *options,
                              rd_kafka_queue_t *queue) {
  rd_kafka_ListOffsets(rk, (rd_kafka_topic_partition_list_t *)args, options, queue);
}

/* listOffsets(handle, [{topic, partition, spec: bigint}], options{isolationLevel?}); spec: -1 latest, -2 earliest,
 * -3 max timestamp, else a timestamp in ms. */
napi_value kafkit_js_listOffsets(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_client *client = kafkit_admin_args(env, info, 3, argv);
  rd_kafka_topic_partition_list_t *partitions = client ? kafkit_partition_list_from(env, argv[1], "spec") : NULL;
  if (!partitions) return NULL;
  napi_value promise = kafkit_admin_submit(env, client, argv[0], RD_KAFKA_ADMIN_OP_LISTOFFSETS, argv[2],
                                           convert_list_offsets, send_list_offsets, partitions);
  rd_kafka_topic_partition_list_destroy(partitions);
  return promise;
}

static napi_value convert_delete_records(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  return kafkit_partition_list_value(env, rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)));
}

static void send_delete_records(rd_kafka_t *rk, const void *args, rd_kafka_AdminOptions_t *options,
                                rd_kafka_queue_t *queue) {
  rd_kafka_DeleteRecords_t *records = (rd_kafka_DeleteRecords_t *)args;
  rd_kafka_DeleteRecords(rk, &records, 1, options, queue);
}

/* deleteRecords(handle, [{topic, partition, offset: bigint}], options); offset -1 means the high watermark. */
napi_value kafkit_js_deleteRecords(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_client *client = kafkit_admin_args(env, info, 3, argv);
  rd_kafka_topic_partition_list_t *partitions = client ? kafkit_partition_list_from(env, argv[1], "offset") : NULL;
  if (!partitions) return NULL;
  rd_kafka_DeleteRecords_t *records = rd_kafka_DeleteRecords_new(partitions);
  rd_kafka_topic_partition_list_destroy(partitions);
  napi_value promise = kafkit_admin_submit(env, client, argv[0], RD_KAFKA_ADMIN_OP_DELETERECORDS, argv[2],
                                           convert_delete_records, send_delete_records, records);
  rd_kafka_DeleteRecords_destroy(records);
  return promise;
}
