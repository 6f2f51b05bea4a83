/**
 * A single-node Kafka (KRaft) with an authorizer and one listener per way of connecting securely, for ACL,
 * authentication and TLS tests: SASL_PLAINTEXT and SASL_SSL (PLAIN, SCRAM-SHA-256/512, and OAUTHBEARER with unsecured
 * JWTs), SSL (server authentication) and SSL with `ssl.client.auth=required` (mutual TLS). Certificates are made
 * with keytool at start (scripts/tls-lib.mjs) in the cluster's dir. The jars, free ports and liveness checks come from
 * scripts/cluster-lib.mjs; this helper only writes a secured server.properties, formats the node with a SCRAM super
 * user, and owns the one JVM it starts (stopped by pid, never by name).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ensureKafka, freePorts, isAlive } from '../../../scripts/cluster-lib.mjs'
import { brokerSslProperties, makeCertificates, type TlsFiles } from '../../../scripts/tls-lib.mjs'

const execFileAsync = promisify(execFile)

/** The super user every secure cluster is formatted with: SCRAM-SHA-256 and SCRAM-SHA-512 credentials, and PLAIN. */
export const SUPER_USER = Object.freeze({ username: 'admin', password: 'admin-secret' })

/**
 * A second super user, for clients under test: its PLAIN password is in the broker's configuration; it has no SCRAM
 * credentials until a test creates them (Admin.alterUserScramCredentials).
 */
export const APP_USER = Object.freeze({ username: 'app', password: 'app-secret' })

/** The principal the mutual-TLS listener gives a client presenting {@link SecureCluster.tls}'s certificate. */
export const CLIENT_CERT_PRINCIPAL = 'User:kafkit-client'

/** `127.0.0.1:port` of each listener. */
export interface SecureListeners {
  /** SASL over plaintext: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER. */
  readonly saslPlaintext: string
  /** SASL over TLS: the same mechanisms. */
  readonly saslSsl: string
  /** TLS, the broker authenticated by its certificate, the client anonymous. */
  readonly ssl: string
  /** Mutual TLS: the client must present a certificate signed by the CA (`ssl.client.auth=required`). */
  readonly mtls: string
}

/** Client-side TLS material, PEM text. The broker's certificate names 127.0.0.1 and localhost. */
export interface SecureClusterTls {
  /** The CA that signed the broker's and the client's certificates. */
  readonly ca: string
  /** The client certificate, CN=kafkit-client. */
  readonly clientCert: string
  /** Its unencrypted PKCS#8 key. */
  readonly clientKey: string
  /** A CA that signed nothing the cluster uses. */
  readonly otherCa: string
  /** The PEM files themselves. */
  readonly files: TlsFiles
}

/** A running secure cluster. */
export interface SecureCluster {
  /** `127.0.0.1:port` of the SASL_PLAINTEXT listener (the same as `listeners.saslPlaintext`). */
  readonly bootstrap: string
  /** Every listener. */
  readonly listeners: SecureListeners
  /** What clients need for TLS. */
  readonly tls: SecureClusterTls
  /** State dir (data, logs, certificates). */
  readonly dir: string
  /** How long the start took: making certificates, and everything until `ready` passed. */
  readonly timings: { readonly certificatesMs: number; readonly totalMs: number }
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

interface Ports { saslPlaintext: number; saslSsl: number; ssl: number; mtls: number; controller: number }

const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN', 'OAUTHBEARER'] as const

/** Each enabled mechanism needs its own login module entry on each SASL listener. */
function saslListenerProperties(listener: string): string[] {
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SUPER_USER.username}" password="${SUPER_USER.password}";`
  const plainUsers = [SUPER_USER, APP_USER].map((user) => `user_${user.username}="${user.password}"`).join(' ')
  return MECHANISMS.map((mechanism) => {
    const key = `listener.name.${listener}.${mechanism.toLowerCase()}.sasl.jaas.config`
    switch (mechanism) {
      case 'PLAIN':
        return `${key}=org.apache.kafka.common.security.plain.PlainLoginModule required username="${SUPER_USER.username}" password="${SUPER_USER.password}" ${plainUsers};`
      case 'OAUTHBEARER':
        // Kafka's default validator for unsecured JWTs (alg "none"): the principal is the token's sub.
        return `${key}=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;`
      default:
        return `${key}=${scram}`
    }
  })
}

