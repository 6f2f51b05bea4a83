/* A client's librdkafka configuration from the JavaScript properties, every refused property reported at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "napi_util.h"

/* Sets one property; a refusal is added to `refused` and to the summary. False after throwing. */
static bool set_property(napi_env env, rd_kafka_conf_t *conf, napi_value key, napi_value value, napi_value refused,
                         uint32_t *refused_count, char *summary, size_t summary_size) {
  char *name = kafkit_string(env, key, "configuration property name");
  char *text = name ? kafkit_string(env, value, "configuration value (must be a string)") : NULL;
  if (!text) {
    free(name);
    return false;
  }
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, text, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "property", name);
    kafkit_set_string(env, item, "message", errstr);
    kafkit_push(env, refused, (*refused_count)++, item);
    /* The message names every refused property too (truncated when very long). */
    size_t length = strlen(summary);
    snprintf(summary + length, summary_size - length, "%s%s: %s", *refused_count == 1 ? ": " : "; ", name, errstr);
  }
  free(name);
  free(text);
  return !kafkit_exception_pending(env);
}

rd_kafka_conf_t *kafkit_client_conf(napi_env env, napi_value config) {
  napi_value names;
  uint32_t count;
  KAFKIT_CALL(env, napi_get_property_names(env, config, &names), return NULL);
  KAFKIT_CALL(env, napi_get_array_length(env, names, &count), return NULL);
  napi_value refused = kafkit_array(env, 0);
  if (!refused) return NULL;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  uint32_t refused_count = 0;
  char summary[1024] = "invalid configuration";
  for (uint32_t i = 0; i < count; i++) {
    napi_value key, value;
    if (napi_get_element(env, names, i, &key) != napi_ok || napi_get_property(env, config, key, &value) != napi_ok) {
      kafkit_throw_last(env);
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
    if (!set_property(env, conf, key, value, refused, &refused_count, summary, sizeof(summary))) {
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
  }
  if (refused_count > 0) {
    rd_kafka_conf_destroy(conf);
    napi_value error = kafkit_error_instance(env, RD_KAFKA_RESP_ERR__INVALID_ARG, summary);
    kafkit_set(env, error, "properties", refused);
    if (error) napi_throw(env, error);
    return NULL;
  }
  return conf;
}
