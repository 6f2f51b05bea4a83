/*
 * The consumer on kafkit's handle: the batch fetch and the calls around group membership.
 *
 * Fetching: `consumerConsume` runs rd_kafka_consume_batch_queue(consumer queue, timeout 0) on the JavaScript
 * thread; it returns at once with what is ready. Payloads (keys, values, header names and values) are copied into
 * one Buffer per call, everything else into typed arrays JavaScript passes in. librdkafka signals through the
 * queue's event callback when the queue goes from empty to non-empty; that wakes JavaScript through the client's
 * threadsafe function, so nothing polls on a timer while messages stream.
 *
 * Rebalances: librdkafka calls `rebalance_cb` while serving the consumer queue, that is inside consumerConsume on
 * the JavaScript thread. The callback only copies the partitions, with rd_kafka_assignment_lost() and the
 * rebalance protocol at that moment; JavaScript takes them after the call and answers (assign/unassign) when its
 * handlers have drained. During close (on the worker) nobody is left to answer, so the callback answers itself.
 *
 * The main queue (errors, logs, statistics, commit results, OAUTHBEARER refreshes) stays on librdkafka's background
 * thread, as for the producer (client_events.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

/* Fields per message in the Int32Array JavaScript passes (see src/native/consumer.ts). */
enum {
  M_TOPIC,        /* index into the topic names; -1 when librdkafka gave none (some errors) */
  M_PARTITION,
  M_KEY,          /* key length, -1 for no key */
  M_VALUE,        /* value length, -1 for no value; an error's text for an error */
  M_HEADERS,      /* header count */
  M_HEADER_START, /* index of the first header's (name, value) length pair */
  M_DATA_START,   /* where the key (then the value, then the headers) starts in the payload Buffer */
  M_ERROR,        /* librdkafka's error code, 0 for a message */
  M_LEADER_EPOCH,
  M_TS_TYPE,      /* rd_kafka_timestamp_type_t */
  META_STRIDE
};
/* Fields per message in the Float64Array: offset, timestamp (exact below 2^53). */
#define NUM_STRIDE 2
/* What consumerConsume reports in the state Int32Array. */
enum { S_COUNT, S_HEADER_PAIRS, S_TOPICS, S_REBALANCES, STATE_LENGTH };

typedef struct kafkit_rebalance {
  rd_kafka_resp_err_t code;
  rd_kafka_topic_partition_list_t *partitions;
  bool lost;
  bool cooperative;
  struct kafkit_rebalance *next;
} kafkit_rebalance;

struct kafkit_consumer {
  rd_kafka_queue_t *queue;
  rd_kafka_message_t **messages;
  uint32_t capacity;
  char **topics;
  uint32_t topic_count, topic_capacity, last_topic;
  int32_t *header_lengths;
  size_t header_pairs, header_capacity;
  /* Touched only by the thread serving the consumer queue: JavaScript's, or the worker's during close. */
  kafkit_rebalance *rebalances_head, *rebalances_tail;
  uint32_t rebalance_count;
  bool closing;
};

static bool cooperative(rd_kafka_t *rk) { return strcmp(rd_kafka_rebalance_protocol(rk), "EAGER") != 0 &&
                                                 strcmp(rd_kafka_rebalance_protocol(rk), "NONE") != 0; }

/* Answers a rebalance here, as librdkafka does without a rebalance callback. */
static void answer_natively(rd_kafka_t *rk, rd_kafka_resp_err_t code, rd_kafka_topic_partition_list_t *partitions) {
  bool incremental = cooperative(rk);
  rd_kafka_error_t *error = NULL;
  if (code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (incremental) error = rd_kafka_incremental_assign(rk, partitions);
    else rd_kafka_assign(rk, partitions);
  } else {
    if (incremental) error = rd_kafka_incremental_unassign(rk, partitions);
    else rd_kafka_assign(rk, NULL);
  }
  if (error) rd_kafka_error_destroy(error);
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t code, rd_kafka_topic_partition_list_t *partitions,
                         void *opaque) {
  kafkit_native_client *client = opaque;
  kafkit_consumer *consumer = client->consumer;
  kafkit_rebalance *event = consumer->closing ? NULL : calloc(1, sizeof(*event));
  if (event) event->partitions = rd_kafka_topic_partition_list_copy(partitions);
  if (!event || !event->partitions) {
    /* Closing, or out of memory: nobody can answer later, so answer now. */
    free(event);
    answer_natively(rk, code, partitions);
    return;
  }
  event->code = code;
  event->lost = rd_kafka_assignment_lost(rk) != 0;
  event->cooperative = cooperative(rk);
  if (consumer->rebalances_tail) consumer->rebalances_tail->next = event;
  else consumer->rebalances_head = event;
  consumer->rebalances_tail = event;
  consumer->rebalance_count++;
}

