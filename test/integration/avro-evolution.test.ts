// Schema evolution under the real registry's compatibility rules: v1 records read as v2, an incompatible v3 refused.
import { afterAll, describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { Producer } from '../../src/producer/index.js'
import { SchemaRegistryError, SchemaRegistryErrorReason } from '../../src/registry/index.js'
import { type Serde, serdes } from '../../src/serde/index.js'
import { AvroErrorReason, AvroSerializationError } from '../../src/serde/registry-serde-errors.js'
import type { TypedAvroSchema } from '../../src/serde/avro-schema.js'
import { fixtureSchema, testRegistry } from './helpers/avro.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'

interface UserV1 {
  id: number
  name: string
}
interface UserV2 extends UserV1 {
  email: string | null
  tier: 'FREE' | 'PRO'
}
const userV1 = fixtureSchema('evolution/user-v1.avsc') as TypedAvroSchema<UserV1>
const userV2 = fixtureSchema('evolution/user-v2.avsc') as TypedAvroSchema<UserV2>
const userV3 = fixtureSchema('evolution/user-v3-breaking.avsc') as TypedAvroSchema<UserV2 & { age: number }>

const registry = testRegistry()
const closers: Array<() => Promise<unknown>> = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await registry.close()
})

async function consumeAll<V>(topic: string, value: ReturnType<typeof serdes.avro<V>>, count: number): Promise<V[]> {
  const consumer = new Consumer({
    brokers: brokers(),
    groupId: uniqueName('avro-evolution'),
    fromBeginning: true,
    value,
  })
  closers.push(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  const values: V[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!)
    },
  })
  await waitFor(() => values.length >= count, `${count} records`)
  await consumer.stop()
  return values
}

describe("Avro schema evolution with the registry's compatibility rules", () => {
  it('v1 records are read as v2 values by a consumer with v2 as reader schema, or with useLatestVersion', async () => {
    const topic = uniqueName('avro-users')
    const subject = `${topic}-value`
    await createTopic(topic)
    await registry.setCompatibility({ subject, level: 'BACKWARD' })
    expect(await registry.getCompatibility({ subject })).toBe('BACKWARD')

    const producer = new Producer({ brokers: brokers(), value: serdes.avro({ registry, schema: userV1 }) })
    closers.push(() => producer.disconnect())
    await producer.connect()
    await producer.send({ topic, value: { id: 1, name: 'Ada' } })

    // v2 adds two fields with defaults: BACKWARD compatible, so the registry accepts it as version 2.
    expect(await registry.testCompatibility({ subject, schema: userV2 })).toBe(true)
    const v2 = await registry.register({ subject, schema: userV2 })
    expect(await registry.listVersions({ subject })).toEqual([1, 2])

    const producerV2 = new Producer({ brokers: brokers(), value: serdes.avro({ registry, schema: userV2 }) })
    closers.push(() => producerV2.disconnect())
    await producerV2.connect()
    await producerV2.send({ topic, value: { id: 2, name: 'Grace', email: 'grace@example.com', tier: 'PRO' } })

    const expected: UserV2[] = [
      { id: 1, name: 'Ada', email: null, tier: 'FREE' },
      { id: 2, name: 'Grace', email: 'grace@example.com', tier: 'PRO' },
    ]
    expect(await consumeAll(topic, serdes.avro({ registry, readerSchema: userV2 }), 2)).toEqual(expected)
    expect(await consumeAll(topic, serdes.avro<UserV2>({ registry, useLatestVersion: true }), 2)).toEqual(expected)
    // Without a reader schema each record comes out as it was written.
    expect(await consumeAll(topic, serdes.avro<UserV1 | UserV2>({ registry }), 2)).toEqual([
      { id: 1, name: 'Ada' },
      expected[1],
    ])

    // A producer on useLatestVersion writes with version 2's id.
    const latest = serdes.avro<UserV2>({ registry, useLatestVersion: true })
    expect((await latest.serialize(expected[0]!, { topic, field: 'value' })).readInt32BE(1)).toBe(v2.id)
  })

  it('an incompatible v3 is refused under BACKWARD, by the registry and by the producer, other sends unaffected', async () => {
    const topic = uniqueName('avro-users-breaking')
    const subject = `${topic}-value`
    await createTopic(topic)
    await registry.setCompatibility({ subject, level: 'BACKWARD' })
    await registry.register({ subject, schema: userV1 })

    expect(await registry.testCompatibility({ subject, schema: userV3 })).toBe(false)
    const refused = await registry.register({ subject, schema: userV3 }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(SchemaRegistryError)
    expect((refused as SchemaRegistryError).reason).toBe(SchemaRegistryErrorReason.INCOMPATIBLE_SCHEMA)
    expect((refused as SchemaRegistryError).code).toBe('ERR_SCHEMA_REGISTRY_INCOMPATIBLE_SCHEMA')
    expect((refused as SchemaRegistryError).status).toBe(409)
    expect((refused as SchemaRegistryError).subject).toBe(subject)

    // Two topics with their own serdes on one producer (random names, so the map is typed loosely).
    const topics: Record<string, { value: Serde<object> }> = {
      [topic]: { value: serdes.avro({ registry, schema: userV3 }) },
      [`${topic}-other`]: { value: serdes.avro({ registry, schema: userV1 }) },
    }
    const producer = new Producer({ brokers: brokers(), topics })
    closers.push(() => producer.disconnect())
    await producer.connect()
    await createTopic(`${topic}-other`)
    const [v3Send, otherSend] = await Promise.allSettled([
      producer.send({ topic, value: { id: 3, name: 'Linus', email: null, tier: 'FREE', age: 30 } }),
      producer.send({ topic: `${topic}-other`, value: { id: 4, name: 'Barbara' } }),
    ])
    expect(otherSend.status).toBe('fulfilled')
    expect(v3Send.status).toBe('rejected')
    const error = (v3Send as PromiseRejectedResult).reason as AvroSerializationError
    expect(error).toBeInstanceOf(AvroSerializationError)
    expect(error.reason).toBe(AvroErrorReason.INCOMPATIBLE_SCHEMA)
    expect(error.subject).toBe(subject)
    expect(error.cause).toBeInstanceOf(SchemaRegistryError)
    expect(error.message).toMatch(/incompatible/)
    expect(await registry.listVersions({ subject })).toEqual([1])
  })

  it('with autoRegister off, writes only a schema already registered', async () => {
    const topic = uniqueName('avro-users-noauto')
    const subject = `${topic}-value`
    const serde = serdes.avro({ registry, schema: userV1, autoRegister: false })
    const refused = await Promise.resolve(serde.serialize({ id: 1, name: 'Ada' }, { topic, field: 'value' })).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((refused as AvroSerializationError).reason).toBe(AvroErrorReason.SCHEMA_NOT_REGISTERED)
    const { id } = await registry.register({ subject, schema: userV1 })
    expect((await serde.serialize({ id: 1, name: 'Ada' }, { topic, field: 'value' })).readInt32BE(1)).toBe(id)
  })
})
