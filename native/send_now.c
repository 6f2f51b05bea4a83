/*
 * Sending queued records at once instead of after linger.ms, for callers that hand over a whole batch and wait for
 * it (sendBatch). librdkafka has no per-record "send now"; while rd_kafka_flush() runs, every broker thread treats
 * linger.ms as elapsed. So one round is a flush on the worker until every record is acknowledged or for linger.ms
 * (after which the records would have left anyway), at most MAX_ROUND_MS so that other jobs never wait long behind
 * it. JavaScript runs one round at a time and starts another while batches are still unacknowledged (a topic's
 * first records wait for its metadata, which may outlast a round).
 */
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

#define MAX_ROUND_MS 100

/* The producer's effective linger.ms (set as `linger.ms` or `queue.buffering.max.ms`); 0 when unreadable. */
static int32_t linger_ms(rd_kafka_t *rk) {
  char text[32];
  size_t size = sizeof(text);
  if (rd_kafka_conf_get(rd_kafka_conf(rk), "linger.ms", text, &size) != RD_KAFKA_CONF_OK) return 0;
  char *end = NULL;
  double value = strtod(text, &end);
  if (end == text || value <= 0) return 0;
  return value >= MAX_ROUND_MS ? MAX_ROUND_MS : (int32_t)(value + 0.999);
}

/* A timeout is the usual outcome while records keep coming: the round has done its work either way. */
static void send_now_execute(kafkit_job *job) { rd_kafka_flush(job->client->rk, job->timeout_ms); }

/*
 * producerSendNow(handle) -> Promise<void> | null: one round that makes librdkafka send the records it holds without
 * waiting for linger.ms; resolves when the round ends. null when linger.ms is 0: there is nothing to hurry.
 */
napi_value kafkit_js_producerSendNow(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (!client) return NULL;
  if (!client->linger_known) {
    client->linger_ms = linger_ms(client->rk);
    client->linger_known = true;
  }
  if (client->linger_ms <= 0) return kafkit_null(env);
  kafkit_job *job = kafkit_job_new(env, client, send_now_execute, kafkit_job_complete_error);
  if (!job) return NULL;
  job->timeout_ms = client->linger_ms;
  return kafkit_worker_submit(env, client, job);
}
