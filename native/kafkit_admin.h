/*
 * kafkit's admin addon: librdkafka's Admin API exposed to JavaScript through N-API.
 *
 * Threading model: an Admin is a client of kafkit's client core (client.h). Every admin request is sent with
 * librdkafka's background queue as its reply queue; the core's background event callback moves the result event to
 * the request and wakes JavaScript through the client's threadsafe function, where the result is converted to
 * JavaScript values and the promise settles. Metadata and destroy run on the client's worker thread.
 */
#ifndef KAFKIT_ADMIN_H
#define KAFKIT_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>
#include <uv.h>

#include <librdkafka/rdkafka.h>

#include "client.h"

/* An Admin's librdkafka handle is a client of kafkit's client core (client.h). */
typedef kafkit_native_client kafkit_client;

struct kafkit_request;

/* Turns a result event into a JavaScript value. Runs on the main thread. Returns NULL after throwing. */
typedef napi_value (*kafkit_result_converter)(napi_env env, rd_kafka_event_t *event, struct kafkit_request *request);

/* One admin call awaiting its result event. */
typedef struct kafkit_request {
  napi_deferred deferred;
  napi_ref handle_ref; /* keeps the client's External alive until the result arrives */
  kafkit_client *client;
  kafkit_result_converter convert;
  struct kafkit_request *next;
  rd_kafka_event_t *event; /* the result, once librdkafka's background thread delivered it */
} kafkit_request;

/* ---- napi helpers (napi_util.c) ---- */

#define KAFKIT_CALL(env, call, fail)                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      kafkit_throw_last(env);                                                                                          \
      fail;                                                                                                            \
    }                                                                                                                  \
  } while (0)

/* Rethrows the pending N-API error as a JavaScript exception, if none is pending already. */
void kafkit_throw_last(napi_env env);
/* Throws a TypeError naming the argument that was wrong. */
void kafkit_throw_type(napi_env env, const char *what);

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

napi_value kafkit_object(napi_env env);
napi_value kafkit_array(napi_env env, size_t length);
void kafkit_push(napi_env env, napi_value array, uint32_t index, napi_value value);
void kafkit_set(napi_env env, napi_value object, const char *key, napi_value value);
void kafkit_set_string(napi_env env, napi_value object, const char *key, const char *value); /* NULL → null */
void kafkit_set_int(napi_env env, napi_value object, const char *key, int64_t value);
void kafkit_set_bigint(napi_env env, napi_value object, const char *key, int64_t value);
void kafkit_set_bool(napi_env env, napi_value object, const char *key, bool value);
napi_value kafkit_null(napi_env env);

/* {code, name, message, ...} for a per-item error; JavaScript null when `code` is NO_ERROR. */
napi_value kafkit_error_value(napi_env env, rd_kafka_resp_err_t code, const char *message);
/* Same for an rd_kafka_error_t (adds isRetriable/isFatal/isTxnRequiresAbort); null for NULL. */
napi_value kafkit_error_object_value(napi_env env, const rd_kafka_error_t *error);
/* A JavaScript Error carrying the librdkafka code, for rejections. */
napi_value kafkit_error_instance(napi_env env, rd_kafka_resp_err_t code, const char *message);

/* {originatingBrokerId, brokers: [{id, host, port}], topics: [{topic, partitionCount, error}]} */
napi_value kafkit_metadata_value(napi_env env, const struct rd_kafka_metadata *md);
/* {id, host, port, rack} or null. */
napi_value kafkit_node_value(napi_env env, const rd_kafka_Node_t *node);
napi_value kafkit_node_array(napi_env env, const rd_kafka_Node_t **nodes, size_t count);
/* Array of acl operation numbers, or null when the broker did not send them. */
napi_value kafkit_acl_operations_value(napi_env env, const rd_kafka_AclOperation_t *operations, size_t count);
/* [{topic, partition, offset, metadata, leaderEpoch, error}] */
napi_value kafkit_partition_list_value(napi_env env, const rd_kafka_topic_partition_list_t *list);
/* Reads [{topic, partition, offset?, metadata?, leaderEpoch?}] (offset key configurable) into a new list. */
rd_kafka_topic_partition_list_t *kafkit_partition_list_from(napi_env env, napi_value array, const char *offset_key);

/* ---- requests (admin.c) ---- */

/* Unwraps the client from argument 0, throwing if it was destroyed. */
kafkit_client *kafkit_client_from(napi_env env, napi_value handle);
/* Creates the AdminOptions for `op` from the JavaScript options object (timeouts, validateOnly, ...). */
rd_kafka_AdminOptions_t *kafkit_admin_options(napi_env env, kafkit_client *client, rd_kafka_admin_op_t op,
                                              napi_value options);
/*
 * Starts tracking a request: creates its promise, registers it as the options' opaque and returns it.
 * After this the caller must call the librdkafka function, which takes ownership of the reply.
 */
kafkit_request *kafkit_request_begin(napi_env env, kafkit_client *client, napi_value handle,
                                     rd_kafka_AdminOptions_t *options, kafkit_result_converter convert,
                                     napi_value *promise);

/* Reads the common (handle, ..., options) arguments. */
bool kafkit_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv);

/* Background thread: a result event of a request arrived (takes the event). */
void kafkit_admin_deliver(kafkit_client *client, kafkit_request *request, rd_kafka_event_t *event);
/* Main thread: settles every request whose result arrived. */
void kafkit_admin_settle_delivered(napi_env env, kafkit_client *client);
/* Main thread, after rd_kafka_destroy(): rejects the requests whose result will never come. */
void kafkit_admin_reject_pending(napi_env env, kafkit_client *client);

/* ---- operations (admin.c, ops_*.c): each registers its functions on the exports object ---- */
void kafkit_register_admin(napi_env env, napi_value exports);
void kafkit_register_topics(napi_env env, napi_value exports);
void kafkit_register_groups(napi_env env, napi_value exports);
void kafkit_register_records(napi_env env, napi_value exports);
void kafkit_register_configs(napi_env env, napi_value exports);
void kafkit_register_acls(napi_env env, napi_value exports);
void kafkit_register_scram(napi_env env, napi_value exports);
void kafkit_export(napi_env env, napi_value exports, const char *name, napi_callback callback);

#endif
