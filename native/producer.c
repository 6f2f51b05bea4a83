/*
 * The producer's data path: many records per N-API call, delivery reports drained in bulk into typed arrays.
 *
 * produce(handle, meta Int32Array, timestamps Float64Array, data Buffer, firstSeq, count, failures Int32Array)
 *   Record i is described by meta[i*6 .. i*6+5]: topic index, partition (-1: partitioner), key length (-1: null),
 *   value length (-1: null), header count, has-timestamp flag. Its bytes follow each other in `data`: key, value,
 *   then per header its name and value, whose lengths come after the records' entries in `meta` (value length -1
 *   for a null header value). Header values are bytes: binary values and repeated names travel as they are.
 *   The record's opaque is the integer sequence `firstSeq + i`.
 *   Returns how many leading records were taken (enqueued, or refused on their own); stops at the first record
 *   that finds librdkafka's queue full, so the caller keeps order by retrying from there. A refused record's index
 *   and error code are written as pairs to `failures`, whose first slot holds their count.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

#define META_STRIDE 6

/* Scratch space for rd_kafka_produce_batch(), reused across calls (main thread only). */
static rd_kafka_message_t *scratch = NULL;
static size_t scratch_capacity = 0;

/* Room for `count` messages in the scratch space; false after throwing. */
static bool ensure_scratch(napi_env env, size_t count) {
  rd_kafka_message_t *grown = kafkit_grow_or_throw(env, scratch, &scratch_capacity, count, sizeof(*grown), 256,
                                                   "preparing a produce batch (no record of it was sent)");
  if (grown) scratch = grown;
  return grown != NULL;
}

/* The elements of a typed array argument of the given type (NULL after throwing). */
static void *typed_array(napi_env env, napi_value value, napi_typedarray_type expected, size_t *length) {
  void *data = NULL;
  return kafkit_typed_array(env, value, expected, &data, length, "typed array argument") ? data : NULL;
}

/* Room for one more topic handle; false after throwing. */
static bool reserve_topic(napi_env env, kafkit_native_client *client) {
  rd_kafka_topic_t **grown = kafkit_grow_or_throw(env, client->topics, &client->topic_capacity, client->topic_count + 1,
                                                  sizeof(*grown), 16, "adding a topic handle");
  if (grown) client->topics = grown;
  return grown != NULL;
}

/* producerTopic(handle, name) -> index of a topic handle kept for the client's life. */
napi_value kafkit_js_producerTopic(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client || !reserve_topic(env, client)) return NULL;
  char *name = kafkit_string(env, argv[1], "topic name");
  if (!name) return NULL;
  rd_kafka_topic_t *handle = rd_kafka_topic_new(client->rk, name, NULL);
  free(name);
  if (!handle) {
    kafkit_throw_code(env, rd_kafka_last_error(), NULL);
    return NULL;
  }
  napi_value result = kafkit_int(env, client->topic_count);
  if (result) client->topics[client->topic_count++] = handle;
  else rd_kafka_topic_destroy(handle);
  return result;
}

typedef struct {
  const int32_t *meta;
  size_t meta_length;
  const double *timestamps;
  const char *data;
  size_t data_length;
  int32_t *failures;
  size_t failures_capacity;
} produce_input;

static void add_failure(const produce_input *in, int32_t index, rd_kafka_resp_err_t err) {
  int32_t count = in->failures[0];
  if ((size_t)(1 + 2 * count + 2) > in->failures_capacity) return; /* sized by the caller: cannot happen */
  in->failures[1 + 2 * count] = index;
  in->failures[2 + 2 * count] = err;
  in->failures[0] = count + 1;
}

static size_t span(int32_t length) { return length > 0 ? (size_t)length : 0; }

/* One record with a timestamp or headers, through rd_kafka_produceva(). */
static rd_kafka_resp_err_t produce_one(kafkit_native_client *client, const produce_input *in, const int32_t *record,
                                       int32_t index, uint32_t seq, size_t *cursor, size_t *header_cursor) {
  const char *key = record[2] >= 0 ? in->data + *cursor : NULL;
  size_t key_length = span(record[2]);
  *cursor += key_length;
  const char *value = record[3] >= 0 ? in->data + *cursor : NULL;
  size_t value_length = span(record[3]);
  *cursor += value_length;
  int32_t header_count = record[4];
  rd_kafka_headers_t *headers = NULL;
  if (header_count > 0) {
    headers = rd_kafka_headers_new((size_t)header_count);
    for (int32_t h = 0; h < header_count; h++) {
      const int32_t *lengths = &in->meta[*header_cursor];
      *header_cursor += 2;
      const char *name = in->data + *cursor;
      *cursor += span(lengths[0]);
      const char *header_value = lengths[1] >= 0 ? in->data + *cursor : NULL;
      *cursor += span(lengths[1]);
      rd_kafka_header_add(headers, name, lengths[0], header_value, lengths[1] >= 0 ? lengths[1] : 0);
    }
  }
  rd_kafka_vu_t vus[8];
  size_t n = 0;
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = client->topics[record[0]]};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = record[1]};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {.ptr = (void *)value, .size = value_length}};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {.ptr = (void *)key, .size = key_length}};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = (void *)(uintptr_t)seq};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY};
  if (record[5]) vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_TIMESTAMP, .u.i64 = (int64_t)in->timestamps[index]};
  if (headers) vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = headers};
  rd_kafka_error_t *error = rd_kafka_produceva(client->rk, vus, n);
  if (!error) return RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_resp_err_t err = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  if (headers) rd_kafka_headers_destroy(headers); /* produceva takes ownership of the headers only on success */
  return err;
}