/* Any librdkafka thread: the consumer queue went from empty to non-empty. */
static void queue_nonempty(rd_kafka_t *rk, void *opaque) {
  (void)rk;
  kafkit_native_client *client = opaque;
  uv_mutex_lock(&client->lock);
  kafkit_wake_locked(client);
  uv_mutex_unlock(&client->lock);
}

bool kafkit_consumer_configure(rd_kafka_conf_t *conf, kafkit_native_client *client) {
  client->consumer = calloc(1, sizeof(*client->consumer));
  if (!client->consumer) return false;
  rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  return true;
}

bool kafkit_consumer_start(kafkit_native_client *client) {
  /* The consumer queue only; the main queue stays with the background thread (no rd_kafka_poll_set_consumer). */
  client->consumer->queue = rd_kafka_queue_get_consumer(client->rk);
  if (!client->consumer->queue) return false;
  rd_kafka_queue_cb_event_enable(client->consumer->queue, queue_nonempty, client);
  return true;
}

static void stop_queue(kafkit_consumer *consumer) {
  if (!consumer->queue) return;
  rd_kafka_queue_cb_event_enable(consumer->queue, NULL, NULL);
  rd_kafka_queue_destroy(consumer->queue);
  consumer->queue = NULL;
}

void kafkit_consumer_close(kafkit_native_client *client, bool leave_group) {
  kafkit_consumer *consumer = client->consumer;
  if (!consumer) return;
  consumer->closing = true;
  stop_queue(consumer);
  /* Leaves the group (committing stored offsets) and serves the last rebalance with answer_natively. */
  if (leave_group) rd_kafka_consumer_close(client->rk);
}

void kafkit_consumer_free(kafkit_native_client *client) {
  kafkit_consumer *consumer = client->consumer;
  if (!consumer) return;
  for (kafkit_rebalance *event = consumer->rebalances_head; event;) {
    kafkit_rebalance *next = event->next;
    rd_kafka_topic_partition_list_destroy(event->partitions);
    free(event);
    event = next;
  }
  free(consumer->messages);
  kafkit_free_strings(consumer->topics, consumer->topic_count);
  free(consumer->header_lengths);
  free(consumer);
  client->consumer = NULL;
}

/* The consumer behind a handle (NULL after throwing: not live, or not a consumer). */
static kafkit_native_client *consumer_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  kafkit_native_client *client = kafkit_native_args(env, info, count, argv);
  if (client && !client->consumer) {
    kafkit_throw_type(env, "client handle (expected a consumer)");
    return NULL;
  }
  return client;
}

static bool typed_array(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *length,
                        const char *what) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok || type != expected) {
    kafkit_throw_type(env, what);
    return false;
  }
  return true;
}

/* The index of a topic name, added on first sight; -1 when out of memory. */
static int32_t topic_index(kafkit_consumer *consumer, const char *name) {
  if (consumer->last_topic < consumer->topic_count && strcmp(consumer->topics[consumer->last_topic], name) == 0) {
    return (int32_t)consumer->last_topic;
  }
  for (uint32_t i = 0; i < consumer->topic_count; i++) {
    if (strcmp(consumer->topics[i], name) == 0) return (int32_t)(consumer->last_topic = i);
  }
  if (consumer->topic_count == consumer->topic_capacity) {
    uint32_t capacity = consumer->topic_capacity ? consumer->topic_capacity * 2 : 8;
    char **topics = realloc(consumer->topics, capacity * sizeof(*topics));
    if (!topics) return -1;
    consumer->topics = topics;
    consumer->topic_capacity = capacity;
  }
  char *copy = strdup(name);
  if (!copy) return -1;
  consumer->topics[consumer->topic_count] = copy;
  return (int32_t)(consumer->last_topic = consumer->topic_count++);
}

