import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ConsumerRdkafkaConfig, ProducerRdkafkaConfig } from '../../../src/index.js'
import { RDKAFKA_PROPERTIES } from '../../../src/config/rdkafka-properties.generated.js'

const src = new URL('../../../src/', import.meta.url).pathname

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

describe('librdkafka property types', () => {
  it('types the rdkafka blocks from librdkafka CONFIGURATION.md', () => {
    expectTypeOf<ProducerRdkafkaConfig['linger.ms']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<ProducerRdkafkaConfig['compression.codec']>().toEqualTypeOf<
      'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd' | undefined
    >()
    expectTypeOf<ConsumerRdkafkaConfig['auto.offset.reset']>().not.toBeAny()
    expectTypeOf<ConsumerRdkafkaConfig>().not.toHaveProperty('linger.ms')
  })

  it('lists every property with its scope and kind', () => {
    const byName = new Map(RDKAFKA_PROPERTIES.map((property) => [`${property.scope} ${property.name}`, property]))
    expect(byName.get('producer linger.ms')?.kind).toBe('number')
    expect(byName.get('consumer-topic auto.offset.reset')?.kind).toBe('enum')
    expect(byName.get('global bootstrap.servers')?.kind).toBe('string')
    expect(RDKAFKA_PROPERTIES.length).toBeGreaterThan(150)
  })

  it('keeps node-rdkafka out of everything above src/native', () => {
    const leaks = files(src)
      .filter((file) => !file.startsWith(join(src, 'native')) && readFileSync(file, 'utf8').includes('node-rdkafka'))
      .map((file) => file.slice(src.length))
    expect(leaks).toEqual([])
  })
})
