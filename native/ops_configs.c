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

/* [{type, name, error, entries?}]: DescribeConfigs answers the entries, IncrementalAlterConfigs does not. */
static napi_value convert_resources(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  size_t count = 0;
  bool describe = rd_kafka_event_type(event) == RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT;
  const rd_kafka_ConfigResource_t **resources =
      describe ? rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count)
               : rd_kafka_IncrementalAlterConfigs_result_resources(rd_kafka_event_IncrementalAlterConfigs_result(event),
                                                                   &count);
  return resource_results(env, resources, count, describe);
}

/* Adds the resource's `ops: [{name, op, value}]` as incremental alterations; false after throwing. */
static bool add_ops(napi_env env, napi_value item, rd_kafka_ConfigResource_t *resource) {
  napi_value ops;
  uint32_t op_count = 0;
  bool ok = kafkit_get(env, item, "ops", &ops) && (!ops || kafkit_array_length(env, ops, "ops", &op_count));
  for (uint32_t o = 0; ok && o < op_count; o++) {
    napi_value op;
    int32_t op_type = 0;
    ok = kafkit_array_get(env, ops, o, &op) && kafkit_get_int32(env, op, "op", 0, &op_type);
    char *key = ok ? kafkit_get_string(env, op, "name", &ok) : NULL;
    char *value = ok ? kafkit_get_string(env, op, "value", &ok) : NULL;
    rd_kafka_error_t *error =
        ok ? rd_kafka_ConfigResource_add_incremental_config(resource, key, (rd_kafka_AlterConfigOpType_t)op_type, value)
           : NULL;
    if (error) {
      kafkit_throw_code(env, rd_kafka_error_code(error), rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
      ok = false;
    }
    free(key);
    free(value);
  }
  return ok;
}

/* One resource {type, name, ops?}; with `with_ops`, its ops are added as incremental alterations. */
static rd_kafka_ConfigResource_t *read_resource(napi_env env, napi_value item, bool with_ops) {
  int32_t type = 0;
  bool ok = kafkit_get_int32(env, item, "type", 0, &type);
  char *name = ok ? kafkit_get_string(env, item, "name", &ok) : NULL;
  if (ok && !name) kafkit_throw_type(env, "resources[].name");
  rd_kafka_ConfigResource_t *resource = ok && name ? rd_kafka_ConfigResource_new((rd_kafka_ResourceType_t)type, name) : NULL;
  free(name);
  if (resource && with_ops && !add_ops(env, item, resource)) {
    rd_kafka_ConfigResource_destroy(resource);
    return NULL;
  }
  return resource;
}

static void *read_described(napi_env env, napi_value item, const char *what) { return read_resource(env, item, false); }
static void *read_altered(napi_env env, napi_value item, const char *what) { return read_resource(env, item, true); }
static void destroy_resource(void *resource) { rd_kafka_ConfigResource_destroy(resource); }

KAFKIT_ADMIN_SEND_ITEMS(describe_configs, rd_kafka_DescribeConfigs)
KAFKIT_ADMIN_SEND_ITEMS(alter_configs, rd_kafka_IncrementalAlterConfigs)

/* describeConfigs(handle, [{type, name}], options) */
KAFKIT_ADMIN_FUNCTION(describeConfigs, .op = RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, .argc = 3, .array = "resources",
                      .read_one = read_described, .destroy = destroy_resource, .convert = convert_resources,
                      .send = send_describe_configs)
/* incrementalAlterConfigs(handle, [{type, name, ops: [{name, op, value}]}], options{validateOnly?}) */
KAFKIT_ADMIN_FUNCTION(incrementalAlterConfigs, .op = RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS, .argc = 3,
                      .array = "resources", .read_one = read_altered, .destroy = destroy_resource,
                      .convert = convert_resources, .send = send_alter_configs)