static bool reserve_header_lengths(kafkit_consumer *consumer, size_t pairs) {
  if (pairs * 2 <= consumer->header_capacity) return true;
  size_t capacity = consumer->header_capacity ? consumer->header_capacity : 256;
  while (capacity < pairs * 2) capacity *= 2;
  int32_t *lengths = realloc(consumer->header_lengths, capacity * sizeof(*lengths));
  if (!lengths) return false;
  consumer->header_lengths = lengths;
  consumer->header_capacity = capacity;
  return true;
}

static size_t header_count(rd_kafka_message_t *message) {
  rd_kafka_headers_t *headers = NULL;
  if (message->err || rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  return rd_kafka_header_cnt(headers);
}

/*
 * The batch could not be handed to JavaScript (out of memory): seek every partition back to its first message in
 * the batch, so that nothing is skipped, then drop the messages.
 */
static void rewind_batch(kafkit_native_client *client, rd_kafka_message_t **messages, size_t count) {
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)count);
  for (size_t i = 0; i < count; i++) {
    rd_kafka_message_t *message = messages[i];
    if (list && !message->err && message->rkt) {
      const char *topic = rd_kafka_topic_name(message->rkt);
      rd_kafka_topic_partition_t *seen = rd_kafka_topic_partition_list_find(list, topic, message->partition);
      if (!seen) rd_kafka_topic_partition_list_add(list, topic, message->partition)->offset = message->offset;
    }
    rd_kafka_message_destroy(message);
  }
  if (!list) return;
  rd_kafka_error_t *error = rd_kafka_seek_partitions(client->rk, list, 0);
  if (error) rd_kafka_error_destroy(error);
  rd_kafka_topic_partition_list_destroy(list);
}

/*
 * consumerConsume(handle, max, meta Int32Array[max*10], numbers Float64Array[max*2], state Int32Array[4])
 *   -> Buffer of payloads
 * Takes up to `max` ready messages without waiting. state: [messages, header length pairs (take them with
 * consumerHeaderLengths), known topic names (consumerTopicNames), rebalances waiting (consumerTakeRebalances)].
 */
