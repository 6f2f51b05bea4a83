/*
 * Loads librdkafka at run time, and tells its version and built-in features.
 *
 * The addon is built against librdkafka's headers only (node-rdkafka ships them with its sources, so they are there
 * whenever npm runs kafkit's install step, even before node-rdkafka's own build has produced the library). The
 * library itself is node-rdkafka's `librdkafka.so.1`, loaded here with RTLD_GLOBAL: the addon's librdkafka calls
 * are bound lazily (Node loads addons with RTLD_LAZY) and resolve to it on first use, and the process holds one
 * librdkafka shared with node-rdkafka. No librdkafka function may run before `load()` succeeded.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

static bool loaded = false;

bool kafkit_librdkafka_loaded(napi_env env) {
  if (!loaded) napi_throw_error(env, "ERR_KAFKIT_NOT_LOADED", "kafkit addon: librdkafka is not loaded yet");
  return loaded;
}

/* load(path): dlopen()s librdkafka and checks that its version is the one the headers describe. */
napi_value kafkit_js_load(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv)) return NULL;
  if (!loaded) {
    char *path = kafkit_string(env, argv[0], "librdkafka path");
    if (!path) return NULL;
    void *library = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    free(path);
    if (!library) {
      const char *reason = dlerror();
      napi_throw_error(env, "ERR_KAFKIT_LOAD", reason ? reason : "dlopen failed");
      return NULL;
    }
    /* The library stays loaded for the life of the process: no dlclose(). */
    int (*version)(void) = (int (*)(void))dlsym(library, "rd_kafka_version");
    if (!version) {
      napi_throw_error(env, "ERR_KAFKIT_LOAD", "the library has no rd_kafka_version(): not librdkafka");
      return NULL;
    }
    /* Major and minor must match the headers the addon was compiled with (the ABI of the structs it reads). */
    if ((version() >> 16) != (RD_KAFKA_VERSION >> 16)) {
      char message[160];
      snprintf(message, sizeof(message),
               "librdkafka 0x%08x was loaded, but the addon was built for 0x%08x: rebuild kafkit", (unsigned)version(),
               (unsigned)RD_KAFKA_VERSION);
      napi_throw_error(env, "ERR_KAFKIT_LOAD", message);
      return NULL;
    }
    loaded = true;
  }
  return kafkit_string_value(env, rd_kafka_version_str(), NAPI_AUTO_LENGTH);
}

/* librdkafkaVersion(): the loaded librdkafka's version string. */
napi_value kafkit_js_librdkafkaVersion(napi_env env, napi_callback_info info) {
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  return kafkit_string_value(env, rd_kafka_version_str(), NAPI_AUTO_LENGTH);
}

/* librdkafkaFeatures(): librdkafka's builtin.features, e.g. "gzip,snappy,ssl,sasl,...". */
napi_value kafkit_js_librdkafkaFeatures(napi_env env, napi_callback_info info) {
  if (!kafkit_librdkafka_loaded(env)) return NULL;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char text[512] = "";
  size_t size = sizeof(text);
  rd_kafka_conf_res_t res = rd_kafka_conf_get(conf, "builtin.features", text, &size);
  rd_kafka_conf_destroy(conf);
  if (res != RD_KAFKA_CONF_OK) text[0] = '\0';
  return kafkit_string_value(env, text, NAPI_AUTO_LENGTH);
}
