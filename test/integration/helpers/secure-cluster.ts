/**
 * A single-node Kafka (KRaft) with an authorizer and a SASL listener (SCRAM-SHA-256/512, and OAUTHBEARER with unsecured
 * JWTs), for ACL and authentication tests. The jars, free ports and
 * liveness checks come from scripts/cluster-lib.mjs; this helper only writes a secured server.properties, formats
 * the node with a SCRAM super user, and owns the one JVM it starts (stopped by pid, never by name).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ensureKafka, freePorts, isAlive } from '../../../scripts/cluster-lib.mjs'

const execFileAsync = promisify(execFile)

/** The SCRAM super user every secure cluster is formatted with. */
export const SUPER_USER = Object.freeze({ username: 'admin', password: 'admin-secret' })

/** A running secure cluster. */
export interface SecureCluster {
  /** `127.0.0.1:port` of the SASL_PLAINTEXT (SCRAM-SHA-256) listener. */
  readonly bootstrap: string
  /** State dir (data, logs). */
  readonly dir: string
  /** Stops the JVM and deletes the dir. */
  stop(): Promise<void>
}

const LOG4J2 = `status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
`

function serverProperties(dir: string, port: number, controllerPort: number): string {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SUPER_USER.username}" password="${SUPER_USER.password}";`
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
    // Each enabled mechanism needs its own login module entry on the listener.
    `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${jaas}`,
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${jaas}`,
    // OAUTHBEARER with Kafka's default validator for unsecured JWTs (alg "none"): the principal is the token's sub.
    'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // The controller listener is plaintext, so the node talks to itself as ANONYMOUS.
    `super.users=User:${SUPER_USER.username};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n')
}

function jvmArgs(dir: string, libs: string): string[] {
  return [
    '-Xmx512m', '-Xms128m', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    `-Dkafkit.cluster=${dir}`,
    '-cp', `${libs}/*`,
  ]
}

/** Kafka's cluster id form: 16 random bytes, base64url; a leading '-' would read as a flag. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** The ERROR lines of a log (why a node stopped), else its tail. */
function errors(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n')
    const first = lines.findIndex((line) => / (ERROR|FATAL) /.test(line))
    return first < 0 ? tail(file) : lines.slice(first, first + 12).join('\n')
  } catch {
    return '(no log)'
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/**
 * Starts the cluster and waits until `ready(bootstrap)` resolves (the caller's own check, e.g. an authenticated
 * DescribeCluster), retrying it until `timeoutMs`.
 */
export async function startSecureCluster(ready: (bootstrap: string) => Promise<void>, timeoutMs = 120_000): Promise<SecureCluster> {
  const libs = await ensureKafka()
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-secure-cluster-'))
  const [port, controllerPort] = await freePorts(2) as [number, number]
  await mkdir(join(dir, 'data'), { recursive: true })
  await mkdir(join(dir, 'logs'), { recursive: true })
  await writeFile(join(dir, 'server.properties'), serverProperties(dir, port, controllerPort))
  await writeFile(join(dir, 'log4j2.properties'), LOG4J2)
  const java = process.env.KAFKIT_JAVA ?? 'java'
  await execFileAsync(java, [...jvmArgs(dir, libs), 'kafka.tools.StorageTool', 'format',
    '-t', clusterId(), '-c', join(dir, 'server.properties'),
    '--add-scram', `SCRAM-SHA-256=[name=${SUPER_USER.username},password=${SUPER_USER.password}]`,
  ], { maxBuffer: 16 << 20 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`formatting the secure node failed: ${error.message}\n${error.stderr ?? ''}`)
  })

  const out = openSync(join(dir, 'logs', 'stdout.log'), 'a')
  let child: ChildProcess
  try {
    child = spawn(java, [...jvmArgs(dir, libs), 'kafka.Kafka', join(dir, 'server.properties')], { cwd: dir, detached: true, stdio: ['ignore', out, out] })
  } finally {
    closeSync(out)
  }
  child.unref()
  const pid = child.pid
  let exited = false
  child.once('exit', () => {
    exited = true
  })

  const stop = async (): Promise<void> => {
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, 'SIGTERM')
      const deadline = Date.now() + 20_000
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
      if (isAlive(pid)) process.kill(pid, 'SIGKILL')
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await rm(dir, { recursive: true, force: true })
  }

  const bootstrap = `127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    if (exited) {
      const logs = `${errors(join(dir, 'logs', 'server.log'))}\n${tail(join(dir, 'logs', 'stdout.log'))}`
      await stop()
      throw new Error(`the secure Kafka node exited during startup:\n${logs}`)
    }
    try {
      await ready(bootstrap)
      return { bootstrap, dir, stop }
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      const logs = tail(join(dir, 'logs', 'server.log'))
      await stop()
      throw new Error(`the secure Kafka node was not ready in ${timeoutMs} ms (${String(last)})\n${logs}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