static napi_value consume(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  kafkit_native_client *client = consumer_args(env, info, 5, argv);
  if (!client) return NULL;
  kafkit_consumer *consumer = client->consumer;
  uint32_t max = 0;
  int32_t *meta, *state;
  double *numbers;
  size_t meta_length, numbers_length, state_length;
  if (napi_get_value_uint32(env, argv[1], &max) != napi_ok || max == 0) {
    kafkit_throw_type(env, "batch size (a positive integer)");
    return NULL;
  }
  if (!typed_array(env, argv[2], napi_int32_array, (void **)&meta, &meta_length, "meta (an Int32Array)") ||
      !typed_array(env, argv[3], napi_float64_array, (void **)&numbers, &numbers_length, "numbers (a Float64Array)") ||
      !typed_array(env, argv[4], napi_int32_array, (void **)&state, &state_length, "state (an Int32Array)")) {
    return NULL;
  }
  if (meta_length < (size_t)max * META_STRIDE || numbers_length < (size_t)max * NUM_STRIDE || state_length < STATE_LENGTH) {
    kafkit_throw_type(env, "arrays (too short for the batch size)");
    return NULL;
  }
  if (consumer->capacity < max) {
    rd_kafka_message_t **messages = realloc(consumer->messages, max * sizeof(*messages));
    if (!messages) {
      napi_throw_error(env, NULL, "out of memory");
      return NULL;
    }
    consumer->messages = messages;
    consumer->capacity = max;
  }
  ssize_t taken = rd_kafka_consume_batch_queue(consumer->queue, 0, consumer->messages, max);
  if (taken < 0) {
    napi_throw(env, kafkit_error_instance(env, rd_kafka_last_error(), NULL));
    return NULL;
  }
  size_t count = (size_t)taken;
  rd_kafka_message_t **messages = consumer->messages;

  /* First pass: sizes, topics and the header count. */
  size_t bytes = 0, pairs = 0;
  bool out_of_memory = false;
  for (size_t i = 0; i < count; i++) {
    rd_kafka_message_t *message = messages[i];
    int32_t *m = meta + i * META_STRIDE;
    m[M_TOPIC] = message->rkt ? topic_index(consumer, rd_kafka_topic_name(message->rkt)) : -1;
    if (message->rkt && m[M_TOPIC] < 0) out_of_memory = true;
    bytes += message->key_len + message->len;
    size_t headers = header_count(message);
    m[M_HEADERS] = (int32_t)headers;
    m[M_HEADER_START] = (int32_t)pairs;
    pairs += headers;
    if (headers > 0) {
      rd_kafka_headers_t *list = NULL;
      rd_kafka_message_headers(message, &list);
      const char *name;
      const void *value;
      size_t size;
      for (size_t h = 0; rd_kafka_header_get_all(list, h, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; h++) {
        bytes += strlen(name) + (value ? size : 0);
      }
    }
  }
  char *data = NULL;
  napi_value buffer = NULL;
  if (!out_of_memory && !reserve_header_lengths(consumer, pairs)) out_of_memory = true;
  if (!out_of_memory && napi_create_buffer(env, bytes, (void **)&data, &buffer) != napi_ok) out_of_memory = true;
  if (out_of_memory) {
    rewind_batch(client, messages, count);
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__FATAL,
                                          "kafkit: out of memory while copying a fetched batch (it will be fetched again)"));
    return NULL;
  }

  /* Second pass: copy. */
  size_t at = 0, pair = 0;
  for (size_t i = 0; i < count; i++) {
    rd_kafka_message_t *message = messages[i];
    int32_t *m = meta + i * META_STRIDE;
    rd_kafka_timestamp_type_t timestamp_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    m[M_PARTITION] = message->partition;
    m[M_DATA_START] = (int32_t)at;
    m[M_ERROR] = message->err;
    m[M_LEADER_EPOCH] = message->err ? -1 : rd_kafka_message_leader_epoch(message);
    m[M_KEY] = message->key ? (int32_t)message->key_len : -1;
    m[M_VALUE] = message->payload ? (int32_t)message->len : -1;
    numbers[i * NUM_STRIDE] = (double)message->offset;
    numbers[i * NUM_STRIDE + 1] = (double)rd_kafka_message_timestamp(message, &timestamp_type);
    m[M_TS_TYPE] = (int32_t)timestamp_type;
    if (message->key) memcpy(data + at, message->key, message->key_len), at += message->key_len;
    if (message->payload) memcpy(data + at, message->payload, message->len), at += message->len;
    if (m[M_HEADERS] > 0) {
      rd_kafka_headers_t *list = NULL;
      rd_kafka_message_headers(message, &list);
      const char *name;
      const void *value;
      size_t size;
      for (size_t h = 0; rd_kafka_header_get_all(list, h, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; h++) {
        size_t name_length = strlen(name);
        memcpy(data + at, name, name_length);
        at += name_length;
        consumer->header_lengths[pair * 2] = (int32_t)name_length;
        consumer->header_lengths[pair * 2 + 1] = value ? (int32_t)size : -1;
        if (value) memcpy(data + at, value, size), at += size;
        pair++;
      }
    }
    rd_kafka_message_destroy(message);
  }
  consumer->header_pairs = pairs;
  state[S_COUNT] = (int32_t)count;
  state[S_HEADER_PAIRS] = (int32_t)pairs;
  state[S_TOPICS] = (int32_t)consumer->topic_count;
  state[S_REBALANCES] = (int32_t)consumer->rebalance_count;
  return buffer;
}

/* consumerHeaderLengths(handle) -> Int32Array of (name length, value length or -1) pairs of the last batch. */
static napi_value header_lengths(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  kafkit_consumer *consumer = client->consumer;
  size_t length = consumer->header_pairs * 2;
  void *data = NULL;
  napi_value array_buffer, result;
  KAFKIT_CALL(env, napi_create_arraybuffer(env, length * sizeof(int32_t), &data, &array_buffer), return NULL);
  if (length > 0) memcpy(data, consumer->header_lengths, length * sizeof(int32_t));
  KAFKIT_CALL(env, napi_create_typedarray(env, napi_int32_array, length, array_buffer, 0, &result), return NULL);
  return result;
}

