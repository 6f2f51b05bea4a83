/*
 * Partition lists between JavaScript and librdkafka, in the two forms the addon speaks: the admin form (offsets as
 * bigint, with metadata, leader epoch and a per-partition error object) and the consumer form (offsets as numbers,
 * errors as codes).
 */
#include <stdlib.h>
#include <string.h>

#include "napi_util.h"

/* Adds one partition's fields to `item` beyond topic and partition. */
typedef void (*partition_fields)(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp);

static napi_value partition_array(napi_env env, const rd_kafka_topic_partition_list_t *list, partition_fields fields) {
  size_t count = list ? (size_t)list->cnt : 0;
  napi_value array = kafkit_array(env, count);
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_topic_partition_t *tp = &list->elems[i];
    napi_value item = kafkit_object(env);
    kafkit_set_string(env, item, "topic", tp->topic);
    kafkit_set_int(env, item, "partition", tp->partition);
    fields(env, item, tp);
    kafkit_push(env, array, (uint32_t)i, item);
  }
  return array;
}

void kafkit_set_leader_epoch(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp) {
  int32_t epoch = rd_kafka_topic_partition_get_leader_epoch(tp);
  if (epoch >= 0) kafkit_set_int(env, item, "leaderEpoch", epoch);
  else kafkit_set(env, item, "leaderEpoch", kafkit_null(env));
}

static void admin_fields(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp) {
  kafkit_set_bigint(env, item, "offset", tp->offset);
  bool has_metadata = tp->metadata && tp->metadata_size > 0;
  kafkit_set(env, item, "metadata",
             has_metadata ? kafkit_string_value(env, tp->metadata, tp->metadata_size) : kafkit_null(env));
  kafkit_set_leader_epoch(env, item, tp);
  kafkit_set(env, item, "error", kafkit_error_value(env, tp->err, NULL));
}

static void consumer_fields(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp) {
  kafkit_set_int(env, item, "offset", tp->offset);
  kafkit_set_int(env, item, "code", tp->err);
}

static void no_fields(napi_env env, napi_value item, const rd_kafka_topic_partition_t *tp) {}

napi_value kafkit_topic_partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  return partition_array(env, list, no_fields);
}

napi_value kafkit_partition_list_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  return partition_array(env, list, admin_fields);
}

napi_value kafkit_consumer_partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  return partition_array(env, list, consumer_fields);
}

/* Reads item `index` of `array` and adds its {topic, partition} to `list`; NULL after throwing `what`. */
static rd_kafka_topic_partition_t *add_partition(napi_env env, napi_value array, uint32_t index,
                                                 rd_kafka_topic_partition_list_t *list, napi_value *item,
                                                 const char *what) {
  bool ok = kafkit_array_get(env, array, index, item);
  char *topic = ok ? kafkit_get_string(env, *item, "topic", &ok) : NULL;
  int32_t partition = -1;
  ok = ok && topic && kafkit_get_int32(env, *item, "partition", -1, &partition);
  if (!ok && !kafkit_exception_pending(env)) kafkit_throw_type(env, what);
  rd_kafka_topic_partition_t *tp = ok ? rd_kafka_topic_partition_list_add(list, topic, partition) : NULL;
  free(topic);
  return tp;
}

/* Reads an array of partitions, each item through `read` after its topic and partition. NULL after throwing. */
static rd_kafka_topic_partition_list_t *read_partitions(napi_env env, napi_value array, const char *what,
                                                        bool (*read)(napi_env, napi_value, rd_kafka_topic_partition_t *,
                                                                     const char *),
                                                        const char *offset_key) {
  uint32_t count;
  if (!kafkit_array_length(env, array, "partitions", &count)) return NULL;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(count ? count : 1));
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    rd_kafka_topic_partition_t *tp = add_partition(env, array, i, list, &item, what);
    if (!tp || !read(env, item, tp, offset_key)) {
      rd_kafka_topic_partition_list_destroy(list);
      return NULL;
    }
  }
  return list;
}

/* The admin form's optional fields: the offset (bigint) under `offset_key`, metadata and leaderEpoch. */
static bool read_admin_fields(napi_env env, napi_value item, rd_kafka_topic_partition_t *tp, const char *offset_key) {
  if (offset_key) {
    napi_value offset;
    if (!kafkit_get(env, item, offset_key, &offset)) return false;
    if (offset && !kafkit_get_int64(env, item, offset_key, &tp->offset)) return false;
  }
  bool ok = true;
  char *metadata = kafkit_get_string(env, item, "metadata", &ok);
  if (metadata) {
    tp->metadata = metadata; /* freed by rd_kafka_topic_partition_list_destroy */
    tp->metadata_size = strlen(metadata);
  }
  int32_t epoch = -1;
  if (!ok || !kafkit_get_int32(env, item, "leaderEpoch", -1, &epoch)) return false;
  if (epoch >= 0) rd_kafka_topic_partition_set_leader_epoch(tp, epoch);
  return true;
}

/* The consumer form's optional offset, a number. */
static bool read_consumer_offset(napi_env env, napi_value item, rd_kafka_topic_partition_t *tp, const char *key) {
  napi_value offset;
  double number = RD_KAFKA_OFFSET_INVALID;
  if (!kafkit_get(env, item, key, &offset)) return false;
  if (offset && napi_get_value_double(env, offset, &number) != napi_ok) {
    kafkit_throw_type(env, "partitions[] ({ topic, partition, offset? })");
    return false;
  }
  tp->offset = (int64_t)number;
  return true;
}

rd_kafka_topic_partition_list_t *kafkit_partition_list_from(napi_env env, napi_value array, const char *offset_key) {
  return read_partitions(env, array, "partitions[].topic", read_admin_fields, offset_key);
}

rd_kafka_topic_partition_list_t *kafkit_consumer_partitions_from(napi_env env, napi_value array) {
  return read_partitions(env, array, "partitions[] ({ topic, partition, offset? })", read_consumer_offset, "offset");
}
