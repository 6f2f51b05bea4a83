/*
 * The addon's core: the client handle, the request registry, and the path a result takes from librdkafka's
 * background thread to a settled promise on the main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

/* What the threadsafe function carries: a librdkafka event (results, errors), or a log line. */
typedef struct {
  rd_kafka_event_t *event; /* NULL for a log line */
  int level;
  char *facility;
  char *message;
} kafkit_message;

static void finalize_client(napi_env env, void *data, void *hint);

static void free_message(kafkit_message *message) {
  if (message->event) rd_kafka_event_destroy(message->event);
  free(message->facility);
  free(message->message);
  free(message);
}

static void post(kafkit_client *client, kafkit_message *message) {
  if (napi_call_threadsafe_function(client->tsfn, message, napi_tsfn_nonblocking) != napi_ok) free_message(message);
}

/*
 * librdkafka's log callback. With log.queue the log queue is served on the background thread, where the default
 * callback would print to stderr; lines go to JavaScript instead (the kafkit:admin:log channel).
 */
static void log_cb(const rd_kafka_t *rk, int level, const char *facility, const char *text) {
  /* librdkafka logs configuration problems before a handle exists, with rk NULL: nothing to route them to. */
  if (!rk) return;
  kafkit_client *client = rd_kafka_opaque(rk);
  if (!client || !client->tsfn) return;
  kafkit_message *message = calloc(1, sizeof(*message));
  message->level = level;
  message->facility = strdup(facility ? facility : "");
  message->message = strdup(text ? text : "");
  post(client, message);
}

/* librdkafka's background thread: hand the event to the main thread, nothing else. */
static void background_event_cb(rd_kafka_t *rk, rd_kafka_event_t *event, void *opaque) {
  (void)rk;
  kafkit_client *client = opaque;
  kafkit_request *request = rd_kafka_event_opaque(event);
  if (request) {
    /* Marked under the lock so that destroy knows which requests will still get their event. */
    uv_mutex_lock(&client->lock);
    request->delivered = true;
    uv_mutex_unlock(&client->lock);
  }
  kafkit_message *message = calloc(1, sizeof(*message));
  message->event = event;
  post(client, message);
}

static void unlink_request(kafkit_client *client, kafkit_request *request) {
  uv_mutex_lock(&client->lock);
  for (kafkit_request **link = &client->pending; *link; link = &(*link)->next) {
    if (*link == request) {
      *link = request->next;
      break;
    }
  }
  uv_mutex_unlock(&client->lock);
}

/* Main thread: settles the request's promise and forgets the request. */
static void settle(napi_env env, kafkit_request *request, bool ok, napi_value value) {
  kafkit_client *client = request->client;
  unlink_request(client, request);
  if (ok) napi_resolve_deferred(env, request->deferred, value);
  else napi_reject_deferred(env, request->deferred, value);
  napi_delete_reference(env, request->handle_ref);
  free(request);
  if (--client->in_flight == 0 && client->tsfn && !client->destroyed) {
    /* Idle clients must not keep the process alive. */
    napi_unref_threadsafe_function(env, client->tsfn);
  }
}

static void emit(napi_env env, napi_value callback, const char *kind, napi_value payload) {
  napi_value args[2], global;
  napi_create_string_utf8(env, kind, NAPI_AUTO_LENGTH, &args[0]);
  args[1] = payload;
  napi_get_global(env, &global);
  napi_call_function(env, global, callback, 2, args, NULL);
  /* A listener that throws must not take the process down from inside an N-API callback. */
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
}

