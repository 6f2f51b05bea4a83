/* Partition offsets and records: ListOffsets, DeleteRecords. */
#include "kafkit_admin.h"

static napi_value convert_list_offsets(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
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
    int32_t epoch = rd_kafka_topic_partition_get_leader_epoch(tp);
    if (epoch >= 0) kafkit_set_int(env, item, "leaderEpoch", epoch);
    else kafkit_set(env, item, "leaderEpoch", kafkit_null(env));
    kafkit_set(env, item, "error", kafkit_error_value(env, tp->err, NULL));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

/* listOffsets(handle, [{topic, partition, spec: bigint}], options{isolationLevel?}); spec: -1 latest, -2 earliest,
 * -3 max timestamp, else a timestamp in ms. */
static napi_value list_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  rd_kafka_topic_partition_list_t *partitions = kafkit_partition_list_from(env, argv[1], "spec");
  if (!partitions) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_LISTOFFSETS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_list_offsets, &promise);
    rd_kafka_ListOffsets(client->rk, partitions, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_topic_partition_list_destroy(partitions);
  return promise;
}

static napi_value convert_delete_records(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  return kafkit_partition_list_value(env, rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)));
}

/* deleteRecords(handle, [{topic, partition, offset: bigint}], options); offset -1 means the high watermark. */
static napi_value delete_records(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  rd_kafka_topic_partition_list_t *partitions = kafkit_partition_list_from(env, argv[1], "offset");
  if (!partitions) return NULL;
  rd_kafka_DeleteRecords_t *records = rd_kafka_DeleteRecords_new(partitions);
  rd_kafka_topic_partition_list_destroy(partitions);
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DELETERECORDS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_delete_records, &promise);
    rd_kafka_DeleteRecords(client->rk, &records, 1, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_DeleteRecords_destroy(records);
  return promise;
}

void kafkit_register_records(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "listOffsets", list_offsets);
  kafkit_export(env, exports, "deleteRecords", delete_records);
}
