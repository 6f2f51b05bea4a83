/* The addon's entry point: registers every function of exports.h on the exports object. */
#include "exports.h"
#include "napi_util.h"

static const struct {
  const char *name;
  napi_callback callback;
} functions[] = {
#define KAFKIT_EXPORT_ENTRY(name) {#name, kafkit_js_##name},
    KAFKIT_EXPORTS(KAFKIT_EXPORT_ENTRY)
#undef KAFKIT_EXPORT_ENTRY
};

static napi_value init(napi_env env, napi_value exports) {
  for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
    napi_value fn;
    KAFKIT_CALL(env, napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].callback, NULL, &fn),
                return NULL);
    KAFKIT_CALL(env, napi_set_named_property(env, exports, functions[i].name, fn), return NULL);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