static void call_js(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  kafkit_message *message = data;
  if (!env) {
    free_message(message);
    return;
  }
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  if (!message->event) {
    napi_value payload = kafkit_object(env);
    kafkit_set_int(env, payload, "level", message->level);
    kafkit_set_string(env, payload, "facility", message->facility);
    kafkit_set_string(env, payload, "message", message->message);
    emit(env, callback, "log", payload);
    free_message(message);
    napi_close_handle_scope(env, scope);
    return;
  }
  rd_kafka_event_t *event = message->event;
  kafkit_request *request = rd_kafka_event_opaque(event);
  rd_kafka_event_type_t type = rd_kafka_event_type(event);
  if (!request) {
    if (type == RD_KAFKA_EVENT_ERROR) {
      napi_value payload = kafkit_error_value(env, rd_kafka_event_error(event), rd_kafka_event_error_string(event));
      kafkit_set_bool(env, payload, "isFatal", rd_kafka_event_error_is_fatal(event));
      emit(env, callback, "error", payload);
    }
  } else {
    rd_kafka_resp_err_t code = rd_kafka_event_error(event);
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
      settle(env, request, false, kafkit_error_instance(env, code, rd_kafka_event_error_string(event)));
    } else {
      napi_value value = request->convert(env, event, request);
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending || !value) {
        napi_value exception;
        napi_get_and_clear_last_exception(env, &exception);
        settle(env, request, false, exception);
      } else {
        settle(env, request, true, value);
      }
    }
  }
  free_message(message);
  napi_close_handle_scope(env, scope);
}

static napi_value create_client(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  KAFKIT_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), return NULL);
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  napi_value names;
  KAFKIT_CALL(env, napi_get_property_names(env, argv[0], &names), return NULL);
  uint32_t count;
  KAFKIT_CALL(env, napi_get_array_length(env, names, &count), return NULL);

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  for (uint32_t i = 0; i < count; i++) {
    napi_value key, value;
    napi_get_element(env, names, i, &key);
    napi_get_property(env, argv[0], key, &value);
    char *name = kafkit_string(env, key, "config key");
    char *text = name ? kafkit_string(env, value, "config value (must be a string)") : NULL;
    if (!text) {
      free(name);
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
    rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, name, text, errstr, sizeof(errstr));
    free(name);
    free(text);
    if (res != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr));
      return NULL;
    }
  }

  kafkit_client *client = calloc(1, sizeof(*client));
  uv_mutex_init(&client->lock);
  rd_kafka_conf_set_opaque(conf, client);
  rd_kafka_conf_set_background_event_cb(conf, background_event_cb);
  /* Errors become events on the main queue, which is forwarded to the background queue below. */
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_ERROR);
  rd_kafka_conf_set(conf, "log.queue", "true", NULL, 0);
  rd_kafka_conf_set_log_cb(conf, log_cb);

  napi_value resource_name;
  napi_create_string_utf8(env, "kafkit.admin", NAPI_AUTO_LENGTH, &resource_name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, resource_name, 0, 1, NULL, NULL, client, call_js,
                                      &client->tsfn) != napi_ok) {
    rd_kafka_conf_destroy(conf);
    uv_mutex_destroy(&client->lock);
    free(client);
    kafkit_throw_last(env);
    return NULL;
  }
  napi_unref_threadsafe_function(env, client->tsfn);

  /*
   * A consumer handle with a group.id, when JavaScript passes one: librdkafka (up to at least 2.12) dereferences the
   * handle's own consumer group when an OffsetFetch answer asks for a coordinator refresh, and crashes on handles
   * that have none (confluentinc/librdkafka#5040). The group is never joined.
   */
  size_t group_id_size = 0;
  bool with_group =
      rd_kafka_conf_get(conf, "group.id", NULL, &group_id_size) == RD_KAFKA_CONF_OK && group_id_size > 1;
  /* librdkafka creates its threads here and returns; it does not wait for brokers. */
  client->rk = rd_kafka_new(with_group ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!client->rk) {
    rd_kafka_conf_destroy(conf);
    napi_release_threadsafe_function(client->tsfn, napi_tsfn_abort);
    uv_mutex_destroy(&client->lock);
    free(client);
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr));
    return NULL;
  }
  client->background = rd_kafka_queue_get_background(client->rk);
  rd_kafka_queue_t *main_queue = rd_kafka_queue_get_main(client->rk);
  rd_kafka_queue_forward(main_queue, client->background);
  rd_kafka_queue_destroy(main_queue);
  if (with_group) {
    /* The group's own errors (coordinator lookups) go to the consumer queue, which nobody else reads. */
    rd_kafka_queue_t *consumer_queue = rd_kafka_queue_get_consumer(client->rk);
    if (consumer_queue) {
      rd_kafka_queue_forward(consumer_queue, client->background);
      rd_kafka_queue_destroy(consumer_queue);
    }
  }
  rd_kafka_set_log_queue(client->rk, client->background);

  napi_value handle;
  KAFKIT_CALL(env, napi_create_external(env, client, finalize_client, NULL, &handle), return NULL);
  return handle;
}

