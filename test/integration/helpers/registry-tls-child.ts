/**
 * Run by security-registry.test.ts in a child process (through tsx) whose environment trusts the test CA through
 * NODE_EXTRA_CA_CERTS, the way a service trusts a CA without kafkit's `tls` option (the HTTP client then uses Node's
 * default trust store), and Node reads that variable only when a process starts. Registers a schema over HTTPS, sends an
 * Avro record over Kafka TLS and reads it back, and prints one JSON line with what it saw.
 *
 * Environment: REGISTRY_URL (https, Confluent-compatible API), KAFKA_TLS_BROKERS, KAFKA_TLS_CA (PEM file), TOPIC.
 */
import { readFileSync } from 'node:fs'
import { Consumer, Producer, SchemaRegistry, serdes } from '../../../src/index.js'

interface Payment {
  id: string
  cents: number
}

const schema = {
  type: 'record',
  name: 'Payment',
  namespace: 'kafkit.test.tls',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
  ],
} as const

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const url = required('REGISTRY_URL')
const brokers = required('KAFKA_TLS_BROKERS')
const ssl = { ca: readFileSync(required('KAFKA_TLS_CA')) }
const topic = required('TOPIC')

const registry = new SchemaRegistry({ url, maxRetries: 0 })
const registered = await registry.register({ subject: `${topic}-value`, schema })
const producer = new Producer({ brokers, ssl, value: serdes.avro<Payment>({ registry, schema }) })
await producer.connect()
await producer.send({ topic, key: 'p-1', value: { id: 'p-1', cents: 4200 } })
await producer.disconnect()

const consumer = new Consumer({
  brokers,
  ssl,
  groupId: `${topic}-group`,
  fromBeginning: true,
  value: serdes.avro<Payment>({ registry }),
})
await consumer.connect()
await consumer.subscribe({ topics: [topic] })
const read: Payment[] = []
await consumer.run({
  eachMessage: async ({ message }) => {
    read.push(message.value!)
  },
})
const deadline = Date.now() + 30_000
while (read.length === 0) {
  if (Date.now() > deadline) throw new Error('no record read back within 30 s')
  await new Promise((resolve) => setTimeout(resolve, 50))
}
await consumer.disconnect()
const latest = await registry.getLatest({ subject: `${topic}-value` })
await registry.close()
console.log(
  JSON.stringify({
    registeredId: registered.id,
    latestId: latest.id,
    read: read.map((p) => ({ ...p, cents: Number(p.cents) })),
  }),
)
