/* Reading JavaScript arguments, the errors thrown when they are wrong, and growing arrays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "napi_util.h"

void kafkit_throw_last(napi_env env) {
  if (kafkit_exception_pending(env)) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, NULL, info && info->error_message ? info->error_message : "N-API call failed");
}

bool kafkit_exception_pending(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  return pending;
}

void kafkit_throw_type(napi_env env, const char *what) {
  char message[256];
  snprintf(message, sizeof(message), "kafkit admin addon: invalid %s", what);
  napi_throw_type_error(env, NULL, message);
}

void kafkit_throw_no_memory(napi_env env, const char *what) {
  char message[256];
  snprintf(message, sizeof(message), "kafkit: out of memory while %s; nothing was done, the call can be retried", what);
  napi_value error = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__FAIL, message);
  if (error) napi_throw(env, error);
  else napi_throw_error(env, NULL, message);
}

void *kafkit_calloc(napi_env env, size_t count, size_t size, const char *what) {
  void *memory = calloc(count ? count : 1, size);
  if (!memory) kafkit_throw_no_memory(env, what);
  return memory;
}

void *kafkit_grow(void *items, size_t *capacity, size_t needed, size_t size, size_t initial) {
  if (needed == 0) needed = 1; /* so that only running out of memory answers NULL */
  if (needed <= *capacity) return items;
  size_t grown_capacity = *capacity ? *capacity : initial;
  while (grown_capacity < needed) grown_capacity *= 2;
  void *grown = grown_capacity <= SIZE_MAX / size ? realloc(items, grown_capacity * size) : NULL;
  if (grown) *capacity = grown_capacity;
  return grown;
}

void *kafkit_grow_or_throw(napi_env env, void *items, size_t *capacity, size_t needed, size_t size, size_t initial,
                           const char *what) {
  void *grown = kafkit_grow(items, capacity, needed, size, initial);
  if (!grown) kafkit_throw_no_memory(env, what);
  return grown;
}

bool kafkit_bool_arg(napi_env env, napi_value value, bool fallback) {
  bool flag = fallback;
  napi_get_value_bool(env, value, &flag); /* leaves `flag` alone when the value is not a boolean */
  return flag;
}

int32_t kafkit_int32_arg(napi_env env, napi_value value, int32_t fallback) {
  int32_t number = fallback;
  napi_get_value_int32(env, value, &number); /* leaves `number` alone when the value is not a number */
  return number;
}

napi_value kafkit_void_result(napi_env env, rd_kafka_resp_err_t err) {
  if (err) kafkit_throw_code(env, err, NULL);
  return NULL;
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
    kafkit_throw_no_memory(env, "copying a string argument");
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

/* Reads an optional property with `read`; `fallback` (of `size` bytes) when it is absent. */
static bool get_typed(napi_env env, napi_value object, const char *key, const void *fallback, void *out, size_t size,
                      napi_status (*read)(napi_env, napi_value, void *)) {
  napi_value value;
  if (!kafkit_get(env, object, key, &value)) return false;
  if (!value) {
    memcpy(out, fallback, size);
    return true;
  }
  if (read(env, value, out) != napi_ok) {
    kafkit_throw_type(env, key);
    return false;
  }
  return true;
}

static napi_status read_int32(napi_env env, napi_value value, void *out) {
  return napi_get_value_int32(env, value, out);
}
static napi_status read_bool(napi_env env, napi_value value, void *out) { return napi_get_value_bool(env, value, out); }

bool kafkit_get_int32(napi_env env, napi_value object, const char *key, int32_t fallback, int32_t *out) {
  return get_typed(env, object, key, &fallback, out, sizeof(*out), read_int32);
}

bool kafkit_get_bool(napi_env env, napi_value object, const char *key, bool fallback, bool *out) {
  return get_typed(env, object, key, &fallback, out, sizeof(*out), read_bool);
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
  char **strings = kafkit_calloc(env, *count, sizeof(char *), "reading an array of strings");
  if (!strings) return false;
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
  int32_t *values = kafkit_calloc(env, *count, sizeof(int32_t), "reading an array of numbers");
  if (!values) return false;
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

bool kafkit_typed_array(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *length,
                        const char *what) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok || type != expected) {
    kafkit_throw_type(env, what);
    return false;
  }
  return true;
}
