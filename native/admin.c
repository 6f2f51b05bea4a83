/*
 * Admin requests on a client of kafkit's core: each request's promise, the hand-over of its result event from
 * librdkafka's background thread, and its settlement on the main thread.
 */
#include <stdlib.h>

#include "kafkit_admin.h"

/* Applies a list of int32 enum values (group states or types) to the options; NULL or librdkafka's error. */
typedef rd_kafka_error_t *(*match_setter)(rd_kafka_AdminOptions_t *options, const int32_t *values, size_t count);

/* Defines `name`, a match_setter handing the values to librdkafka's `setter` as an array of the enum `type`. */
#define MATCH_SETTER(name, type, setter, what)                                                                         \
  static rd_kafka_error_t *name(rd_kafka_AdminOptions_t *options, const int32_t *values, size_t count) {               \
    type *typed = calloc(count ? count : 1, sizeof(*typed));                                                           \
    if (!typed) return rd_kafka_error_new(RD_KAFKA_RESP_ERR__FAIL, "kafkit: out of memory while reading " what);       \
    for (size_t i = 0; i < count; i++) typed[i] = (type)values[i];                                                     \
    rd_kafka_error_t *error = setter(options, typed, count);                                                           \
    free(typed);                                                                                                       \
    return error;                                                                                                      \
  }

MATCH_SETTER(match_states, rd_kafka_consumer_group_state_t, rd_kafka_AdminOptions_set_match_consumer_group_states,
             "the group states to match")
MATCH_SETTER(match_types, rd_kafka_consumer_group_type_t, rd_kafka_AdminOptions_set_match_consumer_group_types,
             "the group types to match")

/* The optional `key: number[]` options of listGroups, each applied by its setter. */
static const struct {
  const char *key;
  match_setter set;
} matches[] = {{"states", match_states}, {"types", match_types}};

/* Applies the optional `key: number[]` of the JavaScript options through `set`; false after throwing. */
static bool set_matches(napi_env env, rd_kafka_AdminOptions_t *admin_options, napi_value options, const char *key,
                        match_setter set, rd_kafka_error_t **error) {
  napi_value list;
  int32_t *values;
  uint32_t count;
  if (!kafkit_get(env, options, key, &list)) return false;
  if (!list) return true;
  if (!kafkit_int32_array(env, list, key, &values, &count)) return false;
  *error = set(admin_options, values, count);
  free(values);
  return true;
}

/* Creates the AdminOptions for `op` from the JavaScript options object (timeouts, validateOnly, ...). */
static rd_kafka_AdminOptions_t *admin_options_from(napi_env env, kafkit_client *client, rd_kafka_admin_op_t op,
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
  rd_kafka_resp_err_t err =
      rd_kafka_AdminOptions_set_request_timeout(admin_options, timeout_ms, errstr, sizeof(errstr));
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
  bool matched = !err && !error;
  for (size_t i = 0; matched && !error && i < sizeof(matches) / sizeof(matches[0]); i++) {
    matched = set_matches(env, admin_options, options, matches[i].key, matches[i].set, &error);
  }
  bool pending = kafkit_exception_pending(env);
  if (err || error || pending) {
    if (!pending) {
      if (error) kafkit_throw_code(env, rd_kafka_error_code(error), rd_kafka_error_string(error));
      else kafkit_throw_code(env, err, errstr);
    }
    if (error) rd_kafka_error_destroy(error);
    rd_kafka_AdminOptions_destroy(admin_options);
    return NULL;
  }
  return admin_options;
}

/*
 * Starts tracking a request: creates its promise, registers it as the options' opaque and returns it (NULL after
 * throwing). After this the caller must call the librdkafka function, which takes ownership of the reply.
 */
static kafkit_request *request_begin(napi_env env, kafkit_client *client, napi_value handle,
                                     rd_kafka_AdminOptions_t *options, kafkit_result_converter convert,
                                     napi_value *promise) {
  kafkit_request *request = kafkit_calloc(env, 1, sizeof(*request), "starting an admin request");
  if (!request) return NULL;
  if (napi_create_promise(env, &request->deferred, promise) != napi_ok ||
      napi_create_reference(env, handle, 1, &request->handle_ref) != napi_ok) {
    kafkit_throw_last(env);
    free(request);
    return NULL;
  }
  request->client = client;
  request->convert = convert;
  uv_mutex_lock(&client->lock);
  request->next = client->requests;
  client->requests = request;
  uv_mutex_unlock(&client->lock);
  kafkit_client_ref(env, client); /* a request in flight keeps the process alive */
  rd_kafka_AdminOptions_set_opaque(options, request);
  return request;
}

static void release(kafkit_admin_items *in) {
  if (!in->items || !in->destroy) return;
  if (in->single) {
    in->destroy(in->items);
    return;
  }
  void **objects = in->items;
  for (size_t i = 0; i < in->count; i++) in->destroy(objects[i]);
  free(objects);
}

bool kafkit_admin_apply_entries(napi_env env, napi_value item, const char *key, bool with_op, void *target,
                                kafkit_admin_entry_apply apply) {
  napi_value entries;
  uint32_t count = 0;
  bool ok = kafkit_get(env, item, key, &entries) && (!entries || kafkit_array_length(env, entries, key, &count));
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value entry;
    int32_t op = 0;
    ok = kafkit_array_get(env, entries, i, &entry) && (!with_op || kafkit_get_int32(env, entry, "op", 0, &op));
    char *name = ok ? kafkit_get_string(env, entry, "name", &ok) : NULL;
    char *value = ok ? kafkit_get_string(env, entry, "value", &ok) : NULL;
    if (ok) ok = kafkit_check_code_error(env, apply(target, name, value, op));
    free(name);
    free(value);
  }
  return ok;
}