function serverProperties(dir: string, ports: Ports, tls: TlsFiles): string {
  const listeners = `SASL_PLAINTEXT://127.0.0.1:${ports.saslPlaintext},SASL_SSL://127.0.0.1:${ports.saslSsl},`
    + `SSL://127.0.0.1:${ports.ssl},MTLS://127.0.0.1:${ports.mtls}`
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
    `listeners=${listeners},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=${listeners}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,MTLS:SSL',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    `sasl.enabled.mechanisms=${MECHANISMS.join(',')}`,
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
    ...saslListenerProperties('sasl_plaintext'),
    ...saslListenerProperties('sasl_ssl'),
    // One keystore and truststore (PEM) for every TLS listener; only MTLS insists on a client certificate.
    ...brokerSslProperties(tls),
    ...brokerSslProperties(tls, { listener: 'mtls', clientAuth: 'required' }),
    // CN=kafkit-client,O=... becomes User:kafkit-client.
    'ssl.principal.mapping.rules=RULE:^CN=([^,]*),.*$/$1/,DEFAULT',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // The controller listener is plaintext, so the node talks to itself as ANONYMOUS, which is also who a TLS client
    // without a certificate is.
    `super.users=${[`User:${SUPER_USER.username}`, `User:${APP_USER.username}`, CLIENT_CERT_PRINCIPAL, 'User:ANONYMOUS'].join(';')}`,
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
 * DescribeCluster), retrying it until `timeoutMs`. Certificates are made in the cluster's dir unless `tls` brings
 * some (made with scripts/tls-lib.mjs, e.g. to share them with another server); those stay where they are.
 */
export async function startSecureCluster(
  ready: (bootstrap: string) => Promise<void>,
  { timeoutMs = 120_000, tls: givenTls }: { timeoutMs?: number; tls?: TlsFiles } = {},
): Promise<SecureCluster> {
  const started = Date.now()
  const libs = await ensureKafka()
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-secure-cluster-'))
  let tls: TlsFiles
  try {
    tls = givenTls ?? await makeCertificates(join(dir, 'tls'))
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`making the secure cluster's certificates failed: ${String(error)}`, { cause: error })
  }
  const [saslPlaintext, saslSsl, ssl, mtls, controller] = await freePorts(5) as [number, number, number, number, number]
  const ports: Ports = { saslPlaintext, saslSsl, ssl, mtls, controller }
  await mkdir(join(dir, 'data'), { recursive: true })
  await mkdir(join(dir, 'logs'), { recursive: true })
  await writeFile(join(dir, 'server.properties'), serverProperties(dir, ports, tls))
  await writeFile(join(dir, 'log4j2.properties'), LOG4J2)
  const java = process.env.KAFKIT_JAVA ?? 'java'
  await execFileAsync(java, [...jvmArgs(dir, libs), 'kafka.tools.StorageTool', 'format',
    '-t', clusterId(), '-c', join(dir, 'server.properties'),
    '--add-scram', `SCRAM-SHA-256=[name=${SUPER_USER.username},password=${SUPER_USER.password}]`,
    '--add-scram', `SCRAM-SHA-512=[name=${SUPER_USER.username},password=${SUPER_USER.password}]`,
  ], { maxBuffer: 16 << 20 }).catch(async (error: Error & { stderr?: string }) => {
    await rm(dir, { recursive: true, force: true })
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

  const at = (port: number): string => `127.0.0.1:${port}`
  const listeners: SecureListeners = { saslPlaintext: at(saslPlaintext), saslSsl: at(saslSsl), ssl: at(ssl), mtls: at(mtls) }
  const bootstrap = listeners.saslPlaintext
  const [ca, clientCert, clientKey, otherCa] = [tls.caPem, tls.clientCertPem, tls.clientKeyPem, tls.otherCaPem].map((file) => readFileSync(file, 'utf8')) as [string, string, string, string]
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
      return {
        bootstrap,
        listeners,
        tls: { ca, clientCert, clientKey, otherCa, files: tls },
        dir,
        timings: { certificatesMs: tls.ms, totalMs: Date.now() - started },
        stop,
      }
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
