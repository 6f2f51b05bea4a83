/**
 * A single-node Kafka (KRaft) with an authorizer and one listener per way of connecting securely, for ACL,
 * authentication and TLS tests: SASL_PLAINTEXT and SASL_SSL (PLAIN, SCRAM-SHA-256/512, and OAUTHBEARER with unsecured
 * JWTs), SSL (server authentication) and SSL with `ssl.client.auth=required` (mutual TLS). Certificates are made
 * with keytool at start (scripts/tls-lib.mjs) in the cluster's dir. The node is the test cluster's kind of node
 * (scripts/cluster/kafka.mjs: its base server.properties, JVM, storage format and log setup); this helper only adds
 * the listeners, SASL and authorizer settings, formats the node with a SCRAM super user, and owns the one JVM it
 * starts (stopped by pid after checking its command line, never by name).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureKafka } from '../../../scripts/cluster/artifacts.mjs'
import {
  brokerProperties,
  clusterUuid,
  formatStorage,
  freePorts,
  type NodeFiles,
  startKafka,
  writeLog4j,
} from '../../../scripts/cluster/kafka.mjs'
import { exitWatch, stopPid } from '../../../scripts/cluster/processes.mjs'
import { logTails } from '../../../scripts/cluster/util.mjs'
import { brokerSslProperties, makeCertificates, type TlsFiles } from '../../../scripts/tls-lib.mjs'
import { Admin } from '../../../src/index.js'

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
  /** How long the start took: making certificates, and everything until the super user could connect. */
  readonly timings: { readonly certificatesMs: number; readonly totalMs: number }
  /** Stops the JVM and deletes the dir. */
  stop(): Promise<void>
}

interface Ports {
  saslPlaintext: number
  saslSsl: number
  ssl: number
  mtls: number
  controller: number
}

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

/** The secure node's server.properties: the test cluster's base, with these listeners, SASL and an authorizer. */
function serverProperties(dir: string, ports: Ports, tls: TlsFiles): string {
  return brokerProperties({
    nodeId: 1,
    voters: `1@127.0.0.1:${ports.controller}`,
    controllerPort: ports.controller,
    listeners: [
      { name: 'SASL_PLAINTEXT', port: ports.saslPlaintext, protocol: 'SASL_PLAINTEXT' },
      { name: 'SASL_SSL', port: ports.saslSsl, protocol: 'SASL_SSL' },
      { name: 'SSL', port: ports.ssl, protocol: 'SSL' },
      { name: 'MTLS', port: ports.mtls, protocol: 'SSL' },
    ],
    interBrokerListener: 'SASL_PLAINTEXT',
    dataDir: join(dir, 'data'),
    nodes: 1,
    extra: [
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
      // The controller listener is plaintext, so the node talks to itself as ANONYMOUS, which is also who a TLS
      // client without a certificate is.
      `super.users=${[`User:${SUPER_USER.username}`, `User:${APP_USER.username}`, CLIENT_CERT_PRINCIPAL, 'User:ANONYMOUS'].join(';')}`,
      'allow.everyone.if.no.acl.found=false',
    ],
  })
}

/**
 * Starts the cluster and waits until the super user's Admin connects over SASL/SCRAM (an authenticated
 * DescribeCluster), retrying until `timeoutMs`. Certificates are made in the cluster's dir unless `tls` brings
 * some (made with scripts/tls-lib.mjs, e.g. to share them with another server); those stay where they are.
 */
export async function startSecureCluster({
  timeoutMs = 120_000,
  tls: givenTls,
}: { timeoutMs?: number; tls?: TlsFiles } = {}): Promise<SecureCluster> {
  const started = Date.now()
  const libs = await ensureKafka()
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-secure-cluster-'))
  let tls: TlsFiles
  try {
    tls = givenTls ?? (await makeCertificates(join(dir, 'tls')))
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`making the secure cluster's certificates failed: ${String(error)}`, { cause: error })
  }
  const [saslPlaintext, saslSsl, ssl, mtls, controller] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ]
  const ports: Ports = { saslPlaintext, saslSsl, ssl, mtls, controller }
  const files: NodeFiles = { properties: join(dir, 'server.properties'), logDir: join(dir, 'logs'), cwd: dir }
  await mkdir(join(dir, 'data'), { recursive: true })
  await mkdir(files.logDir, { recursive: true })
  await writeFile(files.properties, serverProperties(dir, ports, tls))
  await writeLog4j(dir)
  await formatStorage(dir, libs, files, clusterUuid(), {
    what: 'the secure node',
    extraArgs: [
      '--add-scram',
      `SCRAM-SHA-256=[name=${SUPER_USER.username},password=${SUPER_USER.password}]`,
      '--add-scram',
      `SCRAM-SHA-512=[name=${SUPER_USER.username},password=${SUPER_USER.password}]`,
    ],
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true })
    throw error
  })

  const child = startKafka(dir, libs, files)
  const logs = [join(files.logDir, 'server.log'), join(files.logDir, 'stdout.log')]
  const watch = exitWatch(child, 'the secure Kafka node', logs)
  let exited: unknown
  watch.promise.catch((error: unknown) => {
    exited = error
  })

  const stop = async (): Promise<void> => {
    watch.cancel()
    await stopPid(child.pid, dir)
    await rm(dir, { recursive: true, force: true })
  }

  const at = (port: number): string => `127.0.0.1:${port}`
  const listeners: SecureListeners = {
    saslPlaintext: at(saslPlaintext),
    saslSsl: at(saslSsl),
    ssl: at(ssl),
    mtls: at(mtls),
  }
  const bootstrap = listeners.saslPlaintext
  const [ca, clientCert, clientKey, otherCa] = [tls.caPem, tls.clientCertPem, tls.clientKeyPem, tls.otherCaPem].map(
    (file) => readFileSync(file, 'utf8'),
  ) as [string, string, string, string]
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    if (exited) {
      await stop()
      throw exited instanceof Error ? exited : new Error(JSON.stringify(exited))
    }
    try {
      await superUserConnects(bootstrap)
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
      const tails = await logTails([logs[0] as string], 30)
      await stop()
      throw new Error(`the secure Kafka node was not ready in ${timeoutMs} ms (${String(last)})\n${tails}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** An unsecured JWT (alg "none"), which the broker's default OAUTHBEARER validator accepts. */
export function unsecuredJwt(subject: string, lifetimeMs: number): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Date.now() / 1000
  return `${encode({ alg: 'none' })}.${encode({ sub: subject, iat: now, exp: now + lifetimeMs / 1000 })}.`
}

/** The readiness check of a secure cluster: the super user's Admin connects over SASL/SCRAM. */
async function superUserConnects(bootstrap: string): Promise<void> {
  const probe = new Admin({
    brokers: bootstrap,
    sasl: { mechanism: 'scram-sha-256', ...SUPER_USER },
    connectTimeoutMs: 2000,
  })
  await probe.connect()
  await probe.disconnect()
}
