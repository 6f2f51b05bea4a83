/* Access control lists: CreateAcls, DescribeAcls, DeleteAcls. Enum values are passed as librdkafka's numbers. */
#include <stdlib.h>

#include "kafkit_admin.h"

#define ACL_BINDING_FIELDS(FIELD)                                                                                      \
  FIELD(int, "resourceType", rd_kafka_AclBinding_restype)                                                              \
  FIELD(string, "name", rd_kafka_AclBinding_name)                                                                      \
  FIELD(int, "patternType", rd_kafka_AclBinding_resource_pattern_type)                                                 \
  FIELD(string, "principal", rd_kafka_AclBinding_principal)                                                            \
  FIELD(string, "host", rd_kafka_AclBinding_host)                                                                      \
  FIELD(int, "operation", rd_kafka_AclBinding_operation)                                                               \
  FIELD(int, "permission", rd_kafka_AclBinding_permission_type)
KAFKIT_OBJECT_OF(binding_value, rd_kafka_AclBinding_t, ACL_BINDING_FIELDS)

/* Reads {resourceType, name?, patternType, principal?, host?, operation, permission} as a binding or a filter
 * (filters accept null strings, meaning "any"). */
static rd_kafka_AclBinding_t *read_binding(napi_env env, napi_value item, bool filter) {
  int32_t resource_type = 0, pattern_type = 0, operation = 0, permission = 0;
  bool ok = kafkit_get_int32(env, item, "resourceType", 0, &resource_type) &&
            kafkit_get_int32(env, item, "patternType", 0, &pattern_type) &&
            kafkit_get_int32(env, item, "operation", 0, &operation) &&
            kafkit_get_int32(env, item, "permission", 0, &permission);
  char *name = ok ? kafkit_get_string(env, item, "name", &ok) : NULL;
  char *principal = ok ? kafkit_get_string(env, item, "principal", &ok) : NULL;
  char *host = ok ? kafkit_get_string(env, item, "host", &ok) : NULL;
  rd_kafka_AclBinding_t *binding = NULL;
  if (ok) {
    char errstr[512];
    binding = filter ? rd_kafka_AclBindingFilter_new((rd_kafka_ResourceType_t)resource_type, name,
                                                     (rd_kafka_ResourcePatternType_t)pattern_type, principal, host,
                                                     (rd_kafka_AclOperation_t)operation,
                                                     (rd_kafka_AclPermissionType_t)permission, errstr, sizeof(errstr))
                     : rd_kafka_AclBinding_new((rd_kafka_ResourceType_t)resource_type, name,
                                               (rd_kafka_ResourcePatternType_t)pattern_type, principal, host,
                                               (rd_kafka_AclOperation_t)operation,
                                               (rd_kafka_AclPermissionType_t)permission, errstr, sizeof(errstr));
    if (!binding) kafkit_throw_code(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  }
  free(name);
  free(principal);
  free(host);
  return binding;
}

static void *read_acl(napi_env env, napi_value item, const char *what) { return read_binding(env, item, false); }
static void *read_filter(napi_env env, napi_value item, const char *what) { return read_binding(env, item, true); }
static void destroy_binding(void *binding) { rd_kafka_AclBinding_destroy(binding); }

static bool read_one_filter(napi_env env, const napi_value *input, kafkit_admin_items *in) {
  *in = kafkit_admin_single(read_binding(env, input[0], true), destroy_binding);
  return in->items != NULL;
}

static napi_value acl_result_value(napi_env env, const void *result) {
  return kafkit_error_object_value(env, rd_kafka_acl_result_error(result));
}

KAFKIT_ADMIN_CONVERT_ARRAY(create_acls, rd_kafka_CreateAcls_result_acls, rd_kafka_event_CreateAcls_result,
                           acl_result_value)

KAFKIT_ADMIN_CONVERT_ARRAY(describe_acls, rd_kafka_DescribeAcls_result_acls, rd_kafka_event_DescribeAcls_result,
                           binding_value)

KAFKIT_ADMIN_ARRAY_FROM(matching_value, rd_kafka_DeleteAcls_result_response_matching_acls, binding_value)

static napi_value delete_response_value(napi_env env, const void *response) {
  napi_value item = kafkit_object(env);
  kafkit_set(env, item, "error", kafkit_error_object_value(env, rd_kafka_DeleteAcls_result_response_error(response)));
  kafkit_set(env, item, "deleted", matching_value(env, response));
  return item;
}

KAFKIT_ADMIN_CONVERT_ARRAY(delete_acls, rd_kafka_DeleteAcls_result_responses, rd_kafka_event_DeleteAcls_result,
                           delete_response_value)

/* createAcls(handle, [binding], options) → [error | null], in input order */
KAFKIT_ADMIN_ITEMS_FUNCTION(createAcls, rd_kafka_CreateAcls, .op = RD_KAFKA_ADMIN_OP_CREATEACLS, .array = "acls",
                            .read_one = read_acl, .destroy = destroy_binding, .convert = convert_create_acls)
/* describeAcls(handle, filter, options) → [binding] */
KAFKIT_ADMIN_ONE_FUNCTION(describeAcls, rd_kafka_DescribeAcls, .op = RD_KAFKA_ADMIN_OP_DESCRIBEACLS,
                          .read = read_one_filter, .convert = convert_describe_acls)
/* deleteAcls(handle, [filter], options) → [{error, deleted: [binding]}], in input order */
KAFKIT_ADMIN_ITEMS_FUNCTION(deleteAcls, rd_kafka_DeleteAcls, .op = RD_KAFKA_ADMIN_OP_DELETEACLS, .array = "acls",
                            .read_one = read_filter, .destroy = destroy_binding, .convert = convert_delete_acls)
