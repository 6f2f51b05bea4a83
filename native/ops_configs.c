/* Resource configuration: DescribeConfigs, IncrementalAlterConfigs. */
#include <stdlib.h>

#include "kafkit_admin.h"

/* {name, value, source, isReadOnly, isDefault, isSensitive}: a synonym, and the fields of a described entry. */
static napi_value entry_value(napi_env env, const void *entry) {
  napi_value item = kafkit_object(env);
  kafkit_set_string(env, item, "name", rd_kafka_ConfigEntry_name(entry));
  kafkit_set_string(env, item, "value", rd_kafka_ConfigEntry_value(entry));
  kafkit_set_int(env, item, "source", rd_kafka_ConfigEntry_source(entry));
  kafkit_set_bool(env, item, "isReadOnly", rd_kafka_ConfigEntry_is_read_only(entry) == 1);
  kafkit_set_bool(env, item, "isDefault", rd_kafka_ConfigEntry_is_default(entry) == 1);
  kafkit_set_bool(env, item, "isSensitive", rd_kafka_ConfigEntry_is_sensitive(entry) == 1);
  return item;
}

KAFKIT_ADMIN_ARRAY_FROM(synonyms_value, rd_kafka_ConfigEntry_synonyms, entry_value)

/* An entry of DescribeConfigs: its fields and its synonyms. */
static napi_value described_entry_value(napi_env env, const void *entry) {
  return kafkit_with(env, entry_value(env, entry), "synonyms", synonyms_value(env, entry));
}

/* {type, name, error}: a resource of IncrementalAlterConfigs, and the fields of a described one. */
static napi_value altered_value(napi_env env, const void *resource) {
  napi_value item = kafkit_object(env);
  kafkit_set_int(env, item, "type", rd_kafka_ConfigResource_type(resource));
  kafkit_set_string(env, item, "name", rd_kafka_ConfigResource_name(resource));
  kafkit_set(
      env, item, "error",
      kafkit_error_value(env, rd_kafka_ConfigResource_error(resource), rd_kafka_ConfigResource_error_string(resource)));
  return item;
}

KAFKIT_ADMIN_ARRAY_FROM(entries_value, rd_kafka_ConfigResource_configs, described_entry_value)

/* A resource of DescribeConfigs: its fields and its entries. */
static napi_value described_value(napi_env env, const void *resource) {
  return kafkit_with(env, altered_value(env, resource), "entries", entries_value(env, resource));
}

/* [{type, name, error, entries?}]: DescribeConfigs answers the entries, IncrementalAlterConfigs does not. */
static napi_value convert_resources(napi_env env, rd_kafka_event_t *event, kafkit_request *request) {
  size_t count = 0;
  bool describe = rd_kafka_event_type(event) == RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT;
  const rd_kafka_ConfigResource_t **resources =
      describe ? rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count)
               : rd_kafka_IncrementalAlterConfigs_result_resources(rd_kafka_event_IncrementalAlterConfigs_result(event),
                                                                   &count);
  return KAFKIT_ARRAY_OF(env, resources, count, describe ? described_value : altered_value);
}

static rd_kafka_error_t *add_op(void *resource, const char *name, const char *value, int32_t op) {
  return rd_kafka_ConfigResource_add_incremental_config(resource, name, (rd_kafka_AlterConfigOpType_t)op, value);
}

/* One resource {type, name, ops?}; with `with_ops`, its ops are added as incremental alterations. */
static rd_kafka_ConfigResource_t *read_resource(napi_env env, napi_value item, bool with_ops) {
  int32_t type = 0;
  bool ok = kafkit_get_int32(env, item, "type", 0, &type);
  char *name = ok ? kafkit_get_string(env, item, "name", &ok) : NULL;
  if (ok && !name) kafkit_throw_type(env, "resources[].name");
  rd_kafka_ConfigResource_t *resource =
      ok && name ? rd_kafka_ConfigResource_new((rd_kafka_ResourceType_t)type, name) : NULL;
  free(name);
  if (resource && with_ops && !kafkit_admin_apply_entries(env, item, "ops", true, resource, add_op)) {
    rd_kafka_ConfigResource_destroy(resource);
    return NULL;
  }
  return resource;
}

static void *read_described(napi_env env, napi_value item, const char *what) { return read_resource(env, item, false); }
static void *read_altered(napi_env env, napi_value item, const char *what) { return read_resource(env, item, true); }
static void destroy_resource(void *resource) { rd_kafka_ConfigResource_destroy(resource); }

/* describeConfigs(handle, [{type, name}], options) */
KAFKIT_ADMIN_ITEMS_FUNCTION(describeConfigs, rd_kafka_DescribeConfigs, .op = RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
                            .array = "resources", .read_one = read_described, .destroy = destroy_resource,
                            .convert = convert_resources)
/* incrementalAlterConfigs(handle, [{type, name, ops: [{name, op, value}]}], options{validateOnly?}) */
KAFKIT_ADMIN_ITEMS_FUNCTION(incrementalAlterConfigs, rd_kafka_IncrementalAlterConfigs,
                            .op = RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS, .array = "resources",
                            .read_one = read_altered, .destroy = destroy_resource, .convert = convert_resources)
