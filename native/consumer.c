/*
 * The consumer on kafkit's handle: the batch fetch and the calls around group membership.
 *
 * Fetching: `consumerConsume` runs rd_kafka_consume_batch_queue(consumer queue, timeout 0) on the JavaScript
 * thread; it returns at once with what is ready, copied into one Buffer per call: the metadata (offsets,
 * timestamps, partitions, lengths), then the keys', values' and headers' bytes (see consumer_fetch.c). librdkafka
 * signals through the queue's event callback when the queue goes from empty to non-empty; that wakes JavaScript
 * through the client's threadsafe function, so nothing polls on a timer while messages stream.
 *
 * Rebalances: librdkafka calls `rebalance_cb` while serving the consumer queue, that is inside consumerConsume on
 * the JavaScript thread. The callback only copies the partitions, with rd_kafka_assignment_lost() and the
 * rebalance protocol at that moment; JavaScript takes them after the call and answers (assign/unassign) when its
 * handlers have drained. During close (on the worker) nobody is left to answer, so the callback answers itself.
 *
 * The main queue (errors, logs, statistics, commit results, OAUTHBEARER refreshes) stays on librdkafka's background
 * thread, as for the producer (client_events.c).
 */
#include <stdlib.h>
#include <string.h>

#include "consumer.h"
#include "exports.h"
#include "napi_util.h"

static bool cooperative(rd_kafka_t *rk) {
  return strcmp(rd_kafka_rebalance_protocol(rk), "EAGER") != 0 && strcmp(rd_kafka_rebalance_protocol(rk), "NONE") != 0;
}

/* Answers a rebalance here, as librdkafka does without a rebalance callback. */
static void answer_natively(rd_kafka_t *rk, rd_kafka_resp_err_t code, rd_kafka_topic_partition_list_t *partitions) {
  bool incremental = cooperative(rk);
  rd_kafka_error_t *error = NULL;
  if (code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (incremental) error = rd_kafka_incremental_assign(rk, partitions);
    else rd_kafka_assign(rk, partitions);
  } else {
    if (incremental) error = rd_kafka_incremental_unassign(rk, partitions);
    else rd_kafka_assign(rk, NULL);
  }
  if (error) rd_kafka_error_destroy(error);
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t code, rd_kafka_topic_partition_list_t *partitions,
                         void *opaque) {
  kafkit_native_client *client = opaque;
  kafkit_consumer *consumer = client->consumer;
  kafkit_rebalance *event = consumer->closing ? NULL : calloc(1, sizeof(*event));
  if (event) event->partitions = rd_kafka_topic_partition_list_copy(partitions);
  if (!event || !event->partitions) {
    /* Closing, or out of memory: nobody can answer later, so answer now. */
    free(event);
    answer_natively(rk, code, partitions);
    return;
  }
  event->code = code;
  event->lost = rd_kafka_assignment_lost(rk) != 0;
  event->cooperative = cooperative(rk);
  if (consumer->rebalances_tail) consumer->rebalances_tail->next = event;
  else consumer->rebalances_head = event;
  consumer->rebalances_tail = event;
  consumer->rebalance_count++;
}

/* Any librdkafka thread: the consumer queue went from empty to non-empty. */
static void queue_nonempty(rd_kafka_t *rk, void *opaque) {
  (void)rk;
  kafkit_native_client *client = opaque;
  uv_mutex_lock(&client->lock);
  kafkit_wake_locked(client);
  uv_mutex_unlock(&client->lock);
}

bool kafkit_consumer_configure(rd_kafka_conf_t *conf, kafkit_native_client *client) {
  client->consumer = calloc(1, sizeof(*client->consumer));
  if (!client->consumer) return false;
  rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  return true;
}

bool kafkit_consumer_start(kafkit_native_client *client) {
  /* The consumer queue only; the main queue stays with the background thread (no rd_kafka_poll_set_consumer). */
  client->consumer->queue = rd_kafka_queue_get_consumer(client->rk);
  if (!client->consumer->queue) return false;
  rd_kafka_queue_cb_event_enable(client->consumer->queue, queue_nonempty, client);
  return true;
}

static void stop_queue(kafkit_consumer *consumer) {
  if (!consumer->queue) return;
  rd_kafka_queue_cb_event_enable(consumer->queue, NULL, NULL);
  rd_kafka_queue_destroy(consumer->queue);
  consumer->queue = NULL;
}

void kafkit_consumer_close(kafkit_native_client *client, bool leave_group) {
  kafkit_consumer *consumer = client->consumer;
  if (!consumer) return;
  consumer->closing = true;
  stop_queue(consumer);
  /* Leaves the group (committing stored offsets) and serves the last rebalance with answer_natively. */
  if (leave_group) rd_kafka_consumer_close(client->rk);
}

void kafkit_consumer_free(kafkit_native_client *client) {
  kafkit_consumer *consumer = client->consumer;
  if (!consumer) return;
  for (kafkit_rebalance *event = consumer->rebalances_head; event;) {
    kafkit_rebalance *next = event->next;
    rd_kafka_topic_partition_list_destroy(event->partitions);
    free(event);
    event = next;
  }
  free(consumer->messages);
  kafkit_free_strings(consumer->topics, consumer->topic_count);
  free(consumer->first_pass);
  free(consumer);
  client->consumer = NULL;
}

kafkit_native_client *kafkit_consumer_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  kafkit_native_client *client = kafkit_native_args(env, info, count, argv);
  if (client && !client->consumer) {
    kafkit_throw_type(env, "client handle (expected a consumer)");
    return NULL;
  }
  return client;
}

kafkit_consumer *kafkit_consumer_state_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  kafkit_native_client *client = kafkit_consumer_args(env, info, count, argv);
  return client ? client->consumer : NULL;
}

bool kafkit_consumer_and_list(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                              kafkit_native_client **client, rd_kafka_topic_partition_list_t **list) {
  *client = kafkit_consumer_args(env, info, count, argv);
  *list = *client ? kafkit_consumer_partitions_from(env, argv[1]) : NULL;
  return *list != NULL;
}

napi_value kafkit_watermarks_value(napi_env env, int64_t low, int64_t high) {
  napi_value result = kafkit_object(env);
  kafkit_set_int(env, result, "low", low);
  kafkit_set_int(env, result, "high", high);
  return result;
}

/* consumerTakeRebalances(handle) -> [{ code, lost, cooperative, partitions }], oldest first. */
napi_value kafkit_js_consumerTakeRebalances(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_consumer *consumer = kafkit_consumer_state_args(env, info, 1, argv);
  if (!consumer) return NULL;
  napi_value result = kafkit_array(env, 0);
  uint32_t index = 0;
  for (kafkit_rebalance *event = consumer->rebalances_head; event; event = event->next) {
    napi_value item = kafkit_object(env);
    kafkit_set_int(env, item, "code", event->code);
    kafkit_set_bool(env, item, "lost", event->lost);
    kafkit_set_bool(env, item, "cooperative", event->cooperative);
    kafkit_set(env, item, "partitions", kafkit_consumer_partitions_value(env, event->partitions));
    kafkit_push(env, result, index++, item);
  }
  /* A rebalance JavaScript did not get must stay for the next call: unanswered, it would stall the group. */
  if (kafkit_exception_pending(env)) return NULL;
  for (kafkit_rebalance *event = consumer->rebalances_head; event;) {
    kafkit_rebalance *next = event->next;
    rd_kafka_topic_partition_list_destroy(event->partitions);
    free(event);
    event = next;
  }
  consumer->rebalances_head = consumer->rebalances_tail = NULL;
  consumer->rebalance_count = 0;
  return result;
}
