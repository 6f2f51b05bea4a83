/* Small N-API helpers shared by the operations. Every reader throws a JavaScript exception on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafkit_admin.h"

void kafkit_throw_last(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, NULL, info && info->error_message ? info->error_message : "N-API call failed");
}

void kafkit_throw_type(napi_env env, const char *what) {
  char message[256];
  snprintf(message, sizeof(message), "kafkit admin addon: invalid %s", what);
  napi_throw_type_error(env, NULL, message);
}

bool kafkit_get(napi_env env, napi_value object, const char *key, napi_value *out) {
  *out = NULL;
  napi_value value;
  KAFKIT_CALL(env, napi_get_named_property(env, object, key, &value), return false);
  napi_valuetype type;
  KAFKIT_CALL(env, napi_typeof(env, value, &type), return false);
  if (type != napi_undefined && type != napi_null) *out = value;
  return true;
}

char *kafkit_string(napi_env env, napi_value value, const char *what) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    kafkit_throw_type(env, what);
    return NULL;
  }
  char *buffer = malloc(length + 1);
  if (!buffer) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, buffer, length + 1, &length);
  return buffer;
}

char *kafkit_get_string(napi_env env, napi_value object, const char *key, bool *ok) {
  napi_value value;
  *ok = kafkit_get(env, object, key, &value);
  if (!*ok || !value) return NULL;
  char *result = kafkit_string(env, value, key);
  if (!result) *ok = false;
  return result;
}

bool kafkit_get_int32(napi_env env, napi_value object, const char *key, int32_t fallback, int32_t *out) {
  napi_value value;
  if (!kafkit_get(env, object, key, &value)) return false;
  if (!value) {
    *out = fallback;
    return true;
  }
  if (napi_get_value_int32(env, value, out) != napi_ok) {
    kafkit_throw_type(env, key);
    return false;
  }
  return true;
}

bool kafkit_get_int64(napi_env env, napi_value object, const char *key, int64_t *out) {
  napi_value value;
  if (!kafkit_get(env, object, key, &value)) return false;
  bool lossless = true;
  if (!value || napi_get_value_bigint_int64(env, value, out, &lossless) != napi_ok || !lossless) {
    kafkit_throw_type(env, key);
    return false;
  }
  return true;
}

bool kafkit_get_bool(napi_env env, napi_value object, const char *key, bool fallback, bool *out) {
  napi_value value;
  if (!kafkit_get(env, object, key, &value)) return false;
  if (!value) {
    *out = fallback;
    return true;
  }
  if (napi_get_value_bool(env, value, out) != napi_ok) {
    kafkit_throw_type(env, key);
    return false;
  }
  return true;
}

bool kafkit_array_length(napi_env env, napi_value array, const char *what, uint32_t *length) {
  bool is_array = false;
  if (!array || napi_is_array(env, array, &is_array) != napi_ok || !is_array) {
    kafkit_throw_type(env, what);
    return false;
  }
  KAFKIT_CALL(env, napi_get_array_length(env, array, length), return false);
  return true;
}

bool kafkit_array_get(napi_env env, napi_value array, uint32_t index, napi_value *out) {
  KAFKIT_CALL(env, napi_get_element(env, array, index, out), return false);
  return true;
}

void kafkit_free_strings(char **strings, uint32_t count) {
  if (!strings) return;
  for (uint32_t i = 0; i < count; i++) free(strings[i]);
  free(strings);
}

bool kafkit_string_array(napi_env env, napi_value array, const char *what, char ***out, uint32_t *count) {
  *out = NULL;
  if (!kafkit_array_length(env, array, what, count)) return false;
  char **strings = calloc(*count ? *count : 1, sizeof(char *));
  for (uint32_t i = 0; i < *count; i++) {
    napi_value element;
    if (!kafkit_array_get(env, array, i, &element) || !(strings[i] = kafkit_string(env, element, what))) {
      kafkit_free_strings(strings, i);
      return false;
    }
  }
  *out = strings;
  return true;
}

bool kafkit_int32_array(napi_env env, napi_value array, const char *what, int32_t **out, uint32_t *count) {
  *out = NULL;
  if (!kafkit_array_length(env, array, what, count)) return false;
  int32_t *values = calloc(*count ? *count : 1, sizeof(int32_t));
  for (uint32_t i = 0; i < *count; i++) {
    napi_value element;
    if (!kafkit_array_get(env, array, i, &element) || napi_get_value_int32(env, element, &values[i]) != napi_ok) {
      free(values);
      kafkit_throw_type(env, what);
      return false;
    }
  }
  *out = values;
  return true;
}

napi_value kafkit_object(napi_env env) {
  napi_value object;
  napi_create_object(env, &object);
  return object;
}

napi_value kafkit_array(napi_env env, size_t length) {
  napi_value array;
  napi_create_array_with_length(env, length, &array);
  return array;
}

void kafkit_push(napi_env env, napi_value array, uint32_t index, napi_value value) {
  napi_set_element(env, array, index, value);
}

void kafkit_set(napi_env env, napi_value object, const char *key, napi_value value) {
  napi_set_named_property(env, object, key, value);
}

napi_value kafkit_null(napi_env env) {
  napi_value value;
  napi_get_null(env, &value);
  return value;
}

void kafkit_set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value js;
  if (value) napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &js);
  else js = kafkit_null(env);
  kafkit_set(env, object, key, js);
}

void kafkit_set_int(napi_env env, napi_value object, const char *key, int64_t value) {
  napi_value js;
  napi_create_int64(env, value, &js);
  kafkit_set(env, object, key, js);
}

void kafkit_set_bigint(napi_env env, napi_value object, const char *key, int64_t value) {
  napi_value js;
  napi_create_bigint_int64(env, value, &js);
  kafkit_set(env, object, key, js);
}

void kafkit_set_bool(napi_env env, napi_value object, const char *key, bool value) {
  napi_value js;
  napi_get_boolean(env, value, &js);
  kafkit_set(env, object, key, js);
}

static void fill_error(napi_env env, napi_value object, rd_kafka_resp_err_t code, const char *message) {
  kafkit_set_int(env, object, "code", code);
  kafkit_set_string(env, object, "rdkafkaName", rd_kafka_err2name(code));
  if (!message || !*message) message = rd_kafka_err2str(code);
  napi_value js_message;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &js_message);
  kafkit_set(env, object, "message", js_message);
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
  kafkit_set_bool(env, object, "isRetriable", rd_kafka_error_is_retriable(error));
  kafkit_set_bool(env, object, "isFatal", rd_kafka_error_is_fatal(error));
  kafkit_set_bool(env, object, "isTxnRequiresAbort", rd_kafka_error_txn_requires_abort(error));
  return object;
}

napi_value kafkit_error_instance(napi_env env, rd_kafka_resp_err_t code, const char *message) {
  if (!message || !*message) message = rd_kafka_err2str(code);
  napi_value js_message, error;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &js_message);
  napi_create_error(env, NULL, js_message, &error);
  fill_error(env, error, code, message);
  return error;
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

napi_value kafkit_node_array(napi_env env, const rd_kafka_Node_t **nodes, size_t count) {
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) kafkit_push(env, array, (uint32_t)i, kafkit_node_value(env, nodes[i]));
  return array;
}

napi_value kafkit_acl_operations_value(napi_env env, const rd_kafka_AclOperation_t *operations, size_t count) {
  if (!operations) return kafkit_null(env);
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    napi_value value;
    napi_create_int32(env, (int32_t)operations[i], &value);
    kafkit_push(env, array, (uint32_t)i, value);
  }
  return array;
}

napi_value kafkit_partition_list_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  size_t count = list ? (size_t)list->cnt : 0;
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_topic_partition_t *tp = &list->elems[i];
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", tp->topic);
    kafkit_set_int(env, item, "partition", tp->partition);
    kafkit_set_bigint(env, item, "offset", tp->offset);
    if (tp->metadata && tp->metadata_size > 0) {
      napi_value metadata;
      napi_create_string_utf8(env, tp->metadata, tp->metadata_size, &metadata);
      kafkit_set(env, item, "metadata", metadata);
    } else {
      kafkit_set(env, item, "metadata", kafkit_null(env));
    }
    int32_t epoch = rd_kafka_topic_partition_get_leader_epoch(tp);
    if (epoch >= 0) kafkit_set_int(env, item, "leaderEpoch", epoch);
    else kafkit_set(env, item, "leaderEpoch", kafkit_null(env));
    kafkit_set(env, item, "error", kafkit_error_value(env, tp->err, NULL));
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

rd_kafka_topic_partition_list_t *kafkit_partition_list_from(napi_env env, napi_value array, const char *offset_key) {
  uint32_t count;
  if (!kafkit_array_length(env, array, "partitions", &count)) return NULL;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(count ? count : 1));
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    bool ok = kafkit_array_get(env, array, i, &item);
    char *topic = ok ? kafkit_get_string(env, item, "topic", &ok) : NULL;
    int32_t partition = 0;
    if (ok && (!topic || !kafkit_get_int32(env, item, "partition", -1, &partition))) {
      if (!topic) kafkit_throw_type(env, "partitions[].topic");
      ok = false;
    }
    if (!ok) {
      free(topic);
      rd_kafka_topic_partition_list_destroy(list);
      return NULL;
    }
    rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_add(list, topic, partition);
    free(topic);
    if (offset_key) {
      napi_value offset;
      if (!kafkit_get(env, item, offset_key, &offset)) ok = false;
      else if (offset && !kafkit_get_int64(env, item, offset_key, &tp->offset)) ok = false;
    }
    char *metadata = ok ? kafkit_get_string(env, item, "metadata", &ok) : NULL;
    if (metadata) {
      tp->metadata = metadata; /* freed by rd_kafka_topic_partition_list_destroy */
      tp->metadata_size = strlen(metadata);
    }
    int32_t epoch = -1;
    if (ok && !kafkit_get_int32(env, item, "leaderEpoch", -1, &epoch)) ok = false;
    if (ok && epoch >= 0) rd_kafka_topic_partition_set_leader_epoch(tp, epoch);
    if (!ok) {
      rd_kafka_topic_partition_list_destroy(list);
      return NULL;
    }
  }
  return list;
}

