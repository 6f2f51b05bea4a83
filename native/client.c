/*
 * The client core's lifecycle: create (configuration errors reported per property), keep-alive references, the
 * one wake-up path into JavaScript, draining rare events, destroy on the worker, and the process-exit hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

static void maybe_free(kafkit_native_client *client) {
  if (!client->handle_gone || !client->tsfn_released) return;
  kafkit_ring_free(&client->deliveries);
  for (kafkit_event *event = client->events_head; event;) {
    kafkit_event *next = event->next;
    kafkit_free_event(event);
    event = next;
  }
  free(client->topics);
  kafkit_consumer_free(client);
  uv_cond_destroy(&client->work_ready);
  uv_mutex_destroy(&client->lock);
  free(client);
}

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
  if (client->refs > 0 && --client->refs == 0 && !client->tsfn_released) napi_unref_threadsafe_function(env, client->tsfn);
}

static void release_tsfn(kafkit_native_client *client, napi_threadsafe_function_release_mode mode) {
  if (client->tsfn_released) return;
  uv_mutex_lock(&client->lock);
  client->tsfn_released = true; /* no wake-up is posted after this */
  uv_mutex_unlock(&client->lock);
  napi_release_threadsafe_function(client->tsfn, mode);
}

/* Main thread: a wake-up (data NULL) or a finished job. `env` is NULL while the environment tears down. */
static void call_js(napi_env env, napi_value callback, void *context, void *data) {
  kafkit_native_client *client = context;
  if (data) {
    if (env) kafkit_worker_finish(env, data);
    else free(data); /* the process is exiting: nobody waits for the job's promise any more */
    return;
  }
  if (!env) return;
  uv_mutex_lock(&client->lock);
  client->wake_pending = false; /* anything pushed from now on posts a new wake-up */
  uv_mutex_unlock(&client->lock);
  if (client->admin) kafkit_admin_settle_delivered(env, client);
  napi_value global;
  napi_get_global(env, &global);
  napi_call_function(env, global, callback, 0, NULL, NULL);
  /* An exception thrown by the JavaScript side is reported by Node as uncaught; nothing to clean up here. */
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  kafkit_native_client *client = data;
  client->tsfn_released = true;
  maybe_free(client);
}

/* The process is exiting with the client still open: drop what is queued, stop the threads, free the handle. */
static void cleanup_hook(void *data) {
  kafkit_native_client *client = data;
  if (client->destroyed) return;
  client->destroying = true;
  if (client->rk && client->type == RD_KAFKA_PRODUCER) {
    rd_kafka_purge(client->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
  }
  kafkit_worker_stop(client);
  if (client->rk) {
    /* No time to leave the group in order: the session timeout moves the partitions. */
    kafkit_consumer_close(client, false);
    if (client->background) rd_kafka_queue_destroy(client->background);
    client->background = NULL;
    for (uint32_t i = 0; i < client->topic_count; i++) rd_kafka_topic_destroy(client->topics[i]);
    client->topic_count = 0;
    if (client->consumer) rd_kafka_destroy_flags(client->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    else rd_kafka_destroy(client->rk);
    client->rk = NULL;
  }
  client->destroyed = true;
  release_tsfn(client, napi_tsfn_abort);
}

/* ---- destroy ---- */

static void destroy_execute(kafkit_job *job) {
  kafkit_native_client *client = job->client;
  /* A consumer leaves its group first (committing stored offsets); a rebalance raised now is answered natively. */
  kafkit_consumer_close(client, true);
  if (client->background) rd_kafka_queue_destroy(client->background);
  client->background = NULL;
  for (uint32_t i = 0; i < client->topic_count; i++) rd_kafka_topic_destroy(client->topics[i]);
  client->topic_count = 0;
  /* Joins librdkafka's threads; afterwards no librdkafka callback runs for this client. */
  if (client->consumer) rd_kafka_destroy_flags(client->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  else rd_kafka_destroy(client->rk);
  client->rk = NULL;
  uv_mutex_lock(&client->lock);
  client->worker_stopping = true;
  uv_mutex_unlock(&client->lock);
}

static void destroy_complete(napi_env env, kafkit_job *job) {
  kafkit_native_client *client = job->client;
  client->destroyed = true;
  /* librdkafka drops the results of requests still running when it terminates: they are rejected here. */
  if (client->admin) kafkit_admin_reject_pending(env, client);
  napi_remove_env_cleanup_hook(env, cleanup_hook, client);
  kafkit_worker_stop(client); /* the worker is returning: this join does not wait */
  if (job->deferred) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, job->deferred, undefined);
  }
  /* JavaScript drains the last delivery reports and events after the promise settles; they stay in the rings. */
  release_tsfn(client, napi_tsfn_release);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)hint;
  kafkit_native_client *client = data;
  client->handle_gone = true;
  if (!client->destroying && !client->destroyed) {
    /* Collected without destroy(): close it on the worker (the event loop must not block in librdkafka). */
    client->destroying = true;
    kafkit_job *job = calloc(1, sizeof(*job));
    if (job) {
      job->client = client;
      job->execute = destroy_execute;
      job->complete = destroy_complete;
      kafkit_worker_submit_detached(client, job);
      return;
    }
    cleanup_hook(client); /* out of memory: block once rather than leak a running client */
    napi_remove_env_cleanup_hook(env, cleanup_hook, client);
  }
  maybe_free(client);
}

