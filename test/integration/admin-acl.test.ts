/**
 * ACLs and SCRAM users against a broker with an authorizer and a SASL/SCRAM listener: an ACL written with
 * createAcls must really allow or deny a client.
 */
import diagnostics from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import {
  Admin,
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  Consumer,
  KafkaError,
  Producer,
  StateError,
} from '../../src/index.js'
import {
  admin,
  alice,
  as,
  cluster,
  produceAsAdmin,
  readAsAlice,
  sendAsAlice,
  useAclCluster,
} from './helpers/acl-cluster.js'
import { uniqueName, waitFor } from './helpers/kafka.js'

useAclCluster()

describe('Admin: SCRAM users and ACLs on a secured broker', () => {
  it('alterUserScramCredentials creates a user that can authenticate; a wrong password cannot', async () => {
    // Credentials reach the brokers through the metadata log, a moment after the controller accepted them.
    let described: unknown
    await waitFor(async () => {
      described = (await admin.describeUserScramCredentials([alice.username]))[0]
      return true
    }, 'the credential to be visible')
    expect(described).toEqual({ user: alice.username, credentials: [{ mechanism: 'scram-sha-256', iterations: 8192 }] })

    const asAlice = new Admin(as(alice))
    await asAlice.connect()
    expect((await asAlice.describeCluster()).brokers).toHaveLength(1)
    await asAlice.disconnect()

    const impostor = new Admin(as({ username: alice.username, password: 'wrong' }, { connectTimeoutMs: 3000 }))
    const error = await impostor.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as KafkaError).code).toBe('ERR_KAFKA_AUTHENTICATION')
    expect((error as KafkaError).retriable).toBe(false)
    expect((error as KafkaError).message).toMatch(/refused the client's credentials/)
  })

  it('a producer and a consumer with a wrong password fail to connect with a non-retriable AuthenticationError', async () => {
    const sasl = { mechanism: 'scram-sha-256' as const, username: alice.username, password: 'wrong' }
    const producer = new Producer({ brokers: cluster.bootstrap, sasl, connectTimeoutMs: 3000 })
    const producerError = await producer.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(producerError).toBeInstanceOf(AuthenticationError)
    expect((producerError as KafkaError).retriable).toBe(false)
    const consumer = new Consumer({
      brokers: cluster.bootstrap,
      sasl,
      groupId: uniqueName('group'),
      connectTimeoutMs: 3000,
    })
    const consumerError = await consumer.connect().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(consumerError).toBeInstanceOf(AuthenticationError)
    expect((consumerError as KafkaError).code).toBe('ERR_KAFKA_AUTHENTICATION')
  })

  it('createAcls grants a real permission, deleteAcls takes it back: the producer is denied, allowed, denied', async () => {
    const topic = uniqueName('acl-topic')
    await admin.createTopics([{ topic, partitions: 1 }])

    const denied = await sendAsAlice(topic).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(denied).toBeInstanceOf(AuthorizationError)
    expect((denied as AuthorizationError).code).toBe('ERR_KAFKA_TOPIC_AUTHORIZATION_FAILED')

    const principal = `User:${alice.username}`
    await admin.createAcls([
      { resourceType: 'topic', resourceName: topic, principal, operation: 'write', permission: 'allow' },
    ])
    expect(await admin.describeAcls({ principal })).toEqual([
      {
        resourceType: 'topic',
        resourceName: topic,
        patternType: 'literal',
        principal,
        host: '*',
        operation: 'write',
        permission: 'allow',
      },
    ])

    // The authorizer applies new ACLs from the metadata log: retry until the send goes through.
    await waitFor(
      async () => {
        await sendAsAlice(topic)
        return true
      },
      'the write ACL to take effect',
      60_000,
    )

    // Second means for the write: the super user reads the record back with node-rdkafka.
    const latest = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    expect(Number(latest[0]!.offset)).toBeGreaterThanOrEqual(1)

    const deleted = await admin.deleteAcls([{ principal, operation: 'write' }])
    expect(deleted).toEqual([
      [expect.objectContaining({ resourceName: topic, operation: 'write', permission: 'allow' })],
    ])
    expect(await admin.describeAcls({ principal })).toEqual([])
    await waitFor(
      async () => {
        const error = await sendAsAlice(topic).then(
          () => undefined,
          (e: unknown) => e,
        )
        return error instanceof AuthorizationError
      },
      'the write ACL to be gone',
      60_000,
    )
  })

  it('an idempotent producer without any WRITE permission fails fatally with an AuthorizationError naming the cause', async () => {
    const topic = uniqueName('acl-idempotent')
    await admin.createTopics([{ topic, partitions: 1 }])
    const producer = new Producer({
      brokers: cluster.bootstrap,
      sasl: { mechanism: 'scram-sha-256', ...alice },
      deliveryTimeoutMs: 10_000,
    })
    const errors: KafkaError[] = []
    producer.on('error', (error) => errors.push(error))
    await producer.connect()
    try {
      const denied = await producer.send({ topic, value: 'hello' }).then(
        () => undefined,
        (e: unknown) => e,
      )
      // When the producer's fatal error reached JavaScript before this send, the send is refused by the failed producer:
      // a StateError whose cause is that AuthorizationError (docs/producer.md). Either way the reason is the denial.
      const reason = denied instanceof StateError ? denied.cause : denied
      expect(reason, String(denied)).toBeInstanceOf(AuthorizationError)
      expect((reason as AuthorizationError).code).toMatch(/AUTHORIZATION_FAILED$/)
      // librdkafka may fail the record on the topic's authorization (not fatal) before its producer id request fails
      // fatally on the cluster's; either way the producer ends up failed, and later calls are refused naming the
      // fatal AuthorizationError.
      let refused: unknown
      await waitFor(
        async () => {
          refused = await producer.send({ topic, value: 'again' }).then(
            () => undefined,
            (e: unknown) => e,
          )
          return refused instanceof KafkaError && refused.fatal
        },
        'the producer to fail fatally',
        30_000,
      )
      const cause = (refused as KafkaError).cause ?? refused
      expect(cause, String(cause)).toBeInstanceOf(AuthorizationError)
      expect((cause as AuthorizationError).fatal).toBe(true)
    } finally {
      await producer.disconnect().catch(() => undefined)
    }
  })

  it('prefixed READ ACLs on topic and group let a consumer read; a DENY entry wins over an ALLOW', async () => {
    const prefix = uniqueName('acl-read')
    const topic = `${prefix}-orders`
    const group = `${prefix}-group`
    const principal = `User:${alice.username}`
    await admin.createTopics([{ topic, partitions: 1 }])
    await produceAsAdmin(topic, 'r1')
    await admin.createAcls([
      {
        resourceType: 'topic',
        resourceName: prefix,
        patternType: 'prefixed',
        principal,
        operation: 'read',
        permission: 'allow',
      },
      {
        resourceType: 'group',
        resourceName: prefix,
        patternType: 'prefixed',
        principal,
        operation: 'read',
        permission: 'allow',
      },
    ])
    const matching = await admin.describeAcls({ resourceType: 'topic', resourceName: topic, patternType: 'match' })
    expect(matching.map((a) => [a.resourceName, a.patternType, a.operation])).toEqual([[prefix, 'prefixed', 'read']])

    const values: string[] = []
    await waitFor(
      async () => {
        values.push(...(await readAsAlice(topic, group)))
        return values.length > 0
      },
      'alice to read through the prefixed ACLs',
      60_000,
    )
    expect(values).toEqual(['r1'])

    await admin.createAcls([
      { resourceType: 'topic', resourceName: topic, principal, operation: 'read', permission: 'deny' },
    ])
    await waitFor(
      async () => {
        const error = await readAsAlice(topic, `${group}-2`).then(
          () => undefined,
          (e: unknown) => e,
        )
        return error !== undefined && /authoriz/i.test(String((error as Error).message))
      },
      'the DENY entry to win',
      60_000,
    )

    const removed = await admin.deleteAcls([
      { resourceName: prefix, patternType: 'prefixed' },
      { resourceName: topic, permission: 'deny' },
    ])
    expect(removed.map((list) => list.length)).toEqual([2, 1])
  })

  it('bad ACL input is refused before sending; unknown users fail by name', async () => {
    const missingType = await admin
      .createAcls([
        { resourceType: 'topic', resourceName: 't', principal: 'alice', operation: 'read', permission: 'allow' },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(missingType).toBeInstanceOf(ConfigError)
    expect((missingType as ConfigError).path).toBe('acls[0].principal')

    const badOperation = await admin
      .createAcls([
        {
          resourceType: 'topic',
          resourceName: 't',
          principal: 'User:a',
          operation: 'fly' as never,
          permission: 'allow',
        },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect((badOperation as ConfigError).path).toBe('acls[0].operation')
    expect(await admin.describeAcls({ resourceName: 't' })).toEqual([])

    const unknownUser = uniqueName('nobody')
    const error = await admin.describeUserScramCredentials([unknownUser]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((error as { failures?: Array<{ error: KafkaError }> }).failures?.[0]?.error.code).toBe(
      'ERR_KAFKA_RESOURCE_NOT_FOUND',
    )
  })

  it("a restricted admin principal works although it may not describe kafkit's guard group", async () => {
    const errors: unknown[] = []
    const listener = (message: unknown): void => {
      errors.push(message)
    }
    diagnostics.subscribe('kafkit:admin:error', listener)
    try {
      const restricted = new Admin(as(alice))
      await restricted.connect()
      const topics = await restricted.listTopics()
      expect(Array.isArray(topics)).toBe(true)
      await restricted.disconnect()
    } finally {
      diagnostics.unsubscribe('kafkit:admin:error', listener)
    }
    // Whatever librdkafka reported about the guard group went to the channel, typed, not to stderr.
    for (const message of errors) expect((message as { error: unknown }).error).toBeInstanceOf(KafkaError)
  })
})
