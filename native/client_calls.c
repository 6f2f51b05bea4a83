/* Non-blocking calls on any client's handle: bootstrap brokers, the fatal error, OAUTHBEARER tokens. */
#include <stdlib.h>

#include "client.h"
#include "exports.h"
#include "napi_util.h"

/*
 * clientAddBrokers(handle, list): hands librdkafka the bootstrap brokers. Clients are created without them, so that
 * nothing connects before connect(); returns how many brokers librdkafka accepted (0: none parsed).
 */
napi_value kafkit_js_clientAddBrokers(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  char *list = client ? kafkit_string(env, argv[1], "broker list") : NULL;
  if (!list) return NULL;
  int added = rd_kafka_brokers_add(client->rk, list);
  free(list);
  return kafkit_int(env, added);
}

/* clientFatalError(handle): librdkafka's fatal error of the handle ({ code, message, rdkafkaName, isFatal }), or null. */
napi_value kafkit_js_clientFatalError(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  kafkit_native_client *client = kafkit_native_any_args(env, info, 1, argv);
  if (!client) return NULL;
  char message[512] = "";
  rd_kafka_resp_err_t code = client->rk && !client->destroying
                                 ? rd_kafka_fatal_error(client->rk, message, sizeof(message))
                                 : RD_KAFKA_RESP_ERR_NO_ERROR;
  napi_value value = kafkit_error_value(env, code, message);
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) kafkit_set_bool(env, value, "isFatal", true);
  return value;
}

/* Sets the token described by `token`; false after throwing. */
static bool set_token(napi_env env, kafkit_native_client *client, napi_value token_value) {
  bool ok = true;
  char *token = kafkit_get_string(env, token_value, "tokenValue", &ok);
  char *principal = ok ? kafkit_get_string(env, token_value, "principal", &ok) : NULL;
  int64_t lifetime = 0;
  napi_value lifetime_value, list;
  char **extensions = NULL;
  uint32_t extension_count = 0;
  if (ok && kafkit_get(env, token_value, "expiresAtMs", &lifetime_value) && lifetime_value) {
    double ms = 0;
    napi_get_value_double(env, lifetime_value, &ms);
    lifetime = (int64_t)ms;
  }
  if (ok && kafkit_get(env, token_value, "extensions", &list) && list) {
    ok = kafkit_string_array(env, list, "extensions", &extensions, &extension_count);
  }
  if (ok && (!token || !principal)) {
    kafkit_throw_type(env, "OAUTHBEARER token (tokenValue and principal are required)");
    ok = false;
  }
  if (ok) {
    char errstr[512];
    rd_kafka_resp_err_t err = rd_kafka_oauthbearer_set_token(
        client->rk, token, lifetime, principal, (const char **)extensions, extension_count, errstr, sizeof(errstr));
    if (err) {
      /* librdkafka retries the refresh later; the failure also tells the handle why it cannot authenticate. */
      rd_kafka_oauthbearer_set_token_failure(client->rk, errstr);
      kafkit_throw_code(env, err, errstr);
      ok = false;
    }
  }
  free(token);
  free(principal);
  kafkit_free_strings(extensions, extension_count);
  return ok;
}

/*
 * clientSetOAuthToken(handle, { tokenValue, expiresAtMs, principal, extensions: string[] } | { failure: string })
 * Answers an OAUTHBEARER refresh event. Non-blocking.
 */
napi_value kafkit_js_clientSetOAuthToken(napi_env env, napi_callback_info info) {
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
  set_token(env, client, argv[1]);
  return NULL;
}