kafkit_native_client *kafkit_native_from(napi_env env, napi_value handle) {
  kafkit_native_client *client = NULL;
  if (napi_get_value_external(env, handle, (void **)&client) != napi_ok || !client) {
    kafkit_throw_type(env, "client handle");
    return NULL;
  }
  if (client->destroying || client->destroyed) {
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__DESTROY, "the client was disconnected"));
    return NULL;
  }
  return client;
}

kafkit_native_client *kafkit_native_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  return kafkit_args(env, info, count, argv) ? kafkit_native_from(env, argv[0]) : NULL;
}

kafkit_native_client *kafkit_native_any(napi_env env, napi_value handle) {
  kafkit_native_client *client = NULL;
  if (napi_get_value_external(env, handle, (void **)&client) != napi_ok || !client) {
    kafkit_throw_type(env, "client handle");
    return NULL;
  }
  return client;
}

/* Builds the configuration; on failure throws one error listing every refused property. */
static rd_kafka_conf_t *build_conf(napi_env env, napi_value config) {
  napi_value names;
  uint32_t count;
  KAFKIT_CALL(env, napi_get_property_names(env, config, &names), return NULL);
  KAFKIT_CALL(env, napi_get_array_length(env, names, &count), return NULL);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  napi_value refused = kafkit_array(env, 0);
  uint32_t refused_count = 0;
  char errstr[512];
  char summary[1024] = "invalid configuration";
  size_t summary_length = strlen(summary);
  for (uint32_t i = 0; i < count; i++) {
    napi_value key, value;
    if (napi_get_element(env, names, i, &key) != napi_ok || napi_get_property(env, config, key, &value) != napi_ok) {
      kafkit_throw_last(env);
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
    char *name = kafkit_string(env, key, "configuration property name");
    char *text = name ? kafkit_string(env, value, "configuration value (must be a string)") : NULL;
    if (!text) {
      free(name);
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
    if (rd_kafka_conf_set(conf, name, text, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      napi_value item = kafkit_object(env);
      kafkit_set_string(env, item, "property", name);
      kafkit_set_string(env, item, "message", errstr);
      kafkit_push(env, refused, refused_count++, item);
      /* The message names every refused property too (truncated when very long). */
      int written = snprintf(summary + summary_length, sizeof(summary) - summary_length, "%s%s: %s",
                             refused_count == 1 ? ": " : "; ", name, errstr);
      if (written > 0) summary_length = strlen(summary);
    }
    free(name);
    free(text);
  }
  if (refused_count > 0) {
    rd_kafka_conf_destroy(conf);
    napi_value error = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, summary);
    kafkit_set(env, error, "properties", refused);
    napi_throw(env, error);
    return NULL;
  }
  return conf;
}

/*
 * createClient(kind: 'producer' | 'consumer' | 'admin', config: Record<string, string>, onWake: () => void, options: { oauthbearer?: boolean })
 * Returns the handle (an External). librdkafka starts its threads here; nothing waits for brokers.
 */
static napi_value create_client(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!kafkit_args(env, info, 4, argv) || !kafkit_librdkafka_loaded(env)) return NULL;
  char *kind = kafkit_string(env, argv[0], "client kind");
  if (!kind) return NULL;
  bool producer = strcmp(kind, "producer") == 0, consumer = strcmp(kind, "consumer") == 0;
  bool admin = strcmp(kind, "admin") == 0;
  free(kind);
  if (!producer && !consumer && !admin) {
    kafkit_throw_type(env, "client kind (expected 'producer', 'consumer' or 'admin')");
    return NULL;
  }
  bool oauthbearer = false;
  if (!kafkit_get_bool(env, argv[3], "oauthbearer", false, &oauthbearer)) return NULL;
  rd_kafka_conf_t *conf = build_conf(env, argv[1]);
  if (!conf) return NULL;

  kafkit_native_client *client = calloc(1, sizeof(*client));
  if (!client) {
    rd_kafka_conf_destroy(conf);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  client->type = consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
  client->admin = admin;
  if (admin) {
    /*
     * An admin handle with a group.id is a consumer handle: librdkafka (up to at least 2.12) dereferences the handle's
     * own consumer group when an OffsetFetch answer asks for a coordinator refresh, and crashes on handles that have
     * none (confluentinc/librdkafka#5040). The group is never joined.
     */
    size_t group_id_size = 0;
    if (rd_kafka_conf_get(conf, "group.id", NULL, &group_id_size) == RD_KAFKA_CONF_OK && group_id_size > 1) {
      client->type = RD_KAFKA_CONSUMER;
    }
  }
  uv_mutex_init(&client->lock);
  uv_cond_init(&client->work_ready);
  kafkit_events_configure(conf, client, oauthbearer, consumer);
  if (consumer && !kafkit_consumer_configure(conf, client)) {
    rd_kafka_conf_destroy(conf);
    uv_cond_destroy(&client->work_ready);
    uv_mutex_destroy(&client->lock);
    free(client);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }

  napi_value name;
  napi_create_string_utf8(env, "kafkit.client", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, client, tsfn_finalize, client, call_js,
                                      &client->tsfn) != napi_ok) {
    kafkit_throw_last(env);
    rd_kafka_conf_destroy(conf);
    kafkit_consumer_free(client);
    uv_cond_destroy(&client->work_ready);
    uv_mutex_destroy(&client->lock);
    free(client);
    return NULL;
  }
  /* Idle until something is in flight: an idle client never keeps the process alive. */
  napi_unref_threadsafe_function(env, client->tsfn);

  char errstr[512];
  client->rk = rd_kafka_new(client->type, conf, errstr, sizeof(errstr));
  if (!client->rk) {
    rd_kafka_conf_destroy(conf);
    client->handle_gone = true;
    release_tsfn(client, napi_tsfn_abort); /* tsfn_finalize frees the client */
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr));
    return NULL;
  }
  kafkit_events_start(client);
  if (admin) {
    client->background = rd_kafka_queue_get_background(client->rk);
    rd_kafka_queue_t *group_queue = client->type == RD_KAFKA_CONSUMER ? rd_kafka_queue_get_consumer(client->rk) : NULL;
    /* The unjoined group's own errors (coordinator lookups) go to the consumer queue, which nobody else reads. */
    if (group_queue) {
      rd_kafka_queue_forward(group_queue, client->background);
      rd_kafka_queue_destroy(group_queue);
    }
  }
  if (consumer && !kafkit_consumer_start(client)) {
    rd_kafka_destroy_flags(client->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    client->rk = NULL;
    client->handle_gone = true;
    release_tsfn(client, napi_tsfn_abort);
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "a consumer needs a group.id"));
    return NULL;
  }
  if (!kafkit_worker_start(env, client)) {
    if (client->background) rd_kafka_queue_destroy(client->background);
    client->background = NULL;
    rd_kafka_destroy(client->rk);
    client->rk = NULL;
    client->handle_gone = true;
    release_tsfn(client, napi_tsfn_abort);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, cleanup_hook, client);
  napi_value handle;
  if (napi_create_external(env, client, finalize_handle, NULL, &handle) != napi_ok) {
    kafkit_throw_last(env);
    cleanup_hook(client);
    napi_remove_env_cleanup_hook(env, cleanup_hook, client);
    client->handle_gone = true;
    return NULL;
  }
  return handle;
}

