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

#include "client.h"
#include "exports.h"
#include "napi_util.h"

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

/* What a request is built from, read from its JavaScript arguments. */
typedef struct {
  void *items; /* an array of `count` objects, or one object when `single` */
  size_t count;
  bool single;
  void (*destroy)(void *object); /* frees one object (NULL: nothing to free) */
} kafkit_admin_items;

/* Calls librdkafka's request function with what the request was built from, its options and reply queue. */
typedef void (*kafkit_admin_send)(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,
                                  rd_kafka_queue_t *reply_queue);

/* One admin function: (handle, ...input, options) -> Promise of the converted result. */
typedef struct {
  rd_kafka_admin_op_t op;
  size_t argc; /* with the handle and the options */
  /* Reads the input arguments (argv[1 .. argc-2]) into `in`; false after throwing (what `in` holds is freed).
   * NULL when there are none. */
  bool (*read)(napi_env env, const napi_value *input, kafkit_admin_items *in);
  /* Or, when the input is one array (argument 1): its name, the reader of one element (NULL after throwing) and
   * what frees one. */
  const char *array;
  void *(*read_one)(napi_env env, napi_value item, const char *what);
  void (*destroy)(void *object);
  kafkit_result_converter convert;
  kafkit_admin_send send;
} kafkit_admin_call;

/* Defines `kafkit_js_<name>`, the exported function running the kafkit_admin_call made of the other arguments
 * (designated initializers). */
#define KAFKIT_ADMIN_FUNCTION(name, ...)                                                                               \
  static const kafkit_admin_call name##_call = {__VA_ARGS__};                                                          \
  napi_value kafkit_js_##name(napi_env env, napi_callback_info info) {                                                 \
    return kafkit_admin_run(env, info, &name##_call);                                                                  \
  }

/* Defines `kafkit_js_<name>` for an admin function (handle, [item], options) whose request is
 * `function(rk, items, count, options, queue)`, the one shape of every request built from an array; the other
 * arguments are the rest of its kafkit_admin_call (.op, .array, .read_one, .destroy, .convert). */
