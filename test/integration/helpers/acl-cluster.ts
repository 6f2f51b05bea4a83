/**
 * The shared setup of admin-acl.test.ts and oauthbearer.test.ts: a broker with an authorizer and SASL listeners (the
 * secure cluster helper), an Admin on it as the super user, a SCRAM user alice, and clients acting as either.
 */
import { createRequire } from 'node:module'
import type * as NodeRdkafka from 'node-rdkafka'
import { afterAll, beforeAll } from 'vitest'
import { Admin, type AdminOptions, Producer } from '../../../src/index.js'
import { uniqueName } from './kafka.js'
import { type SecureCluster, startSecureCluster, SUPER_USER } from './secure-cluster.js'

const require = createRequire(import.meta.url)
const rdkafka = require('node-rdkafka') as typeof NodeRdkafka

/** The secured cluster {@link useAclCluster} started. */
export let cluster: SecureCluster
/** An Admin on {@link cluster} as the super user. */
export let admin: Admin
/** A SCRAM-SHA-256 user without any ACL of its own. */
export const alice = { username: uniqueName('alice'), password: 'alice-secret-1' }

/** Admin options that connect to {@link cluster} as `user` over SASL/SCRAM-SHA-256. */
export function as(user: { username: string; password: string }, extra: Partial<AdminOptions> = {}): AdminOptions {
  return { brokers: cluster.bootstrap, sasl: { mechanism: 'scram-sha-256', ...user }, ...extra }
}

/** Starts {@link cluster}, connects {@link admin} and creates alice before the file's tests; stops them after. */
export function useAclCluster(): void {
  beforeAll(async () => {
    cluster = await startSecureCluster()
    admin = new Admin(as(SUPER_USER))
    await admin.connect()
    await admin.alterUserScramCredentials([
      { user: alice.username, mechanism: 'scram-sha-256', password: alice.password },
    ])
  })

  afterAll(async () => {
    await admin?.disconnect()
    await cluster?.stop()
  })
}

/**
 * One record sent as alice by a fresh kafkit Producer: resolves, or rejects with kafkit's error. Not idempotent:
 * an idempotent producer without any WRITE permission already fails at InitProducerId, a fatal error of its own.
 */
export async function sendAsAlice(topic: string): Promise<void> {
  const producer = new Producer({
    brokers: cluster.bootstrap,
    sasl: { mechanism: 'scram-sha-256', ...alice },
    idempotent: false,
    acks: 1,
    deliveryTimeoutMs: 10_000,
  })
  await producer.connect()
  try {
    await producer.send({ topic, value: 'hello' })
  } finally {
    await producer.disconnect()
  }
}

/** Sends `value` to `topic` as the super user. */
export async function produceAsAdmin(topic: string, value: string): Promise<void> {
  const producer = new Producer({ brokers: cluster.bootstrap, sasl: { mechanism: 'scram-sha-256', ...SUPER_USER } })
  await producer.connect()
  try {
    await producer.send({ topic, value })
  } finally {
    await producer.disconnect()
  }
}

/** Reads what alice can read of `topic` in `group` within a few seconds, with a raw node-rdkafka consumer. */
export async function readAsAlice(topic: string, group: string): Promise<string[]> {
  const consumer = new rdkafka.KafkaConsumer(
    {
      'bootstrap.servers': cluster.bootstrap,
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': 'SCRAM-SHA-256',
      'sasl.username': alice.username,
      'sasl.password': alice.password,
      'group.id': group,
      'enable.auto.commit': false,
    },
    { 'auto.offset.reset': 'earliest' },
  )
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 10_000 }, (e) => (e ? reject(e) : resolve())),
  )
  try {
    consumer.subscribe([topic])
    const deadline = Date.now() + 8000
    while (Date.now() < deadline) {
      const messages = await new Promise<NodeRdkafka.Message[]>((resolve, reject) =>
        consumer.consume(10, (e, batch) => (e ? reject(e) : resolve(batch))),
      )
      if (messages.length > 0) return messages.map((m) => m.value!.toString())
    }
    return []
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}
