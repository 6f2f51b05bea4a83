// An at-least-once group member: kafkit's Consumer with its defaults (offsets stored after each handled batch,
// committed in the background). Every handled message (partition, offset, id) is reported before the handler
// returns, so whatever this member may commit the parent has already heard of.
import { fail, loadKafkit, options, peakRss, report } from './child-common.mjs'

const { Consumer } = await loadKafkit()
const consumer = new Consumer({
  brokers: options.brokers,
  groupId: options.groupId,
  clientId: `chaos-consumer-${options.name}`,
  fromBeginning: true,
  sessionTimeoutMs: options.sessionTimeoutMs,
  heartbeatIntervalMs: 1_000,
  autoCommitIntervalMs: options.autoCommitIntervalMs,
  logger: {
    debug: () => {},
    info: () => {},
    warn: (/** @type {string} */ message, /** @type {any} */ meta) => {
      void report({ type: 'log', level: 'warn', facility: meta?.facility, message })
    },
    error: (/** @type {string} */ message, /** @type {any} */ meta) => {
      void report({ type: 'log', level: 'error', facility: meta?.facility, message })
    },
  },
})
let lastHandledAt = 0
consumer.on('error', (/** @type {any} */ err) => {
  void report({ type: 'error', message: `${err?.code ?? ''} ${err?.message}` })
})
consumer.on('rebalance', (/** @type {any} */ event) => {
  void report({
    type: 'rebalance',
    at: Date.now(),
    kind: event.type,
    partitions: event.partitions.map((/** @type {any} */ p) => p.partition),
  })
})
await consumer.connect()
await consumer.subscribe({ topics: [options.topic] })
await consumer.run({
  partitionsConsumedConcurrently: 6,
  maxBatchSize: 200,
  eachBatch: async (/** @type {any} */ { batch }) => {
    lastHandledAt = Date.now()
    await report({
      type: 'handled',
      at: lastHandledAt,
      partition: batch.partition,
      offsets: batch.messages.map((/** @type {any} */ m) => Number(m.offset)),
      ids: batch.messages.map((/** @type {any} */ m) => Number(m.value.toString())),
    })
  },
})
consumer.stopped().catch(fail)
await report({ type: 'ready' })

process.on('message', (message) => {
  if (/** @type {{ type?: string }} */ (message)?.type === 'status') {
    void report({
      type: 'status',
      state: consumer.state,
      running: consumer.running,
      lastHandledAgoMs: Date.now() - lastHandledAt,
      assignment: consumer.assignment().map((/** @type {any} */ p) => p.partition),
      lag: consumer
        .lag()
        .map(
          (/** @type {any} */ l) =>
            `${l.partition}: hw ${l.highWatermark} pos ${l.position} lag ${l.lag} buffered ${l.buffered}`,
        ),
    })
    return
  }
  if (/** @type {{ type?: string }} */ (message)?.type !== 'stop') return
  void (async () => {
    await consumer.stop()
    await consumer.disconnect()
    await report({ type: 'done', peakRss: peakRss() })
    process.exit(0)
  })().catch(fail)
})
