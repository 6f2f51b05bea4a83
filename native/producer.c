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
#include "kafkit_admin.h"

#define META_STRIDE 6

/* Scratch space for rd_kafka_produce_batch(), reused across calls (main thread only). */
static rd_kafka_message_t *scratch = NULL;
static size_t scratch_capacity = 0;

static bool ensure_scratch(size_t count) {
  if (count <= scratch_capacity) return true;
  size_t capacity = scratch_capacity ? scratch_capacity : 256;
  while (capacity < count) capacity *= 2;
  rd_kafka_message_t *grown = realloc(scratch, capacity * sizeof(*grown));
  if (!grown) return false;
  scratch = grown;
  scratch_capacity = capacity;
  return true;
}

static void *typed_array(napi_env env, napi_value value, napi_typedarray_type expected, size_t *length) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, &data, &buffer, &offset) != napi_ok || type != expected) {
    kafkit_throw_type(env, "typed array argument");
    return NULL;
  }
  return data;
}

/* A typed array of `type` holding at least `minimum` elements; throws otherwise. */
static void *typed_array_of(napi_env env, napi_value value, napi_typedarray_type type, size_t minimum) {
  size_t length = 0;
  void *data = typed_array(env, value, type, &length);
  if (data && length < minimum) {
    kafkit_throw_type(env, "delivery arrays (all as long as the first)");
    return NULL;
  }
  return data;
}

/* topic(handle, name) -> index of a topic handle kept for the client's life. */
static napi_value topic(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  char *name = kafkit_string(env, argv[1], "topic name");
  if (!name) return NULL;
  if (client->topic_count == client->topic_capacity) {
    uint32_t capacity = client->topic_capacity ? client->topic_capacity * 2 : 16;
    rd_kafka_topic_t **grown = realloc(client->topics, capacity * sizeof(*grown));
    if (!grown) {
      free(name);
      napi_throw_error(env, NULL, "out of memory");
      return NULL;
    }
    client->topics = grown;
    client->topic_capacity = capacity;
  }
  rd_kafka_topic_t *handle = rd_kafka_topic_new(client->rk, name, NULL);
  free(name);
  if (!handle) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    napi_throw(env, kafkit_error_instance(env, err, NULL));
    return NULL;
  }
  client->topics[client->topic_count] = handle;
  napi_value result;
  napi_create_uint32(env, client->topic_count++, &result);
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
  rd_kafka_vu_t vus[7];
  size_t n = 0;
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = client->topics[record[0]]};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = record[1]};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {.ptr = (void *)value, .size = value_length}};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {.ptr = (void *)key, .size = key_length}};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = (void *)(uintptr_t)seq};
  vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY};
  if (record[5]) vus[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_TIMESTAMP, .u.i64 = (int64_t)in->timestamps[index]};
  if (headers) {
    /* produceva takes ownership of the headers only on success. */
    rd_kafka_vu_t with_headers[8];
    memcpy(with_headers, vus, n * sizeof(*vus));
    with_headers[n] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = headers};
    rd_kafka_error_t *error = rd_kafka_produceva(client->rk, with_headers, n + 1);
    if (!error) return RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_resp_err_t err = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    rd_kafka_headers_destroy(headers);
    return err;
  }
  rd_kafka_error_t *error = rd_kafka_produceva(client->rk, vus, n);
  if (!error) return RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_resp_err_t err = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  return err;
}

static napi_value produce(napi_env env, napi_callback_info info) {
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
      in.failures_capacity < 1 + 2 * (size_t)count || !ensure_scratch((size_t)count)) {
    kafkit_throw_type(env, "produce batch (sizes disagree or out of memory)");
    return NULL;
  }
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
      rd_kafka_resp_err_t err = produce_one(client, &in, record, taken, first_seq + (uint32_t)taken, &cursor, &header_cursor);
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
  napi_value result;
  napi_create_int32(env, taken, &result);
  return result;
}

