/*
 * Finds the rd_kafka_t of a client that kafkit's addon does not own (node-rdkafka's consumer, until the consumer
 * moves onto kafkit's addon): the addon is also a librdkafka plugin. A client configured with
 * `plugin.library.paths=<this addon>` and `kafkit.handle.token=<token>` registers its handle under the token when
 * librdkafka creates it, and unregisters it when it is destroyed. Both run in the same process on the same
 * librdkafka, so the handle can be read directly (here: the consumer's group metadata for transactions).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "kafkit_admin.h"

#define TOKEN_PROPERTY "kafkit.handle.token"
#define INTERCEPTOR_NAME "kafkit.handle_registry"

typedef struct registered {
  char *token;
  rd_kafka_t *rk;
  struct registered *next;
} registered;

static uv_once_t once = UV_ONCE_INIT;
static uv_mutex_t registry_lock;
static registered *registry = NULL;

static void init_lock(void) { uv_mutex_init(&registry_lock); }

/* Per configuration object: the token set on it. */
typedef struct {
  char token[64];
} interceptor_state;

static rd_kafka_resp_err_t on_destroy(rd_kafka_t *rk, void *ic_opaque) {
  (void)ic_opaque;
  uv_mutex_lock(&registry_lock);
  for (registered **link = &registry; *link; link = &(*link)->next) {
    if ((*link)->rk == rk) {
      registered *gone = *link;
      *link = gone->next;
      free(gone->token);
      free(gone);
      break;
    }
  }
  uv_mutex_unlock(&registry_lock);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_resp_err_t on_new(rd_kafka_t *rk, const rd_kafka_conf_t *conf, void *ic_opaque, char *errstr,
                                  size_t errstr_size) {
  (void)conf;
  interceptor_state *state = ic_opaque;
  if (!state->token[0]) return RD_KAFKA_RESP_ERR_NO_ERROR;
  registered *entry = calloc(1, sizeof(*entry));
  char *token = strdup(state->token);
  if (!entry || !token) {
    free(entry);
    free(token);
    snprintf(errstr, errstr_size, "kafkit: out of memory registering the client handle");
    return RD_KAFKA_RESP_ERR__CRIT_SYS_RESOURCE;
  }
  entry->token = token;
  entry->rk = rk;
  rd_kafka_interceptor_add_on_destroy(rk, INTERCEPTOR_NAME, on_destroy, NULL);
  uv_mutex_lock(&registry_lock);
  entry->next = registry;
  registry = entry;
  uv_mutex_unlock(&registry_lock);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_conf_res_t on_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr,
                                       size_t errstr_size, void *ic_opaque) {
  (void)conf;
  interceptor_state *state = ic_opaque;
  if (strcmp(name, TOKEN_PROPERTY) != 0) return RD_KAFKA_CONF_UNKNOWN;
  if (!value || strlen(value) >= sizeof(state->token)) {
    snprintf(errstr, errstr_size, "%s must be 1 to %zu characters", TOKEN_PROPERTY, sizeof(state->token) - 1);
    return RD_KAFKA_CONF_INVALID;
  }
  strcpy(state->token, value);
  return RD_KAFKA_CONF_OK;
}

static rd_kafka_resp_err_t on_conf_destroy(void *ic_opaque) {
  free(ic_opaque);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/*
 * librdkafka's plugin entry point, called when `plugin.library.paths` names this file (also again for each copy of
 * the configuration, whose token librdkafka then sets again through on_conf_set).
 */
rd_kafka_resp_err_t conf_init(rd_kafka_conf_t *conf, void **plug_opaquep, char *errstr, size_t errstr_size);
rd_kafka_resp_err_t conf_init(rd_kafka_conf_t *conf, void **plug_opaquep, char *errstr, size_t errstr_size) {
  *plug_opaquep = NULL;
  uv_once(&once, init_lock);
  interceptor_state *state = calloc(1, sizeof(*state));
  if (!state) {
    snprintf(errstr, errstr_size, "kafkit: out of memory");
    return RD_KAFKA_RESP_ERR__CRIT_SYS_RESOURCE;
  }
  rd_kafka_conf_interceptor_add_on_conf_set(conf, INTERCEPTOR_NAME, on_conf_set, state);
  rd_kafka_conf_interceptor_add_on_conf_destroy(conf, INTERCEPTOR_NAME, on_conf_destroy, state);
  rd_kafka_conf_interceptor_add_on_new(conf, INTERCEPTOR_NAME, on_new, state);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* consumerGroupMetadata(token) -> Buffer: the registered consumer's group metadata, serialized. */
static napi_value consumer_group_metadata(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!kafkit_args(env, info, 1, argv) || !kafkit_librdkafka_loaded(env)) return NULL;
  char *token = kafkit_string(env, argv[0], "handle token");
  if (!token) return NULL;
  uv_once(&once, init_lock);
  void *bytes = NULL;
  size_t size = 0;
  rd_kafka_error_t *error = NULL;
  bool found = false;
  uv_mutex_lock(&registry_lock);
  for (registered *entry = registry; entry; entry = entry->next) {
    if (strcmp(entry->token, token) != 0) continue;
    found = true;
    rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(entry->rk);
    if (!group) break;
    error = rd_kafka_consumer_group_metadata_write(group, &bytes, &size);
    rd_kafka_consumer_group_metadata_destroy(group);
    break;
  }
  uv_mutex_unlock(&registry_lock);
  free(token);
  if (error) {
    napi_throw(env, kafkit_error_from(env, error));
    rd_kafka_error_destroy(error);
    return NULL;
  }
  if (!found || !bytes) {
    napi_throw(env, kafkit_error_instance(env, RD_KAFKA_RESP_ERR__STATE, "the consumer has no group metadata (not connected)"));
    return NULL;
  }
  napi_value result;
  void *copy = NULL;
  napi_status status = napi_create_buffer_copy(env, size, bytes, &copy, &result);
  rd_kafka_mem_free(NULL, bytes);
  if (status != napi_ok) {
    kafkit_throw_last(env);
    return NULL;
  }
  return result;
}

void kafkit_register_handle_registry(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "consumerGroupMetadata", consumer_group_metadata);
}
