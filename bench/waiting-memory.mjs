// Memory held per waiting un-awaited send: 1M sends issued without yielding through a 1,000-record librdkafka queue.
// Run: npm run build && KAFKA_BROKERS=host:port node --expose-gc bench/waiting-memory.mjs
const kafkit = await import('../dist/index.js')
const brokers = process.env.KAFKA_BROKERS
const admin = new kafkit.Admin({ brokers })
await admin.connect()
const topic = `mem-${Date.now()}`
await admin.createTopics([{ topic, partitions: 6 }])
const p = new kafkit.Producer({ brokers, maxQueuedMessages: 1000 })
await p.connect()
const value = Buffer.alloc(100, 'x')
const N = 1_000_000
globalThis.gc()
const before = process.memoryUsage()
for (let i = 0; i < N; i++) p.send({ topic, value })
globalThis.gc()
const after = process.memoryUsage()
const waiting = p.waitingRecords
const perSend = (k) => ((after[k] - before[k]) / waiting).toFixed(1)
console.log(
  JSON.stringify({
    waiting,
    heapUsedPerSend: perSend('heapUsed'),
    externalPerSend: perSend('external'),
    arrayBuffersPerSend: perSend('arrayBuffers'),
    rssPerSend: perSend('rss'),
  }),
)
await p.flush({ timeoutMs: 120000 })
await p.disconnect()
await admin.disconnect()