/* consumerTopicNames(handle, from) -> the topic names from index `from` on. */
static napi_value topic_names(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = consumer_args(env, info, 2, argv);
  if (!client) return NULL;
  uint32_t from = 0;
  napi_get_value_uint32(env, argv[1], &from);
  kafkit_consumer *consumer = client->consumer;
  napi_value names = kafkit_array(env, 0);
  for (uint32_t i = from; i < consumer->topic_count; i++) {
    napi_value name;
    napi_create_string_utf8(env, consumer->topics[i], NAPI_AUTO_LENGTH, &name);
    kafkit_push(env, names, i - from, name);
  }
  return names;
}

napi_value kafkit_consumer_partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  size_t count = list ? (size_t)list->cnt : 0;
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_topic_partition_t *tp = &list->elems[i];
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", tp->topic);
    kafkit_set_int(env, item, "partition", tp->partition);
    kafkit_set_int(env, item, "offset", tp->offset);
    kafkit_set_int(env, item, "code", tp->err);
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

/* consumerTakeRebalances(handle) -> [{ code, lost, cooperative, partitions }], oldest first. */
static napi_value take_rebalances(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  kafkit_consumer *consumer = client->consumer;
  napi_value result = kafkit_array(env, 0);
  uint32_t index = 0;
  for (kafkit_rebalance *event = consumer->rebalances_head; event;) {
    kafkit_rebalance *next = event->next;
    napi_value item = kafkit_object(env);
    kafkit_set_int(env, item, "code", event->code);
    kafkit_set_bool(env, item, "lost", event->lost);
    kafkit_set_bool(env, item, "cooperative", event->cooperative);
    kafkit_set(env, item, "partitions", kafkit_consumer_partitions_value(env, event->partitions));
    kafkit_push(env, result, index++, item);
    rd_kafka_topic_partition_list_destroy(event->partitions);
    free(event);
    event = next;
  }
  consumer->rebalances_head = consumer->rebalances_tail = NULL;
  consumer->rebalance_count = 0;
  return result;
}

/* Reads a partition list (offsets as numbers, optional) from JavaScript; NULL after throwing. */
static rd_kafka_topic_partition_list_t *partitions_from(napi_env env, napi_value array) {
  uint32_t count;
  if (!kafkit_array_length(env, array, "partitions", &count)) return NULL;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(count ? count : 1));
  for (uint32_t i = 0; i < count; i++) {
    napi_value item, offset;
    bool ok = kafkit_array_get(env, array, i, &item);
    char *topic = ok ? kafkit_get_string(env, item, "topic", &ok) : NULL;
    int32_t partition = -1;
    ok = ok && topic && kafkit_get_int32(env, item, "partition", -1, &partition) && kafkit_get(env, item, "offset", &offset);
    double number = RD_KAFKA_OFFSET_INVALID;
    if (ok && offset && napi_get_value_double(env, offset, &number) != napi_ok) ok = false;
    if (!ok) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (!pending) kafkit_throw_type(env, "partitions[] ({ topic, partition, offset? })");
      free(topic);
      rd_kafka_topic_partition_list_destroy(list);
      return NULL;
    }
    rd_kafka_topic_partition_list_add(list, topic, partition)->offset = (int64_t)number;
    free(topic);
  }
  return list;
}

/* Reads (handle, partitions, ...): the live consumer and a new list of the partitions; false after throwing. */
static bool consumer_and_list(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                              kafkit_native_client **client, rd_kafka_topic_partition_list_t **list) {
  *client = consumer_args(env, info, count, argv);
  *list = *client ? partitions_from(env, argv[1]) : NULL;
  return *list != NULL;
}

/* Throws librdkafka's error for `code`, naming what failed. Returns false when it threw. */
static bool check(napi_env env, rd_kafka_resp_err_t code, const char *what) {
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  char message[256];
  snprintf(message, sizeof(message), "%s: %s", what, rd_kafka_err2str(code));
  napi_throw(env, kafkit_error_instance(env, code, message));
  return false;
}