#define KAFKIT_ADMIN_ITEMS_FUNCTION(name, function, ...)                                                               \
  static void send_##name(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,              \
                          rd_kafka_queue_t *queue) {                                                                   \
    function(rk, in->items, in->count, options, queue);                                                                \
  }                                                                                                                    \
  KAFKIT_ADMIN_FUNCTION(name, .argc = 3, .send = send_##name, __VA_ARGS__)

/* The kafkit_admin_call fields of an input array `name` of plain strings (each read as a malloc'ed copy). */
#define KAFKIT_ADMIN_STRING_ARRAY(name) .array = name, .read_one = kafkit_admin_read_string, .destroy = free

/* Defines `kafkit_js_<name>` for an admin function (handle, input, options) whose input `.read` makes one object
 * and whose request is `function(rk, object, options, queue)`; the other arguments are the rest of its
 * kafkit_admin_call (.op, .read, .convert). */
#define KAFKIT_ADMIN_ONE_FUNCTION(name, function, ...)                                                                 \
  static void send_##name(rd_kafka_t *rk, const kafkit_admin_items *in, rd_kafka_AdminOptions_t *options,              \
                          rd_kafka_queue_t *queue) {                                                                   \
    function(rk, in->items, options, queue);                                                                           \
  }                                                                                                                    \
  KAFKIT_ADMIN_FUNCTION(name, .argc = 3, .send = send_##name, __VA_ARGS__)

/* Defines `name(env, source)`, answering the array of `value(item)` for the items that `accessor(source, &count)`
 * reads (the shape of librdkafka's array accessors). */
#define KAFKIT_ADMIN_ARRAY_FROM(name, accessor, value)                                                                 \
  static napi_value name(napi_env env, const void *source) {                                                           \
    size_t count = 0;                                                                                                  \
    const void *const *items = (const void *const *)accessor(source, &count);                                          \
    return kafkit_array_of(env, items, count, value);                                                                  \
  }

/* Defines `name(env, source)`, answering the array of `value(item(source, i))` for i below `count(source)` (the shape
 * of librdkafka's indexed accessors). */
#define KAFKIT_ADMIN_ARRAY_AT(name, count, item, value)                                                                \
  static napi_value name(napi_env env, const void *source) {                                                           \
    size_t length = count(source);                                                                                     \
    napi_value array = kafkit_array(env, length);                                                                      \
    for (size_t i = 0; i < length; i++) kafkit_push(env, array, (uint32_t)i, value(env, item(source, i)));             \
    return array;                                                                                                      \
  }

/* Defines `name(env, source)`, answering kafkit_acl_operations_value of what `accessor(source, &count)` reads. */
#define KAFKIT_ADMIN_OPERATIONS_FROM(name, accessor)                                                                   \
  static napi_value name(napi_env env, const void *source) {                                                           \
    size_t count = 0;                                                                                                  \
    const rd_kafka_AclOperation_t *operations = accessor(source, &count);                                              \
    return kafkit_acl_operations_value(env, operations, count);                                                        \
  }

/* Defines `convert_<name>`, a kafkit_result_converter answering the array of `value(item)` for the items that
 * `accessor(event_result(event), &count)` reads from the result event. */
#define KAFKIT_ADMIN_CONVERT_ARRAY(name, accessor, event_result, value)                                                \
  KAFKIT_ADMIN_ARRAY_FROM(name##_items, accessor, value)                                                               \
  static napi_value convert_##name(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {                   \
    return name##_items(env, event_result(event));                                                                     \
  }

/* Defines `kafkit_js_<name>` for a describe call (handle, [name], options) whose request is
 * `function(rk, names, count, options, queue)` (the names read from the input array `array`) and whose answer is the
 * array of `value(description)` for the descriptions that `accessor(event_result(event), &count)` reads. */
#define KAFKIT_ADMIN_DESCRIBE_NAMED(name, function, operation, array, accessor, event_result, value)                   \
  KAFKIT_ADMIN_CONVERT_ARRAY(name, accessor, event_result, value)                                                      \
  KAFKIT_ADMIN_ITEMS_FUNCTION(name, function, .op = operation, KAFKIT_ADMIN_STRING_ARRAY(array),                       \
                              .convert = convert_##name)

/* ---- requests (admin.c) ---- */

/*
 * Runs one admin function: reads its arguments and the AdminOptions for `call->op`, tracks the request (the client
 * stays alive and referenced until it settles), has `call->send` call librdkafka, frees the input and returns the
 * request's promise (NULL after throwing).
 */
napi_value kafkit_admin_run(napi_env env, napi_callback_info info, const kafkit_admin_call *call);
/* Applies one {name, value, op} entry to `target`: librdkafka's error, or NULL. */
typedef rd_kafka_error_t *(*kafkit_admin_entry_apply)(void *target, const char *name, const char *value, int32_t op);
/* Applies each {name, value, op?} element of the optional array property `key` of `item` (`op` read only when
 * `with_op`); false after throwing (librdkafka's error included). */
bool kafkit_admin_apply_entries(napi_env env, napi_value item, const char *key, bool with_op, void *target,
                                kafkit_admin_entry_apply apply);
/* A kafkit_admin_items holding one object. */
kafkit_admin_items kafkit_admin_single(void *object, void (*destroy)(void *object));
/* read_one for arrays of strings (a malloc'ed copy each; destroy with free). */
void *kafkit_admin_read_string(napi_env env, napi_value item, const char *what);
/* Defines `read_<name>`, a read_one making a librdkafka object from a string element with `constructor(name)`. */
#define KAFKIT_ADMIN_READ_NAMED(name, constructor)                                                                     \
  static void *read_##name(napi_env env, napi_value item, const char *what) {                                          \
    char *text = kafkit_string(env, item, what);                                                                       \
    void *object = text ? constructor(text) : NULL;                                                                    \
    free(text);                                                                                                        \
    return object;                                                                                                     \
  }

/* Background thread: a result event of a request arrived (takes the event). */
void kafkit_admin_deliver(kafkit_client *client, kafkit_request *request, rd_kafka_event_t *event);
/* Main thread: settles every request whose result arrived. */
void kafkit_admin_settle_delivered(napi_env env, kafkit_client *client);
/* Main thread, after rd_kafka_destroy(): rejects the requests whose result will never come. */
void kafkit_admin_reject_pending(napi_env env, kafkit_client *client);

#endif
