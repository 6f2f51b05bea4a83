/*
 * kafkit's client core: one librdkafka handle owned by one JavaScript client (producer, consumer or admin). Its
 * lifecycle is in client.c, its configuration in client_conf.c, the way into JavaScript in client_dispatch.c and its
 * non-blocking calls in client_calls.c.
 *
 * Threads and who touches what:
 * - librdkafka's background thread runs `background_event_cb` (client_events.c) for every event of the handle's main
 *   queue (which is forwarded to the background queue): delivery reports, errors, logs, statistics, OAUTHBEARER
 *   token refreshes. It copies what it needs into the client's rings under `lock` and wakes JavaScript through the
 *   threadsafe function, at most once until JavaScript has drained. It never calls JavaScript.
 * - The client's worker thread (worker.c) runs the calls that block inside librdkafka (flush, transactions,
 *   metadata, destroy), one at a time, and posts each finished job through the same threadsafe function.
 * - The JavaScript thread makes only non-blocking librdkafka calls (produce, purge, set token, queue lengths) and
 *   drains the rings into typed arrays and plain objects.
 */
#ifndef KAFKIT_CLIENT_H
#define KAFKIT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>
#include <uv.h>

#include <librdkafka/rdkafka.h>

/* One delivery report, as the background thread copies it. */
typedef struct {
  uint32_t seq;
  int32_t partition;
  int64_t offset;
  int64_t timestamp;
  int32_t error;
  int32_t status; /* rd_kafka_msg_status_t: not persisted, possibly persisted, persisted */
} kafkit_delivery;

typedef enum {
  KAFKIT_EVENT_ERROR,
  KAFKIT_EVENT_LOG,
  KAFKIT_EVENT_STATS,
  KAFKIT_EVENT_OAUTH_REFRESH,
  KAFKIT_EVENT_COMMIT
} kafkit_event_kind;

/* A rare event (anything but a delivery report), kept as a linked list. */
typedef struct kafkit_event {
  kafkit_event_kind kind;
  int32_t code;  /* error: librdkafka's code; for a fatal error, the underlying cause's code */
  int32_t level; /* log: syslog level */
  bool fatal;
  char *facility;                              /* log */
  char *text;                                  /* error message, log line, statistics JSON, OAUTHBEARER config */
  rd_kafka_topic_partition_list_t *partitions; /* commit: the offsets and their per-partition errors */
  struct kafkit_event *next;
} kafkit_event;

struct kafkit_job;
typedef struct kafkit_consumer kafkit_consumer;

/* A growable FIFO of delivery reports. */
typedef struct {
  kafkit_delivery *items;
  size_t head, length, capacity;
} kafkit_delivery_ring;

typedef struct kafkit_native_client {
  rd_kafka_t *rk;
  rd_kafka_type_t type;
  napi_threadsafe_function tsfn;

  uv_mutex_t lock; /* guards the rings, the job queue and `wake_pending` */
  kafkit_delivery_ring deliveries;
  kafkit_event *events_head, *events_tail;
  size_t events_dropped; /* logs dropped while JavaScript was not draining (bounded memory) */
  size_t events_queued;
  bool wake_pending;  /* a wake-up is posted and JavaScript has not drained since */
  bool out_of_memory; /* a delivery report could not be stored: reported as an error event */

  /* The worker thread and its job queue (worker.c). */
  uv_thread_t worker;
  uv_cond_t work_ready;
  struct kafkit_job *jobs_head, *jobs_tail;
  bool worker_started;
  bool worker_stopping;

  /* Topic handles for produce, by index (producer.c). JavaScript keeps the name -> index map. */
  rd_kafka_topic_t **topics;
  uint32_t topic_count;
  size_t topic_capacity;

  /* Producers only (send_now.c): linger.ms (capped at a send-now round's length), read once. */
  int32_t linger_ms;
  bool linger_known;

  /* Consumers only (consumer.c). */
  kafkit_consumer *consumer;

  /* Admins only (admin.c): the reply queue of every request, and the requests (guarded by `lock`). */
  bool admin;
  rd_kafka_queue_t *background;
  struct kafkit_request *requests;       /* sent, result not arrived */
  struct kafkit_request *requests_ready; /* result arrived, not settled yet */

  /* Main thread only. */
  uint32_t refs;    /* reasons to keep the process alive (sends in flight, jobs running) */
  bool destroying;  /* destroy requested: no new calls */
  bool destroyed;   /* rd_kafka_destroy() returned */
  bool handle_gone; /* the JavaScript External was collected */
  bool tsfn_released;
} kafkit_native_client;

/* ---- client.c ---- */

/* Unwraps a live client from a JavaScript handle; throws and returns NULL when invalid or destroyed. */
kafkit_native_client *kafkit_native_from(napi_env env, napi_value handle);
/* Reads `count` arguments, the first being a live client's handle, which it returns (NULL after throwing). */
kafkit_native_client *kafkit_native_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
/* The client behind a handle, live or destroyed (for draining after destroy); NULL after throwing. */
kafkit_native_client *kafkit_native_any(napi_env env, napi_value handle);
/* kafkit_native_args for a client live or destroyed. */
kafkit_native_client *kafkit_native_any_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);

