// An idempotent producer (acks=all, kafkit's defaults, with `inFlight` requests in flight per connection) sending
// unique ids at a steady rate. It reports the ids acknowledged (send() resolved) and those that failed, in batches;
// the parent counts an id as acknowledged only from these reports. On { type: 'stop' } it stops sending, waits for
// every pending send to settle, disconnects and reports { type: 'done' }.
import { fail, loadKafkit, options, peakRss, report } from './child-common.mjs'

const { Producer } = await loadKafkit()
const producer = new Producer({
  brokers: options.brokers,
  clientId: `chaos-producer-${options.index}`,
  lingerMs: 5,
  rdkafka: { 'max.in.flight.requests.per.connection': options.inFlight },
})
producer.on('error', () => {})
await producer.connect()
await report({ type: 'ready' })

/** @type {number[]} */ let acked = []
/** @type {Array<{ id: number, code: string, possiblyPersisted: boolean }>} */ let failed = []
let sent = 0
let pending = 0
let stopping = false
let seq = 0

const flushReports = async () => {
  if (acked.length === 0 && failed.length === 0) return
  const message = { type: 'acks', acked, failed, sent }
  acked = []
  failed = []
  await report(message)
}
const reporter = setInterval(() => {
  void flushReports()
}, 200)

// Ids are unique across producers: producer i of n sends i, i + n, i + 2n, ...; a replacement of a producer that
// died (generation g) starts at (g - 1) * 1e9, so no id is ever sent twice.
const idBase = (options.generation - 1) * 1e9
const perTick = options.rate / 20
let budget = 0
const ticker = setInterval(() => {
  if (stopping) return
  budget += perTick
  while (budget >= 1) {
    budget -= 1
    const id = idBase + options.index + options.producers * seq++
    sent++
    pending++
    producer.send({ topic: options.topic, key: String(id), value: String(id) }).then(
      () => {
        pending--
        acked.push(id)
      },
      (/** @type {any} */ err) => {
        pending--
        failed.push({ id, code: String(err?.code ?? err?.message), possiblyPersisted: Boolean(err?.possiblyPersisted) })
      },
    )
  }
}, 50)

process.on('message', (message) => {
  if (/** @type {{ type?: string }} */ (message)?.type !== 'stop' || stopping) return
  stopping = true
  clearInterval(ticker)
  void (async () => {
    while (pending > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    await producer.disconnect()
    clearInterval(reporter)
    await flushReports()
    await report({ type: 'done', sent, peakRss: peakRss() })
    process.exit(0)
  })().catch(fail)
})
