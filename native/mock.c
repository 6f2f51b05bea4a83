/*
 * librdkafka's mock cluster with its control API, for kafkit/testing's MockCluster and kafkit's own fault tests:
 * brokers listening on 127.0.0.1, request errors injected per API, brokers taken down and brought back.
 * The control calls only set state under the mock cluster's lock; stopping joins its thread, so it runs off the
 * event loop.
 */
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

#include <librdkafka/rdkafka_mock.h> /* after rdkafka.h */

typedef struct {
  rd_kafka_t *rk; /* the handle the mock cluster belongs to */
  rd_kafka_mock_cluster_t *cluster;
} kafkit_mock;

static kafkit_mock *mock_from(napi_env env, napi_value handle) {
  kafkit_mock *mock = NULL;
  if (napi_get_value_external(env, handle, (void **)&mock) != napi_ok || !mock) {
    kafkit_throw_type(env, "mock cluster handle");
    return NULL;
  }
  if (!mock->cluster) {
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__DESTROY, "the mock cluster was stopped");
    return NULL;
  }
  return mock;
}

/* Reads `count` arguments, the first being a running mock cluster's handle, which it returns (NULL after throwing). */
static kafkit_mock *mock_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  return kafkit_args(env, info, count, argv) ? mock_from(env, argv[0]) : NULL;
}

static void stop_now(kafkit_mock *mock) {
  if (!mock->cluster) return;
  rd_kafka_mock_cluster_destroy(mock->cluster);
  rd_kafka_destroy(mock->rk);
  mock->cluster = NULL;
  mock->rk = NULL;
}

static void finalize_mock(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  stop_now(data); /* collected without stop(): unreachable, so blocking once here is the lesser evil */
  free(data);
}

/* mockStart(brokerCount) -> { handle, bootstraps } */
napi_value kafkit_js_mockStart(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv) || !kafkit_librdkafka_loaded(env)) return NULL;
  int32_t count = 1;
  if (napi_get_value_int32(env, argv[0], &count) != napi_ok || count < 1) {
    kafkit_throw_type(env, "broker count");
    return NULL;
  }
  kafkit_mock *mock = kafkit_calloc(env, 1, sizeof(*mock), "starting a mock cluster");
  if (!mock) return NULL;
  char errstr[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  mock->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!mock->rk) {
    rd_kafka_conf_destroy(conf);
    free(mock);
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    return NULL;
  }
  mock->cluster = rd_kafka_mock_cluster_new(mock->rk, count);
  if (!mock->cluster) {
    rd_kafka_destroy(mock->rk);
    free(mock);
    kafkit_throw_code(env, RD_KAFKA_RESP_ERR__FAIL, "the mock cluster could not start");
    return NULL;
  }
  napi_value handle, result = kafkit_object(env);
  if (!result || napi_create_external(env, mock, finalize_mock, NULL, &handle) != napi_ok) {
    kafkit_throw_last(env);
    stop_now(mock);
    free(mock);
    return NULL;
  }
  kafkit_set(env, result, "handle", handle);
  kafkit_set_string(env, result, "bootstraps", rd_kafka_mock_cluster_bootstraps(mock->cluster));
  return result;
}

typedef struct {
  kafkit_mock *mock;
  napi_deferred deferred;
  napi_async_work work;
  napi_ref handle_ref;
} stop_job;

static void stop_execute(napi_env env, void *data) {
  (void)env;
  stop_now(((stop_job *)data)->mock);
}

static void stop_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  stop_job *job = data;
  napi_resolve_deferred(env, job->deferred, kafkit_undefined(env));
  napi_delete_async_work(env, job->work);
  napi_delete_reference(env, job->handle_ref);
  free(job);
}

/* mockStop(handle) -> Promise<void>: stops the brokers (on the thread pool: it joins the mock's thread). */
napi_value kafkit_js_mockStop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_mock *mock = mock_args(env, info, 1, argv);
  if (!mock) return NULL;
  stop_job *job = kafkit_calloc(env, 1, sizeof(*job), "stopping a mock cluster");
  if (!job) return NULL;
  job->mock = mock;
  napi_value promise, name = kafkit_string_value(env, "kafkit.mock.stop", NAPI_AUTO_LENGTH);
  if (!name || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_reference(env, argv[0], 1, &job->handle_ref) != napi_ok ||
      napi_create_async_work(env, NULL, name, stop_execute, stop_complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    kafkit_throw_last(env);
    free(job);
    return NULL;
  }
  return promise;
}

/* mockPushRequestErrors(handle, apiKey, codes Int32Array): the next requests of that API fail with these, in order. */
napi_value kafkit_js_mockPushRequestErrors(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_mock *mock = mock_args(env, info, 3, argv);
  int32_t api_key = -1;
  int32_t *codes = NULL;
  uint32_t count = 0;
  if (!mock) return NULL;
  if (napi_get_value_int32(env, argv[1], &api_key) != napi_ok || api_key < 0) {
    kafkit_throw_type(env, "API key");
    return NULL;
  }
  if (!kafkit_int32_array(env, argv[2], "error codes", &codes, &count)) return NULL;
  rd_kafka_resp_err_t *errors = kafkit_calloc(env, count, sizeof(*errors), "reading the errors to inject");
  if (!errors) {
    free(codes);
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) errors[i] = (rd_kafka_resp_err_t)codes[i];
  rd_kafka_mock_push_request_errors_array(mock->cluster, (int16_t)api_key, count, errors);
  free(errors);
  free(codes);
  return NULL;
}

/* mockSetBrokerUp(handle, brokerId, up): takes a broker down (its connections close, new ones fail) or back up. */
napi_value kafkit_js_mockSetBrokerUp(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  kafkit_mock *mock = mock_args(env, info, 3, argv);
  if (!mock) return NULL;
  int32_t broker = kafkit_int32_arg(env, argv[1], -1);
  return kafkit_void_result(env, kafkit_bool_arg(env, argv[2], true)
                                     ? rd_kafka_mock_broker_set_up(mock->cluster, broker)
                                     : rd_kafka_mock_broker_set_down(mock->cluster, broker));
}

/* mockSetCoordinator(handle, keyType "group" | "transaction", key, brokerId): moves a group's or transactional id's
 * coordinator to another broker. */
napi_value kafkit_js_mockSetCoordinator(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_mock *mock = mock_args(env, info, 4, argv);
  if (!mock) return NULL;
  int32_t broker = kafkit_int32_arg(env, argv[3], -1);
  char *type = kafkit_string(env, argv[1], "key type");
  char *key = type ? kafkit_string(env, argv[2], "key") : NULL;
  rd_kafka_resp_err_t err = key ? rd_kafka_mock_coordinator_set(mock->cluster, type, key, broker) : 0;
  free(type);
  free(key);
  return kafkit_void_result(env, err);
}

/* mockCreateTopic(handle, topic, partitions, replicationFactor) */
napi_value kafkit_js_mockCreateTopic(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kafkit_mock *mock = mock_args(env, info, 4, argv);
  char *topic = mock ? kafkit_string(env, argv[1], "topic") : NULL;
  if (!topic) return NULL;
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mock->cluster, topic, kafkit_int32_arg(env, argv[2], 1),
                                                       kafkit_int32_arg(env, argv[3], 1));
  free(topic);
  return kafkit_void_result(env, err);
}
