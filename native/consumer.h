/*
 * The consumer's state on kafkit's handle, shared by consumer.c (group membership events and lifecycle),
 * consumer_fetch.c (the batch fetch), consumer_calls.c (non-blocking calls) and consumer_jobs.c (blocking calls on
 * the worker). See consumer.c for the threads.
 */
#ifndef KAFKIT_CONSUMER_H
#define KAFKIT_CONSUMER_H

#include "client.h"

typedef struct kafkit_rebalance {
  rd_kafka_resp_err_t code;
  rd_kafka_topic_partition_list_t *partitions;
  bool lost;
  bool cooperative;
  struct kafkit_rebalance *next;
} kafkit_rebalance;

/* What consumerConsume's first pass finds out about a message before the batch's Buffer exists. */
typedef struct {
  int32_t topic;   /* index into the topic names, -1 when librdkafka gave none */
  int32_t headers; /* header count */
} kafkit_fetch_entry;

/* Whether kafkit_message_header_count may read librdkafka's message struct (see message_headers.c). */
typedef enum { KAFKIT_MIRROR_UNCHECKED, KAFKIT_MIRROR_USED, KAFKIT_MIRROR_UNUSED } kafkit_header_mirror;

struct kafkit_consumer {
  rd_kafka_queue_t *queue;
  rd_kafka_message_t **messages;
  size_t capacity;
  char **topics;
  uint32_t topic_count, last_topic;
  size_t topic_capacity;
  /* consumerConsume's first pass over a batch (see consumer_fetch.c), kept between calls. */
  kafkit_fetch_entry *first_pass;
  size_t first_pass_capacity;
  kafkit_header_mirror header_mirror;
  /* Touched only by the thread serving the consumer queue: JavaScript's, or the worker's during close. */
  kafkit_rebalance *rebalances_head, *rebalances_tail;
  uint32_t rebalance_count;
  bool closing;
};

/* The consumer behind a handle (NULL after throwing: not live, or not a consumer). */
kafkit_native_client *kafkit_consumer_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
/* kafkit_consumer_args for the calls that need only the consumer's state. */
kafkit_consumer *kafkit_consumer_state_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);

/* Reads (handle, partitions, ...): the live consumer and a new list of the partitions; false after throwing. */
bool kafkit_consumer_and_list(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                              kafkit_native_client **client, rd_kafka_topic_partition_list_t **list);
/* How many headers a fetched message has (0 for an error). */
size_t kafkit_message_header_count(kafkit_consumer *consumer, rd_kafka_message_t *message);
/* { low, high } */
napi_value kafkit_watermarks_value(napi_env env, int64_t low, int64_t high);

#endif
