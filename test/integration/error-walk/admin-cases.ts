/**
 * The Admin's failure cases of error-walk.test.ts.
 */
import { Admin } from '../../../src/index.js'
import { brokers, uniqueName } from '../helpers/kafka.js'
import { admin, type FailureCase, topic } from './clients.js'

/** Every failure case of the Admin. */
export const adminCases: FailureCase[] = [
  { name: 'new Admin() without brokers', code: 'ERR_CONFIG', run: () => new Admin({} as never) },
  { name: 'a call before connect()', code: 'ERR_STATE', run: () => new Admin({ brokers: brokers() }).listTopics() },
  {
    name: 'createTopics() of an existing topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_TOPIC_ALREADY_EXISTS'],
    run: () => admin.createTopics([{ topic }]),
  },
  {
    name: 'createTopics() with zero partitions',
    code: 'ERR_CONFIG',
    run: () => admin.createTopics([{ topic: uniqueName('walk-zero'), partitions: 0 }]),
  },
  {
    name: 'createTopics() of something else than an array',
    code: 'ERR_CONFIG',
    run: () => admin.createTopics('x' as never),
  },
  {
    name: 'deleteTopics() of an unknown topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_UNKNOWN_TOPIC_OR_PART'],
    run: () => admin.deleteTopics([uniqueName('walk-missing')]),
  },
  {
    name: 'describeTopics() of an unknown topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_UNKNOWN_TOPIC_OR_PART'],
    run: () =>
      admin.describeTopics([topic, uniqueName('walk-missing')]).then(() => {
        throw new Error('resolved')
      }),
  },
  {
    name: 'createPartitions() that would shrink a topic',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_INVALID_PARTITIONS'],
    run: () => admin.createPartitions([{ topic, count: 1 }]),
  },
  {
    name: 'alterConfigs() with an unknown topic config',
    code: 'ERR_AGGREGATE',
    failures: ['ERR_KAFKA_INVALID_CONFIG'],
    run: () => admin.alterConfigs([{ type: 'topic', name: topic, set: { 'no.such.config': '1' } }] as never),
  },
  {
    name: 'listOffsets() of a negative partition',
    code: 'ERR_CONFIG',
    run: () => admin.listOffsets([{ topic, partition: -1, at: 'latest' }] as never),
  },
]
