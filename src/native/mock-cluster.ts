import { rdkafka, type NativeProducer } from './binding.js'

/** A librdkafka mock cluster held by a dedicated native client; it lives as long as that client. */
export interface NativeMockCluster {
  /** `host:port` of every mock broker. */
  readonly brokers: readonly string[]
  /** Stops the mock cluster. */
  close(): Promise<void>
}

/** Starts librdkafka's in-process mock cluster (`test.mock.num.brokers`). */
export async function startNativeMockCluster(brokerCount: number): Promise<NativeMockCluster> {
  // The bootstrap address is ignored: with test.mock.num.brokers librdkafka bootstraps from its own mock brokers.
  const holder: NativeProducer = new rdkafka.Producer({ 'bootstrap.servers': '127.0.0.1:1', 'test.mock.num.brokers': brokerCount } as never, {})
  const metadata = await new Promise<{ brokers: Array<{ host: string; port: number }> }>((resolve, reject) =>
    holder.connect({ timeout: 10_000 }, (error, data) => (error ? reject(error) : resolve(data))),
  )
  return {
    brokers: metadata.brokers.map((broker) => `${broker.host}:${broker.port}`),
    close: () => new Promise((resolve) => holder.disconnect(() => resolve())),
  }
}