/* destroyClient(handle): destroys the librdkafka handle on the worker. Settled sends are drained afterwards. */
static napi_value destroy_client(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (!client) return NULL;
  kafkit_job *job = kafkit_job_new(env, client, destroy_execute, destroy_complete);
  if (!job) return NULL;
  napi_value promise = kafkit_worker_submit(env, client, job);
  if (promise) client->destroying = true;
  return promise;
}

static napi_value event_value(napi_env env, const kafkit_event *event) {
  napi_value value = kafkit_object(env);
  switch (event->kind) {
    case KAFKIT_EVENT_ERROR:
      kafkit_set_string(env, value, "kind", "error");
      kafkit_set_int(env, value, "code", event->code);
      kafkit_set_string(env, value, "rdkafkaName", rd_kafka_err2name((rd_kafka_resp_err_t)event->code));
      kafkit_set_string(env, value, "message", event->text);
      kafkit_set_bool(env, value, "isFatal", event->fatal);
      break;
    case KAFKIT_EVENT_LOG:
      kafkit_set_string(env, value, "kind", "log");
      kafkit_set_int(env, value, "level", event->level);
      kafkit_set_string(env, value, "facility", event->facility);
      kafkit_set_string(env, value, "message", event->text);
      break;
    case KAFKIT_EVENT_STATS:
      kafkit_set_string(env, value, "kind", "stats");
      kafkit_set_string(env, value, "json", event->text);
      break;
    case KAFKIT_EVENT_OAUTH_REFRESH:
      kafkit_set_string(env, value, "kind", "oauthbearer-refresh");
      kafkit_set_string(env, value, "config", event->text);
      break;
    case KAFKIT_EVENT_COMMIT:
      kafkit_set_string(env, value, "kind", "commit");
      kafkit_set_int(env, value, "code", event->code);
      kafkit_set_string(env, value, "message", event->text);
      kafkit_set(env, value, "offsets", kafkit_consumer_partitions_value(env, event->partitions));
      break;
  }
  return value;
}

