import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/kafka-error.js'
import { loadAddon } from '../../../src/native/addon.js'
import { NativeProducerClient } from '../../../src/native/producer.js'
import { Producer } from '../../../src/producer/producer.js'

const callbacks = { deliveries: () => undefined, event: () => undefined }

describe('NativeProducerClient (kafkit addon)', () => {
  it('reports every refused librdkafka property with its reason', () => {
    let error: unknown
    try {
      new NativeProducerClient({ 'bootstrap.servers': '127.0.0.1:1', 'linger.mss': 5, acks: 'most' }, callbacks, {
        oauthbearer: false,
      })
    } catch (caught) {
      error = caught
    }
    const properties = (error as { properties?: Array<{ property: string; message: string }> }).properties
    expect(properties?.map((item) => item.property)).toEqual(['linger.mss', 'acks'])
    expect(properties?.[0]?.message).toMatch(/No such configuration property/)
  })

  it('refuses a batch whose lengths point past its data instead of reading beyond it, and takes a correct one', async () => {
    const raw = loadAddon<{
      clientCreate(
        kind: 'producer',
        config: Record<string, string>,
        onWake: () => void,
        options: { oauthbearer: boolean },
      ): object
      clientDestroy(handle: object): Promise<void>
      producerTopic(handle: object, name: string): number
      producerPurge(handle: object, inFlightToo: boolean): void
      producerProduce(
        handle: object,
        meta: Int32Array,
        timestamps: Float64Array,
        data: Buffer,
        seq: number,
        count: number,
        failures: Int32Array,
      ): number
    }>()
    const handle = raw.clientCreate('producer', { 'bootstrap.servers': '127.0.0.1:1' }, () => undefined, {
      oauthbearer: false,
    })
    const meta = Int32Array.from([raw.producerTopic(handle, 't'), -1, -1, 1000, 0, 0])
    const produce = (data: Buffer): number =>
      raw.producerProduce(handle, meta, new Float64Array(1), data, 0, 1, new Int32Array(3))
    expect(() => produce(Buffer.alloc(10))).toThrow(/shorter than its lengths/)
    expect(produce(Buffer.alloc(1000))).toBe(1)
    raw.producerPurge(handle, true)
    await raw.clientDestroy(handle)
    expect(() => raw.producerTopic(handle, 'another')).toThrow(/disconnected/)
  })

  it('surfaces a refused property as a ConfigError naming it through the Producer', () => {
    expect(
      () =>
        new Producer({
          brokers: '127.0.0.1:1',
          rdkafka: { 'queue.buffering.backpressure.threshold': 0, 'socket.timeout.ms': 5 },
        }),
    ).toThrow(ConfigError)
  })
})
