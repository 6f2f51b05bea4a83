/**
 * `kafkit topics|groups|cluster|configs|acls ...`: a thin command line over {@link Admin}. Every command is one
 * or two Admin calls and a table (or `--json`).
 * @module
 */
import { parseArgs } from 'node:util'
import { Admin } from '../admin/admin.js'
import type { AdminOptions } from '../admin/options.js'
import type { AclOperation, AclResourceType, ConfigResourceType, OffsetTarget } from '../admin/types.js'
import { KafkaAggregateError, KafkaError } from '../errors/kafka-error.js'

/** Where the CLI writes and what environment it reads; the process's own by default. */
export interface AdminCliIo {
  /** Standard output. @default process.stdout */
  stdout?: { write(text: string): unknown }
  /** Standard error. @default process.stderr */
  stderr?: { write(text: string): unknown }
  /** Environment (KAFKA_BROKERS, KAFKA_SASL_*). @default process.env */
  env?: Readonly<Record<string, string | undefined>>
}

const USAGE = `Usage: kafkit <command> <action> [arguments] [options]

  topics list [--internal]                       topic names
  topics describe <topic...>                     partitions, leaders, replicas, in-sync replicas
  topics create <topic> [--partitions N] [--replication-factor N] [--config key=value ...]
  topics delete <topic...>
  topics offsets <topic>                         earliest and latest offset per partition
  groups list                                    groups with state and protocol
  groups describe <group...>                     state, coordinator, members and assignments
  groups lag <group>                             committed offset, end offset and lag per partition
  groups reset <group> --topic T --to earliest|latest|<ISO date>|<ms> [--partitions 0,1] [--dry-run]
  groups delete <group...>
  cluster describe                               cluster id, controller, brokers
  configs describe <topic|broker|group> <name>   non-default entries (--all for every entry)
  configs set <topic|broker|group> <name> key=value...
  acls list [--principal User:x] [--resource-type topic] [--resource-name n]
  acls create --principal User:x --operation read --resource-type topic --resource-name n [--prefixed] [--deny]
  acls delete --principal User:x [--operation o] [--resource-type t] [--resource-name n]

Options:
  --brokers host:port[,...]   default: KAFKA_BROKERS
  --json                      print JSON instead of a table
  --timeout ms                per-request timeout (default 30000)
SASL: KAFKA_SASL_MECHANISM (plain, scram-sha-256, scram-sha-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD;
TLS: --ssl or KAFKA_SSL=true.`

class UsageError extends Error {}

/**
 * Runs one admin command. `argv` starts with the command (`topics`, `groups`, `cluster`, `configs`, `acls`).
 * Resolves with the exit code: 0 success, 1 a Kafka error, 2 a usage error.
 */
export async function runAdminCli(argv: string[], io: AdminCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  const env = io.env ?? process.env
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    stderr.write(`kafkit: ${(error as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  if (parsed.values.help || parsed.positionals.length < 2) {
    ;(parsed.values.help ? stdout : stderr).write(`${USAGE}\n`)
    return parsed.values.help ? 0 : 2
  }
  const [command, action, ...args] = parsed.positionals as [string, string, ...string[]]
  const run = COMMANDS[`${command} ${action}`]
  if (!run) {
    stderr.write(`kafkit: unknown command '${command} ${action}'\n\n${USAGE}\n`)
    return 2
  }
  const brokers = parsed.values.brokers ?? env.KAFKA_BROKERS
  if (!brokers) {
    stderr.write('kafkit: no brokers: pass --brokers host:port or set KAFKA_BROKERS\n')
    return 2
  }
  const options: AdminOptions = {
    brokers,
    clientId: 'kafkit-cli',
    ...(parsed.values.timeout
      ? { requestTimeoutMs: Number(parsed.values.timeout), connectTimeoutMs: Number(parsed.values.timeout) }
      : {}),
    ...(parsed.values.ssl || env.KAFKA_SSL === 'true' ? { ssl: true } : {}),
    ...(env.KAFKA_SASL_MECHANISM
      ? {
          sasl: {
            mechanism: env.KAFKA_SASL_MECHANISM as 'plain',
            username: env.KAFKA_SASL_USERNAME ?? '',
            password: env.KAFKA_SASL_PASSWORD ?? '',
          },
        }
      : {}),
  }
  let admin: Admin | undefined
  try {
    admin = new Admin(options)
    await admin.connect()
    const output = await run(admin, args, parsed.values)
    stdout.write(`${parsed.values.json ? JSON.stringify(output.json, null, 2) : output.text}\n`)
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`kafkit: ${error.message}\n`)
      return 2
    }
    stderr.write(`kafkit: ${describeError(error)}\n`)
    return 1
  } finally {
    await admin?.disconnect()
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      ssl: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      internal: { type: 'boolean' },
      all: { type: 'boolean' },
      partitions: { type: 'string' },
      'replication-factor': { type: 'string' },
      config: { type: 'string', multiple: true },
      topic: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      principal: { type: 'string' },
      operation: { type: 'string' },
      'resource-type': { type: 'string' },
      'resource-name': { type: 'string' },
      prefixed: { type: 'boolean' },
      deny: { type: 'boolean' },
      host: { type: 'string' },
    },
  })
}

type Flags = ReturnType<typeof parse>['values']
type Output = { text: string; json: unknown }
type Command = (admin: Admin, args: string[], flags: Flags) => Promise<Output>

function need(args: string[], what: string, count = 1): string[] {
  if (args.length < count) throw new UsageError(`missing ${what}`)
  return args
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${flag} expects an integer, got '${value}'`)
  return Number(value)
}

