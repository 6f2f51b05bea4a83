/*
 * librdkafka's background thread: every event of the client's main queue arrives here. Delivery reports are
 * copied into a ring of small fixed records, everything else into an event list; JavaScript is woken once until it
 * drains. Nothing here calls JavaScript or blocks on the event loop.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

bool kafkit_ring_push(kafkit_delivery_ring *ring, const kafkit_delivery *delivery) {
  if (ring->length == ring->capacity) {
    size_t capacity = ring->capacity ? ring->capacity * 2 : 4096;
    kafkit_delivery *items = malloc(capacity * sizeof(*items));
    if (!items) return false;
    /* Unwrap into the new array, oldest first. */
    for (size_t i = 0; i < ring->length; i++) items[i] = ring->items[(ring->head + i) % ring->capacity];
    free(ring->items);
    ring->items = items;
    ring->head = 0;
    ring->capacity = capacity;
  }
  ring->items[(ring->head + ring->length) % ring->capacity] = *delivery;
  ring->length++;
  return true;
}

void kafkit_ring_free(kafkit_delivery_ring *ring) {
  free(ring->items);
  ring->items = NULL;
  ring->head = ring->length = ring->capacity = 0;
}

static char *copy(const char *text) { return strdup(text ? text : ""); }

/* Stores an event; when memory runs out the event is lost, which is the least bad outcome for logs and stats. */
static void push(kafkit_native_client *client, kafkit_event_kind kind, int32_t code, bool fatal, int32_t level,
                 const char *facility, const char *text) {
  kafkit_event *event = calloc(1, sizeof(*event));
  if (!event) return;
  event->kind = kind;
  event->code = code;
  event->fatal = fatal;
  event->level = level;
  event->facility = facility ? copy(facility) : NULL;
  event->text = copy(text);
  if ((facility && !event->facility) || !event->text) {
    kafkit_free_event(event);
    return;
  }
  kafkit_push_event(client, event);
}

static void on_deliveries(kafkit_native_client *client, rd_kafka_event_t *event) {
  const rd_kafka_message_t *message;
  uv_mutex_lock(&client->lock);
  while ((message = rd_kafka_event_message_next(event))) {
    kafkit_delivery delivery = {
        .seq = (uint32_t)(uintptr_t)message->_private,
        .partition = message->partition,
        .offset = message->offset,
        .timestamp = rd_kafka_message_timestamp(message, NULL),
        .error = message->err,
        .status = (int32_t)rd_kafka_message_status(message),
    };
    /* A lost report would leave its send unsettled forever: say so loudly instead (a fatal event). */
    if (!kafkit_ring_push(&client->deliveries, &delivery)) client->out_of_memory = true;
  }
  kafkit_wake_locked(client);
  uv_mutex_unlock(&client->lock);
}

static void on_error(kafkit_native_client *client, rd_kafka_t *rk, rd_kafka_event_t *event) {
  rd_kafka_resp_err_t code = rd_kafka_event_error(event);
  bool fatal = rd_kafka_event_error_is_fatal(event);
  if (fatal) {
    /* The event says only "_FATAL": the cause is the code and text librdkafka keeps for it. */
    char cause[512];
    rd_kafka_resp_err_t underlying = rd_kafka_fatal_error(rk, cause, sizeof(cause));
    if (underlying != RD_KAFKA_RESP_ERR_NO_ERROR) {
      push(client, KAFKIT_EVENT_ERROR, underlying, true, 0, NULL, cause);
      return;
    }
  }
  push(client, KAFKIT_EVENT_ERROR, code, fatal, 0, NULL, rd_kafka_event_error_string(event));
}

/* A commit's result (kafkit's own commits and librdkafka's automatic ones). */
static void push_commit(kafkit_native_client *client, rd_kafka_resp_err_t code,
                        const rd_kafka_topic_partition_list_t *offsets) {
  kafkit_event *stored = calloc(1, sizeof(*stored));
  if (!stored) return;
  stored->kind = KAFKIT_EVENT_COMMIT;
  stored->code = code;
  stored->text = copy(rd_kafka_err2str(code));
  stored->partitions = offsets ? rd_kafka_topic_partition_list_copy(offsets) : rd_kafka_topic_partition_list_new(1);
  if (!stored->text || !stored->partitions) {
    /* Dropped: the commit's waiter then times out instead of hearing its result. */
    kafkit_free_event(stored);
    return;
  }
  kafkit_push_event(client, stored);
}

static void on_commit(kafkit_native_client *client, rd_kafka_event_t *event) {
  push_commit(client, rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event));
}

