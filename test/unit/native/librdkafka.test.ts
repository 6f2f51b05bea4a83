import { describe, expect, it } from 'vitest'
import { librdkafkaInfo } from '../../../src/index.js'

describe('the loaded librdkafka', () => {
  it('is built with every compression codec, TLS and all SASL mechanisms kafkit supports', () => {
    const { version, features } = librdkafkaInfo()
    expect(version).toMatch(/^2\.\d+\.\d+/)
    for (const feature of [
      'gzip',
      'snappy',
      'lz4',
      'zstd',
      'ssl',
      'sasl',
      'sasl_plain',
      'sasl_scram',
      'sasl_oauthbearer',
    ]) {
      expect(
        features,
        `librdkafka lacks ${feature}: install its Debian dev package and rebuild node-rdkafka`,
      ).toContain(feature)
    }
  })
})
