/*
 * consumerConsume and what JavaScript takes after it: up to `max` ready messages copied into one Buffer (metadata,
 * header lengths and bytes), and the topic names. See consumer.c for the threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer.h"
#include "exports.h"
#include "napi_util.h"

/* Int32 fields per message in the metadata part of the Buffer (see src/native/consumer.ts). */
enum {
  M_TOPIC, /* index into the topic names; -1 when librdkafka gave none (some errors) */
  M_PARTITION,
  M_KEY,          /* key length, -1 for no key */
  M_VALUE,        /* value length, -1 for no value; an error's text for an error */
  M_HEADERS,      /* header count */
  M_HEADER_START, /* index of the first header's (name, value) length pair */
  M_DATA_START,   /* where the key (then the value, then the headers) starts in the payload Buffer */
  M_ERROR,        /* librdkafka's error code, 0 for a message */
  M_LEADER_EPOCH,
  M_TS_TYPE, /* rd_kafka_timestamp_type_t */
  META_STRIDE
};
/* Float64 fields per message in the numbers part of the Buffer: offset, timestamp (exact below 2^53). */
#define NUM_STRIDE 2
/* What consumerConsume reports in the state Int32Array. */
enum { S_COUNT, S_HEADER_PAIRS, S_TOPICS, S_REBALANCES, STATE_LENGTH };

/* The index of a topic name, added on first sight; -1 when out of memory. */
static int32_t topic_index(kafkit_consumer *consumer, const char *name) {
  if (consumer->last_topic < consumer->topic_count && strcmp(consumer->topics[consumer->last_topic], name) == 0) {
    return (int32_t)consumer->last_topic;
  }
  for (uint32_t i = 0; i < consumer->topic_count; i++) {
    if (strcmp(consumer->topics[i], name) == 0) return (int32_t)(consumer->last_topic = i);
  }
  char **topics =
      kafkit_grow(consumer->topics, &consumer->topic_capacity, consumer->topic_count + 1, sizeof(*topics), 8);
  if (!topics) return -1;
  consumer->topics = topics;
  char *copy = strdup(name);
  if (!copy) return -1;
  topics[consumer->topic_count] = copy;
  return (int32_t)(consumer->last_topic = consumer->topic_count++);
}

/* Calls `visit` with each header of a message that has headers. */
typedef void (*header_visitor)(void *context, const char *name, const void *value, size_t size);

