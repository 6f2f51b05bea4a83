/*
 * Small N-API helpers shared by every part of the addon: reading arguments (napi_util.c), building JavaScript values
 * (napi_values.c) and converting partition lists both ways (partitions.c). Every reader throws a JavaScript exception
 * on bad input and every builder throws when N-API cannot create the value; after throwing they return NULL or false.
 */
#ifndef KAFKIT_NAPI_UTIL_H
#define KAFKIT_NAPI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

#include <librdkafka/rdkafka.h>

#define KAFKIT_CALL(env, call, fail)                                                                                   \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      kafkit_throw_last(env);                                                                                          \
      fail;                                                                                                            \
    }                                                                                                                  \
  } while (0)

/* ---- arguments and errors (napi_util.c) ---- */

/* Rethrows the pending N-API error as a JavaScript exception, if none is pending already. */
void kafkit_throw_last(napi_env env);
/* Throws a TypeError naming the argument that was wrong. */
void kafkit_throw_type(napi_env env, const char *what);
/* Throws an error (code _FAIL) saying that memory ran out while doing `what`, and that the call did nothing. */
void kafkit_throw_no_memory(napi_env env, const char *what);
/* Whether a JavaScript exception is pending. */
bool kafkit_exception_pending(napi_env env);

/* Reads `expected` arguments into argv; throws a TypeError when fewer were passed. */
bool kafkit_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv);
/* Reads a property; `*out` is NULL when the property is missing, undefined or null. */
bool kafkit_get(napi_env env, napi_value object, const char *key, napi_value *out);
/* Copies a string value into a new malloc'ed buffer. NULL after throwing. */
char *kafkit_string(napi_env env, napi_value value, const char *what);
/* Reads an optional string property into a malloc'ed buffer (NULL when absent; `*ok` false after throwing). */
char *kafkit_get_string(napi_env env, napi_value object, const char *key, bool *ok);
bool kafkit_get_int32(napi_env env, napi_value object, const char *key, int32_t fallback, int32_t *out);
bool kafkit_get_int64(napi_env env, napi_value object, const char *key, int64_t *out);
bool kafkit_get_bool(napi_env env, napi_value object, const char *key, bool fallback, bool *out);
bool kafkit_array_length(napi_env env, napi_value array, const char *what, uint32_t *length);
bool kafkit_array_get(napi_env env, napi_value array, uint32_t index, napi_value *out);
/* Reads an array of strings into a malloc'ed array of malloc'ed strings. */
bool kafkit_string_array(napi_env env, napi_value array, const char *what, char ***out, uint32_t *count);
void kafkit_free_strings(char **strings, uint32_t count);
/* Reads an array of int32 into a malloc'ed array. */
bool kafkit_int32_array(napi_env env, napi_value array, const char *what, int32_t **out, uint32_t *count);
/* The elements of a typed array of type `expected`; throws a TypeError naming `what` otherwise. */
bool kafkit_typed_array(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *length,
                        const char *what);
/* calloc() of `count` (at least one) elements; throws "out of memory while `what`" and returns NULL on failure. */
void *kafkit_calloc(napi_env env, size_t count, size_t size, const char *what);
/*
 * `items` (`*capacity` elements of `size`) made to hold at least `needed` elements, and at least one (so that NULL
 * always means failure): reallocated with the capacity doubled from `*capacity` (`initial` when 0) until it is
 * enough, `*capacity` updated. NULL when out of memory, with `items` and `*capacity` unchanged. Does not throw.
 */
void *kafkit_grow(void *items, size_t *capacity, size_t needed, size_t size, size_t initial);
/* kafkit_grow that throws "out of memory while `what`" when it answers NULL. */
void *kafkit_grow_or_throw(napi_env env, void *items, size_t *capacity, size_t needed, size_t size, size_t initial,
                           const char *what);
/* A boolean argument's value; `fallback` when it is not a boolean. */
bool kafkit_bool_arg(napi_env env, napi_value value, bool fallback);
/* An int32 argument's value; `fallback` when it is not a number. */
int32_t kafkit_int32_arg(napi_env env, napi_value value, int32_t fallback);
/* The result of a call that answers undefined: throws librdkafka's error `err` unless it is NO_ERROR; NULL. */
napi_value kafkit_void_result(napi_env env, rd_kafka_resp_err_t err);

/* ---- JavaScript values (napi_values.c) ---- */

napi_value kafkit_object(napi_env env);
napi_value kafkit_array(napi_env env, size_t length);
void kafkit_push(napi_env env, napi_value array, uint32_t index, napi_value value);
void kafkit_set(napi_env env, napi_value object, const char *key, napi_value value);
void kafkit_set_string(napi_env env, napi_value object, const char *key, const char *value); /* NULL → null */
void kafkit_set_int(napi_env env, napi_value object, const char *key, int64_t value);
void kafkit_set_bigint(napi_env env, napi_value object, const char *key, int64_t value);
void kafkit_set_bool(napi_env env, napi_value object, const char *key, bool value);
/* `object` with `key` set to `value` (for a value made of another one and one more property). */
napi_value kafkit_with(napi_env env, napi_value object, const char *key, napi_value value);
napi_value kafkit_null(napi_env env);
napi_value kafkit_undefined(napi_env env);
napi_value kafkit_int(napi_env env, int64_t value);
napi_value kafkit_string_value(napi_env env, const char *text, size_t length); /* NAPI_AUTO_LENGTH for C strings */

