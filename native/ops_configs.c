/* Resource configuration: DescribeConfigs, IncrementalAlterConfigs. */
#include <stdlib.h>

#include "kafkit_admin.h"

static napi_value entry_value(napi_env env, const rd_kafka_ConfigEntry_t *entry, bool with_synonyms) {
  napi_value item = kafkit_object(env);
  kafkit_set_string(env, item, "name", rd_kafka_ConfigEntry_name(entry));
  kafkit_set_string(env, item, "value", rd_kafka_ConfigEntry_value(entry));
  kafkit_set_int(env, item, "source", rd_kafka_ConfigEntry_source(entry));
  kafkit_set_bool(env, item, "isReadOnly", rd_kafka_ConfigEntry_is_read_only(entry) == 1);
  kafkit_set_bool(env, item, "isDefault", rd_kafka_ConfigEntry_is_default(entry) == 1);
  kafkit_set_bool(env, item, "isSensitive", rd_kafka_ConfigEntry_is_sensitive(entry) == 1);
  if (with_synonyms) {
    size_t count = 0;
    const rd_kafka_ConfigEntry_t **synonyms = rd_kafka_ConfigEntry_synonyms(entry, &count);
    napi_value array = kafkit_array(env, count);
    for (size_t i = 0; i < count; i++) kafkit_push(env, array, (uint32_t)i, entry_value(env, synonyms[i], false));
    kafkit_set(env, item, "synonyms", array);
  }
  return item;
}

/* [{type, name, error, entries}] */
static napi_value resource_results(napi_env env, const rd_kafka_ConfigResource_t **resources, size_t count,
                                   bool with_entries) {
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_ConfigResource_t *resource = resources[i];
    napi_value item = kafkit_object(env);
    kafkit_set_int(env, item, "type", rd_kafka_ConfigResource_type(resource));
    kafkit_set_string(env, item, "name", rd_kafka_ConfigResource_name(resource));
    kafkit_set(env, item, "error",
               kafkit_error_value(env, rd_kafka_ConfigResource_error(resource),
                                  rd_kafka_ConfigResource_error_string(resource)));
    if (with_entries) {
      size_t entry_count = 0;
      const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(resource, &entry_count);
      napi_value js_entries = kafkit_array(env, entry_count);
      for (size_t e = 0; e < entry_count; e++) {
        kafkit_push(env, js_entries, (uint32_t)e, entry_value(env, entries[e], true));
      }
      kafkit_set(env, item, "entries", js_entries);
    }
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

static napi_value convert_describe_configs(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_ConfigResource_t **resources =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count);
  return resource_results(env, resources, count, true);
}

static napi_value convert_alter_configs(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  (void)request;
  size_t count = 0;
  const rd_kafka_ConfigResource_t **resources = rd_kafka_IncrementalAlterConfigs_result_resources(
      rd_kafka_event_IncrementalAlterConfigs_result(event), &count);
  return resource_results(env, resources, count, false);
}

/*
 * Reads [{type, name, ops?: [{name, op, value}]}] into ConfigResources. With `with_ops`, each op is added as an
 * incremental alteration.
 */
static rd_kafka_ConfigResource_t **read_resources(napi_env env, napi_value array, bool with_ops, uint32_t *count) {
  if (!kafkit_array_length(env, array, "resources", count)) return NULL;
  rd_kafka_ConfigResource_t **resources = calloc(*count ? *count : 1, sizeof(*resources));
  bool ok = true;
  uint32_t built = 0;
  for (uint32_t i = 0; ok && i < *count; i++) {
    napi_value item, ops;
    int32_t type = 0;
    ok = kafkit_array_get(env, array, i, &item) && kafkit_get_int32(env, item, "type", 0, &type);
    char *name = ok ? kafkit_get_string(env, item, "name", &ok) : NULL;
    if (ok && !name) {
      kafkit_throw_type(env, "resources[].name");
      ok = false;
    }
    if (ok) {
      resources[i] = rd_kafka_ConfigResource_new((rd_kafka_ResourceType_t)type, name);
      built++;
    }
    free(name);
    if (ok && with_ops && (ok = kafkit_get(env, item, "ops", &ops)) && ops) {
      uint32_t op_count;
      ok = kafkit_array_length(env, ops, "ops", &op_count);
      for (uint32_t o = 0; ok && o < op_count; o++) {
        napi_value op;
        int32_t op_type = 0;
        ok = kafkit_array_get(env, ops, o, &op) && kafkit_get_int32(env, op, "op", 0, &op_type);
        char *key = ok ? kafkit_get_string(env, op, "name", &ok) : NULL;
        char *value = ok ? kafkit_get_string(env, op, "value", &ok) : NULL;
        if (ok) {
          rd_kafka_error_t *error = rd_kafka_ConfigResource_add_incremental_config(
              resources[i], key, (rd_kafka_AlterConfigOpType_t)op_type, value);
          if (error) {
            napi_throw(env, kafkit_error_instance(env, rd_kafka_error_code(error), rd_kafka_error_string(error)));
            rd_kafka_error_destroy(error);
            ok = false;
          }
        }
        free(key);
        free(value);
      }
    }
  }
  if (!ok) {
    rd_kafka_ConfigResource_destroy_array(resources, built);
    free(resources);
    return NULL;
  }
  return resources;
}

/* describeConfigs(handle, [{type, name}], options) */
static napi_value describe_configs(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  uint32_t count;
  rd_kafka_ConfigResource_t **resources = client ? read_resources(env, argv[1], false, &count) : NULL;
  if (!resources) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options = kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_describe_configs, &promise);
    rd_kafka_DescribeConfigs(client->rk, resources, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_ConfigResource_destroy_array(resources, count);
  free(resources);
  return promise;
}

/* incrementalAlterConfigs(handle, [{type, name, ops: [{name, op, value}]}], options{validateOnly?}) */
static napi_value incremental_alter_configs(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kafkit_args(env, info, 3, argv)) return NULL;
  kafkit_client *client = kafkit_client_from(env, argv[0]);
  uint32_t count;
  rd_kafka_ConfigResource_t **resources = client ? read_resources(env, argv[1], true, &count) : NULL;
  if (!resources) return NULL;
  napi_value promise = NULL;
  rd_kafka_AdminOptions_t *options =
      kafkit_admin_options(env, client, RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS, argv[2]);
  if (options) {
    kafkit_request_begin(env, client, argv[0], options, convert_alter_configs, &promise);
    rd_kafka_IncrementalAlterConfigs(client->rk, resources, count, options, client->background);
    rd_kafka_AdminOptions_destroy(options);
  }
  rd_kafka_ConfigResource_destroy_array(resources, count);
  free(resources);
  return promise;
}

void kafkit_register_configs(napi_env env, napi_value exports) {
  kafkit_export(env, exports, "describeConfigs", describe_configs);
  kafkit_export(env, exports, "incrementalAlterConfigs", incremental_alter_configs);
}
