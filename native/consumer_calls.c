/*
 * The consumer's non-blocking calls on partitions: pause and resume, seek, store and commit offsets, positions,
 * cached watermarks, and the group metadata a transactional producer needs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "consumer.h"
#include "exports.h"
#include "napi_util.h"

/* Throws librdkafka's error for `code`, naming what failed. Returns false when it threw. */
static bool check(napi_env env, rd_kafka_resp_err_t code, const char *what) {
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  char message[256];
  snprintf(message, sizeof(message), "%s: %s", what, rd_kafka_err2str(code));
  kafkit_throw_code(env, code, message);
  return false;
}

/* `code`, or else the first per-partition error of a list, for calls that report errors only there. */
static rd_kafka_resp_err_t or_first_error(rd_kafka_resp_err_t code, const rd_kafka_topic_partition_list_t *list) {
  for (int i = 0; !code && i < list->cnt; i++) code = list->elems[i].err;
  return code;
}

/* One non-blocking call on the partitions; it names itself in `*what` for the error message. */
typedef rd_kafka_resp_err_t (*partitions_call)(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, napi_env env,
                                               napi_value flag, const char **what);

/* (handle, partitions[, flag]): runs `call`; with `returns_list`, answers the partitions as the call left them. */
static napi_value on_partitions(napi_env env, napi_callback_info info, size_t argc, partitions_call call,
                                bool returns_list) {
  napi_value argv[3];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!kafkit_consumer_and_list(env, info, argc, argv, &client, &list)) return NULL;
  const char *what = "";
  rd_kafka_resp_err_t code = call(client->rk, list, env, argc > 2 ? argv[2] : NULL, &what);
  napi_value result = !code && returns_list ? kafkit_consumer_partitions_value(env, list) : NULL;
  rd_kafka_topic_partition_list_destroy(list);
  return check(env, code, what) ? result : NULL;
}

static rd_kafka_resp_err_t pause_call(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, napi_env env,
                                      napi_value flag, const char **what) {
  bool paused = kafkit_bool_arg(env, flag, false);
  *what = paused ? "pause" : "resume";
  return or_first_error(paused ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list), list);
}

static rd_kafka_resp_err_t seek_call(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, napi_env env,
                                     napi_value flag, const char **what) {
  *what = "seek";
  rd_kafka_error_t *error = rd_kafka_seek_partitions(rk, list, 0);
  rd_kafka_resp_err_t code = error ? rd_kafka_error_code(error) : or_first_error(RD_KAFKA_RESP_ERR_NO_ERROR, list);
  if (error) rd_kafka_error_destroy(error);
  /* Without a timeout every partition reports "in progress": the seek was started. */
  return code == RD_KAFKA_RESP_ERR__IN_PROGRESS ? RD_KAFKA_RESP_ERR_NO_ERROR : code;
}

static rd_kafka_resp_err_t store_call(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, napi_env env,
                                      napi_value flag, const char **what) {
  *what = "store offsets";
  return or_first_error(rd_kafka_offsets_store(rk, list), list);
}

static rd_kafka_resp_err_t position_call(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list, napi_env env,
                                         napi_value flag, const char **what) {
  *what = "position";
  return rd_kafka_position(rk, list);
}

/* consumerPause(handle, partitions, pause): pauses or resumes fetching (does not block). */
napi_value kafkit_js_consumerPause(napi_env env, napi_callback_info info) {
  return on_partitions(env, info, 3, pause_call, false);
}

/* consumerSeek(handle, partitions with offsets): moves fetch positions, asynchronously (does not block). */
napi_value kafkit_js_consumerSeek(napi_env env, napi_callback_info info) {
  return on_partitions(env, info, 2, seek_call, false);
}

/* consumerStoreOffsets(handle, partitions with offsets): stores offsets for the next commit. */
napi_value kafkit_js_consumerStoreOffsets(napi_env env, napi_callback_info info) {
  return on_partitions(env, info, 2, store_call, false);
}

/* consumerPosition(handle, partitions) -> partitions with the offset after the last message handed out. */
napi_value kafkit_js_consumerPosition(napi_env env, napi_callback_info info) {
  return on_partitions(env, info, 2, position_call, true);
}

/* consumerCommit(handle, partitions with offsets | null): starts a commit; its result arrives as a 'commit' event. */
napi_value kafkit_js_consumerCommit(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 2, argv);
  if (!client) return NULL;
  napi_valuetype type;
  napi_typeof(env, argv[1], &type);
  rd_kafka_topic_partition_list_t *list = NULL;
  if (type != napi_null && type != napi_undefined && !(list = kafkit_consumer_partitions_from(env, argv[1])))
    return NULL;
  rd_kafka_resp_err_t code = rd_kafka_commit(client->rk, list, 1);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  check(env, code, "commit");
  return NULL;
}

/* consumerCachedWatermarks(handle, topic, partition) -> { low, high } as librdkafka last saw them, or null. */
napi_value kafkit_js_consumerCachedWatermarks(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 3, argv);
  char *topic = client ? kafkit_string(env, argv[1], "topic") : NULL;
  if (!topic) return NULL;
  int64_t low = -1, high = -1;
  rd_kafka_resp_err_t code =
      rd_kafka_get_watermark_offsets(client->rk, topic, kafkit_int32_arg(env, argv[2], 0), &low, &high);
  free(topic);
  return code || high < 0 ? kafkit_null(env) : kafkit_watermarks_value(env, low, high);
}

/* consumerGroupMetadata(handle) -> Buffer: the group metadata serialized for a transactional producer. */
napi_value kafkit_js_consumerGroupMetadata(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  rd_kafka_consumer_group_metadata_t *metadata = rd_kafka_consumer_group_metadata(client->rk);
  if (!metadata) {
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__STATE, "the consumer has no group");
    return NULL;
  }
  void *bytes = NULL;
  size_t size = 0;
  rd_kafka_error_t *error = rd_kafka_consumer_group_metadata_write(metadata, &bytes, &size);
  rd_kafka_consumer_group_metadata_destroy(metadata);
  if (!kafkit_check_error(env, error)) return NULL;
  napi_value buffer = NULL;
  if (napi_create_buffer_copy(env, size, bytes, NULL, &buffer) != napi_ok) kafkit_throw_last(env);
  rd_kafka_mem_free(NULL, bytes);
  return buffer;
}