/*
 * Asynchronous commits report only to this callback; on the background queue librdkafka may also turn the result
 * into an event (on_commit). Either way it is stored once.
 */
static void offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t code, rd_kafka_topic_partition_list_t *offsets,
                             void *opaque) {
  (void)rk;
  push_commit(opaque, code, offsets);
}

static void background_event_cb(rd_kafka_t *rk, rd_kafka_event_t *event, void *opaque) {
  kafkit_native_client *client = opaque;
  rd_kafka_event_type_t type = rd_kafka_event_type(event);
  if (client->admin && type != RD_KAFKA_EVENT_ERROR && type != RD_KAFKA_EVENT_LOG && type != RD_KAFKA_EVENT_STATS) {
    /* An admin request's result: its opaque is the request, which takes the event. */
    kafkit_request *request = rd_kafka_event_opaque(event);
    if (request) {
      kafkit_admin_deliver(client, request, event);
      return;
    }
  }
  switch (type) {
    case RD_KAFKA_EVENT_DR:
      on_deliveries(client, event);
      break;
    case RD_KAFKA_EVENT_ERROR:
      on_error(client, rk, event);
      break;
    case RD_KAFKA_EVENT_STATS:
      push(client, KAFKIT_EVENT_STATS, 0, false, 0, NULL, rd_kafka_event_stats(event));
      break;
    case RD_KAFKA_EVENT_LOG: {
      const char *facility = NULL, *text = NULL;
      int level = 0;
      if (rd_kafka_event_log(event, &facility, &text, &level) == 0) {
        push(client, KAFKIT_EVENT_LOG, 0, false, level, facility, text);
      }
      break;
    }
    case RD_KAFKA_EVENT_OFFSET_COMMIT:
      on_commit(client, event);
      break;
    case RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH:
      push(client, KAFKIT_EVENT_OAUTH_REFRESH, 0, false, 0, NULL, rd_kafka_event_config_string(event));
      break;
    default:
      break;
  }
  rd_kafka_event_destroy(event);
}

/*
 * librdkafka's log callback. With log.queue it runs on the thread that serves the log queue (the background thread);
 * lines logged during rd_kafka_new() come from the creating thread. Either way the line is only stored.
 */
static void log_cb(const rd_kafka_t *rk, int level, const char *facility, const char *text) {
  kafkit_native_client *client = rk ? rd_kafka_opaque(rk) : NULL;
  if (client) push(client, KAFKIT_EVENT_LOG, 0, false, level, facility ? facility : "", text);
}

/*
 * librdkafka raises OAUTHBEARER refresh requests only when a refresh callback is set; being an event, the request
 * reaches background_event_cb, and should librdkafka call the callback instead, it is stored the same way.
 */
static void oauthbearer_refresh_cb(rd_kafka_t *rk, const char *config, void *opaque) {
  (void)rk;
  push(opaque, KAFKIT_EVENT_OAUTH_REFRESH, 0, false, 0, NULL, config);
}

void kafkit_events_configure(rd_kafka_conf_t *conf, kafkit_native_client *client, bool oauthbearer, bool consumer) {
  rd_kafka_conf_set_opaque(conf, client);
  rd_kafka_conf_set_background_event_cb(conf, background_event_cb);
  rd_kafka_conf_set_log_cb(conf, log_cb);
  /*
   * Events instead of callbacks: the main queue is forwarded to the background queue, so librdkafka's background
   * thread serves them. OAUTHBEARER refreshes become events only when a token provider is configured; otherwise
   * librdkafka's own handling (unsecured JWT, OIDC) stays in charge.
   */
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_STATS | RD_KAFKA_EVENT_LOG |
                                     (oauthbearer ? RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH : 0) |
                                     (consumer ? RD_KAFKA_EVENT_OFFSET_COMMIT : 0));
  if (oauthbearer) rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, oauthbearer_refresh_cb);
  if (consumer) rd_kafka_conf_set_offset_commit_cb(conf, offset_commit_cb);
  /* Logs become events on the log queue (set to the background queue in kafkit_events_start). */
  char errstr[128];
  rd_kafka_conf_set(conf, "log.queue", "true", errstr, sizeof(errstr));
}

void kafkit_events_start(kafkit_native_client *client) {
  rd_kafka_queue_t *background = rd_kafka_queue_get_background(client->rk);
  rd_kafka_queue_t *main_queue = rd_kafka_queue_get_main(client->rk);
  rd_kafka_queue_forward(main_queue, background);
  rd_kafka_set_log_queue(client->rk, background);
  rd_kafka_queue_destroy(main_queue);
  rd_kafka_queue_destroy(background);
}
