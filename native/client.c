/*
 * The client core's lifecycle: create (the handle, its threadsafe function and its worker), destroy on the worker,
 * collection of a handle nobody destroyed, the process-exit hook, and unwrapping handles for the other calls.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "exports.h"
#include "kafkit_admin.h"
#include "napi_util.h"

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

static void release_tsfn(kafkit_native_client *client, napi_threadsafe_function_release_mode mode) {
  if (client->tsfn_released) return;
  uv_mutex_lock(&client->lock);
  client->tsfn_released = true; /* no wake-up is posted after this */
  uv_mutex_unlock(&client->lock);
  napi_release_threadsafe_function(client->tsfn, mode);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  kafkit_native_client *client = data;
  client->tsfn_released = true;
  maybe_free(client);
}

/* Destroys the librdkafka handle (joining its threads); a consumer leaves its group first when `leave_group`. */
static void destroy_handle(kafkit_native_client *client, bool leave_group) {
  kafkit_consumer_close(client, leave_group);
  if (client->background) rd_kafka_queue_destroy(client->background);
  client->background = NULL;
  for (uint32_t i = 0; i < client->topic_count; i++) rd_kafka_topic_destroy(client->topics[i]);
  client->topic_count = 0;
  if (client->consumer) rd_kafka_destroy_flags(client->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  else rd_kafka_destroy(client->rk);
  client->rk = NULL;
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
  /* No time to leave the group in order: the session timeout moves the partitions. */
  if (client->rk) destroy_handle(client, false);
  client->destroyed = true;
  release_tsfn(client, napi_tsfn_abort);
}

static void destroy_execute(kafkit_job *job) {
  kafkit_native_client *client = job->client;
  /*
   * A consumer leaves its group first (committing stored offsets); a rebalance raised now is answered natively.
   * Afterwards no librdkafka callback runs for this client.
   */
  destroy_handle(client, true);
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
  if (job->deferred) napi_resolve_deferred(env, job->deferred, kafkit_undefined(env));
  /* JavaScript drains the last delivery reports and events after the promise settles; they stay in the rings. */
  release_tsfn(client, napi_tsfn_release);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
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

kafkit_native_client *kafkit_native_any(napi_env env, napi_value handle) {
  kafkit_native_client *client = NULL;
  if (napi_get_value_external(env, handle, (void **)&client) != napi_ok || !client) {
    kafkit_throw_type(env, "client handle");
    return NULL;
  }
  return client;
}

kafkit_native_client *kafkit_native_from(napi_env env, napi_value handle) {
  kafkit_native_client *client = kafkit_native_any(env, handle);
  if (client && (client->destroying || client->destroyed)) {
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__DESTROY, "the client was disconnected");
    return NULL;
  }
  return client;
}

kafkit_native_client *kafkit_native_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  return kafkit_args(env, info, count, argv) ? kafkit_native_from(env, argv[0]) : NULL;
}

kafkit_native_client *kafkit_native_any_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  return kafkit_args(env, info, count, argv) ? kafkit_native_any(env, argv[0]) : NULL;
}

/* Frees a client whose librdkafka handle was never created. */
static void free_unstarted(kafkit_native_client *client, rd_kafka_conf_t *conf) {
  rd_kafka_conf_destroy(conf);
  kafkit_consumer_free(client);
  uv_cond_destroy(&client->work_ready);
  uv_mutex_destroy(&client->lock);
  free(client);
}

/* A client after rd_kafka_new() failed to start: destroys the handle and lets tsfn_finalize free the client. */
static void abandon(kafkit_native_client *client) {
  if (client->rk) destroy_handle(client, false);
  client->handle_gone = true;
  release_tsfn(client, napi_tsfn_abort);
}

/*
 * An admin handle with a group.id is a consumer handle: librdkafka (up to at least 2.12) dereferences the handle's
 * own consumer group when an OffsetFetch answer asks for a coordinator refresh, and crashes on handles that have
 * none (confluentinc/librdkafka#5040). The group is never joined; its own errors (coordinator lookups) go to the
 * consumer queue, which nobody else reads, so that queue is forwarded to the background queue.
 */
static rd_kafka_type_t admin_type(rd_kafka_conf_t *conf) {
  size_t group_id_size = 0;
  bool grouped = rd_kafka_conf_get(conf, "group.id", NULL, &group_id_size) == RD_KAFKA_CONF_OK && group_id_size > 1;
  return grouped ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
}