/* ---- client_conf.c ---- */

/* The librdkafka configuration of a JavaScript Record<string, string>; throws one error naming every refused one. */
rd_kafka_conf_t *kafkit_client_conf(napi_env env, napi_value config);

/* ---- client_dispatch.c ---- */

/* Marks that JavaScript must be woken (coalesced); any thread. Call with `lock` held. */
void kafkit_wake_locked(kafkit_native_client *client);
/* Appends an event and wakes JavaScript; any thread. Takes ownership of `event`. */
void kafkit_push_event(kafkit_native_client *client, kafkit_event *event);
void kafkit_free_event(kafkit_event *event);
/* The threadsafe function's call_js: a wake-up (data NULL) or a finished job. `env` is NULL during teardown. */
void kafkit_dispatch_call_js(napi_env env, napi_value callback, void *context, void *data);
/* Keeps the process alive while `refs` > 0 (main thread). */
void kafkit_client_ref(napi_env env, kafkit_native_client *client);
void kafkit_client_unref(napi_env env, kafkit_native_client *client);

/* ---- client_events.c ---- */

/* Configures event delivery on `conf` before rd_kafka_new(); consumers also get commit results. */
void kafkit_events_configure(rd_kafka_conf_t *conf, kafkit_native_client *client, bool oauthbearer, bool consumer);
/* Routes the handle's queues to the background thread after rd_kafka_new(). */
void kafkit_events_start(kafkit_native_client *client);
/* Appends one delivery report (background thread, `lock` held). Returns false when out of memory. */
bool kafkit_ring_push(kafkit_delivery_ring *ring, const kafkit_delivery *delivery);
void kafkit_ring_free(kafkit_delivery_ring *ring);

/* ---- worker.c ---- */

typedef struct kafkit_job {
  /* Runs on the worker thread. Must not touch N-API. */
  void (*execute)(struct kafkit_job *job);
  /* Runs on the main thread afterwards; settles `deferred` (NULL for a job nobody awaits) and frees `data`. */
  void (*complete)(napi_env env, struct kafkit_job *job);
  kafkit_native_client *client;
  napi_deferred deferred;
  rd_kafka_error_t *error; /* result of most jobs */
  int32_t timeout_ms;
  void *data; /* job-specific */
  struct kafkit_job *next;
} kafkit_job;

/* Starts the worker thread. Returns false (after throwing) when it cannot start. */
bool kafkit_worker_start(napi_env env, kafkit_native_client *client);
/*
 * Queues a job and returns its promise. The client stays referenced (keeps the process alive) while the job runs.
 * On failure (NULL, after throwing) the job is freed; its `data` stays with the caller.
 */
napi_value kafkit_worker_submit(napi_env env, kafkit_native_client *client, kafkit_job *job);
/* Queues a job nobody awaits (from a finalizer: no JavaScript value is created). */
void kafkit_worker_submit_detached(kafkit_native_client *client, kafkit_job *job);
/* Main thread, from the threadsafe function: a finished job. */
void kafkit_worker_finish(napi_env env, kafkit_job *job);
/* Stops the worker after the jobs queued so far and joins it. */
void kafkit_worker_stop(kafkit_native_client *client);
/* Allocates a job (NULL after throwing). */
kafkit_job *kafkit_job_new(napi_env env, kafkit_native_client *client, void (*execute)(kafkit_job *),
                           void (*complete)(napi_env, kafkit_job *));
/* Standard completion: resolves with undefined, or rejects with the job's rd_kafka_error_t. */
void kafkit_job_complete_error(napi_env env, kafkit_job *job);
/*
 * Completion with a value: resolves with `value` (made by the caller; NULL for undefined), rejects with the pending
 * exception when making it threw, or falls back to kafkit_job_complete_error.
 */
void kafkit_job_settle(napi_env env, kafkit_job *job, napi_value value);
/* (handle, timeoutMs) -> Promise<void>: `execute` on the worker with the timeout, completed by the standard way. */
napi_value kafkit_worker_call(napi_env env, napi_callback_info info, void (*execute)(kafkit_job *));
/* Defines `kafkit_js_<name>`, an exported kafkit_worker_call of `execute`. */
#define KAFKIT_WORKER_FUNCTION(name, execute)                                                                          \
  napi_value kafkit_js_##name(napi_env env, napi_callback_info info) { return kafkit_worker_call(env, info, execute); }

/* ---- consumer.c ---- */

/* Before rd_kafka_new(): allocates the consumer state and sets the rebalance callback. False when out of memory. */
bool kafkit_consumer_configure(rd_kafka_conf_t *conf, kafkit_native_client *client);
/* After rd_kafka_new(): takes the consumer queue and its wake-up. False when the handle has no group. */
bool kafkit_consumer_start(kafkit_native_client *client);
/* Before rd_kafka_destroy() (worker or exit): stops wake-ups; with `leave_group`, closes the consumer. */
void kafkit_consumer_close(kafkit_native_client *client, bool leave_group);
void kafkit_consumer_free(kafkit_native_client *client);

/* ---- loader.c ---- */

/* Whether librdkafka has been loaded; every entry point that calls librdkafka checks it first. */
bool kafkit_librdkafka_loaded(napi_env env);

#endif
