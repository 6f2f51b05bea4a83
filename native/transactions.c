/*
 * Transactions on the producer's handle. init, commit, abort and send-offsets block inside librdkafka, so they run
 * on the client's worker; begin does not, so it runs on the JavaScript thread.
 */
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

static void init_execute(kafkit_job *job) { job->error = rd_kafka_init_transactions(job->client->rk, job->timeout_ms); }

static void commit_execute(kafkit_job *job) {
  job->error = rd_kafka_commit_transaction(job->client->rk, job->timeout_ms);
}

static void abort_execute(kafkit_job *job) {
  job->error = rd_kafka_abort_transaction(job->client->rk, job->timeout_ms);
}

/* transactionInit(handle, timeoutMs), transactionCommit(handle, timeoutMs), transactionAbort(handle, timeoutMs) */
KAFKIT_WORKER_FUNCTION(transactionInit, init_execute)
KAFKIT_WORKER_FUNCTION(transactionCommit, commit_execute)
KAFKIT_WORKER_FUNCTION(transactionAbort, abort_execute)

/* transactionBegin(handle): throws librdkafka's error (with its flags) when the transaction cannot begin. */
napi_value kafkit_js_transactionBegin(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (client) kafkit_check_error(env, rd_kafka_begin_transaction(client->rk));
  return NULL;
}

typedef struct {
  rd_kafka_topic_partition_list_t *offsets;
  rd_kafka_consumer_group_metadata_t *group;
} send_offsets_data;

static void send_offsets_free(send_offsets_data *data) {
  if (data->offsets) rd_kafka_topic_partition_list_destroy(data->offsets);
  if (data->group) rd_kafka_consumer_group_metadata_destroy(data->group);
  free(data);
}

static void send_offsets_execute(kafkit_job *job) {
  send_offsets_data *data = job->data;
  job->error = rd_kafka_send_offsets_to_transaction(job->client->rk, data->offsets, data->group, job->timeout_ms);
}

static void send_offsets_complete(napi_env env, kafkit_job *job) {
  kafkit_job_complete_error(env, job);
  send_offsets_free(job->data);
}

/*
 * transactionSendOffsets(handle, offsets [{topic, partition, offset: bigint}], groupMetadata Buffer, timeoutMs)
 * `groupMetadata` is the consumer's group metadata as rd_kafka_consumer_group_metadata_write() serialized it.
 */
napi_value kafkit_js_transactionSendOffsets(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_native_client *client = kafkit_native_args(env, info, 4, argv);
  if (!client) return NULL;
  void *bytes = NULL;
  size_t size = 0;
  if (napi_get_buffer_info(env, argv[2], &bytes, &size) != napi_ok) {
    kafkit_throw_type(env, "group metadata (a Buffer)");
    return NULL;
  }
  send_offsets_data *data = kafkit_calloc(env, 1, sizeof(*data), "starting to send offsets to the transaction");
  if (!data || !kafkit_check_error(env, rd_kafka_consumer_group_metadata_read(&data->group, bytes, size))) {
    free(data);
    return NULL;
  }
  data->offsets = kafkit_partition_list_from(env, argv[1], "offset");
  kafkit_job *job = data->offsets ? kafkit_job_new(env, client, send_offsets_execute, send_offsets_complete) : NULL;
  if (!job) {
    send_offsets_free(data);
    return NULL;
  }
  job->timeout_ms = kafkit_int32_arg(env, argv[3], 0);
  job->data = data;
  napi_value promise = kafkit_worker_submit(env, client, job);
  if (!promise) send_offsets_free(data);
  return promise;
}