static void admin_start(kafkit_native_client *client) {
  client->background = rd_kafka_queue_get_background(client->rk);
  rd_kafka_queue_t *group_queue = client->type == RD_KAFKA_CONSUMER ? rd_kafka_queue_get_consumer(client->rk) : NULL;
  if (group_queue) {
    rd_kafka_queue_forward(group_queue, client->background);
    rd_kafka_queue_destroy(group_queue);
  }
}

/* A new client (not started) of `kind` with `conf` configured for it; NULL after throwing (`conf` destroyed). */
static kafkit_native_client *client_new(napi_env env, rd_kafka_conf_t *conf, const char *kind, bool oauthbearer,
                                        napi_value on_wake) {
  bool consumer = strcmp(kind, "consumer") == 0, admin = strcmp(kind, "admin") == 0;
  kafkit_native_client *client = calloc(1, sizeof(*client));
  if (!client) {
    rd_kafka_conf_destroy(conf);
    kafkit_throw_no_memory(env, "creating a client");
    return NULL;
  }
  client->type = consumer ? RD_KAFKA_CONSUMER : admin ? admin_type(conf) : RD_KAFKA_PRODUCER;
  client->admin = admin;
  uv_mutex_init(&client->lock);
  uv_cond_init(&client->work_ready);
  kafkit_events_configure(conf, client, oauthbearer, consumer);
  if (consumer && !kafkit_consumer_configure(conf, client)) {
    free_unstarted(client, conf);
    kafkit_throw_no_memory(env, "creating a consumer");
    return NULL;
  }
  napi_value name = kafkit_string_value(env, "kafkit.client", NAPI_AUTO_LENGTH);
  if (!name || napi_create_threadsafe_function(env, on_wake, NULL, name, 0, 1, client, tsfn_finalize, client,
                                               kafkit_dispatch_call_js, &client->tsfn) != napi_ok) {
    kafkit_throw_last(env);
    free_unstarted(client, conf);
    return NULL;
  }
  /* Idle until something is in flight: an idle client never keeps the process alive. */
  napi_unref_threadsafe_function(env, client->tsfn);
  return client;
}

/*
 * clientCreate(kind: 'producer' | 'consumer' | 'admin', config: Record<string, string>, onWake: () => void,
 *              options: { oauthbearer?: boolean })
 * Returns the handle (an External). librdkafka starts its threads here; nothing waits for brokers.
 */
napi_value kafkit_js_clientCreate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!kafkit_args(env, info, 4, argv) || !kafkit_librdkafka_loaded(env)) return NULL;
  char kind[16] = "";
  size_t kind_length = 0;
  napi_get_value_string_utf8(env, argv[0], kind, sizeof(kind), &kind_length);
  if (strcmp(kind, "producer") != 0 && strcmp(kind, "consumer") != 0 && strcmp(kind, "admin") != 0) {
    kafkit_throw_type(env, "client kind (expected 'producer', 'consumer' or 'admin')");
    return NULL;
  }
  bool oauthbearer = false;
  if (!kafkit_get_bool(env, argv[3], "oauthbearer", false, &oauthbearer)) return NULL;
  rd_kafka_conf_t *conf = kafkit_client_conf(env, argv[1]);
  kafkit_native_client *client = conf ? client_new(env, conf, kind, oauthbearer, argv[2]) : NULL;
  if (!client) return NULL;

  char errstr[512];
  client->rk = rd_kafka_new(client->type, conf, errstr, sizeof(errstr));
  if (!client->rk) {
    rd_kafka_conf_destroy(conf);
    abandon(client);
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    return NULL;
  }
  kafkit_events_start(client);
  if (client->admin) admin_start(client);
  if (client->consumer && !kafkit_consumer_start(client)) {
    abandon(client);
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "a consumer needs a group.id");
    return NULL;
  }
  if (!kafkit_worker_start(env, client)) {
    abandon(client);
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

/* clientDestroy(handle): destroys the librdkafka handle on the worker. Settled sends are drained afterwards. */
napi_value kafkit_js_clientDestroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  kafkit_job *job = client ? kafkit_job_new(env, client, destroy_execute, destroy_complete) : NULL;
  if (!job) return NULL;
  napi_value promise = kafkit_worker_submit(env, client, job);
  if (promise) client->destroying = true;
  return promise;
}
