/*
 * Sending queued records at once instead of after linger.ms: for callers that hand over a whole batch and wait for
 * it (sendBatch). librdkafka has no per-record "send now"; while rd_kafka_flush() runs, every broker thread treats
 * linger.ms as elapsed. So a worker job flushes until every record is acknowledged or for linger.ms (after which
 * the records would have left anyway), at most MAX_ROUND_MS so that other jobs never wait long behind it. Requests
 * made while a round runs are coalesced: the job runs another round unless other jobs wait, which then go first
 * (a missed round costs those records at most one linger).
 */
#include <stdlib.h>

#include "client.h"
#include "kafkit_admin.h"

enum { SEND_NOW_IDLE = 0, SEND_NOW_RUNNING = 1, SEND_NOW_AGAIN = 2 };

#define MAX_ROUND_MS 100

/* The producer's effective linger.ms (it may come from `linger.ms` or `queue.buffering.max.ms`); 0 when unreadable. */
static int32_t linger_ms(rd_kafka_t *rk) {
  char text[32];
  size_t size = sizeof(text);
  if (rd_kafka_conf_get(rd_kafka_conf(rk), "linger.ms", text, &size) != RD_KAFKA_CONF_OK) return 0;
  char *end = NULL;
  double value = strtod(text, &end);
  if (end == text || value <= 0) return 0;
  return value >= 900000 ? 900000 : (int32_t)(value + 0.999);
}

static void send_now_execute(kafkit_job *job) {
  kafkit_native_client *client = job->client;
  for (;;) {
    rd_kafka_flush(client->rk, job->timeout_ms); /* a timeout is expected when records keep coming */
    uv_mutex_lock(&client->lock);
    bool again = client->send_now == SEND_NOW_AGAIN && !client->jobs_head && !client->worker_stopping;
    client->send_now = again ? SEND_NOW_RUNNING : SEND_NOW_IDLE;
    uv_mutex_unlock(&client->lock);
    if (!again) return;
  }
}

static void send_now_complete(napi_env env, kafkit_job *job) {
  (void)env;
  (void)job;
}

/*
 * sendNow(handle) -> boolean: asks librdkafka to send the records it holds without waiting for linger.ms. Returns
 * false when there is nothing to do (linger.ms is 0) or the request could not be queued (out of memory: the records
 * then leave after linger.ms as usual).
 */
static napi_value send_now(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (!client) return NULL;
  if (!client->linger_known) {
    client->linger_ms = linger_ms(client->rk);
    client->linger_known = true;
  }
  bool queued = false;
  if (client->linger_ms > 0) {
    uv_mutex_lock(&client->lock);
    bool start = client->send_now == SEND_NOW_IDLE;
    client->send_now = start ? SEND_NOW_RUNNING : SEND_NOW_AGAIN;
    uv_mutex_unlock(&client->lock);
    queued = true;
    if (start) {
      kafkit_job *job = calloc(1, sizeof(*job));
      if (job) {
        job->client = client;
        job->execute = send_now_execute;
        job->complete = send_now_complete;
        job->timeout_ms = client->linger_ms < MAX_ROUND_MS ? client->linger_ms : MAX_ROUND_MS;
        kafkit_worker_submit_detached(client, job);
      } else {
        uv_mutex_lock(&client->lock);
        client->send_now = SEND_NOW_IDLE;
        uv_mutex_unlock(&client->lock);
        queued = false;
      }
    }
  }
  napi_value result;
  napi_get_boolean(env, queued, &result);
  return result;
}

void kafkit_register_send_now(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "producerSendNow", send_now);
}
