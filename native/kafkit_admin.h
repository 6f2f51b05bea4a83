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

/* The objects of a request that takes an array of them (rd_kafka_CreateTopics(rk, items, count, ...)). */
typedef struct {
  void *items;
  size_t count;
} kafkit_admin_items;

/* Calls librdkafka's request function with what the request was built from (`args`), its options and reply queue. */
typedef void (*kafkit_admin_send)(rd_kafka_t *rk, const void *args, rd_kafka_AdminOptions_t *options,
                                  rd_kafka_queue_t *reply_queue);

/* Defines `send_<name>`, a kafkit_admin_send calling `function(rk, items, count, options, queue)` with the
 * kafkit_admin_items it is given: the one shape of every request built from an array. */
#define KAFKIT_ADMIN_SEND_ITEMS(name, function)                                                                        \
  static void send_##name(rd_kafka_t *rk, const void *args, rd_kafka_AdminOptions_t *options,                         \
                          rd_kafka_queue_t *queue) {                                                                   \
    const kafkit_admin_items *in = args;                                                                               \
    function(rk, in->items, in->count, options, queue);                                                                \
  }

/* ---- requests (admin.c) ---- */

/* Reads `count` arguments, the first being a live admin client's handle, which it returns (NULL after throwing). */
kafkit_client *kafkit_admin_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
/*
 * Sends one admin request and returns its promise (NULL after throwing): reads the AdminOptions for `op` from the
 * JavaScript `options`, tracks the request (the client stays alive and referenced until it settles), and has `send`
 * call librdkafka. The caller keeps and frees `args`.
 */
napi_value kafkit_admin_submit(napi_env env, kafkit_client *client, napi_value handle, rd_kafka_admin_op_t op,
                               napi_value options, kafkit_result_converter convert, kafkit_admin_send send,
                               const void *args);

/* Background thread: a result event of a request arrived (takes the event). */
void kafkit_admin_deliver(kafkit_client *client, kafkit_request *request, rd_kafka_event_t *event);
/* Main thread: settles every request whose result arrived. */
void kafkit_admin_settle_delivered(napi_env env, kafkit_client *client);
/* Main thread, after rd_kafka_destroy(): rejects the requests whose result will never come. */
void kafkit_admin_reject_pending(napi_env env, kafkit_client *client);

#endif
