/*
 * Admin requests on a client of kafkit's core: each request's promise, the hand-over of its result event from
 * librdkafka's background thread, and its settlement on the main thread.
 */
#include <stdlib.h>

#include "client.h"
#include "kafkit_admin.h"

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
  if (!request) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
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
    settle(env, request, false, kafkit_error_instance(env, code, rd_kafka_event_error_string(event)));
    return;
  }
  napi_value value = request->convert(env, event, request);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending || !value) {
    napi_value exception = NULL;
    if (pending) napi_get_and_clear_last_exception(env, &exception);
    else exception = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__FAIL, "kafkit: cannot convert the result");
    settle(env, request, false, exception);
  } else {
    settle(env, request, true, value);
  }
}

void kafkit_admin_settle_delivered(napi_env env, kafkit_client *client) {
  uv_mutex_lock(&client->lock);
  kafkit_request *ready = client->requests_ready;
  client->requests_ready = NULL;
  uv_mutex_unlock(&client->lock);
  while (ready) {
    kafkit_request *next = ready->next;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    settle_with_result(env, ready);
    napi_close_handle_scope(env, scope);
    ready = next;
  }
}

void kafkit_admin_reject_pending(napi_env env, kafkit_client *client) {
  kafkit_admin_settle_delivered(env, client);
  uv_mutex_lock(&client->lock);
  kafkit_request *pending = client->requests;
  client->requests = NULL;
  uv_mutex_unlock(&client->lock);
  while (pending) {
    kafkit_request *next = pending->next;
    settle(env, pending, false, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__DESTROY, "the admin client was disconnected"));
    pending = next;
  }
}

kafkit_client *kafkit_client_from(napi_env env, napi_value handle) {
  kafkit_client *client = kafkit_native_from(env, handle);
  if (client && !client->admin) {
    kafkit_throw_type(env, "client handle (expected an admin client)");
    return NULL;
  }
  return client;
}

/* adminInFlight(handle): requests whose promise has not settled yet. */
static napi_value in_flight(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  kafkit_client *client = kafkit_native_any(env, argv[0]);
  if (!client) return NULL;
  uint32_t count = 0;
  uv_mutex_lock(&client->lock);
  for (kafkit_request *request = client->requests; request; request = request->next) count++;
  for (kafkit_request *request = client->requests_ready; request; request = request->next) count++;
  uv_mutex_unlock(&client->lock);
  napi_create_uint32(env, count, &result);
  return result;
}

void kafkit_register_admin(napi_env env, napi_value exports) { kafkit_export(env, exports, "adminInFlight", in_flight); }