void kafkit_export(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

napi_value kafkit_metadata_value(napi_env env, const struct rd_kafka_metadata *md) {
  napi_value result = kafkit_object(env);
  kafkit_set_int(env, result, "originatingBrokerId", md->orig_broker_id);
  napi_value brokers = kafkit_array(env, (size_t)md->broker_cnt);
  for (int i = 0; i < md->broker_cnt; i++) {
    napi_value broker = kafkit_object(env);
    kafkit_set_int(env, broker, "id", md->brokers[i].id);
    kafkit_set_string(env, broker, "host", md->brokers[i].host);
    kafkit_set_int(env, broker, "port", md->brokers[i].port);
    kafkit_push(env, brokers, (uint32_t)i, broker);
  }
  kafkit_set(env, result, "brokers", brokers);
  napi_value topics = kafkit_array(env, (size_t)md->topic_cnt);
  for (int i = 0; i < md->topic_cnt; i++) {
    const rd_kafka_metadata_topic_t *t = &md->topics[i];
    napi_value topic = kafkit_object(env);
    kafkit_set_string(env, topic, "topic", t->topic);
    kafkit_set_int(env, topic, "partitionCount", t->partition_cnt);
    kafkit_set(env, topic, "error", kafkit_error_value(env, t->err, NULL));
    kafkit_push(env, topics, (uint32_t)i, topic);
  }
  kafkit_set(env, result, "topics", topics);
  return result;
}