/* drainEvents(handle): the rare events queued since the last call, oldest first ([] when none). */
static napi_value drain_events(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  kafkit_native_client *client = kafkit_native_any(env, argv[0]);
  if (!client) return NULL;
  uv_mutex_lock(&client->lock);
  kafkit_event *events = client->events_head;
  size_t dropped = client->events_dropped;
  client->events_head = client->events_tail = NULL;
  client->events_queued = 0;
  client->events_dropped = 0;
  bool out_of_memory = client->out_of_memory;
  client->out_of_memory = false;
  uv_mutex_unlock(&client->lock);
  napi_value result = kafkit_array(env, 0);
  uint32_t index = 0;
  if (out_of_memory) {
    kafkit_event oom = {.kind = KAFKIT_EVENT_ERROR, .code = RD_KAFKA_RESP_ERR__FATAL, .fatal = true,
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

/* setActive(handle, active): whether the client keeps the process alive (sends in flight). */
static napi_value set_active(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!kafkit_args(env, info, 2, argv)) return NULL;
  kafkit_native_client *client = kafkit_native_any(env, argv[0]);
  if (!client) return NULL;
  bool active = false;
  napi_get_value_bool(env, argv[1], &active);
  if (active) kafkit_client_ref(env, client);
  else kafkit_client_unref(env, client);
  return NULL;
}

/*
 * clientAddBrokers(handle, list): hands librdkafka the bootstrap brokers. Clients are created without them, so that
 * nothing connects before connect(); returns how many brokers librdkafka accepted (0: none parsed).
 */
static napi_value add_brokers(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  char *list = kafkit_string(env, argv[1], "broker list");
  if (!list) return NULL;
  int added = rd_kafka_brokers_add(client->rk, list);
  free(list);
  napi_value result;
  napi_create_int32(env, added, &result);
  return result;
}

/* clientFatalError(handle): librdkafka's fatal error of the handle ({ code, message, rdkafkaName, isFatal }), or null. */
static napi_value fatal_error(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  kafkit_native_client *client = kafkit_native_any(env, argv[0]);
  if (!client) return NULL;
  char message[512] = "";
  rd_kafka_resp_err_t code = client->rk && !client->destroying ? rd_kafka_fatal_error(client->rk, message, sizeof(message))
                                                               : RD_KAFKA_RESP_ERR_NO_ERROR;
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return kafkit_null(env);
  napi_value value = kafkit_object(env);
  kafkit_set_int(env, value, "code", code);
  kafkit_set_string(env, value, "rdkafkaName", rd_kafka_err2name(code));
  kafkit_set_string(env, value, "message", message);
  kafkit_set_bool(env, value, "isFatal", true);
  return value;
}

void kafkit_register_client(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "clientAddBrokers", add_brokers);
  kafkit_export(env, exports, "clientFatalError", fatal_error);
  kafkit_export(env, exports, "clientCreate", create_client);
  kafkit_export(env, exports, "clientDestroy", destroy_client);
  kafkit_export(env, exports, "clientDrainEvents", drain_events);
  kafkit_export(env, exports, "clientSetActive", set_active);
}