kafkit_client *kafkit_client_from(napi_env env, napi_value handle) {
  kafkit_client *client = NULL;
  if (napi_get_value_external(env, handle, (void **)&client) != napi_ok || !client) {
    kafkit_throw_type(env, "client handle");
    return NULL;
  }
  if (client->destroying || client->destroyed) {
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__DESTROY, "the admin client was disconnected"));
    return NULL;
  }
  return client;
}

bool kafkit_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  KAFKIT_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), return false);
  if (argc < expected) {
    napi_throw_type_error(env, NULL, "kafkit admin addon: missing arguments");
    return false;
  }
  return true;
}

rd_kafka_AdminOptions_t *kafkit_admin_options(napi_env env, kafkit_client *client, rd_kafka_admin_op_t op,
                                              napi_value options) {
  char errstr[512];
  int32_t timeout_ms = 30000, operation_timeout_ms = -1, broker = -1, isolation = -1;
  bool validate_only = false, require_stable = false, authorized_operations = false;
  if (!kafkit_get_int32(env, options, "timeoutMs", 30000, &timeout_ms) ||
      !kafkit_get_int32(env, options, "operationTimeoutMs", -1, &operation_timeout_ms) ||
      !kafkit_get_int32(env, options, "brokerId", -1, &broker) ||
      !kafkit_get_int32(env, options, "isolationLevel", -1, &isolation) ||
      !kafkit_get_bool(env, options, "validateOnly", false, &validate_only) ||
      !kafkit_get_bool(env, options, "requireStable", false, &require_stable) ||
      !kafkit_get_bool(env, options, "includeAuthorizedOperations", false, &authorized_operations)) {
    return NULL;
  }
  rd_kafka_AdminOptions_t *admin_options = rd_kafka_AdminOptions_new(client->rk, op);
  rd_kafka_resp_err_t err = rd_kafka_AdminOptions_set_request_timeout(admin_options, timeout_ms, errstr, sizeof(errstr));
  rd_kafka_error_t *error = NULL;
  if (!err && operation_timeout_ms >= 0) {
    err = rd_kafka_AdminOptions_set_operation_timeout(admin_options, operation_timeout_ms, errstr, sizeof(errstr));
  }
  if (!err && broker >= 0) err = rd_kafka_AdminOptions_set_broker(admin_options, broker, errstr, sizeof(errstr));
  if (!err && validate_only) {
    err = rd_kafka_AdminOptions_set_validate_only(admin_options, 1, errstr, sizeof(errstr));
  }
  if (!err && require_stable) error = rd_kafka_AdminOptions_set_require_stable_offsets(admin_options, 1);
  if (!err && !error && authorized_operations) {
    error = rd_kafka_AdminOptions_set_include_authorized_operations(admin_options, 1);
  }
  if (!err && !error && isolation >= 0) {
    error = rd_kafka_AdminOptions_set_isolation_level(admin_options, (rd_kafka_IsolationLevel_t)isolation);
  }
  napi_value list;
  if (!err && !error && kafkit_get(env, options, "states", &list) && list) {
    int32_t *states;
    uint32_t count;
    if (!kafkit_int32_array(env, list, "states", &states, &count)) {
      rd_kafka_AdminOptions_destroy(admin_options);
      return NULL;
    }
    rd_kafka_consumer_group_state_t *typed = calloc(count ? count : 1, sizeof(*typed));
    for (uint32_t i = 0; i < count; i++) typed[i] = (rd_kafka_consumer_group_state_t)states[i];
    error = rd_kafka_AdminOptions_set_match_consumer_group_states(admin_options, typed, count);
    free(typed);
    free(states);
  }
  if (!err && !error && kafkit_get(env, options, "types", &list) && list) {
    int32_t *types;
    uint32_t count;
    if (!kafkit_int32_array(env, list, "types", &types, &count)) {
      rd_kafka_AdminOptions_destroy(admin_options);
      return NULL;
    }
    rd_kafka_consumer_group_type_t *typed = calloc(count ? count : 1, sizeof(*typed));
    for (uint32_t i = 0; i < count; i++) typed[i] = (rd_kafka_consumer_group_type_t)types[i];
    error = rd_kafka_AdminOptions_set_match_consumer_group_types(admin_options, typed, count);
    free(typed);
    free(types);
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (err || error || pending) {
    if (!pending) {
      napi_throw(env, error ? kafkit_error_instance(env, rd_kafka_error_code(error), rd_kafka_error_string(error))
                            : kafkit_error_instance(env, err, errstr));
    }
    if (error) rd_kafka_error_destroy(error);
    rd_kafka_AdminOptions_destroy(admin_options);
    return NULL;
  }
  return admin_options;
}

kafkit_request *kafkit_request_begin(napi_env env, kafkit_client *client, napi_value handle,
                                     rd_kafka_AdminOptions_t *options, kafkit_result_converter convert,
                                     napi_value *promise) {
  kafkit_request *request = calloc(1, sizeof(*request));
  request->client = client;
  request->convert = convert;
  napi_create_promise(env, &request->deferred, promise);
  napi_create_reference(env, handle, 1, &request->handle_ref);
  uv_mutex_lock(&client->lock);
  request->next = client->pending;
  client->pending = request;
  uv_mutex_unlock(&client->lock);
  if (client->in_flight++ == 0) napi_ref_threadsafe_function(env, client->tsfn);
  rd_kafka_AdminOptions_set_opaque(options, request);
  return request;
}

/* ---- destroy: rd_kafka_destroy() waits for librdkafka's threads, so it runs on the thread pool ---- */

typedef struct {
  kafkit_client *client;
  napi_deferred deferred;
  napi_async_work work;
  napi_ref handle_ref;
} destroy_job;

static void destroy_handle(kafkit_client *client) {
  rd_kafka_queue_destroy(client->background);
  rd_kafka_destroy(client->rk);
  client->rk = NULL;
  client->background = NULL;
}

/* Requests whose event librdkafka dropped while terminating never settle by themselves: reject them. */
static void reject_undelivered(napi_env env, kafkit_client *client) {
  for (;;) {
    kafkit_request *request = NULL;
    uv_mutex_lock(&client->lock);
    for (kafkit_request *candidate = client->pending; candidate; candidate = candidate->next) {
      if (!candidate->delivered) {
        request = candidate;
        break;
      }
    }
    uv_mutex_unlock(&client->lock);
    if (!request) return;
    settle(env, request, false,
           kafkit_error_instance(env, RD_KAFKA_RESP_ERR__DESTROY, "the admin client was disconnected"));
  }
}

static void destroy_execute(napi_env env, void *data) {
  (void)env;
  destroy_handle(((destroy_job *)data)->client);
}

static void destroy_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  destroy_job *job = data;
  kafkit_client *client = job->client;
  client->destroyed = true;
  reject_undelivered(env, client);
  napi_release_threadsafe_function(client->tsfn, napi_tsfn_release);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_resolve_deferred(env, job->deferred, undefined);
  napi_delete_async_work(env, job->work);
  napi_delete_reference(env, job->handle_ref);
  free(job);
}

