import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  KAFKIT_ERROR_CODES,
  type KafkaError,
  type KafkaErrorCode,
  kafkitCodeFor,
  RDKAFKA_ERROR_CODES,
  SCHEMA_REGISTRY_REASONS,
} from '../../../src/errors/index.js'
import { SchemaRegistryErrorReason } from '../../../src/registry/errors.js'

const src = new URL('../../../src/', import.meta.url).pathname

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
const allCodes: readonly string[] = [
  ...KAFKIT_ERROR_CODES,
  ...RDKAFKA_ERROR_CODES.map((entry) => kafkitCodeFor(entry.name)),
]

describe('error codes', () => {
  it('types KafkaError.code as the literal union', () => {
    expectTypeOf<KafkaError['code']>().toEqualTypeOf<KafkaErrorCode>()
    expectTypeOf<'ERR_CONFIG'>().toExtend<KafkaErrorCode>()
    expectTypeOf<'ERR_KAFKA_QUEUE_FULL'>().toExtend<KafkaErrorCode>()
    expectTypeOf<'ERR_NOT_A_CODE'>().not.toExtend<KafkaErrorCode>()
  })

  it('documents every code in docs/errors.md', () => {
    const missing = allCodes.filter((code) => !docs.includes(`\`${code}\``))
    expect(missing).toEqual([])
  })

  it('documents no code that does not exist', () => {
    const documented = new Set(docs.match(/`ERR_[A-Z0-9_]+`/g)?.map((code) => code.slice(1, -1)))
    const known = new Set(allCodes)
    expect([...documented].filter((code) => !known.has(code))).toEqual([])
  })

  it('has one code per Schema Registry failure reason', () => {
    expect([...SCHEMA_REGISTRY_REASONS].sort()).toEqual(Object.values(SchemaRegistryErrorReason).sort())
  })

  it('has no duplicate codes', () => {
    expect(new Set(allCodes).size).toBe(allCodes.length)
  })

  it('names librdkafka local errors by RESP_ERR, never by number, outside the generated table', () => {
    const magic = files(src)
      .filter((file) => !file.endsWith('.generated.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => [file, index + 1, line] as const),
      )
      .filter(([, , line]) => /(^|[^\w.])-1[4-9]\d\b/.test(line))
      .map(([file, line]) => `${file.slice(src.length)}:${line}`)
    expect(magic).toEqual([])
  })
})
