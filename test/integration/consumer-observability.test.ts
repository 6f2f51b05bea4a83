/**
 * The Consumer against a real broker, watched from outside: librdkafka statistics, the kafkit:consumer:*
 * diagnostics channels, and what idle consumers leave of the libuv threadpool and the event loop.
 */
import diagnostics from 'node:diagnostics_channel'
import { stat } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { Consumer } from '../../src/consumer/index.js'
import { brokers, createTopic, uniqueName, waitFor } from './helpers/kafka.js'
import { produceRaw, sequence } from './helpers/raw-produce.js'
import { disconnectAfterAll } from './helpers/track-clients.js'

const track = disconnectAfterAll()

describe('Consumer against a real broker', () => {
  it('emits librdkafka statistics when statsIntervalMs is set', async () => {
    const topic = uniqueName('consumer-stats')
    await createTopic(topic)
    const consumer = track(new Consumer({ brokers: brokers(), groupId: uniqueName('group'), statsIntervalMs: 100 }))
    const stats: Array<{ type: string; rxmsgs: number }> = []
    consumer.on('stats', (s) => stats.push(s))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    await waitFor(() => stats.length >= 2, 'two stats events')
    expect(stats[0]!.type).toBe('consumer')
    expect(typeof stats[0]!.rxmsgs).toBe('number')
  })

  it('publishes handled messages, commits and rebalances on kafkit:consumer:* channels', async () => {
    const topic = uniqueName('consumer-diag')
    const groupId = uniqueName('group')
    await createTopic(topic)
    await produceRaw(topic, sequence(1, 10))
    const seen = {
      message: [] as unknown[],
      commit: [] as Array<{ offsets: Array<{ topic: string; offset: string | null }> }>,
      rebalance: [] as unknown[],
    }
    const listeners = {
      message: (m: unknown) => seen.message.push(m),
      commit: (m: unknown) => seen.commit.push(m as never),
      rebalance: (m: unknown) => seen.rebalance.push(m),
    }
    for (const [name, fn] of Object.entries(listeners)) diagnostics.subscribe(`kafkit:consumer:${name}`, fn)
    try {
      const consumer = track(new Consumer({ brokers: brokers(), groupId, fromBeginning: true }))
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      let handled = 0
      await consumer.run({
        eachMessage: async () => {
          handled++
        },
      })
      await waitFor(() => handled >= 10, '10 messages')
      await consumer.stop()
    } finally {
      for (const [name, fn] of Object.entries(listeners)) diagnostics.unsubscribe(`kafkit:consumer:${name}`, fn)
    }
    expect(seen.message).toContainEqual({ topic, partition: 0, offset: '9' })
    expect(seen.rebalance).toContainEqual({ type: 'assign', partitions: [{ topic, partition: 0 }] })
    expect(seen.commit.some((c) => c.offsets.some((o) => o.topic === topic && o.offset === '10'))).toBe(true)
  })

  it('8 idle consumers in one process leave the libuv threadpool and the event loop free', async () => {
    const topic = uniqueName('consumer-idle')
    await createTopic(topic)
    const consumers = Array.from({ length: 8 }, () =>
      track(new Consumer({ brokers: brokers(), groupId: uniqueName('group') })),
    )
    let assigned = 0
    for (const consumer of consumers) {
      consumer.on('rebalance', (event) => {
        if (event.type === 'assign') assigned++
      })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({ eachMessage: async () => {} })
    }
    await waitFor(() => assigned === 8, 'all 8 assigned', 60_000)
    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    // fs.stat runs on the libuv threadpool (4 threads): consumers blocking it in a long poll would delay it.
    const latencies: number[] = []
    const until = Date.now() + 2_000
    while (Date.now() < until) {
      const started = performance.now()
      await stat(import.meta.filename)
      latencies.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    delay.disable()
    await Promise.all(consumers.map((consumer) => consumer.stop()))
    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!
    console.log(
      `[idle consumers] fs.stat p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    )
    expect(p99).toBeLessThan(50)
    expect(delay.percentile(99) / 1e6).toBeLessThan(100)
  })
})