/* Objects read from a librdkafka item through its accessors, declared as a field table: a macro of FIELD that lists
 * FIELD(kind, key, accessor) for each property, kind being int, bool or string (set with kafkit_set_<kind> to
 * accessor(item)). KAFKIT_OBJECT_OF(name, type, FIELDS) defines `static napi_value name(napi_env env, const void *item)`,
 * answering the object of the table FIELDS read from `item`, a `const type *`. */
#define KAFKIT_OBJECT_FIELD_(kind, key, accessor) kafkit_set_##kind(env, object, key, accessor(source));
#define KAFKIT_OBJECT_OF(name, type, FIELDS)                                                                           \
  static napi_value name(napi_env env, const void *item) {                                                             \
    const type *source = item;                                                                                         \
    napi_value object = kafkit_object(env);                                                                            \
    FIELDS(KAFKIT_OBJECT_FIELD_)                                                                                       \
    return object;                                                                                                     \
  }

/* {code, name, message, ...} for a per-item error; JavaScript null when `code` is NO_ERROR. */
napi_value kafkit_error_value(napi_env env, rd_kafka_resp_err_t code, const char *message);
/* Same for an rd_kafka_error_t (adds isRetriable/isFatal/isTxnRequiresAbort); null for NULL. */
napi_value kafkit_error_object_value(napi_env env, const rd_kafka_error_t *error);
/* {<key>: name, error: kafkit_error_object_value(error)}: how the answer about one named item starts. */
napi_value kafkit_item_result(napi_env env, const char *key, const char *name, const rd_kafka_error_t *error);
/* A JavaScript Error carrying the librdkafka code, for rejections. */
napi_value kafkit_error_instance(napi_env env, rd_kafka_resp_err_t code, const char *message);
/* A JavaScript Error for an rd_kafka_error_t, with code, name and the retriable/fatal/abortable flags. */
napi_value kafkit_error_from(napi_env env, const rd_kafka_error_t *error);
/* Takes the pending exception (clearing it), to reject a promise with it; NULL when none is pending. */
napi_value kafkit_caught(napi_env env);
/* Throws kafkit_error_from(error) and destroys `error`; true (nothing thrown) when `error` is NULL. */
bool kafkit_check_error(napi_env env, rd_kafka_error_t *error);
/* Throws kafkit_error_instance(code and string of `error`) and destroys `error`; true when `error` is NULL. */
bool kafkit_check_code_error(napi_env env, rd_kafka_error_t *error);
/* Throws kafkit_error_instance(code, message). */
void kafkit_throw_code(napi_env env, rd_kafka_resp_err_t code, const char *message);

/* The array of `value(item)` for each of `count` items (a librdkafka result's array of pointers). */
napi_value kafkit_array_of(napi_env env, const void *const *items, size_t count,
                           napi_value (*value)(napi_env env, const void *item));
#define KAFKIT_ARRAY_OF(env, items, count, value) kafkit_array_of(env, (const void *const *)(items), count, value)
/* [kafkit_error_object_value(error)] */
napi_value kafkit_error_array(napi_env env, const rd_kafka_error_t **errors, size_t count);
/* {id, host, port, rack} or null. */
napi_value kafkit_node_value(napi_env env, const rd_kafka_Node_t *node);
napi_value kafkit_node_array(napi_env env, const rd_kafka_Node_t **nodes, size_t count);
/* Array of acl operation numbers, or null when the broker did not send them. */
napi_value kafkit_acl_operations_value(napi_env env, const rd_kafka_AclOperation_t *operations, size_t count);

/* ---- partition lists (partitions.c) ---- */

/* Sets `leaderEpoch` on `item`: the partition's leader epoch, or null when unknown. */
void kafkit_set_leader_epoch(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp);
/* [{topic, partition}] */
napi_value kafkit_topic_partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list);
/* [{topic, partition, offset (bigint), metadata, leaderEpoch, error}], the admin form. */
napi_value kafkit_partition_list_value(napi_env env, const rd_kafka_topic_partition_list_t *list);
/* [{topic, partition, offset (number), code}], the consumer form. */
napi_value kafkit_consumer_partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list);
/*
 * Reads [{topic, partition, <offset_key>?: bigint, metadata?, leaderEpoch?}] (the admin form); `offset_key` NULL
 * reads no offsets. NULL after throwing.
 */
rd_kafka_topic_partition_list_t *kafkit_partition_list_from(napi_env env, napi_value array, const char *offset_key);
/* Reads [{topic, partition, offset?: number}] (the consumer form). NULL after throwing. */
rd_kafka_topic_partition_list_t *kafkit_consumer_partitions_from(napi_env env, napi_value array);

#endif