/* producerProduce(...): see the comment at the top. */
napi_value kafkit_js_producerProduce(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  kafkit_native_client *client = kafkit_native_args(env, info, 7, argv);
  if (!client) return NULL;
  produce_input in;
  size_t timestamps_length;
  void *data = NULL;
  uint32_t first_seq;
  int32_t count;
  if (!(in.meta = typed_array(env, argv[1], napi_int32_array, &in.meta_length)) ||
      !(in.timestamps = typed_array(env, argv[2], napi_float64_array, &timestamps_length))) {
    return NULL;
  }
  if (napi_get_buffer_info(env, argv[3], &data, &in.data_length) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &first_seq) != napi_ok ||
      napi_get_value_int32(env, argv[5], &count) != napi_ok ||
      !(in.failures = typed_array(env, argv[6], napi_int32_array, &in.failures_capacity))) {
    kafkit_throw_type(env, "produce arguments");
    return NULL;
  }
  in.data = data;
  if (count < 0 || (size_t)count * META_STRIDE > in.meta_length || (size_t)count > timestamps_length ||
      in.failures_capacity < 1 + 2 * (size_t)count) {
    kafkit_throw_type(env, "produce batch (sizes disagree)");
    return NULL;
  }
  if (!ensure_scratch(env, (size_t)count)) return NULL;
  /* Validate every span before librdkafka reads any byte. */
  size_t total = 0, header_cursor = (size_t)count * META_STRIDE;
  for (int32_t i = 0; i < count; i++) {
    const int32_t *record = &in.meta[i * META_STRIDE];
    if (record[0] < 0 || (uint32_t)record[0] >= client->topic_count || record[4] < 0 ||
        header_cursor + 2 * (size_t)record[4] > in.meta_length) {
      kafkit_throw_type(env, "produce batch record");
      return NULL;
    }
    total += span(record[2]) + span(record[3]);
    for (int32_t h = 0; h < record[4]; h++, header_cursor += 2) {
      total += span(in.meta[header_cursor]) + span(in.meta[header_cursor + 1]);
    }
  }
  if (total > in.data_length) {
    kafkit_throw_type(env, "produce batch data (shorter than its lengths say)");
    return NULL;
  }

  in.failures[0] = 0;
  size_t cursor = 0;
  header_cursor = (size_t)count * META_STRIDE;
  int32_t taken = 0;
  while (taken < count) {
    const int32_t *record = &in.meta[taken * META_STRIDE];
    if (record[4] > 0 || record[5]) {
      rd_kafka_resp_err_t err =
          produce_one(client, &in, record, taken, first_seq + (uint32_t)taken, &cursor, &header_cursor);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) break; /* the caller retries from here: order holds */
      if (err) add_failure(&in, taken, err);
      taken++;
      continue;
    }
    /* A run of plain records to one topic: one rd_kafka_produce_batch() call. */
    int32_t run = 0;
    int32_t topic_index = record[0];
    while (taken + run < count) {
      const int32_t *next = &in.meta[(taken + run) * META_STRIDE];
      if (next[0] != topic_index || next[4] > 0 || next[5]) break;
      rd_kafka_message_t *message = &scratch[run];
      memset(message, 0, sizeof(*message));
      message->partition = next[1];
      message->key = next[2] >= 0 ? (void *)(in.data + cursor) : NULL;
      message->key_len = span(next[2]);
      cursor += message->key_len;
      message->payload = next[3] >= 0 ? (void *)(in.data + cursor) : NULL;
      message->len = span(next[3]);
      cursor += message->len;
      message->_private = (void *)(uintptr_t)(first_seq + (uint32_t)(taken + run));
      run++;
    }
    rd_kafka_produce_batch(client->topics[topic_index], RD_KAFKA_PARTITION_UA,
                           RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_PARTITION, scratch, run);
    /* librdkafka refuses everything after the first full queue; other refusals concern one record each. */
    bool full = false;
    for (int32_t i = 0; i < run; i++) {
      if (scratch[i].err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        full = true;
        taken += i;
        break;
      }
      if (scratch[i].err) add_failure(&in, taken + i, scratch[i].err);
    }
    if (full) break;
    taken += run;
  }
  /* The records are with librdkafka now: their delivery reports settle them even if this count cannot be made. */
  return kafkit_int(env, taken);
}