/* The first per-partition error of a list, for calls that report errors only there. */
static rd_kafka_resp_err_t first_error(const rd_kafka_topic_partition_list_t *list) {
  for (int i = 0; i < list->cnt; i++) {
    if (list->elems[i].err) return list->elems[i].err;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* consumerPause(handle, partitions, pause): pauses or resumes fetching (does not block). */
static napi_value pause_partitions(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 3, argv, &client, &list)) return NULL;
  bool paused = false;
  napi_get_value_bool(env, argv[2], &paused);
  rd_kafka_resp_err_t code = paused ? rd_kafka_pause_partitions(client->rk, list) : rd_kafka_resume_partitions(client->rk, list);
  if (!code) code = first_error(list);
  rd_kafka_topic_partition_list_destroy(list);
  check(env, code, paused ? "pause" : "resume");
  return NULL;
}

/* consumerSeek(handle, partitions with offsets): moves fetch positions, asynchronously (does not block). */
static napi_value seek(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 2, argv, &client, &list)) return NULL;
  rd_kafka_error_t *error = rd_kafka_seek_partitions(client->rk, list, 0);
  rd_kafka_resp_err_t code = error ? rd_kafka_error_code(error) : first_error(list);
  /* Without a timeout every partition reports "in progress": the seek was started. */
  if (code == RD_KAFKA_RESP_ERR__IN_PROGRESS) code = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (error) rd_kafka_error_destroy(error);
  rd_kafka_topic_partition_list_destroy(list);
  check(env, code, "seek");
  return NULL;
}

/* consumerStoreOffsets(handle, partitions with offsets): stores offsets for the next commit. */
static napi_value store_offsets(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 2, argv, &client, &list)) return NULL;
  rd_kafka_resp_err_t code = rd_kafka_offsets_store(client->rk, list);
  if (!code) code = first_error(list);
  rd_kafka_topic_partition_list_destroy(list);
  check(env, code, "store offsets");
  return NULL;
}

/* consumerCommit(handle, partitions with offsets | null): starts a commit; its result arrives as a 'commit' event. */
static napi_value commit(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = consumer_args(env, info, 2, argv);
  if (!client) return NULL;
  napi_valuetype type;
  napi_typeof(env, argv[1], &type);
  rd_kafka_topic_partition_list_t *list = NULL;
  if (type != napi_null && type != napi_undefined && !(list = partitions_from(env, argv[1]))) return NULL;
  rd_kafka_resp_err_t code = rd_kafka_commit(client->rk, list, 1);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  check(env, code, "commit");
  return NULL;
}

/* consumerPosition(handle, partitions) -> partitions with the offset after the last message handed out. */
static napi_value position(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 2, argv, &client, &list)) return NULL;
  rd_kafka_resp_err_t code = rd_kafka_position(client->rk, list);
  napi_value result = code ? NULL : kafkit_consumer_partitions_value(env, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (!check(env, code, "position")) return NULL;
  return result;
}

/* consumerCachedWatermarks(handle, topic, partition) -> { low, high } as librdkafka last saw them, or null. */
static napi_value cached_watermarks(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_native_client *client = consumer_args(env, info, 3, argv);
  if (!client) return NULL;
  char *topic = kafkit_string(env, argv[1], "topic");
  if (!topic) return NULL;
  int32_t partition = 0;
  napi_get_value_int32(env, argv[2], &partition);
  int64_t low = -1, high = -1;
  rd_kafka_resp_err_t code = rd_kafka_get_watermark_offsets(client->rk, topic, partition, &low, &high);
  free(topic);
  if (code || high < 0) return kafkit_null(env);
  napi_value result = kafkit_object(env);
  kafkit_set_int(env, result, "low", low);
  kafkit_set_int(env, result, "high", high);
  return result;
}

/* consumerGroupMetadata(handle) -> Buffer: the group metadata serialized for a transactional producer. */
static napi_value group_metadata(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  rd_kafka_consumer_group_metadata_t *metadata = rd_kafka_consumer_group_metadata(client->rk);
  if (!metadata) {
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__STATE, "the consumer has no group"));
    return NULL;
  }
  void *bytes = NULL;
  size_t size = 0;
  rd_kafka_error_t *error = rd_kafka_consumer_group_metadata_write(metadata, &bytes, &size);
  rd_kafka_consumer_group_metadata_destroy(metadata);
  if (error) {
    napi_throw(env, kafkit_error_from(env, error));
    rd_kafka_error_destroy(error);
    return NULL;
  }
  napi_value buffer = NULL;
  if (napi_create_buffer_copy(env, size, bytes, NULL, &buffer) != napi_ok) kafkit_throw_last(env);
  rd_kafka_mem_free(NULL, bytes);
  return buffer;
}

