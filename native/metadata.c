/* clientMetadata: cluster metadata (brokers, topics and their partition counts), fetched on the client's worker. */
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

/* {originatingBrokerId, brokers: [{id, host, port}], topics: [{topic, partitionCount, error}]} */
static napi_value metadata_value(napi_env env, const struct rd_kafka_metadata *md) {
  napi_value result = kafkit_object(env);
  kafkit_set_int(env, result, "originatingBrokerId", md->orig_broker_id);
  napi_value brokers = kafkit_array(env, (size_t)md->broker_cnt);
  for (int i = 0; i < md->broker_cnt; i++) {
    napi_value broker = kafkit_object(env);
    kafkit_set_int(env, broker, "id", md->brokers[i].id);
    kafkit_set_string(env, broker, "host", md->brokers[i].host);
    kafkit_set_int(env, broker, "port", md->brokers[i].port);
    kafkit_push(env, brokers, (uint32_t)i, broker);
  }
  kafkit_set(env, result, "brokers", brokers);
  napi_value topics = kafkit_array(env, (size_t)md->topic_cnt);
  for (int i = 0; i < md->topic_cnt; i++) {
    const rd_kafka_metadata_topic_t *t = &md->topics[i];
    napi_value topic = kafkit_object(env);
    kafkit_set_string(env, topic, "topic", t->topic);
    kafkit_set_int(env, topic, "partitionCount", t->partition_cnt);
    kafkit_set(env, topic, "error", kafkit_error_value(env, t->err, NULL));
    kafkit_push(env, topics, (uint32_t)i, topic);
  }
  kafkit_set(env, result, "topics", topics);
  return result;
}

typedef struct {
  char *topic;
  const struct rd_kafka_metadata *metadata;
} metadata_data;

static void metadata_free(metadata_data *data) {
  if (data->metadata) rd_kafka_metadata_destroy(data->metadata);
  free(data->topic);
  free(data);
}

static void metadata_execute(kafkit_job *job) {
  metadata_data *data = job->data;
  rd_kafka_topic_t *topic = data->topic ? rd_kafka_topic_new(job->client->rk, data->topic, NULL) : NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(job->client->rk, topic ? 0 : 1, topic, &data->metadata, job->timeout_ms);
  if (topic) rd_kafka_topic_destroy(topic);
  if (err) job->error = rd_kafka_error_new(err, "metadata: %s", rd_kafka_err2str(err));
}

static void metadata_complete(napi_env env, kafkit_job *job) {
  metadata_data *data = job->data;
  kafkit_job_settle(env, job, job->deferred && !job->error ? metadata_value(env, data->metadata) : NULL);
  metadata_free(data);
}

/* clientMetadata(handle, { timeoutMs, topic? }) -> Promise<RawMetadata>, fetched on the worker. */
napi_value kafkit_js_clientMetadata(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  metadata_data *data = client ? kafkit_calloc(env, 1, sizeof(*data), "starting a metadata request") : NULL;
  if (!data) return NULL;
  bool ok = true;
  data->topic = kafkit_get_string(env, argv[1], "topic", &ok);
  kafkit_job *job = ok ? kafkit_job_new(env, client, metadata_execute, metadata_complete) : NULL;
  if (!job || !kafkit_get_int32(env, argv[1], "timeoutMs", 30000, &job->timeout_ms)) {
    metadata_free(data);
    free(job);
    return NULL;
  }
  job->data = data;
  napi_value promise = kafkit_worker_submit(env, client, job);
  if (!promise) metadata_free(data);
  return promise;
}
