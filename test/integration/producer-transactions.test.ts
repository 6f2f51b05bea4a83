/**
 * The Producer's transactions against a real broker: committed ones are seen by read_committed readers, aborted
 * ones never; un-awaited sends inside one; an older instance with the same transactionalId is fenced.
 */
import { describe, expect, it } from 'vitest'
import { KafkaError, Producer, SerializationError, StateError, serdes, type Serde } from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Producer against a real broker', () => {
  it('commits transactions for read_committed readers and never shows aborted ones', async () => {
    const topic = uniqueName('producer-tx')
    await createTopic(topic, { partitions: 2 })
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx'), value: serdes.string() }),
    )
    await producer.connect()

    await expect(producer.send({ topic, value: 'outside' })).rejects.toBeInstanceOf(StateError)

    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'committed-1' })
      await tx.send({ topic, value: 'committed-2' })
      return 'done'
    })
    expect(result).toBe('done')

    const boom = new Error('business rule failed')
    await expect(
      producer.transaction(async (tx) => {
        await tx.send({ topic, value: 'aborted-1' })
        throw boom
      }),
    ).rejects.toBe(boom)

    await producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'committed-3' })
    })

    const committed = await readAll(topic, 3, { isolationLevel: 'read_committed', settleMs: 2000 })
    expect(committed.map((r) => r.value!.toString()).sort()).toEqual(['committed-1', 'committed-2', 'committed-3'])
    const uncommitted = await readAll(topic, 4, { isolationLevel: 'read_uncommitted', settleMs: 1000 })
    expect(uncommitted.map((r) => r.value!.toString())).toContain('aborted-1')
  })

  it('commits un-awaited sends whose async serde finishes after the transaction body, and aborts on a serde failure', async () => {
    const topic = uniqueName('producer-tx-async')
    await createTopic(topic, { partitions: 3 })
    // Each value is ready only a few ms after send(): the body returns before any record reached librdkafka.
    const slowString: Serde<string> = {
      serialize: async (value) => {
        await new Promise((resolve) => setTimeout(resolve, 1 + (value.length % 7)))
        if (value === 'poison') throw new Error('cannot encode poison')
        return Buffer.from(value)
      },
      deserialize: (data) => data.toString(),
    }
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx-async'), value: slowString }),
    )
    await producer.connect()

    const count = 500
    await producer.transaction(async (tx) => {
      for (let i = 0; i < count; i++) void tx.send({ topic, value: `v-${i}` })
    })
    const failed = await producer
      .transaction(async (tx) => {
        void tx.send({ topic, value: 'before-poison' })
        void tx.send({ topic, value: 'poison' })
      })
      .catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(SerializationError)
    await producer.transaction(async (tx) => void tx.send({ topic, value: 'last' }))

    const committed = await readAll(topic, count + 1, { isolationLevel: 'read_committed', settleMs: 2000 })
    const values = committed.map((r) => r.value!.toString())
    expect(values).toHaveLength(count + 1)
    expect(new Set(values)).toEqual(new Set([...Array.from({ length: count }, (_, i) => `v-${i}`), 'last']))
  })

  it('aborts right after a commit, with records already in librdkafka, and stays usable (librdkafka#4849)', async () => {
    // The coordinator is still completing the commit when the next transaction registers its partition, and answers
    // CONCURRENT_TRANSACTIONS; an abort sent before the retried registration succeeds reaches a coordinator with no
    // transaction open, which rejects it with INVALID_TXN_STATE, a fatal error in librdkafka.
    const topic = uniqueName('producer-tx-abort-race')
    const partitions = 12
    await createTopic(topic, { partitions })
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx-abort-race'), value: serdes.string() }),
    )
    await producer.connect()
    const rounds = 10
    for (let round = 0; round < rounds; round++) {
      // Markers for many partitions keep the coordinator busy with the commit a little longer.
      await producer.transaction(async (tx) => {
        for (let partition = 0; partition < partitions; partition++)
          void tx.send({ topic, partition, value: `kept-${round}-${partition}` })
      })
      const boom = new Error(`rule failed in round ${round}`)
      const failed = await producer
        .transaction(async (tx) => {
          void tx.send({ topic, value: `aborted-${round}` })
          // The record crosses into librdkafka and its partition's registration is answered meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 8))
          throw boom
        })
        .catch((error: unknown) => error)
      expect(failed).toBe(boom)
    }
    const committed = await readAll(topic, rounds * partitions, { isolationLevel: 'read_committed', settleMs: 2000 })
    expect(committed.map((r) => r.value!.toString()).every((value) => value.startsWith('kept-'))).toBe(true)
    expect(committed).toHaveLength(rounds * partitions)
  })

  it('fences an older instance with the same transactionalId: its next transaction fails fatally', async () => {
    const topic = uniqueName('producer-fenced')
    await createTopic(topic, { partitions: 1 })
    const transactionalId = uniqueName('fenced')
    const first = track(new Producer({ brokers: brokers(), transactionalId, value: serdes.string() }))
    await first.connect()
    await first.transaction(async (tx) => void (await tx.send({ topic, value: 'from-first' })))
    const second = track(new Producer({ brokers: brokers(), transactionalId, value: serdes.string() }))
    await second.connect()

    const fenced = await first
      .transaction(async (tx) => void (await tx.send({ topic, value: 'zombie' })))
      .catch((error: unknown) => error)
    expect(fenced).toBeInstanceOf(KafkaError)
    expect((fenced as KafkaError).fatal, `${(fenced as KafkaError).code}: ${(fenced as KafkaError).message}`).toBe(true)
    const after = await first.transaction(async () => undefined).catch((error: unknown) => error)
    expect(after).toBeInstanceOf(StateError)
    expect((after as StateError).message).toContain('create a new Producer')

    await second.transaction(async (tx) => void (await tx.send({ topic, value: 'from-second' })))
    const committed = await readAll(topic, 2, { settleMs: 1500 })
    expect(committed.map((r) => r.value!.toString())).toEqual(['from-first', 'from-second'])
  })
})
