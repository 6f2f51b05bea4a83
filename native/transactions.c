/*
 * Transactions on the producer's handle. init, commit, abort and send-offsets block inside librdkafka, so they run
 * on the client's worker; begin does not, so it runs on the JavaScript thread.
 */
#include <stdlib.h>

#include "client.h"
#include "kafkit_admin.h"

static void init_execute(kafkit_job *job) {
  job->error = rd_kafka_init_transactions(job->client->rk, job->timeout_ms);
}

static void commit_execute(kafkit_job *job) {
  job->error = rd_kafka_commit_transaction(job->client->rk, job->timeout_ms);
}

static void abort_execute(kafkit_job *job) {
  job->error = rd_kafka_abort_transaction(job->client->rk, job->timeout_ms);
}

typedef struct {
  rd_kafka_topic_partition_list_t *offsets;
  rd_kafka_consumer_group_metadata_t *group;
} send_offsets_data;

static void send_offsets_execute(kafkit_job *job) {
  send_offsets_data *data = job->data;
  job->error = rd_kafka_send_offsets_to_transaction(job->client->rk, data->offsets, data->group, job->timeout_ms);
}

static void send_offsets_complete(napi_env env, kafkit_job *job) {
  send_offsets_data *data = job->data;
  kafkit_job_complete_error(env, job);
  rd_kafka_topic_partition_list_destroy(data->offsets);
  rd_kafka_consumer_group_metadata_destroy(data->group);
  free(data);
}

static napi_value submit(napi_env env, napi_callback_info info, void (*execute)(kafkit_job *)) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  kafkit_job *job = kafkit_job_new(env, client, execute, kafkit_job_complete_error);
  if (!job) return NULL;
  napi_get_value_int32(env, argv[1], &job->timeout_ms);
  return kafkit_worker_submit(env, client, job);
}

/* transactionInit(handle, timeoutMs), transactionCommit(handle, timeoutMs), transactionAbort(handle, timeoutMs) */
static napi_value init_transactions(napi_env env, napi_callback_info info) { return submit(env, info, init_execute); }
static napi_value commit_transaction(napi_env env, napi_callback_info info) { return submit(env, info, commit_execute); }
static napi_value abort_transaction(napi_env env, napi_callback_info info) { return submit(env, info, abort_execute); }

/* transactionBegin(handle): throws librdkafka's error (with its flags) when the transaction cannot begin. */
static napi_value begin_transaction(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (!client) return NULL;
  rd_kafka_error_t *error = rd_kafka_begin_transaction(client->rk);
  if (error) {
    napi_throw(env, kafkit_error_from(env, error));
    rd_kafka_error_destroy(error);
  }
  return NULL;
}

/*
 * transactionSendOffsets(handle, offsets [{topic, partition, offset: bigint}], groupMetadata Buffer, timeoutMs)
 * `groupMetadata` is the consumer's group metadata as rd_kafka_consumer_group_metadata_write() serialized it.
 */
static napi_value send_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_native_client *client = kafkit_native_args(env, info, 4, argv);
  if (!client) return NULL;
  void *bytes = NULL;
  size_t size = 0;
  if (napi_get_buffer_info(env, argv[2], &bytes, &size) != napi_ok) {
    kafkit_throw_type(env, "group metadata (a Buffer)");
    return NULL;
  }
  send_offsets_data *data = calloc(1, sizeof(*data));
  if (!data) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  rd_kafka_error_t *error = rd_kafka_consumer_group_metadata_read(&data->group, bytes, size);
  if (error) {
    napi_throw(env, kafkit_error_from(env, error));
    rd_kafka_error_destroy(error);
    free(data);
    return NULL;
  }
  data->offsets = kafkit_partition_list_from(env, argv[1], "offset");
  kafkit_job *job = data->offsets ? kafkit_job_new(env, client, send_offsets_execute, send_offsets_complete) : NULL;
  if (!job) {
    if (data->offsets) rd_kafka_topic_partition_list_destroy(data->offsets);
    rd_kafka_consumer_group_metadata_destroy(data->group);
    free(data);
    return NULL;
  }
  napi_get_value_int32(env, argv[3], &job->timeout_ms);
  job->data = data;
  return kafkit_worker_submit(env, client, job);
}

void kafkit_register_transactions(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "transactionInit", init_transactions);
  kafkit_export(env, exports, "transactionBegin", begin_transaction);
  kafkit_export(env, exports, "transactionCommit", commit_transaction);
  kafkit_export(env, exports, "transactionAbort", abort_transaction);
  kafkit_export(env, exports, "transactionSendOffsets", send_offsets);
}
