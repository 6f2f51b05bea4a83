/**
 * Loading a saga mediator's state topic: the compacted topic holding each saga's latest record, keyed by saga id. It
 * is read up to a sentinel written to every partition first, so that what was read is everything committed before.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { Admin } from '../admin/admin.js'
import { Consumer } from '../consumer/consumer.js'
import { type KafkaError, SerializationError, StateError, TimeoutError } from '../errors/kafka-error.js'
import type { Producer } from '../producer/producer.js'
import { serdes } from '../serde/index.js'
import type { SagaRecord } from './saga-machine.js'

// Written to each state partition on start; reading up to it (read_committed) means having read everything committed.
const SENTINEL_KEY = '__kafkit_saga_sentinel__'

/** What reloading the state topic needs of its mediator. */
export interface StateReloadHost {
  /** The mediator's non-transactional producer (string keys, JSON values): writes the sentinels. */
  readonly producer: Producer<string, unknown>
  /** Connection options (brokers, clientId, ssl, sasl) of the reader. */
  readonly connection: Record<string, unknown>
  /** Connection options of the Admin that counts the state topic's partitions. */
  readonly adminConnection: Record<string, unknown>
  /** The mediator's consumer tuning block, applied to the reader. */
  readonly consumerTuning: Record<string, unknown>
  /** The mediator's group id; each reader gets a group of its own derived from it. */
  readonly groupId: string
  /** The compacted topic holding each saga's latest record. */
  readonly stateTopic: string
  /** How long the whole reload may take, ms. */
  readonly rebuildTimeoutMs: number
  /** Takes a saga record read from the topic (keeping the newer of two copies is the host's job). */
  remember(record: SagaRecord<unknown>): void
  /** A tombstone for saga `id` was read. */
  forget(id: string): void
  /** Reports a client error of the reader, or a malformed record that was skipped. */
  report(error: KafkaError): void
}

/**
 * Reads the state topic up to a sentinel written now to every partition: everything committed before it. Runs
 * while replies of other partitions may be handled; versions keep a newer in-memory record from being replaced.
 * Throws a {@link StateError} when the topic has no partitions or the reader stops early, and a {@link TimeoutError}
 * after `rebuildTimeoutMs`.
 */
export async function reloadStateTopic(host: StateReloadHost): Promise<void> {
  const topic = host.stateTopic
  const admin = new Admin(host.adminConnection as { brokers: string })
  await admin.connect()
  let partitions: number
  try {
    const [description] = await admin.describeTopics([topic])
    partitions = description?.partitions.length ?? 0
  } finally {
    await admin.disconnect()
  }
  if (partitions === 0)
    throw new StateError(`SagaMediator.start(): state topic ${topic} has no partitions; create it (compacted) first`)
  const nonce = randomUUID()
  for (let partition = 0; partition < partitions; partition++) {
    await host.producer.send({ topic, partition, key: SENTINEL_KEY, value: nonce })
  }
  const reader = new Consumer({
    ...host.consumerTuning,
    ...(host.connection as { brokers: string }),
    groupId: `${host.groupId}-rebuild-${nonce}`,
    key: serdes.string(),
    fromBeginning: true,
    commitOffsets: false,
  })
  reader.on('error', (error) => host.report(error))
  const pending = new Set(Array.from({ length: partitions }, (_, p) => p))
  let done!: () => void
  let failed!: (error: unknown) => void
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve
    failed = reject
  })
  const timer = setTimeout(
    () =>
      failed(
        new TimeoutError(
          `SagaMediator: reading state topic ${topic} took longer than rebuildTimeoutMs (${host.rebuildTimeoutMs} ms); ${pending.size} partition(s) not read up to the sentinel`,
        ),
      ),
    host.rebuildTimeoutMs,
  )
  await reader.connect()
  try {
    await reader.subscribe({ topics: [topic] })
    await reader.run({
      eachMessage: ({ message }) => {
        if (message.key === SENTINEL_KEY) {
          if (message.value?.toString() === JSON.stringify(nonce)) pending.delete(message.partition)
          if (pending.size === 0) done()
          return
        }
        if (message.key === null) return
        if (message.value === null) {
          host.forget(message.key)
          return
        }
        const record = parseRecord(message.value)
        if (record === undefined) {
          // One bad record must not keep the mediator from starting: the saga it stood for is unknown here.
          host.report(
            new SerializationError(
              `SagaMediator: skipped a malformed saga record in state topic ${topic} (partition ${message.partition}, offset ${message.offset}, key ${JSON.stringify(message.key)}): not a JSON saga record`,
              { topic, partition: message.partition, offset: message.offset, field: 'value' },
            ),
          )
          return
        }
        host.remember(record)
      },
    })
    // A reader whose run ended (a fatal client error) will never reach the sentinel.
    reader
      .stopped()
      .then(
        () =>
          failed(
            new StateError(`SagaMediator: the reader of state topic ${topic} stopped before reaching the sentinel`),
          ),
        failed,
      )
    await finished
  } finally {
    clearTimeout(timer)
    await reader.stop().catch(() => undefined)
    await reader.disconnect()
  }
}

/** A saga record read back from the state topic, or `undefined` when the bytes are not one. */
function parseRecord(value: Buffer): SagaRecord<unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(value.toString('utf8'))
  } catch {
    return undefined
  }
  const record = parsed as Partial<SagaRecord<unknown>> | null
  if (typeof record !== 'object' || record === null) return undefined
  if (typeof record.id !== 'string' || typeof record.version !== 'number' || typeof record.step !== 'number')
    return undefined
  if (record.status !== 'running' && record.status !== 'completed' && record.status !== 'compensated') return undefined
  if (record.deadline !== null && typeof record.deadline !== 'number') return undefined
  return record as SagaRecord<unknown>
}