static napi_value destroy_client(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  if (client->thread_pool_jobs > 0) {
    /* The job uses the handle on another thread: the caller must wait for it (Admin.disconnect() does). */
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__STATE, "a metadata request is still running"));
    return NULL;
  }
  client->destroying = true;
  destroy_job *job = calloc(1, sizeof(*job));
  job->client = client;
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_reference(env, argv[0], 1, &job->handle_ref);
  napi_create_string_utf8(env, "kafkit.admin.destroy", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, destroy_execute, destroy_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static void finalize_client(napi_env env, void *data, void *hint) {
  (void)hint;
  kafkit_client *client = data;
  if (!client->destroying && !client->destroyed) {
    /* Collected without disconnect(): the handle is unreachable, so blocking here once is the lesser evil. */
    destroy_handle(client);
    client->destroyed = true;
    napi_release_threadsafe_function(client->tsfn, napi_tsfn_release);
  }
  (void)env;
  uv_mutex_destroy(&client->lock);
  free(client);
}

/* ---- metadata: librdkafka offers no asynchronous metadata call, so it runs on the thread pool ---- */

typedef struct {
  kafkit_client *client;
  int32_t timeout_ms;
  char *topic; /* NULL: all topics */
  const struct rd_kafka_metadata *metadata;
  rd_kafka_resp_err_t err;
  napi_deferred deferred;
  napi_async_work work;
  napi_ref handle_ref;
} metadata_job;

static void metadata_execute(napi_env env, void *data) {
  (void)env;
  metadata_job *job = data;
  rd_kafka_topic_t *topic = job->topic ? rd_kafka_topic_new(job->client->rk, job->topic, NULL) : NULL;
  job->err = rd_kafka_metadata(job->client->rk, topic ? 0 : 1, topic, &job->metadata, job->timeout_ms);
  if (topic) rd_kafka_topic_destroy(topic);
}

static void metadata_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  metadata_job *job = data;
  if (job->err) {
    napi_reject_deferred(env, job->deferred, kafkit_error_instance(env, job->err, NULL));
  } else {
    const struct rd_kafka_metadata *md = job->metadata;
    napi_value result = kafkit_metadata_value(env, md);
    rd_kafka_metadata_destroy(md);
    napi_resolve_deferred(env, job->deferred, result);
  }
  kafkit_client *client = job->client;
  client->thread_pool_jobs--;
  if (--client->in_flight == 0 && !client->destroyed) napi_unref_threadsafe_function(env, client->tsfn);
  napi_delete_async_work(env, job->work);
  napi_delete_reference(env, job->handle_ref);
  free(job->topic);
  free(job);
}

