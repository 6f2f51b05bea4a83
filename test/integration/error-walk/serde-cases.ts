/**
 * The failure cases of the serdes and the schema registry client, for error-walk.test.ts.
 */
import { generateAvroTypes, Producer, SchemaRegistry, serdes } from '../../../src/index.js'
import { registryUrl } from '../helpers/avro.js'
import { brokers, uniqueName } from '../helpers/kafka.js'
import { closedPortUrl, closeLater, type FailureCase, topic } from './clients.js'

const avroSchema = {
  type: 'record',
  name: 'Reading',
  namespace: 'kafkit.test.walk',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
  ],
} as const

/** Every failure case of the serdes and the registry client. */
export const serdeCases: FailureCase[] = [
  { name: 'new SchemaRegistry() without url', code: 'ERR_CONFIG', run: () => new SchemaRegistry({} as never) },
  {
    name: 'SchemaRegistry: latest schema of an unknown subject',
    code: 'ERR_SCHEMA_REGISTRY_SUBJECT_NOT_FOUND',
    run: () =>
      closeLater(new SchemaRegistry({ url: registryUrl() })).getLatest({ subject: uniqueName('walk-nosubject') }),
  },
  {
    name: 'SchemaRegistry: unreachable registry',
    code: 'ERR_SCHEMA_REGISTRY_UNAVAILABLE',
    run: () => closeLater(new SchemaRegistry({ url: closedPortUrl, maxRetries: 0 })).listSubjects(),
  },
  {
    name: 'SchemaRegistry: call after close()',
    code: 'ERR_STATE',
    run: async () => {
      const registry = new SchemaRegistry({ url: registryUrl() })
      await registry.close()
      return registry.listSubjects()
    },
  },
  {
    name: 'send() of an Avro value that does not match its schema',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const avroProducer = closeLater(
        new Producer({
          brokers: brokers(),
          value: serdes.avro<{ sensor: string; celsius: number }>({
            registry: closeLater(new SchemaRegistry({ url: registryUrl() })),
            schema: avroSchema,
          }),
        }),
      )
      await avroProducer.connect()
      return avroProducer.send({ topic, value: { sensor: 's', celsius: 'warm' as never } })
    },
  },
  {
    name: 'send() through an Avro serde whose registry is unreachable',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const registry = closeLater(new SchemaRegistry({ url: closedPortUrl, maxRetries: 0 }))
      const avroProducer = closeLater(
        new Producer({
          brokers: brokers(),
          value: serdes.avro<{ sensor: string; celsius: number }>({ registry, schema: avroSchema }),
        }),
      )
      await avroProducer.connect()
      return avroProducer.send({ topic, value: { sensor: 's', celsius: 1 } })
    },
  },
  {
    name: 'send() of a value its JSON Schema refuses',
    code: 'ERR_SERIALIZATION',
    run: async () => {
      const validating = closeLater(
        new Producer({ brokers: brokers(), value: serdes.json({ validate: { type: 'object', required: ['id'] } }) }),
      )
      await validating.connect()
      return validating.send({ topic, value: {} })
    },
  },
  {
    name: 'serdes.json({ validate }) writing a value its JSON Schema refuses',
    code: 'ERR_SERIALIZATION',
    run: () =>
      serdes.json({ validate: { type: 'object', required: ['id'] } }).serialize({}, { topic, field: 'value' } as never),
  },
  {
    name: 'serdes.avro() without a registry',
    code: 'ERR_CONFIG',
    run: () => serdes.avro({ schema: avroSchema } as never),
  },
  {
    name: 'generateAvroTypes() of a file that is not a schema',
    code: 'ERR_AVRO_CODEGEN',
    run: () => generateAvroTypes([{ path: 'bad.avsc', text: '{"type": "recordz"' }]),
  },
]