static void each_header(rd_kafka_message_t *message, header_visitor visit, void *context) {
  rd_kafka_headers_t *list = NULL;
  rd_kafka_message_headers(message, &list);
  const char *name;
  const void *value;
  size_t size;
  for (size_t h = 0; rd_kafka_header_get_all(list, h, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; h++) {
    visit(context, name, value, size);
  }
}

/* First pass: the bytes a header takes in the payload Buffer. */
static void count_header_bytes(void *context, const char *name, const void *value, size_t size) {
  *(size_t *)context += strlen(name) + (value ? size : 0);
}

/* Second pass: where a header's bytes and lengths go. */
typedef struct {
  char *data;
  size_t *at;
  int32_t *lengths;
  size_t *pair;
} header_copy;

static void copy_header(void *context, const char *name, const void *value, size_t size) {
  header_copy *to = context;
  size_t name_length = strlen(name);
  memcpy(to->data + *to->at, name, name_length);
  *to->at += name_length;
  to->lengths[*to->pair * 2] = (int32_t)name_length;
  to->lengths[*to->pair * 2 + 1] = value ? (int32_t)size : -1;
  if (value) memcpy(to->data + *to->at, value, size), *to->at += size;
  (*to->pair)++;
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
 * consumerConsume(handle, max, state Int32Array[4]) -> Buffer, or undefined when nothing was ready
 * Takes up to `max` ready messages without waiting, into one Buffer: the numbers (Float64, NUM_STRIDE per message),
 * then the metadata (Int32, META_STRIDE per message), then the header (name length, value length or -1) pairs
 * (Int32), then the keys', values' and headers' bytes. One allocation per call, and every part is 8-byte aligned
 * (the Buffer's memory is its own, at offset 0). state: [messages, header length pairs, known topic names (take new
 * ones with consumerTopicNames), rebalances waiting (consumerTakeRebalances)].
 */
napi_value kafkit_js_consumerConsume(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_native_client *client = kafkit_consumer_args(env, info, 3, argv);
  if (!client) return NULL;
  kafkit_consumer *consumer = client->consumer;
  uint32_t max = 0;
  int32_t *state;
  size_t state_length;
  if (napi_get_value_uint32(env, argv[1], &max) != napi_ok || max == 0) {
    kafkit_throw_type(env, "batch size (a positive integer)");
    return NULL;
  }
  if (!kafkit_typed_array(env, argv[2], napi_int32_array, (void **)&state, &state_length, "state (an Int32Array)")) {
    return NULL;
  }
  if (state_length < STATE_LENGTH) {
    kafkit_throw_type(env, "state (an Int32Array of at least 4)");
    return NULL;
  }
  rd_kafka_message_t **messages =
      kafkit_grow_or_throw(env, consumer->messages, &consumer->capacity, max, sizeof(*messages), max,
                           "making room for a fetched batch (no message was taken)");
  if (!messages) return NULL;
  consumer->messages = messages;
  kafkit_fetch_entry *found =
      kafkit_grow_or_throw(env, consumer->first_pass, &consumer->first_pass_capacity, max, sizeof(*found), max,
                           "making room for a fetched batch (no message was taken)");
  if (!found) return NULL;
  consumer->first_pass = found;
  ssize_t taken = rd_kafka_consume_batch_queue(consumer->queue, 0, messages, max);
  if (taken < 0) {
    kafkit_throw_code(env, rd_kafka_last_error(), NULL);
    return NULL;
  }
  size_t count = (size_t)taken;
  state[S_COUNT] = (int32_t)count;
  state[S_HEADER_PAIRS] = 0;
  state[S_REBALANCES] = (int32_t)consumer->rebalance_count;
  state[S_TOPICS] = (int32_t)consumer->topic_count;
  napi_value nothing;
  if (count == 0) return napi_get_undefined(env, &nothing) == napi_ok ? nothing : NULL;

  /* First pass: sizes, topics and the header count. */
  size_t bytes = 0, pairs = 0;
  bool out_of_memory = false;
  for (size_t i = 0; i < count; i++) {
    rd_kafka_message_t *message = messages[i];
    found[i].topic = message->rkt ? topic_index(consumer, rd_kafka_topic_name(message->rkt)) : -1;
    if (message->rkt && found[i].topic < 0) out_of_memory = true;
    bytes += message->key_len + message->len;
    size_t headers = kafkit_message_header_count(consumer, message);
    found[i].headers = (int32_t)headers;
    pairs += headers;
    if (headers > 0) each_header(message, count_header_bytes, &bytes);
  }
  size_t meta_at = count * NUM_STRIDE * sizeof(double);
  size_t lengths_at = meta_at + count * META_STRIDE * sizeof(int32_t);
  size_t data_at = lengths_at + pairs * 2 * sizeof(int32_t);
  char *memory = NULL;
  napi_value buffer = NULL;
  if (!out_of_memory && napi_create_buffer(env, data_at + bytes, (void **)&memory, &buffer) != napi_ok) {
    out_of_memory = true;
  }
  if (out_of_memory) {
    rewind_batch(client, messages, count);
    state[S_COUNT] = 0;
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__FATAL,
                      "kafkit: out of memory while copying a fetched batch (it will be fetched again)");
    return NULL;
  }

  /* Second pass: copy. */
  double *numbers = (double *)memory;
  int32_t *meta = (int32_t *)(memory + meta_at);
  int32_t *lengths = (int32_t *)(memory + lengths_at);
  char *data = memory + data_at;
  size_t at = 0, pair = 0;
  for (size_t i = 0; i < count; i++) {
    rd_kafka_message_t *message = messages[i];
    int32_t *m = meta + i * META_STRIDE;
    rd_kafka_timestamp_type_t timestamp_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    m[M_TOPIC] = found[i].topic;
    m[M_PARTITION] = message->partition;
    m[M_KEY] = message->key ? (int32_t)message->key_len : -1;
    m[M_VALUE] = message->payload ? (int32_t)message->len : -1;
    m[M_HEADERS] = found[i].headers;
    m[M_HEADER_START] = (int32_t)pair;
    m[M_DATA_START] = (int32_t)at;
    m[M_ERROR] = message->err;
    m[M_LEADER_EPOCH] = message->err ? -1 : rd_kafka_message_leader_epoch(message);
    numbers[i * NUM_STRIDE] = (double)message->offset;
    numbers[i * NUM_STRIDE + 1] = (double)rd_kafka_message_timestamp(message, &timestamp_type);
    m[M_TS_TYPE] = (int32_t)timestamp_type;
    if (message->key) memcpy(data + at, message->key, message->key_len), at += message->key_len;
    if (message->payload) memcpy(data + at, message->payload, message->len), at += message->len;
    if (found[i].headers > 0) each_header(message, copy_header, &(header_copy){data, &at, lengths, &pair});
    rd_kafka_message_destroy(message);
  }
  state[S_HEADER_PAIRS] = (int32_t)pairs;
  state[S_TOPICS] = (int32_t)consumer->topic_count;
  return buffer;
}

/* consumerTopicNames(handle, from) -> the topic names from index `from` on. */
napi_value kafkit_js_consumerTopicNames(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_consumer *consumer = kafkit_consumer_state_args(env, info, 2, argv);
  if (!consumer) return NULL;
  uint32_t from = 0;
  napi_get_value_uint32(env, argv[1], &from);
  napi_value names = kafkit_array(env, 0);
  for (uint32_t i = from; i < consumer->topic_count; i++) {
    kafkit_push(env, names, i - from, kafkit_string_value(env, consumer->topics[i], NAPI_AUTO_LENGTH));
  }
  return names;
}
