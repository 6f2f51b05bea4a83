/*
 * The consumer's calls that wait for librdkafka's main thread or the group coordinator, run on the client's worker:
 * subscribe, unsubscribe, assign and unassign, committed offsets, offsets for times, and queried watermarks.
 */
#include <stdlib.h>

#include "consumer.h"
#include "exports.h"
#include "napi_util.h"

typedef enum {
  OP_SUBSCRIBE,
  OP_UNSUBSCRIBE,
  OP_ASSIGN,
  OP_UNASSIGN,
  OP_COMMITTED,
  OP_OFFSETS_FOR_TIMES,
  OP_WATERMARKS
} membership_op;

typedef struct {
  membership_op op;
  bool incremental;
  rd_kafka_topic_partition_list_t *partitions;
  int64_t low, high; /* OP_WATERMARKS */
} membership_data;

static void membership_execute(kafkit_job *job) {
  membership_data *data = job->data;
  rd_kafka_t *rk = job->client->rk;
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  switch (data->op) {
    case OP_SUBSCRIBE:
      code = rd_kafka_subscribe(rk, data->partitions);
      break;
    case OP_UNSUBSCRIBE:
      code = rd_kafka_unsubscribe(rk);
      break;
    case OP_ASSIGN:
      if (data->incremental) job->error = rd_kafka_incremental_assign(rk, data->partitions);
      else code = rd_kafka_assign(rk, data->partitions);
      break;
    case OP_UNASSIGN:
      if (data->incremental) job->error = rd_kafka_incremental_unassign(rk, data->partitions);
      else code = rd_kafka_assign(rk, NULL);
      break;
    case OP_COMMITTED:
      code = rd_kafka_committed(rk, data->partitions, job->timeout_ms);
      break;
    case OP_OFFSETS_FOR_TIMES:
      /* In: timestamps as offsets. Out: the earliest offset whose timestamp is at or after it (-1: none yet). */
      code = rd_kafka_offsets_for_times(rk, data->partitions, job->timeout_ms);
      break;
    case OP_WATERMARKS: {
      const rd_kafka_topic_partition_t *tp = &data->partitions->elems[0];
      code = rd_kafka_query_watermark_offsets(rk, tp->topic, tp->partition, &data->low, &data->high, job->timeout_ms);
      break;
    }
  }
  if (code && !job->error) job->error = rd_kafka_error_new(code, "%s", rd_kafka_err2str(code));
}

static void membership_free(membership_data *data) {
  if (data->partitions) rd_kafka_topic_partition_list_destroy(data->partitions);
  free(data);
}

/* The promise's value when the call answers one: partitions, or watermarks. NULL for the calls that answer nothing. */
static napi_value membership_value(napi_env env, const membership_data *data) {
  if (data->op == OP_COMMITTED || data->op == OP_OFFSETS_FOR_TIMES) {
    return kafkit_consumer_partitions_value(env, data->partitions);
  }
  return data->op == OP_WATERMARKS ? kafkit_watermarks_value(env, data->low, data->high) : NULL;
}

static void membership_complete(napi_env env, kafkit_job *job) {
  membership_data *data = job->data;
  kafkit_job_settle(env, job, job->deferred && !job->error ? membership_value(env, data) : NULL);
  membership_free(data);
}

/* Queues `op` on the worker; takes `partitions` (destroyed on failure). The promise, or NULL after throwing. */
static napi_value submit(napi_env env, kafkit_native_client *client, membership_op op, bool incremental,
                         rd_kafka_topic_partition_list_t *partitions, int32_t timeout_ms) {
  membership_data *data = calloc(1, sizeof(*data));
  if (!data) {
    if (partitions) rd_kafka_topic_partition_list_destroy(partitions);
    kafkit_throw_no_memory(env, "starting a consumer call on the worker");
    return NULL;
  }
  data->op = op;
  data->incremental = incremental;
  data->partitions = partitions;
  kafkit_job *job = kafkit_job_new(env, client, membership_execute, membership_complete);
  if (job) {
    job->data = data;
    job->timeout_ms = timeout_ms;
  }
  napi_value promise = job ? kafkit_worker_submit(env, client, job) : NULL;
  if (!promise) membership_free(data);
  return promise;
}

/* consumerSubscribe(handle, topics: string[]) -> Promise<void>. Names starting with ^ are regular expressions. */
napi_value kafkit_js_consumerSubscribe(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 2, argv);
  if (!client) return NULL;
  char **topics = NULL;
  uint32_t count = 0;
  if (!kafkit_string_array(env, argv[1], "topics", &topics, &count)) return NULL;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(count ? count : 1));
  for (uint32_t i = 0; i < count; i++) rd_kafka_topic_partition_list_add(list, topics[i], RD_KAFKA_PARTITION_UA);
  kafkit_free_strings(topics, count);
  return submit(env, client, OP_SUBSCRIBE, false, list, 0);
}

/* consumerUnsubscribe(handle) -> Promise<void>; librdkafka then revokes everything through a rebalance. */
napi_value kafkit_js_consumerUnsubscribe(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  return submit(env, client, OP_UNSUBSCRIBE, false, NULL, 0);
}

/*
 * consumerAssign(handle, partitions, assign: boolean, incremental: boolean) -> Promise<void>
 * Answers a rebalance: adds (incremental) or replaces (eager) the assignment, or removes partitions from it.
 */
napi_value kafkit_js_consumerAssign(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!kafkit_consumer_and_list(env, info, 4, argv, &client, &list)) return NULL;
  return submit(env, client, kafkit_bool_arg(env, argv[2], false) ? OP_ASSIGN : OP_UNASSIGN,
                kafkit_bool_arg(env, argv[3], false), list, 0);
}

/* (handle, partitions, timeoutMs): a worker job of `op` on the partitions. */
static napi_value submit_with_timeout(napi_env env, napi_callback_info info, membership_op op) {
  napi_value argv[3];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!kafkit_consumer_and_list(env, info, 3, argv, &client, &list)) return NULL;
  if (op == OP_WATERMARKS && list->cnt != 1) {
    rd_kafka_topic_partition_list_destroy(list);
    kafkit_throw_type(env, "partitions (exactly one)");
    return NULL;
  }
  return submit(env, client, op, false, list, kafkit_int32_arg(env, argv[2], 0));
}

/* consumerCommitted(handle, partitions, timeoutMs) -> Promise<partitions with the group's committed offsets>. */
napi_value kafkit_js_consumerCommitted(napi_env env, napi_callback_info info) {
  return submit_with_timeout(env, info, OP_COMMITTED);
}

/* consumerOffsetsForTimes(handle, partitions with timestamps as `offset`, timeoutMs) -> Promise<partitions>. */
napi_value kafkit_js_consumerOffsetsForTimes(napi_env env, napi_callback_info info) {
  return submit_with_timeout(env, info, OP_OFFSETS_FOR_TIMES);
}

/* consumerQueryWatermarks(handle, [{ topic, partition }], timeoutMs) -> Promise<{ low, high }>, asked of the leader. */
napi_value kafkit_js_consumerQueryWatermarks(napi_env env, napi_callback_info info) {
  return submit_with_timeout(env, info, OP_WATERMARKS);
}
