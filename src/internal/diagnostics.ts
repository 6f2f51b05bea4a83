import diagnostics from 'node:diagnostics_channel'

/**
 * kafkit's diagnostics channels, all namespaced `kafkit:`. Subscribe with `diagnostics_channel.subscribe(name, fn)`;
 * publishing costs nothing when no one listens (`hasSubscribers` is checked first).
 */
export const channels = {
  producerDelivery: diagnostics.channel('kafkit:producer:delivery'),
  producerError: diagnostics.channel('kafkit:producer:error'),
  producerStats: diagnostics.channel('kafkit:producer:stats'),
  consumerMessage: diagnostics.channel('kafkit:consumer:message'),
  consumerError: diagnostics.channel('kafkit:consumer:error'),
  consumerRebalance: diagnostics.channel('kafkit:consumer:rebalance'),
  consumerCommit: diagnostics.channel('kafkit:consumer:commit'),
  consumerStats: diagnostics.channel('kafkit:consumer:stats'),
  adminRequest: diagnostics.channel('kafkit:admin:request'),
  adminError: diagnostics.channel('kafkit:admin:error'),
  adminLog: diagnostics.channel('kafkit:admin:log'),
} as const
