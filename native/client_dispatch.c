/*
 * The one way into JavaScript: librdkafka's threads and the worker post to the client's threadsafe function (a
 * wake-up, coalesced until JavaScript drains, or a finished job); on the main thread `kafkit_dispatch_call_js`
 * settles what arrived and calls JavaScript's onWake(eventsPending), which drains the rare events here when there are
 * any. Also the keep-alive references that decide whether the client holds the process open.
 */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "kafkit_admin.h"
#include "napi_util.h"

void kafkit_free_event(kafkit_event *event) {
  if (event->partitions) rd_kafka_topic_partition_list_destroy(event->partitions);
  free(event->facility);
  free(event->text);
  free(event);
}

void kafkit_wake_locked(kafkit_native_client *client) {
  if (client->wake_pending || client->tsfn_released) return;
  /* NULL data means "the rings have something"; jobs travel as non-NULL data. */
  if (napi_call_threadsafe_function(client->tsfn, NULL, napi_tsfn_nonblocking) == napi_ok) client->wake_pending = true;
}

/* Bound on queued log lines while JavaScript does not drain; errors and the rest are always kept. */
#define MAX_QUEUED_LOGS 10000

void kafkit_push_event(kafkit_native_client *client, kafkit_event *event) {
  uv_mutex_lock(&client->lock);
  if (event->kind == KAFKIT_EVENT_LOG && client->events_queued >= MAX_QUEUED_LOGS) {
    client->events_dropped++;
    uv_mutex_unlock(&client->lock);
    kafkit_free_event(event);
    return;
  }
  event->next = NULL;
  if (client->events_tail) client->events_tail->next = event;
  else client->events_head = event;
  client->events_tail = event;
  client->events_queued++;
  kafkit_wake_locked(client);
  uv_mutex_unlock(&client->lock);
}

void kafkit_client_ref(napi_env env, kafkit_native_client *client) {
  if (client->refs++ == 0 && !client->tsfn_released) napi_ref_threadsafe_function(env, client->tsfn);
}

void kafkit_client_unref(napi_env env, kafkit_native_client *client) {
  if (client->refs > 0 && --client->refs == 0 && !client->tsfn_released)
    napi_unref_threadsafe_function(env, client->tsfn);
}

void kafkit_dispatch_call_js(napi_env env, napi_value callback, void *context, void *data) {
  kafkit_native_client *client = context;
  if (data) {
    if (env) kafkit_worker_finish(env, data);
    else free(data); /* the process is exiting: nobody waits for the job's promise any more */
    return;
  }
  if (!env) return;
  uv_mutex_lock(&client->lock);
  client->wake_pending = false; /* anything pushed from now on posts a new wake-up */
  bool events = client->events_head || client->events_dropped > 0 || client->out_of_memory;
  uv_mutex_unlock(&client->lock);
  if (client->admin) kafkit_admin_settle_delivered(env, client);
  /* onWake(eventsPending): most wake-ups bring only delivery reports or messages, and then JavaScript skips the
   * clientDrainEvents call (an empty array each time). An event pushed after this read posts a new wake-up. */
  napi_value global, argv[1];
  napi_get_global(env, &global);
  napi_get_boolean(env, events, &argv[0]);
  napi_call_function(env, global, callback, 1, argv, NULL);
  /* An exception thrown by the JavaScript side is reported by Node as uncaught; nothing to clean up here. */
}

/* Each event kind's name in JavaScript and the property its text goes to. */
static const struct {
  const char *kind;
  const char *text_key;
} event_shapes[] = {
    [KAFKIT_EVENT_ERROR] = {"error", "message"},                      /* the error's text */
    [KAFKIT_EVENT_LOG] = {"log", "message"},                          /* the log line */
    [KAFKIT_EVENT_STATS] = {"stats", "json"},                         /* the statistics JSON */
    [KAFKIT_EVENT_OAUTH_REFRESH] = {"oauthbearer-refresh", "config"}, /* sasl.oauthbearer.config */
    [KAFKIT_EVENT_COMMIT] = {"commit", "message"},                    /* the commit result's text */
};

static napi_value event_value(napi_env env, const kafkit_event *event) {
  napi_value value = kafkit_object(env);
  kafkit_set_string(env, value, "kind", event_shapes[event->kind].kind);
  kafkit_set_string(env, value, event_shapes[event->kind].text_key, event->text);
  switch (event->kind) {
    case KAFKIT_EVENT_ERROR:
      kafkit_set_int(env, value, "code", event->code);
      kafkit_set_string(env, value, "rdkafkaName", rd_kafka_err2name((rd_kafka_resp_err_t)event->code));
      kafkit_set_bool(env, value, "isFatal", event->fatal);
      break;
    case KAFKIT_EVENT_LOG:
      kafkit_set_int(env, value, "level", event->level);
      kafkit_set_string(env, value, "facility", event->facility);
      break;
    case KAFKIT_EVENT_COMMIT:
      kafkit_set_int(env, value, "code", event->code);
      kafkit_set(env, value, "offsets", kafkit_consumer_partitions_value(env, event->partitions));
      break;
    case KAFKIT_EVENT_STATS:
    case KAFKIT_EVENT_OAUTH_REFRESH:
      break; /* the text is all they carry */
  }
  return value;
}

/* clientDrainEvents(handle): the rare events queued since the last call, oldest first ([] when none). */
napi_value kafkit_js_clientDrainEvents(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_any_args(env, info, 1, argv);
  napi_value result = client ? kafkit_array(env, 0) : NULL;
  if (!result) return NULL; /* the events stay queued for the next call */
  uv_mutex_lock(&client->lock);
  kafkit_event *events = client->events_head;
  size_t dropped = client->events_dropped;
  client->events_head = client->events_tail = NULL;
  client->events_queued = 0;
  client->events_dropped = 0;
  bool out_of_memory = client->out_of_memory;
  client->out_of_memory = false;
  uv_mutex_unlock(&client->lock);
  uint32_t index = 0;
  if (out_of_memory) {
    kafkit_event oom = {.kind = KAFKIT_EVENT_ERROR,
                        .code = RD_KAFKA_RESP_ERR__FATAL,
                        .fatal = true,
                        .text = "kafkit: out of memory while storing delivery reports"};
    kafkit_push(env, result, index++, event_value(env, &oom));
  }
  if (dropped > 0) {
    char text[96];
    snprintf(text, sizeof(text), "%zu log lines dropped while the event loop was busy", dropped);
    kafkit_event note = {.kind = KAFKIT_EVENT_LOG, .level = 4, .facility = "KAFKIT", .text = text};
    kafkit_push(env, result, index++, event_value(env, &note));
  }
  while (events) {
    kafkit_event *next = events->next;
    kafkit_push(env, result, index++, event_value(env, events));
    kafkit_free_event(events);
    events = next;
  }
  return result;
}

/* clientSetActive(handle, active): whether the client keeps the process alive (sends in flight). */
napi_value kafkit_js_clientSetActive(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_any_args(env, info, 2, argv);
  if (!client) return NULL;
  if (kafkit_bool_arg(env, argv[1], false)) kafkit_client_ref(env, client);
  else kafkit_client_unref(env, client);
  return NULL;
}
