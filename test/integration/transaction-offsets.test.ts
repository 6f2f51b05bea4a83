import { describe, expect, it } from 'vitest'
import { Admin, Consumer, Producer, serdes } from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName, waitFor } from './helpers/kafka.js'

describe('consume-transform-produce with offsets in the transaction', () => {
  it('commits outputs and the input offsets together through tx.sendOffsets()', async () => {
    const input = uniqueName('tx-in')
    const output = uniqueName('tx-out')
    await createTopic(input, { partitions: 1 })
    await createTopic(output, { partitions: 1 })
    const groupId = uniqueName('tx-group')

    const seed = new Producer({ brokers: brokers(), value: serdes.int32() })
    await seed.connect()
    await seed.sendBatch(Array.from({ length: 20 }, (_, n) => ({ topic: input, value: n })))
    await seed.disconnect()

    const producer = new Producer({ brokers: brokers(), transactionalId: uniqueName('tx-proc'), value: serdes.int32() })
    const consumer = new Consumer({ brokers: brokers(), groupId, value: serdes.int32(), fromBeginning: true })
    await producer.connect()
    await consumer.connect()
    await consumer.subscribe({ topics: [input] })
    let handled = 0
    await consumer.run({
      eachMessage: async ({ message }) => {
        await producer.transaction(async (tx) => {
          await tx.send({ topic: output, value: (message.value ?? 0) * 10 })
          await tx.sendOffsets({
            consumer,
            offsets: [{ topic: message.topic, partition: message.partition, offset: BigInt(message.offset) + 1n }],
          })
        })
        handled++
      },
    })
    await waitFor(() => handled === 20, '20 messages handled')
    await consumer.stop()
    await consumer.disconnect()
    await producer.disconnect()

    const outputs = await readAll(output, 20, { isolationLevel: 'read_committed', settleMs: 1000 })
    expect(outputs.map((r) => r.value!.readInt32BE(0))).toEqual(Array.from({ length: 20 }, (_, n) => n * 10))

    const admin = new Admin({ brokers: brokers() })
    await admin.connect()
    try {
      const committed = await admin.listGroupOffsets(groupId)
      expect(committed.find((c) => c.topic === input && c.partition === 0)?.offset?.toString()).toBe('20')
    } finally {
      await admin.disconnect()
    }
  })
})