/* ---- calls that wait for librdkafka's main thread or the coordinator: on the worker ---- */

typedef enum { OP_SUBSCRIBE, OP_UNSUBSCRIBE, OP_ASSIGN, OP_UNASSIGN, OP_COMMITTED, OP_OFFSETS_FOR_TIMES, OP_WATERMARKS } membership_op;

typedef struct {
  membership_op op;
  bool incremental;
  rd_kafka_topic_partition_list_t *partitions;
  int64_t low, high; /* OP_WATERMARKS */
} membership_data;

static void membership_execute(kafkit_job *job) {
  membership_data *data = job->data;
  rd_kafka_t *rk = job->client->rk;
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  switch (data->op) {
    case OP_SUBSCRIBE:
      code = rd_kafka_subscribe(rk, data->partitions);
      break;
    case OP_UNSUBSCRIBE:
      code = rd_kafka_unsubscribe(rk);
      break;
    case OP_ASSIGN:
      if (data->incremental) job->error = rd_kafka_incremental_assign(rk, data->partitions);
      else code = rd_kafka_assign(rk, data->partitions);
      break;
    case OP_UNASSIGN:
      if (data->incremental) job->error = rd_kafka_incremental_unassign(rk, data->partitions);
      else code = rd_kafka_assign(rk, NULL);
      break;
    case OP_COMMITTED:
      code = rd_kafka_committed(rk, data->partitions, job->timeout_ms);
      break;
    case OP_OFFSETS_FOR_TIMES:
      /* In: timestamps as offsets. Out: the earliest offset whose timestamp is at or after it (-1: none yet). */
      code = rd_kafka_offsets_for_times(rk, data->partitions, job->timeout_ms);
      break;
    case OP_WATERMARKS: {
      const rd_kafka_topic_partition_t *tp = &data->partitions->elems[0];
      code = rd_kafka_query_watermark_offsets(rk, tp->topic, tp->partition, &data->low, &data->high, job->timeout_ms);
      break;
    }
  }
  if (code && !job->error) job->error = rd_kafka_error_new(code, "%s", rd_kafka_err2str(code));
}

static void membership_complete(napi_env env, kafkit_job *job) {
  membership_data *data = job->data;
  if ((data->op == OP_COMMITTED || data->op == OP_OFFSETS_FOR_TIMES) && !job->error && job->deferred) {
    napi_resolve_deferred(env, job->deferred, kafkit_consumer_partitions_value(env, data->partitions));
    job->deferred = NULL;
  } else if (data->op == OP_WATERMARKS && !job->error && job->deferred) {
    napi_value result = kafkit_object(env);
    kafkit_set_int(env, result, "low", data->low);
    kafkit_set_int(env, result, "high", data->high);
    napi_resolve_deferred(env, job->deferred, result);
    job->deferred = NULL;
  }
  kafkit_job_complete_error(env, job);
  if (data->partitions) rd_kafka_topic_partition_list_destroy(data->partitions);
  free(data);
}

static napi_value submit(napi_env env, kafkit_native_client *client, membership_op op, bool incremental,
                         rd_kafka_topic_partition_list_t *partitions, int32_t timeout_ms) {
  membership_data *data = calloc(1, sizeof(*data));
  kafkit_job *job = data ? kafkit_job_new(env, client, membership_execute, membership_complete) : NULL;
  if (!job) {
    if (!data) napi_throw_error(env, NULL, "out of memory");
    if (partitions) rd_kafka_topic_partition_list_destroy(partitions);
    free(data);
    return NULL;
  }
  data->op = op;
  data->incremental = incremental;
  data->partitions = partitions;
  job->data = data;
  job->timeout_ms = timeout_ms;
  napi_value promise = kafkit_worker_submit(env, client, job);
  /* On failure the job and its data are freed already; the list is not. */
  if (!promise && partitions) rd_kafka_topic_partition_list_destroy(partitions);
  return promise;
}

