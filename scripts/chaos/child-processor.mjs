// An exactly-once Processor: one output per input, keyed by the input's partition:offset and carrying its id.
// Its transactionalId is stable per slot, so a replacement started after a kill fences its dead predecessor and
// aborts the transaction it left open. Committed and aborted transactions are reported (diagnostics channel).
import diagnostics from 'node:diagnostics_channel'
import { fail, loadKafkit, options, peakRss, report } from './child-common.mjs'

const { Processor } = await loadKafkit()
diagnostics.subscribe('kafkit:processor:transaction', (/** @type {any} */ event) => {
  void report({
    type: 'transaction',
    outcome: event.outcome,
    partition: event.partition,
    messages: event.messages,
    error: event.error ? `${event.error.code ?? ''} ${event.error.message}` : undefined,
  })
})
// The Processor's consumer publishes its rebalances here; what this instance holds is kept for status requests.
const assigned = new Set()
diagnostics.subscribe('kafkit:consumer:rebalance', (/** @type {any} */ event) => {
  for (const p of event.partitions) {
    if (event.type === 'assign') assigned.add(p.partition)
    else assigned.delete(p.partition)
  }
  void report({
    type: 'rebalance',
    kind: event.type,
    partitions: event.partitions.map((/** @type {any} */ p) => p.partition),
  })
})
let lastCommitAt = 0
diagnostics.subscribe('kafkit:processor:transaction', (/** @type {any} */ event) => {
  if (event.outcome === 'commit') lastCommitAt = Date.now()
})
const processor = new Processor({
  brokers: options.brokers,
  clientId: `chaos-processor-${options.name}`,
  groupId: options.groupId,
  transactionalId: options.transactionalId,
  fromBeginning: true,
  sessionTimeoutMs: options.sessionTimeoutMs,
  heartbeatIntervalMs: 1_000,
  maxBatchSize: 500,
  maxBatchMs: 200,
  ...(options.partitionsPerTransaction === undefined
    ? {}
    : { partitionsPerTransaction: options.partitionsPerTransaction }),
  input: { [options.input]: {} },
  output: { [options.output]: {} },
  handle: (/** @type {any} */ message, /** @type {any} */ ctx) => {
    ctx.send({ topic: options.output, key: `${message.partition}:${message.offset}`, value: message.value })
  },
})
processor.on('error', (/** @type {any} */ err) => {
  void report({ type: 'error', message: `${err?.code ?? ''} ${err?.message}` })
})
await processor.start()
processor.stopped().catch(fail)
await report({ type: 'ready' })

process.on('message', (message) => {
  if (/** @type {{ type?: string }} */ (message)?.type === 'status') {
    void report({
      type: 'status',
      state: processor.state,
      assignment: [...assigned].sort(),
      lastCommitAgoMs: Date.now() - lastCommitAt,
    })
    return
  }
  if (/** @type {{ type?: string }} */ (message)?.type !== 'stop') return
  void (async () => {
    await processor.stop()
    await report({ type: 'done', peakRss: peakRss() })
    process.exit(0)
  })().catch(fail)
})
