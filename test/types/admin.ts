// Type-level tests of the Admin API: checked by `tsc -p tsconfig.json --noEmit` (part of `npm test`).
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import {
  Admin,
  type AdminCalls,
  type AclDescription,
  type ClusterDescription,
  type GroupPartitionOffset,
  type GroupState,
  type PartitionOffset,
  type TopicDescription,
} from '../../src/index.js'

export async function adminTypeTests(): Promise<void> {
  const admin = new Admin({
    brokers: 'localhost:9092',
    requestTimeoutMs: 5000,
    rdkafka: { 'socket.keepalive.enable': true },
  })
  // @ts-expect-error a misspelled option does not compile
  new Admin({ brokers: 'localhost:9092', requestTimeoutMS: 5000 })
  // @ts-expect-error producer properties are not admin properties
  new Admin({ brokers: 'localhost:9092', rdkafka: { 'linger.ms': 5 } })

  await admin.createTopics([
    {
      topic: 'orders',
      partitions: 6,
      replicationFactor: 3,
      config: { 'cleanup.policy': 'compact', 'retention.ms': 1000 },
    },
  ])
  // @ts-expect-error partitions is a number
  await admin.createTopics([{ topic: 'orders', partitions: '6' }])
  // @ts-expect-error the topic name is required
  await admin.createTopics([{ partitions: 6 }])
  // @ts-expect-error config values are strings, numbers or booleans
  await admin.createTopics([{ topic: 'orders', config: { 'retention.ms': null } }])

  const described: TopicDescription[] = await admin.describeTopics(['orders'])
  const leader: number | undefined = described[0]?.partitions[0]?.leader?.id
  void leader
  const cluster: ClusterDescription = await admin.describeCluster({ includeAuthorizedOperations: true })
  void cluster.brokers.map((b) => b.host)
  const names: string[] = await admin.listTopics({ includeInternal: true })
  void names

  const states: GroupState[] = (await admin.listGroups({ states: ['stable', 'empty'] })).map((g) => g.state)
  void states
  // @ts-expect-error not a group state
  await admin.listGroups({ states: ['running'] })

  const lag: GroupPartitionOffset[] = await admin.listGroupOffsets('billing', { topics: ['orders'] })
  const committed: string | null = lag[0]!.offset
  const behind: number | null = lag[0]!.lag
  void committed
  void behind
  await admin.alterGroupOffsets('billing', [
    { topic: 'orders', partition: 0, offset: 42 },
    { topic: 'orders', partition: 1, offset: '7' },
    { topic: 'orders', partition: 2, offset: 9n },
  ])
  // @ts-expect-error offsets are string, number or bigint
  await admin.alterGroupOffsets('billing', [{ topic: 'orders', partition: 0, offset: true }])
  await admin.resetGroupOffsets('billing', { topic: 'orders', to: 'earliest' })
  await admin.resetGroupOffsets('billing', { topic: 'orders', to: { timestamp: Date.now() }, dryRun: true })
  // @ts-expect-error 'beginning' is not a target
  await admin.resetGroupOffsets('billing', { topic: 'orders', to: 'beginning' })
  // @ts-expect-error the topic is required
  await admin.resetGroupOffsets('billing', { to: 'latest' })

  const offsets: PartitionOffset[] = await admin.listOffsets([{ topic: 'orders', partition: 0, at: 'max-timestamp' }], {
    isolationLevel: 'read_committed',
  })
  void offsets[0]!.offset.padStart(4)
  // @ts-expect-error partition is a number
  await admin.listOffsets([{ topic: 'orders', partition: '0', at: 'latest' }])
  await admin.deleteRecords([
    { topic: 'orders', partition: 0, before: 'latest' },
    { topic: 'orders', partition: 1, before: 100 },
  ])

  await admin.describeConfigs([{ type: 'broker', name: '1' }])
  await admin.alterConfigs(
    [{ type: 'topic', name: 'orders', set: { 'retention.ms': 1000 }, delete: ['cleanup.policy'] }],
    { validateOnly: true },
  )
  // @ts-expect-error 'queue' is not a config resource type
  await admin.describeConfigs([{ type: 'queue', name: 'x' }])

  await admin.createAcls([
    { resourceType: 'topic', resourceName: 'orders', principal: 'User:alice', operation: 'write', permission: 'allow' },
  ])
  const acls: AclDescription[] = await admin.describeAcls({ principal: 'User:alice', patternType: 'match' })
  void acls
  await admin.createAcls([
    {
      resourceType: 'topic',
      resourceName: 'orders',
      principal: 'User:alice',
      // @ts-expect-error 'publish' is not an ACL operation
      operation: 'publish',
      permission: 'allow',
    },
  ])
  await admin.createAcls([
    {
      resourceType: 'topic',
      resourceName: 'orders',
      // @ts-expect-error 'match' only filters, it cannot be bound
      patternType: 'match',
      principal: 'User:alice',
      operation: 'read',
      permission: 'allow',
    },
  ])
  await admin.alterUserScramCredentials([
    { user: 'alice', mechanism: 'scram-sha-256', password: 'secret' },
    { user: 'bob', mechanism: 'scram-sha-512', delete: true },
  ])
  // @ts-expect-error an upsert needs a password
  await admin.alterUserScramCredentials([{ user: 'alice', mechanism: 'scram-sha-256' }])

  // An Admin is its calls: code typed against a Pick of AdminCalls takes an Admin or a stand-in of its own.
  const calls: Pick<AdminCalls, 'listTopics' | 'deleteTopics'> = admin
  const standIn: Pick<AdminCalls, 'listTopics' | 'deleteTopics'> = {
    listTopics: async () => ['orders'],
    deleteTopics: async () => {},
  }
  const topics: string[] = await (Math.random() > 0.5 ? calls : standIn).listTopics({ includeInternal: false })
  void topics
  // @ts-expect-error a stand-in must return what the call declares
  const wrong: Pick<AdminCalls, 'listTopics'> = { listTopics: async () => [1] }
  void wrong
  // @ts-expect-error connect() is the client's own, not one of its calls
  type _Connect = AdminCalls['connect']

  await admin.disconnect()
}
