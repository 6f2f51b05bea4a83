/*
 * What the producer's librdkafka still holds and what it has settled: delivery reports drained in bulk into typed
 * arrays, purge, the queue length, and flush (on the worker: it blocks).
 */
#include "client.h"
#include "exports.h"
#include "napi_util.h"

/* The elements of a typed array argument of `type` holding at least `minimum` elements (NULL after throwing). */
static void *delivery_array(napi_env env, napi_value value, napi_typedarray_type type, size_t minimum) {
  size_t length = 0;
  void *data = NULL;
  if (!kafkit_typed_array(env, value, type, &data, &length, "typed array argument")) return NULL;
  if (length < minimum) {
    kafkit_throw_type(env, "delivery arrays (all as long as the first)");
    return NULL;
  }
  return data;
}

/*
 * producerDrainDeliveries(handle, seq Uint32Array, partition Int32Array, offset Float64Array, timestamp Float64Array,
 *                         error Int32Array, status Int32Array) -> count copied (at most the arrays' length), oldest first.
 */
napi_value kafkit_js_producerDrainDeliveries(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  kafkit_native_client *client = kafkit_native_any_args(env, info, 7, argv);
  size_t capacity = 0;
  void *seq_data = NULL;
  if (!client || !kafkit_typed_array(env, argv[1], napi_uint32_array, &seq_data, &capacity, "typed array argument")) {
    return NULL;
  }
  uint32_t *seq = seq_data;
  int32_t *partition = delivery_array(env, argv[2], napi_int32_array, capacity);
  double *offset = partition ? delivery_array(env, argv[3], napi_float64_array, capacity) : NULL;
  double *timestamp = offset ? delivery_array(env, argv[4], napi_float64_array, capacity) : NULL;
  int32_t *error = timestamp ? delivery_array(env, argv[5], napi_int32_array, capacity) : NULL;
  int32_t *status = error ? delivery_array(env, argv[6], napi_int32_array, capacity) : NULL;
  if (!status) return NULL;
  kafkit_delivery_ring *ring = &client->deliveries;
  uv_mutex_lock(&client->lock);
  size_t count = ring->length < capacity ? ring->length : capacity;
  /* The count is made before any report leaves the ring: a report JavaScript cannot learn about must stay. */
  napi_value result = NULL;
  if (napi_create_uint32(env, (uint32_t)count, &result) != napi_ok) {
    uv_mutex_unlock(&client->lock);
    kafkit_throw_last(env);
    return NULL;
  }
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
  return result;
}

/* producerPurge(handle, inFlightToo): drops queued records (they report _PURGE_QUEUE / _PURGE_INFLIGHT). Non-blocking. */
napi_value kafkit_js_producerPurge(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  if (!client) return NULL;
  bool in_flight = kafkit_bool_arg(env, argv[1], false);
  int flags = RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_NON_BLOCKING | (in_flight ? RD_KAFKA_PURGE_F_INFLIGHT : 0);
  return kafkit_void_result(env, rd_kafka_purge(client->rk, flags));
}

/* producerQueueLength(handle): records and requests librdkafka still holds (rd_kafka_outq_len). */
napi_value kafkit_js_producerQueueLength(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_args(env, info, 1, argv);
  return client ? kafkit_int(env, rd_kafka_outq_len(client->rk)) : NULL;
}

static void flush_execute(kafkit_job *job) {
  rd_kafka_resp_err_t err = rd_kafka_flush(job->client->rk, job->timeout_ms);
  if (err)
    job->error = rd_kafka_error_new(err, "flush: %d messages still unacknowledged after %d ms",
                                    rd_kafka_outq_len(job->client->rk), job->timeout_ms);
}

/* producerFlush(handle, timeoutMs) -> Promise<void>: waits on the worker until every record got its report. */
KAFKIT_WORKER_FUNCTION(producerFlush, flush_execute)
