/**
 * librdkafka's mock cluster through kafkit's addon (`native/mock.c`): brokers on 127.0.0.1 in this process, with
 * the control API for fault injection.
 * @module
 */
import { loadAddon } from './addon.js'

interface MockAddon {
  mockStart(brokerCount: number): { handle: object; bootstraps: string }
  mockStop(handle: object): Promise<void>
  mockPushRequestErrors(handle: object, apiKey: number, codes: number[]): void
  mockSetBrokerUp(handle: object, brokerId: number, up: boolean): void
  mockCreateTopic(handle: object, topic: string, partitions: number, replicationFactor: number): void
  mockSetCoordinator(handle: object, keyType: string, key: string, brokerId: number): void
}

/** A running mock cluster. */
export interface NativeMockCluster {
  /** `host:port` of every mock broker. */
  readonly brokers: readonly string[]
  /** Stops the mock cluster (off the event loop). */
  close(): Promise<void>
  /** The next requests of API `apiKey` fail with these librdkafka error codes, one per request, in order. */
  pushRequestErrors(apiKey: number, codes: readonly number[]): void
  /** Takes a broker down (connections close, new ones are refused) or brings it back. Ids start at 1. */
  setBrokerUp(brokerId: number, up: boolean): void
  /** Creates a topic. */
  createTopic(topic: string, partitions: number, replicationFactor: number): void
  /** Moves the coordinator of a group (`keyType` `group`) or a transactional id (`transaction`) to a broker. */
  setCoordinator(keyType: 'group' | 'transaction', key: string, brokerId: number): void
}

/** Starts librdkafka's in-process mock cluster. */
export function startNativeMockCluster(brokerCount: number): NativeMockCluster {
  const addon = loadAddon<MockAddon>()
  const { handle, bootstraps } = addon.mockStart(brokerCount)
  return {
    brokers: bootstraps.split(','),
    close: () => addon.mockStop(handle),
    pushRequestErrors: (apiKey, codes) => addon.mockPushRequestErrors(handle, apiKey, [...codes]),
    setBrokerUp: (brokerId, up) => addon.mockSetBrokerUp(handle, brokerId, up),
    createTopic: (topic, partitions, replicationFactor) =>
      addon.mockCreateTopic(handle, topic, partitions, replicationFactor),
    setCoordinator: (keyType, key, brokerId) => addon.mockSetCoordinator(handle, keyType, key, brokerId),
  }
}