/* consumerSubscribe(handle, topics: string[]) -> Promise<void>. Names starting with ^ are regular expressions. */
static napi_value subscribe(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = consumer_args(env, info, 2, argv);
  if (!client) return NULL;
  char **topics = NULL;
  uint32_t count = 0;
  if (!kafkit_string_array(env, argv[1], "topics", &topics, &count)) return NULL;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(count ? count : 1));
  for (uint32_t i = 0; i < count; i++) rd_kafka_topic_partition_list_add(list, topics[i], RD_KAFKA_PARTITION_UA);
  kafkit_free_strings(topics, count);
  return submit(env, client, OP_SUBSCRIBE, false, list, 0);
}

/* consumerUnsubscribe(handle) -> Promise<void>; librdkafka then revokes everything through a rebalance. */
static napi_value unsubscribe(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = consumer_args(env, info, 1, argv);
  if (!client) return NULL;
  return submit(env, client, OP_UNSUBSCRIBE, false, NULL, 0);
}

/*
 * consumerAssign(handle, partitions, assign: boolean, incremental: boolean) -> Promise<void>
 * Answers a rebalance: adds (incremental) or replaces (eager) the assignment, or removes partitions from it.
 */
static napi_value assign(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 4, argv, &client, &list)) return NULL;
  bool adding = false, incremental = false;
  napi_get_value_bool(env, argv[2], &adding);
  napi_get_value_bool(env, argv[3], &incremental);
  return submit(env, client, adding ? OP_ASSIGN : OP_UNASSIGN, incremental, list, 0);
}

/* (handle, partitions, timeoutMs): a worker job of `op` on the partitions. */
static napi_value submit_with_timeout(napi_env env, napi_callback_info info, membership_op op) {
  napi_value argv[3];
  kafkit_native_client *client;
  rd_kafka_topic_partition_list_t *list;
  if (!consumer_and_list(env, info, 3, argv, &client, &list)) return NULL;
  if (op == OP_WATERMARKS && list->cnt != 1) {
    rd_kafka_topic_partition_list_destroy(list);
    kafkit_throw_type(env, "partitions (exactly one)");
    return NULL;
  }
  int32_t timeout_ms = 0;
  napi_get_value_int32(env, argv[2], &timeout_ms);
  return submit(env, client, op, false, list, timeout_ms);
}

/* consumerCommitted(handle, partitions, timeoutMs) -> Promise<partitions with the group's committed offsets>. */
static napi_value committed(napi_env env, napi_callback_info info) { return submit_with_timeout(env, info, OP_COMMITTED); }

/* consumerOffsetsForTimes(handle, partitions with timestamps as `offset`, timeoutMs) -> Promise<partitions>. */
static napi_value offsets_for_times(napi_env env, napi_callback_info info) {
  return submit_with_timeout(env, info, OP_OFFSETS_FOR_TIMES);
}

/* consumerQueryWatermarks(handle, [{ topic, partition }], timeoutMs) -> Promise<{ low, high }>, asked of the leader. */
static napi_value query_watermarks(napi_env env, napi_callback_info info) {
  return submit_with_timeout(env, info, OP_WATERMARKS);
}

void kafkit_register_consumer(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "consumerOffsetsForTimes", offsets_for_times);
  kafkit_export(env, exports, "consumerQueryWatermarks", query_watermarks);
  kafkit_export(env, exports, "consumerConsume", consume);
  kafkit_export(env, exports, "consumerHeaderLengths", header_lengths);
  kafkit_export(env, exports, "consumerTopicNames", topic_names);
  kafkit_export(env, exports, "consumerTakeRebalances", take_rebalances);
  kafkit_export(env, exports, "consumerPause", pause_partitions);
  kafkit_export(env, exports, "consumerSeek", seek);
  kafkit_export(env, exports, "consumerStoreOffsets", store_offsets);
  kafkit_export(env, exports, "consumerCommit", commit);
  kafkit_export(env, exports, "consumerPosition", position);
  kafkit_export(env, exports, "consumerCachedWatermarks", cached_watermarks);
  kafkit_export(env, exports, "consumerGroupMetadata", group_metadata);
  kafkit_export(env, exports, "consumerSubscribe", subscribe);
  kafkit_export(env, exports, "consumerUnsubscribe", unsubscribe);
  kafkit_export(env, exports, "consumerAssign", assign);
  kafkit_export(env, exports, "consumerCommitted", committed);
}