static napi_value metadata(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!kafkit_args(env, info, 2, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  if (!client) return NULL;
  metadata_job *job = calloc(1, sizeof(*job));
  job->client = client;
  bool ok = kafkit_get_int32(env, argv[1], "timeoutMs", 30000, &job->timeout_ms);
  if (ok) job->topic = kafkit_get_string(env, argv[1], "topic", &ok);
  if (!ok) {
    free(job);
    return NULL;
  }
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_reference(env, argv[0], 1, &job->handle_ref);
  /* Counted as in flight so that disconnect() cannot destroy the handle under the worker. */
  if (client->in_flight++ == 0) napi_ref_threadsafe_function(env, client->tsfn);
  client->thread_pool_jobs++;
  napi_create_string_utf8(env, "kafkit.admin.metadata", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, metadata_execute, metadata_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value in_flight(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  kafkit_client *client = NULL;
  if (napi_get_value_external(env, argv[0], (void **)&client) != napi_ok || !client) {
    kafkit_throw_type(env, "client handle");
    return NULL;
  }
  napi_create_uint32(env, (uint32_t)client->in_flight, &result);
  return result;
}

static napi_value version(napi_env env, napi_callback_info info) {
  (void)info;
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  napi_value result;
  napi_create_string_utf8(env, rd_kafka_version_str(), NAPI_AUTO_LENGTH, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  kafkit_register_loader(env, exports);
  kafkit_register_client(env, exports);
  kafkit_register_producer(env, exports);
  kafkit_register_consumer(env, exports);
  kafkit_register_transactions(env, exports);
  kafkit_register_mock(env, exports);
  kafkit_export(env, exports, "createClient", create_client);
  kafkit_export(env, exports, "destroyClient", destroy_client);
  kafkit_export(env, exports, "metadata", metadata);
  kafkit_export(env, exports, "inFlight", in_flight);
  kafkit_export(env, exports, "librdkafkaVersion", version);
  kafkit_register_topics(env, exports);
  kafkit_register_groups(env, exports);
  kafkit_register_records(env, exports);
  kafkit_register_configs(env, exports);
  kafkit_register_acls(env, exports);
  kafkit_register_scram(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
