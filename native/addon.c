/* The addon's entry point: registers every group of functions on the exports object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

bool kafkit_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  KAFKIT_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), return false);
  if (argc < expected) {
    napi_throw_type_error(env, NULL, "kafkit admin addon: missing arguments");
    return false;
  }
  return true;
}

static napi_value version(napi_env env, napi_callback_info info) {
  (void)info;
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  napi_value result;
  napi_create_string_utf8(env, rd_kafka_version_str(), NAPI_AUTO_LENGTH, &result);
  return result;
}

/* librdkafkaFeatures(): librdkafka's builtin.features, e.g. "gzip,snappy,ssl,sasl,...". */
static napi_value features(napi_env env, napi_callback_info info) {
  (void)info;
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char text[512] = "";
  size_t size = sizeof(text);
  rd_kafka_conf_res_t res = rd_kafka_conf_get(conf, "builtin.features", text, &size);
  rd_kafka_conf_destroy(conf);
  if (res != RD_KAFKA_CONF_OK) text[0] = '\0';
  napi_value result;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  kafkit_register_loader(env, exports);
  kafkit_register_client(env, exports);
  kafkit_register_producer(env, exports);
  kafkit_register_send_now(env, exports);
  kafkit_register_consumer(env, exports);
  kafkit_register_transactions(env, exports);
  kafkit_register_mock(env, exports);
  kafkit_export(env, exports, "librdkafkaVersion", version);
  kafkit_export(env, exports, "librdkafkaFeatures", features);
  kafkit_register_admin(env, exports);
  kafkit_register_topics(env, exports);
  kafkit_register_groups(env, exports);
  kafkit_register_records(env, exports);
  kafkit_register_configs(env, exports);
  kafkit_register_acls(env, exports);
  kafkit_register_scram(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