/*
 * drainDeliveries(handle, seq Uint32Array, partition Int32Array, offset Float64Array, timestamp Float64Array,
 *                 error Int32Array, status Int32Array) -> count copied (at most the arrays' length), oldest first.
 */
static napi_value drain_deliveries(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!kafkit_args(env, info, 7, argv)) return NULL;
  kafkit_native_client *client = kafkit_native_any(env, argv[0]);
  size_t capacity = 0;
  uint32_t *seq = client ? typed_array(env, argv[1], napi_uint32_array, &capacity) : NULL;
  int32_t *partition = seq ? typed_array_of(env, argv[2], napi_int32_array, capacity) : NULL;
  double *offset = partition ? typed_array_of(env, argv[3], napi_float64_array, capacity) : NULL;
  double *timestamp = offset ? typed_array_of(env, argv[4], napi_float64_array, capacity) : NULL;
  int32_t *error = timestamp ? typed_array_of(env, argv[5], napi_int32_array, capacity) : NULL;
  int32_t *status = error ? typed_array_of(env, argv[6], napi_int32_array, capacity) : NULL;
  if (!status) return NULL;
  kafkit_delivery_ring *ring = &client->deliveries;
  uv_mutex_lock(&client->lock);
  size_t count = ring->length < capacity ? ring->length : capacity;
  for (size_t i = 0; i < count; i++) {
    const kafkit_delivery *d = &ring->items[(ring->head + i) % ring->capacity];
    seq[i] = d->seq;
    partition[i] = d->partition;
    offset[i] = (double)d->offset;
    timestamp[i] = (double)d->timestamp;
    error[i] = d->error;
    status[i] = d->status;
  }
  ring->length -= count;
  ring->head = ring->length ? (ring->head + count) % ring->capacity : 0;
  uv_mutex_unlock(&client->lock);
  napi_value result;
  napi_create_uint32(env, (uint32_t)count, &result);
  return result;
}

/* purge(handle, inFlightToo): drops queued records (they report _PURGE_QUEUE / _PURGE_INFLIGHT). Non-blocking. */
static napi_value purge(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  bool in_flight = false;
  napi_get_value_bool(env, argv[1], &in_flight);
  int flags = RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_NON_BLOCKING | (in_flight ? RD_KAFKA_PURGE_F_INFLIGHT : 0);
  rd_kafka_resp_err_t err = rd_kafka_purge(client->rk, flags);
  if (err) {
    napi_throw(env, kafkit_error_instance(env, err, NULL));
    return NULL;
  }
  return NULL;
}

/* queueLength(handle): records and requests librdkafka still holds (rd_kafka_outq_len). */
static napi_value queue_length(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  if (!client) return NULL;
  napi_value result;
  napi_create_int32(env, rd_kafka_outq_len(client->rk), &result);
  return result;
}

static void flush_execute(kafkit_job *job) {
  rd_kafka_resp_err_t err = rd_kafka_flush(job->client->rk, job->timeout_ms);
  if (err) job->error = rd_kafka_error_new(err, "flush: %d messages still unacknowledged after %d ms",
                                           rd_kafka_outq_len(job->client->rk), job->timeout_ms);
}

/* flush(handle, timeoutMs) -> Promise<void>: waits on the worker until every record got its report. */
static napi_value flush(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  kafkit_job *job = kafkit_job_new(env, client, flush_execute, kafkit_job_complete_error);
  if (!job) return NULL;
  napi_get_value_int32(env, argv[1], &job->timeout_ms);
  return kafkit_worker_submit(env, client, job);
}

typedef struct {
  char *topic;
  const struct rd_kafka_metadata *metadata;
} metadata_data;

static void metadata_execute(kafkit_job *job) {
  metadata_data *data = job->data;
  rd_kafka_topic_t *topic = data->topic ? rd_kafka_topic_new(job->client->rk, data->topic, NULL) : NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(job->client->rk, topic ? 0 : 1, topic, &data->metadata, job->timeout_ms);
  if (topic) rd_kafka_topic_destroy(topic);
  if (err) job->error = rd_kafka_error_new(err, "metadata: %s", rd_kafka_err2str(err));
}

