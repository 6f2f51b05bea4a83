/**
 * Regression tests for producer reliability faults, each against the real broker.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { KafkaError, Producer, type Serde } from '../../src/index.js'
import { brokers, createTopic, readAll, uniqueName } from './helpers/kafka.js'

const open: Array<Producer<any, any, any>> = []
function track<P extends Producer<any, any, any>>(producer: P): P {
  open.push(producer)
  return producer
}
afterAll(async () => {
  await Promise.all(open.map((producer) => producer.disconnect().catch(() => undefined)))
})

describe('Producer regressions', () => {
  it('disconnect() during connect() leaves the producer closed, not connected', async () => {
    const producer = new Producer({ brokers: brokers() })
    const connecting = producer.connect()
    await producer.disconnect()
    await connecting
    expect(producer.state).toBe('closed')
    await expect(producer.send({ topic: 'any', value: 'x' })).rejects.toThrow(/closed/)
  })

  it("an aborted transaction's record whose async serde was still pending is not committed by the next transaction", async () => {
    const topic = uniqueName('producer-tx-abort-pending')
    await createTopic(topic)
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // The record of the aborted transaction is serialized only once the next transaction runs.
    const gatedString: Serde<string> = {
      serialize: async (value) => {
        if (value === 'aborted') await gate
        return Buffer.from(value)
      },
      deserialize: (data) => data.toString(),
    }
    const producer = track(
      new Producer({ brokers: brokers(), transactionalId: uniqueName('tx-pending'), value: gatedString }),
    )
    await producer.connect()
    let aborted: Promise<unknown> | undefined
    const failed = await producer
      .transaction(async (tx) => {
        aborted = tx.send({ topic, value: 'aborted' }).catch((error: unknown) => error)
        throw new Error('handler failed')
      })
      .catch((error: unknown) => error)
    expect((failed as Error).message).toBe('handler failed')
    await producer.transaction(async (tx) => {
      // Not awaited: records leave in send() order, so this one waits behind the aborted one.
      void tx.send({ topic, value: 'committed' })
      release()
      // Let the aborted record's serde finish inside this transaction.
      await new Promise((resolve) => setTimeout(resolve, 100))
    })
    const records = await readAll(topic, 1, { isolationLevel: 'read_committed', settleMs: 2000 })
    expect(records.map((r) => r.value!.toString())).toEqual(['committed'])
    expect(await aborted).toMatchObject({ code: 'ERR_KAFKA_PURGE_QUEUE' })
    expect(await aborted).toBeInstanceOf(KafkaError)
  })
})
