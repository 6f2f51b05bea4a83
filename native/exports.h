/*
 * Every function the addon exports to JavaScript, by its JavaScript name. Each is defined as
 * `napi_value kafkit_js_<name>(napi_env, napi_callback_info)` in the file named beside its group; addon.c registers
 * them all from this one list (the TypeScript in src/native/ declares their JavaScript types).
 */
#ifndef KAFKIT_EXPORTS_H
#define KAFKIT_EXPORTS_H

#include <node_api.h>

/* One group of exports per line, by source file: clang-format would re-flow the X-macro list. */
// clang-format off
#define KAFKIT_EXPORTS(X)                                                                                              \
  /* loader.c */                                                                                                       \
  X(load) X(librdkafkaVersion) X(librdkafkaFeatures)                                                                   \
  /* client.c, client_dispatch.c, client_calls.c, metadata.c */                                                        \
  X(clientCreate) X(clientDestroy) X(clientDrainEvents) X(clientSetActive)                                             \
  X(clientAddBrokers) X(clientFatalError) X(clientSetOAuthToken) X(clientMetadata)                                     \
  /* producer.c, producer_queue.c, send_now.c */                                                                       \
  X(producerTopic) X(producerProduce) X(producerDrainDeliveries) X(producerPurge) X(producerQueueLength)               \
  X(producerFlush) X(producerSendNow)                                                                                  \
  /* consumer.c, consumer_fetch.c, message_headers.c, consumer_calls.c, consumer_jobs.c */                             \
  X(consumerTakeRebalances) X(consumerConsume) X(consumerTopicNames)                                                   \
  X(consumerHeaderMirror)                                                                                              \
  X(consumerPause) X(consumerSeek) X(consumerStoreOffsets) X(consumerCommit) X(consumerPosition)                      \
  X(consumerCachedWatermarks) X(consumerGroupMetadata) X(consumerSubscribe) X(consumerUnsubscribe)                    \
  X(consumerAssign) X(consumerCommitted) X(consumerOffsetsForTimes) X(consumerQueryWatermarks)                        \
  /* transactions.c */                                                                                                 \
  X(transactionInit) X(transactionBegin) X(transactionCommit) X(transactionAbort) X(transactionSendOffsets)           \
  /* mock.c */                                                                                                         \
  X(mockStart) X(mockStop) X(mockPushRequestErrors) X(mockSetBrokerUp) X(mockSetCoordinator) X(mockCreateTopic)        \
  /* admin.c, ops_*.c */                                                                                               \
  X(adminInFlight)                                                                                                     \
  X(createTopics) X(deleteTopics) X(createPartitions) X(describeTopics) X(describeCluster)                             \
  X(listGroups) X(describeGroups) X(deleteGroups) X(listGroupOffsets) X(alterGroupOffsets) X(deleteGroupOffsets)      \
  X(listOffsets) X(deleteRecords)                                                                                      \
  X(describeConfigs) X(incrementalAlterConfigs)                                                                        \
  X(createAcls) X(describeAcls) X(deleteAcls)                                                                          \
  X(describeUserScramCredentials) X(alterUserScramCredentials)
// clang-format on

#define KAFKIT_DECLARE_EXPORT(name) napi_value kafkit_js_##name(napi_env env, napi_callback_info info);
KAFKIT_EXPORTS(KAFKIT_DECLARE_EXPORT)
#undef KAFKIT_DECLARE_EXPORT

#endif