static void metadata_complete(napi_env env, kafkit_job *job) {
  metadata_data *data = job->data;
  if (job->error) {
    napi_reject_deferred(env, job->deferred, kafkit_error_from(env, job->error));
  } else {
    napi_resolve_deferred(env, job->deferred, kafkit_metadata_value(env, data->metadata));
  }
  if (data->metadata) rd_kafka_metadata_destroy(data->metadata);
  free(data->topic);
  free(data);
}

/* metadata(handle, { timeoutMs, topic? }) -> Promise<RawMetadata>, fetched on the worker. */
static napi_value metadata(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  metadata_data *data = calloc(1, sizeof(*data));
  if (!data) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  bool ok = true;
  data->topic = kafkit_get_string(env, argv[1], "topic", &ok);
  kafkit_job *job = ok ? kafkit_job_new(env, client, metadata_execute, metadata_complete) : NULL;
  if (!job || !kafkit_get_int32(env, argv[1], "timeoutMs", 30000, &job->timeout_ms)) {
    free(data->topic);
    free(data);
    free(job);
    return NULL;
  }
  job->data = data;
  return kafkit_worker_submit(env, client, job);
}

/*
 * setOAuthToken(handle, { tokenValue, expiresAtMs, principal, extensions: string[] } | { failure: string })
 * Answers an OAUTHBEARER refresh event. Non-blocking.
 */
static napi_value set_oauth_token(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  bool ok = true;
  char *failure = kafkit_get_string(env, argv[1], "failure", &ok);
  if (!ok) return NULL;
  if (failure) {
    rd_kafka_oauthbearer_set_token_failure(client->rk, failure);
    free(failure);
    return NULL;
  }
  char *token = kafkit_get_string(env, argv[1], "tokenValue", &ok);
  char *principal = ok ? kafkit_get_string(env, argv[1], "principal", &ok) : NULL;
  int64_t lifetime = 0;
  napi_value lifetime_value, list;
  char **extensions = NULL;
  uint32_t extension_count = 0;
  if (ok && kafkit_get(env, argv[1], "expiresAtMs", &lifetime_value) && lifetime_value) {
    double ms = 0;
    napi_get_value_double(env, lifetime_value, &ms);
    lifetime = (int64_t)ms;
  }
  if (ok && kafkit_get(env, argv[1], "extensions", &list) && list) {
    ok = kafkit_string_array(env, list, "extensions", &extensions, &extension_count);
  }
  if (ok && (!token || !principal)) {
    kafkit_throw_type(env, "OAUTHBEARER token (tokenValue and principal are required)");
    ok = false;
  }
  if (ok) {
    char errstr[512];
    rd_kafka_resp_err_t err = rd_kafka_oauthbearer_set_token(client->rk, token, lifetime, principal,
                                                             (const char **)extensions, extension_count, errstr,
                                                             sizeof(errstr));
    if (err) {
      /* librdkafka retries the refresh later; the failure also tells the handle why it cannot authenticate. */
      rd_kafka_oauthbearer_set_token_failure(client->rk, errstr);
      napi_throw(env, kafkit_error_instance(env, err, errstr));
      ok = false;
    }
  }
  free(token);
  free(principal);
  if (extensions) kafkit_free_strings(extensions, extension_count);
  return NULL;
}

void kafkit_register_producer(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "producerTopic", topic);
  kafkit_export(env, exports, "producerProduce", produce);
  kafkit_export(env, exports, "producerDrainDeliveries", drain_deliveries);
  kafkit_export(env, exports, "producerPurge", purge);
  kafkit_export(env, exports, "producerQueueLength", queue_length);
  kafkit_export(env, exports, "producerFlush", flush);
  kafkit_export(env, exports, "clientMetadata", metadata);
  kafkit_export(env, exports, "clientSetOAuthToken", set_oauth_token);
}