kafkit_admin_items kafkit_admin_single(void *object, void (*destroy)(void *object)) {
  return (kafkit_admin_items){.items = object, .count = 1, .single = true, .destroy = destroy};
}

void *kafkit_admin_read_string(napi_env env, napi_value item, const char *what) {
  return kafkit_string(env, item, what);
}

/* Reads the JavaScript array `what` into `in` (an array of objects), each element through `read_one`; false after
 * throwing, `in` left empty. */
static bool read_array(napi_env env, napi_value array, const char *what,
                       void *(*read_one)(napi_env env, napi_value item, const char *what),
                       void (*destroy)(void *object), kafkit_admin_items *in) {
  uint32_t count;
  if (!kafkit_array_length(env, array, what, &count)) return false;
  void **objects = kafkit_calloc(env, count, sizeof(void *), "reading the input of an admin request");
  if (!objects) return false;
  *in = (kafkit_admin_items){.items = objects, .count = 0, .destroy = destroy};
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    if (!kafkit_array_get(env, array, i, &item) || !(objects[i] = read_one(env, item, what))) {
      release(in);
      *in = (kafkit_admin_items){0};
      return false;
    }
    in->count++;
  }
  return true;
}

/* Reads `count` arguments, the first being a live admin client's handle, which it returns (NULL after throwing). */
static kafkit_client *kafkit_admin_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  kafkit_client *client = kafkit_native_args(env, info, count, argv);
  if (client && !client->admin) {
    kafkit_throw_type(env, "client handle (expected an admin client)");
    return NULL;
  }
  return client;
}

napi_value kafkit_admin_run(napi_env env, napi_callback_info info, const kafkit_admin_call *call) {
  napi_value argv[4];
  kafkit_client *client = kafkit_admin_args(env, info, call->argc, argv);
  kafkit_admin_items in = {0};
  if (!client) return NULL;
  bool read = call->read_one ? read_array(env, argv[1], call->array, call->read_one, call->destroy, &in)
                             : !call->read || call->read(env, argv + 1, &in);
  if (!read) {
    release(&in); /* what was read before the failure */
    return NULL;
  }
  rd_kafka_AdminOptions_t *admin_options = admin_options_from(env, client, call->op, argv[call->argc - 1]);
  napi_value promise = NULL;
  if (admin_options && request_begin(env, client, argv[0], admin_options, call->convert, &promise)) {
    call->send(client->rk, &in, admin_options, client->background);
  }
  if (admin_options) rd_kafka_AdminOptions_destroy(admin_options);
  release(&in);
  return promise;
}

void kafkit_admin_deliver(kafkit_client *client, kafkit_request *request, rd_kafka_event_t *event) {
  uv_mutex_lock(&client->lock);
  for (kafkit_request **link = &client->requests; *link; link = &(*link)->next) {
    if (*link == request) {
      *link = request->next;
      break;
    }
  }
  request->event = event;
  request->next = client->requests_ready;
  client->requests_ready = request;
  kafkit_wake_locked(client);
  uv_mutex_unlock(&client->lock);
}

static void settle(napi_env env, kafkit_request *request, bool ok, napi_value value) {
  if (ok) napi_resolve_deferred(env, request->deferred, value);
  else napi_reject_deferred(env, request->deferred, value);
  napi_delete_reference(env, request->handle_ref);
  if (request->event) rd_kafka_event_destroy(request->event);
  kafkit_client_unref(env, request->client);
  free(request);
}

static void settle_with_result(napi_env env, kafkit_request *request) {
  rd_kafka_event_t *event = request->event;
  rd_kafka_resp_err_t code = rd_kafka_event_error(event);
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
    napi_value error = kafkit_error_instance(env, code, rd_kafka_event_error_string(event));
    settle(env, request, false, error ? error : kafkit_caught(env));
    return;
  }
  napi_value value = request->convert(env, event, request);
  napi_value exception = kafkit_caught(env);
  if (!exception && !value) {
    exception = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__FAIL, "kafkit: cannot convert the result");
  }
  settle(env, request, !exception, exception ? exception : value);
}

/* Detaches the list `*list` of the client's requests, under its lock. */
static kafkit_request *take_requests(kafkit_client *client, kafkit_request **list) {
  uv_mutex_lock(&client->lock);
  kafkit_request *taken = *list;
  *list = NULL;
  uv_mutex_unlock(&client->lock);
  return taken;
}

void kafkit_admin_settle_delivered(napi_env env, kafkit_client *client) {
  for (kafkit_request *ready = take_requests(client, &client->requests_ready), *next; ready; ready = next) {
    next = ready->next;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    settle_with_result(env, ready);
    napi_close_handle_scope(env, scope);
  }
}

void kafkit_admin_reject_pending(napi_env env, kafkit_client *client) {
  kafkit_admin_settle_delivered(env, client);
  for (kafkit_request *pending = take_requests(client, &client->requests), *next; pending; pending = next) {
    next = pending->next;
    napi_value error = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__DESTROY, "the admin client was disconnected");
    settle(env, pending, false, error ? error : kafkit_caught(env));
  }
}

/* adminInFlight(handle): requests whose promise has not settled yet. */
napi_value kafkit_js_adminInFlight(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_client *client = kafkit_native_any_args(env, info, 1, argv);
  if (!client) return NULL;
  uint32_t count = 0;
  uv_mutex_lock(&client->lock);
  for (kafkit_request *request = client->requests; request; request = request->next) count++;
  for (kafkit_request *request = client->requests_ready; request; request = request->next) count++;
  uv_mutex_unlock(&client->lock);
  return kafkit_int(env, count);
}