function keyValues(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=')
      if (at <= 0) throw new UsageError(`expected key=value, got '${pair}'`)
      return [pair.slice(0, at), pair.slice(at + 1)]
    }),
  )
}

/** Aligned columns; the header is the first row. */
function table(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)))
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function target(value: string | undefined): OffsetTarget {
  if (value === 'earliest' || value === 'latest') return value
  if (value !== undefined && /^\d+$/.test(value)) return { timestamp: Number(value) }
  const parsed = value === undefined ? Number.NaN : Date.parse(value)
  if (Number.isNaN(parsed))
    throw new UsageError(`--to expects earliest, latest, an ISO date or ms since the epoch, got '${value ?? ''}'`)
  return { timestamp: parsed }
}

const COMMANDS: Readonly<Record<string, Command>> = {
  'topics list': async (admin, _args, flags) => {
    const topics = await admin.listTopics({ includeInternal: flags.internal === true })
    return { text: topics.join('\n'), json: topics }
  },
  'topics describe': async (admin, args) => {
    const topics = await admin.describeTopics(need(args, 'topic name'))
    const rows: Array<Array<string | number | null>> = [['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR']]
    for (const topic of topics) {
      for (const p of topic.partitions) {
        rows.push([
          topic.topic,
          p.partition,
          p.leader?.id ?? null,
          p.replicas.map((r) => r.id).join(','),
          p.isr.map((r) => r.id).join(','),
        ])
      }
    }
    return { text: table(rows), json: topics }
  },
  'topics create': async (admin, args, flags) => {
    const [topic] = need(args, 'topic name')
    const partitions = integer(flags.partitions, 'partitions')
    const replicationFactor = integer(flags['replication-factor'], 'replication-factor')
    await admin.createTopics([
      {
        topic: topic!,
        ...(partitions === undefined ? {} : { partitions }),
        ...(replicationFactor === undefined ? {} : { replicationFactor }),
        ...(flags.config ? { config: keyValues(flags.config) } : {}),
      },
    ])
    return { text: `created topic ${topic}`, json: { created: topic } }
  },
  'topics delete': async (admin, args) => {
    const topics = need(args, 'topic name')
    await admin.deleteTopics(topics)
    return { text: `deleted ${topics.join(', ')}`, json: { deleted: topics } }
  },
  'topics offsets': async (admin, args) => {
    const [topic] = need(args, 'topic name')
    const [description] = await admin.describeTopics([topic!])
    const partitions = description!.partitions.map((p) => p.partition)
    const offsets = await admin.listOffsets(
      partitions.flatMap((partition) => [
        { topic: topic!, partition, at: 'earliest' as const },
        { topic: topic!, partition, at: 'latest' as const },
      ]),
    )
    const result = partitions.map((partition, i) => ({
      partition,
      earliest: offsets[2 * i]!.offset,
      latest: offsets[2 * i + 1]!.offset,
    }))
    return {
      text: table([['PARTITION', 'EARLIEST', 'LATEST'], ...result.map((r) => [r.partition, r.earliest, r.latest])]),
      json: result,
    }
  },
  'groups list': async (admin) => {
    const groups = await admin.listGroups()
    return {
      text: table([['GROUP', 'STATE', 'TYPE'], ...groups.map((g) => [g.groupId, g.state, g.type])]),
      json: groups,
    }
  },
  'groups describe': async (admin, args) => {
    const groups = await admin.describeGroups(need(args, 'group id'))
    const text = groups
      .map((g) =>
        [
          `group ${g.groupId}: ${g.state} (${g.type}${g.partitionAssignor ? `, ${g.partitionAssignor}` : ''}), coordinator ${g.coordinator?.id ?? '-'}`,
          g.members.length === 0
            ? '  no members'
            : table([
                ['MEMBER', 'CLIENT', 'HOST', 'ASSIGNMENT'],
                ...g.members.map((m) => [
                  m.memberId,
                  m.clientId,
                  m.host,
                  m.assignment.map((a) => `${a.topic}:${a.partition}`).join(','),
                ]),
              ]).replace(/^/gm, '  '),
        ].join('\n'),
      )
      .join('\n\n')
    return { text, json: groups }
  },
  'groups lag': async (admin, args) => {
    const [group] = need(args, 'group id')
    const offsets = await admin.listGroupOffsets(group!)
    const total = offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0)
    const rows = offsets.map((o) => [o.topic, o.partition, o.offset, o.endOffset, o.lag])
    return {
      text: `${table([['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG'], ...rows])}\ntotal lag ${total}`,
      json: { group, totalLag: total, partitions: offsets },
    }
  },
  'groups reset': async (admin, args, flags) => {
    const [group] = need(args, 'group id')
    if (!flags.topic) throw new UsageError('groups reset needs --topic')
    const partitions = flags.partitions?.split(',').map((p) => integer(p.trim(), 'partitions')!)
    const offsets = await admin.resetGroupOffsets(group!, {
      topic: flags.topic,
      to: target(flags.to),
      ...(partitions ? { partitions } : {}),
      ...(flags['dry-run'] ? { dryRun: true } : {}),
    })
    const rows = offsets.map((o) => [o.topic, o.partition, o.offset])
    return {
      text: `${flags['dry-run'] ? 'would set' : 'set'} offsets of ${group}:\n${table([['TOPIC', 'PARTITION', 'OFFSET'], ...rows])}`,
      json: offsets,
    }
  },
  'groups delete': async (admin, args) => {
    const groups = need(args, 'group id')
    await admin.deleteGroups(groups)
    return { text: `deleted ${groups.join(', ')}`, json: { deleted: groups } }
  },
  'cluster describe': async (admin) => {
    const cluster = await admin.describeCluster()
    const rows = cluster.brokers.map((b) => [
      b.id,
      `${b.host}:${b.port}`,
      b.rack,
      b.id === cluster.controller?.id ? 'controller' : '',
    ])
    return { text: `cluster ${cluster.clusterId}\n${table([['ID', 'ADDRESS', 'RACK', ''], ...rows])}`, json: cluster }
  },
  'configs describe': async (admin, args, flags) => {
    const [type, name] = need(args, 'resource type and name', 2)
    const [described] = await admin.describeConfigs([{ type: type as ConfigResourceType, name: name! }])
    const entries = described!.entries.filter((e) => flags.all || !e.isDefault)
    return {
      text: table([
        ['NAME', 'VALUE', 'SOURCE'],
        ...entries.map((e) => [e.name, e.isSensitive ? '(sensitive)' : e.value, e.source]),
      ]),
      json: entries,
    }
  },
  'configs set': async (admin, args) => {
    const [type, name, ...pairs] = need(args, 'resource type, name and key=value', 3)
    await admin.alterConfigs([{ type: type as ConfigResourceType, name: name!, set: keyValues(pairs) }])
    return { text: `updated ${type} ${name}`, json: { updated: { type, name } } }
  },
  'acls list': async (admin, _args, flags) => {
    const acls = await admin.describeAcls(aclFilter(flags))
    return {
      text: table([
        ['PRINCIPAL', 'PERMISSION', 'OPERATION', 'RESOURCE', 'PATTERN', 'HOST'],
        ...acls.map((a) => [
          a.principal,
          a.permission,
          a.operation,
          `${a.resourceType}:${a.resourceName}`,
          a.patternType,
          a.host,
        ]),
      ]),
      json: acls,
    }
  },
  'acls create': async (admin, _args, flags) => {
    if (!flags.principal || !flags.operation || !flags['resource-type'] || !flags['resource-name']) {
      throw new UsageError('acls create needs --principal, --operation, --resource-type and --resource-name')
    }
    const binding = {
      principal: flags.principal,
      operation: flags.operation as AclOperation,
      resourceType: flags['resource-type'] as AclResourceType,
      resourceName: flags['resource-name'],
      patternType: flags.prefixed ? ('prefixed' as const) : ('literal' as const),
      permission: flags.deny ? ('deny' as const) : ('allow' as const),
      ...(flags.host ? { host: flags.host } : {}),
    }
    await admin.createAcls([binding])
    return { text: 'created 1 ACL', json: binding }
  },
  'acls delete': async (admin, _args, flags) => {
    if (!flags.principal && !flags['resource-name'])
      throw new UsageError('acls delete needs --principal or --resource-name')
    const [deleted] = await admin.deleteAcls([aclFilter(flags)])
    return { text: `deleted ${deleted!.length} ACL(s)`, json: deleted }
  },
}

function aclFilter(flags: Flags) {
  return {
    ...(flags.principal ? { principal: flags.principal } : {}),
    ...(flags.operation ? { operation: flags.operation as AclOperation } : {}),
    ...(flags['resource-type'] ? { resourceType: flags['resource-type'] as AclResourceType } : {}),
    ...(flags['resource-name'] ? { resourceName: flags['resource-name'] } : {}),
  }
}

function describeError(error: unknown): string {
  if (error instanceof KafkaAggregateError) {
    const summary = error.message.split('. First:')[0]!
    return [summary, ...error.failures.map((f) => `  [${f.index}] ${f.error.code}: ${f.error.message}`)].join('\n')
  }
  if (error instanceof KafkaError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
