/*
 * How many headers a fetched message has, without librdkafka's parse where the answer is "none".
 *
 * rd_kafka_message_headers() parses a record's header block on every call that finds no header: it allocates,
 * zeroes and frees a parse buffer to read the block's count. A record without headers still has a block (the single
 * byte of a zero count), so a consumer of such records paid that for every message: about 8% of its CPU (consumer
 * scenario, 1M 100-byte records, librdkafka 2.12).
 *
 * librdkafka keeps the unparsed block in its private message struct (src/rdkafka_msg.h, rd_kafka_msg_t). Its layout
 * is mirrored below for the one librdkafka version it was checked against, and the mirror is used only once a first
 * message of each consumer has shown that it reads the same timestamp, timestamp type and leader epoch as the
 * public accessors (the fields on either side of the block) and the same answer as rd_kafka_message_headers(). The
 * mirror is only ever asked whether a block holds just a zero count; everything else goes through the public call.
 */
#include "consumer.h"
#include "exports.h"
#include "napi_util.h"

/* The librdkafka version whose rd_kafka_msg_t the mirror copies. */
#define MIRRORED_VERSION 0x020c00ff

/* rd_kafka_msg_t of librdkafka 2.12.0 (src/rdkafka_msg.h), as far as the consumer's fields. */
typedef struct {
  rd_kafka_message_t message;
  void *link_next, **link_prev;
  int flags;
  rd_kafka_timestamp_type_t timestamp_type;
  int64_t timestamp;
  rd_kafka_headers_t *headers;
  int status;
  int32_t broker_id;
  union {
    struct {
      int64_t timeout, enqueued, backoff;
      uint64_t id, last_id;
      int retries;
      const char *error;
    } producer;
    struct {
      struct {
        int32_t len;
        const void *data;
        const unsigned char inline_data[1];
      } block;
      int32_t leader_epoch;
    } consumer;
  } u;
} mirrored_message;

static size_t public_count(rd_kafka_message_t *message) {
  rd_kafka_headers_t *headers = NULL;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  return rd_kafka_header_cnt(headers);
}

/* Whether the mirror says that the message's header block is empty or holds only a zero count. */
static bool mirror_says_none(const mirrored_message *mirrored) {
  if (mirrored->headers) return false;
  int32_t len = mirrored->u.consumer.block.len;
  return len <= 0 || (len == 1 && *(const unsigned char *)mirrored->u.consumer.block.data == 0);
}

/* The first message's check of the mirror: fields on both sides of the block, and the answer itself. */
static bool mirror_agrees(rd_kafka_message_t *message, size_t count) {
  const mirrored_message *mirrored = (const mirrored_message *)message;
  rd_kafka_timestamp_type_t type;
  int64_t timestamp = rd_kafka_message_timestamp(message, &type);
  return mirrored->timestamp == timestamp && mirrored->timestamp_type == type &&
         mirrored->u.consumer.leader_epoch == rd_kafka_message_leader_epoch(message) &&
         mirror_says_none(mirrored) == (count == 0);
}

size_t kafkit_message_header_count(kafkit_consumer *consumer, rd_kafka_message_t *message) {
  if (message->err) return 0;
  if (consumer->header_mirror == KAFKIT_MIRROR_USED && mirror_says_none((const mirrored_message *)message)) return 0;
  size_t count = public_count(message);
  if (consumer->header_mirror == KAFKIT_MIRROR_UNCHECKED) {
    /* A leader epoch of -1 cannot tell the mirror's field from a wrong one: wait for a message that has one. */
    bool telling = rd_kafka_message_leader_epoch(message) >= 0;
    if (rd_kafka_version() != MIRRORED_VERSION) consumer->header_mirror = KAFKIT_MIRROR_UNUSED;
    else if (telling)
      consumer->header_mirror = mirror_agrees(message, count) ? KAFKIT_MIRROR_USED : KAFKIT_MIRROR_UNUSED;
  }
  return count;
}

/* consumerHeaderMirror(handle) -> 'unchecked' | 'used' | 'unused': whether the mirror above answers (for tests). */
napi_value kafkit_js_consumerHeaderMirror(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_consumer *consumer = kafkit_consumer_state_args(env, info, 1, argv);
  if (!consumer) return NULL;
  static const char *const names[] = {"unchecked", "used", "unused"};
  return kafkit_string_value(env, names[consumer->header_mirror], NAPI_AUTO_LENGTH);
}
