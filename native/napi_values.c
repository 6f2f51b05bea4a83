/*
 * Building JavaScript values. A value N-API cannot create leaves a pending exception (kafkit_throw_last) and NULL;
 * setters and pushes given NULL do nothing, so a converter runs to its end and its caller sees the exception.
 */
#include "napi_util.h"

napi_value kafkit_object(napi_env env) {
  napi_value object = NULL;
  KAFKIT_CALL(env, napi_create_object(env, &object), return NULL);
  return object;
}

napi_value kafkit_array(napi_env env, size_t length) {
  napi_value array = NULL;
  KAFKIT_CALL(env, napi_create_array_with_length(env, length, &array), return NULL);
  return array;
}

napi_value kafkit_null(napi_env env) {
  napi_value value = NULL;
  napi_get_null(env, &value);
  return value;
}

napi_value kafkit_undefined(napi_env env) {
  napi_value value = NULL;
  napi_get_undefined(env, &value);
  return value;
}

napi_value kafkit_int(napi_env env, int64_t value) {
  napi_value js = NULL;
  KAFKIT_CALL(env, napi_create_int64(env, value, &js), return NULL);
  return js;
}

napi_value kafkit_string_value(napi_env env, const char *text, size_t length) {
  napi_value js = NULL;
  KAFKIT_CALL(env, napi_create_string_utf8(env, text, length, &js), return NULL);
  return js;
}

napi_value kafkit_caught(napi_env env) {
  napi_value exception = NULL;
  if (kafkit_exception_pending(env)) napi_get_and_clear_last_exception(env, &exception);
  return exception;
}

void kafkit_push(napi_env env, napi_value array, uint32_t index, napi_value value) {
  if (array && value) napi_set_element(env, array, index, value);
}

void kafkit_set(napi_env env, napi_value object, const char *key, napi_value value) {
  if (object && value) napi_set_named_property(env, object, key, value);
}

void kafkit_set_string(napi_env env, napi_value object, const char *key, const char *value) {
  kafkit_set(env, object, key, value ? kafkit_string_value(env, value, NAPI_AUTO_LENGTH) : kafkit_null(env));
}

void kafkit_set_int(napi_env env, napi_value object, const char *key, int64_t value) {
  kafkit_set(env, object, key, kafkit_int(env, value));
}

void kafkit_set_bigint(napi_env env, napi_value object, const char *key, int64_t value) {
  napi_value js = NULL;
  KAFKIT_CALL(env, napi_create_bigint_int64(env, value, &js), return );
  kafkit_set(env, object, key, js);
}

void kafkit_set_bool(napi_env env, napi_value object, const char *key, bool value) {
  napi_value js = NULL;
  napi_get_boolean(env, value, &js);
  kafkit_set(env, object, key, js);
}

napi_value kafkit_with(napi_env env, napi_value object, const char *key, napi_value value) {
  kafkit_set(env, object, key, value);
  return object;
}

static void fill_error(napi_env env, napi_value object, rd_kafka_resp_err_t code, const char *message) {
  kafkit_set_int(env, object, "code", code);
  kafkit_set_string(env, object, "rdkafkaName", rd_kafka_err2name(code));
  kafkit_set_string(env, object, "message", message && *message ? message : rd_kafka_err2str(code));
}

static void fill_flags(napi_env env, napi_value object, const rd_kafka_error_t *error) {
  kafkit_set_bool(env, object, "isRetriable", rd_kafka_error_is_retriable(error));
  kafkit_set_bool(env, object, "isFatal", rd_kafka_error_is_fatal(error));
  kafkit_set_bool(env, object, "isTxnRequiresAbort", rd_kafka_error_txn_requires_abort(error));
}

napi_value kafkit_error_value(napi_env env, rd_kafka_resp_err_t code, const char *message) {
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return kafkit_null(env);
  napi_value object = kafkit_object(env);
  fill_error(env, object, code, message);
  return object;
}

napi_value kafkit_error_object_value(napi_env env, const rd_kafka_error_t *error) {
  if (!error || rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_NO_ERROR) return kafkit_null(env);
  napi_value object = kafkit_object(env);
  fill_error(env, object, rd_kafka_error_code(error), rd_kafka_error_string(error));
  fill_flags(env, object, error);
  return object;
}

napi_value kafkit_item_result(napi_env env, const char *key, const char *name, const rd_kafka_error_t *error) {
  napi_value object = kafkit_object(env);
  kafkit_set_string(env, object, key, name);
  kafkit_set(env, object, "error", kafkit_error_object_value(env, error));
  return object;
}

napi_value kafkit_error_instance(napi_env env, rd_kafka_resp_err_t code, const char *message) {
  if (!message || !*message) message = rd_kafka_err2str(code);
  napi_value js_message = kafkit_string_value(env, message, NAPI_AUTO_LENGTH), error = NULL;
  if (!js_message) return NULL;
  KAFKIT_CALL(env, napi_create_error(env, NULL, js_message, &error), return NULL);
  fill_error(env, error, code, message);
  return error;
}

napi_value kafkit_error_from(napi_env env, const rd_kafka_error_t *error) {
  napi_value value = kafkit_error_instance(env, rd_kafka_error_code(error), rd_kafka_error_string(error));
  fill_flags(env, value, error);
  return value;
}

bool kafkit_check_error(napi_env env, rd_kafka_error_t *error) {
  if (!error) return true;
  napi_value value = kafkit_error_from(env, error);
  if (value) napi_throw(env, value); /* else kafkit_error_instance threw already */
  rd_kafka_error_destroy(error);
  return false;
}

bool kafkit_check_code_error(napi_env env, rd_kafka_error_t *error) {
  if (!error) return true;
  kafkit_throw_code(env, rd_kafka_error_code(error), rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return false;
}

void kafkit_throw_code(napi_env env, rd_kafka_resp_err_t code, const char *message) {
  napi_value error = kafkit_error_instance(env, code, message);
  if (error) napi_throw(env, error); /* else kafkit_error_instance threw already */
}

napi_value kafkit_node_value(napi_env env, const rd_kafka_Node_t *node) {
  if (!node) return kafkit_null(env);
  napi_value object = kafkit_object(env);
  kafkit_set_int(env, object, "id", rd_kafka_Node_id(node));
  kafkit_set_string(env, object, "host", rd_kafka_Node_host(node));
  kafkit_set_int(env, object, "port", rd_kafka_Node_port(node));
  kafkit_set_string(env, object, "rack", rd_kafka_Node_rack(node));
  return object;
}

napi_value kafkit_array_of(napi_env env, const void *const *items, size_t count,
                           napi_value (*value)(napi_env env, const void *item)) {
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) kafkit_push(env, array, (uint32_t)i, value(env, items[i]));
  return array;
}

static napi_value node_item(napi_env env, const void *node) { return kafkit_node_value(env, node); }

napi_value kafkit_node_array(napi_env env, const rd_kafka_Node_t **nodes, size_t count) {
  return KAFKIT_ARRAY_OF(env, nodes, count, node_item);
}

static napi_value error_item(napi_env env, const void *error) { return kafkit_error_object_value(env, error); }

napi_value kafkit_error_array(napi_env env, const rd_kafka_error_t **errors, size_t count) {
  return KAFKIT_ARRAY_OF(env, errors, count, error_item);
}

napi_value kafkit_acl_operations_value(napi_env env, const rd_kafka_AclOperation_t *operations, size_t count) {
  if (!operations) return kafkit_null(env);
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) kafkit_push(env, array, (uint32_t)i, kafkit_int(env, (int32_t)operations[i]));
  return array;
}
