// Test certificates for TLS listeners, made with the JDK's keytool when a cluster starts (nothing is committed, nothing
// outlives the cluster's state dir): a CA, a broker certificate for 127.0.0.1 and localhost signed by it, a client
// certificate for mutual TLS, and a second, unrelated CA for "wrong CA" tests. Everything ends up as PEM: Kafka reads
// PEM keystores and truststores, librdkafka PEM strings (kafkit's `ssl: { ca, cert, key }`). keytool cannot export a
// private key, so keys (and the CAs' certificates) are written as PEM by scripts/tls/PemExport.java, run by the
// same JDK as a single-file program.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
const JAVA = process.env.KAFKIT_JAVA ?? 'java'
// keytool sits beside the java binary the cluster uses (KAFKIT_JAVA may point into a JDK that is not on PATH).
const KEYTOOL =
  process.env.KAFKIT_KEYTOOL ??
  (process.env.KAFKIT_JAVA ? join(dirname(process.env.KAFKIT_JAVA), 'keytool') : 'keytool')

// C1 only, serial GC, no perf data file: each keytool run is a short-lived JVM, started about nine times.
const FAST_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData']

/**
 * PEM files, all in `dir`. `brokerKeystore` holds the broker's key followed by its certificate and the CA's: Kafka
 * reads it as a PEM keystore (`ssl.keystore.type=PEM`), and `caPem` as its PEM truststore. The broker's certificate
 * and key also serve any other local TLS server (the schema registry).
 * @typedef {{ dir: string, caPem: string, brokerKeystore: string, brokerCertPem: string, brokerKeyPem: string,
 *   clientCertPem: string, clientKeyPem: string, otherCaPem: string, ms: number }} TlsFiles
 */

/**
 * Makes the certificates in `dir` (created if needed). Independent runs go side by side: three JVM starts end to
 * end (key pairs; signing requests and PEM export; signing), about nine in all.
 * @param {string} dir
 * @param {{ validityDays?: number, hosts?: { dns: string[], ip: string[] } }} [opts]
 * @returns {Promise<TlsFiles>}
 */
export async function makeCertificates(
  dir,
  { validityDays = 7, hosts = { dns: ['localhost'], ip: ['127.0.0.1'] } } = {},
) {
  const t0 = Date.now()
  dir = resolve(dir)
  await mkdir(dir, { recursive: true })
  // The PKCS12 stores are scratch files of this function; their password never leaves it.
  const password = randomBytes(12).toString('hex')
  const env = { ...process.env, KAFKIT_STOREPASS: password, KEYSTORE_PASSWORD: password }
  const file = (/** @type {string} */ name) => join(dir, name)
  /** @param {string} what @param {string} command @param {string[]} args */
  const run = async (what, command, args) => {
    try {
      await execFileAsync(command, args, { env })
    } catch (err) {
      const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (err)
      // eslint-disable-next-line preserve-caught-error -- the message carries the output; as a cause, the whole captured output would be printed
      throw new Error(`${what} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
  }
  /** @param {string[]} args */
  const keytool = (args) =>
    run(`keytool ${args[0]}`, KEYTOOL, [
      ...FAST_JVM.map((o) => `-J${o}`),
      ...args,
      '-storetype',
      'PKCS12',
      '-storepass:env',
      'KAFKIT_STOREPASS',
      '-noprompt',
    ])
  const validity = String(validityDays)
  /** EC keys: generated in a fraction of RSA's time. @param {string} name @param {string} dname @param {string[]} [ext] */
  const keyPair = (name, dname, ext = []) =>
    keytool([
      '-genkeypair',
      '-keystore',
      file(`${name}.p12`),
      '-alias',
      name,
      '-keyalg',
      'EC',
      '-groupname',
      'secp256r1',
      '-dname',
      dname,
      '-validity',
      validity,
      ...ext,
    ])
  /** @param {string} name */
  const certReq = (name) =>
    keytool(['-certreq', '-keystore', file(`${name}.p12`), '-alias', name, '-file', file(`${name}.csr`)])
  /** @param {string} name @param {string[]} ext */
  const signByCa = (name, ext) =>
    keytool([
      '-gencert',
      '-keystore',
      file('ca.p12'),
      '-alias',
      'ca',
      '-infile',
      file(`${name}.csr`),
      '-outfile',
      file(`${name}.pem`),
      '-rfc',
      '-validity',
      validity,
      ...ext,
    ])
  const san = `SAN=${[...hosts.dns.map((h) => `dns:${h}`), ...hosts.ip.map((h) => `ip:${h}`)].join(',')}`

  await Promise.all([
    keyPair('ca', 'CN=kafkit test CA', ['-ext', 'bc:c']),
    keyPair('other-ca', 'CN=kafkit unrelated CA', ['-ext', 'bc:c']),
    keyPair('broker', 'CN=localhost,O=kafkit test broker'),
    keyPair('client', 'CN=kafkit-client,O=kafkit test client'),
  ])
  await Promise.all([
    certReq('broker'),
    certReq('client'),
    run('exporting PEM files', JAVA, [
      ...FAST_JVM,
      join(HERE, 'tls', 'PemExport.java'),
      file('ca.p12'),
      'ca',
      '-',
      file('ca.pem'),
      file('other-ca.p12'),
      'other-ca',
      '-',
      file('other-ca.pem'),
      file('broker.p12'),
      'broker',
      file('broker-key.pem'),
      '-',
      file('client.p12'),
      'client',
      file('client-key.pem'),
      '-',
    ]),
  ])
  await Promise.all([
    signByCa('broker', ['-ext', san, '-ext', 'EKU=serverAuth,clientAuth', '-ext', 'KU=digitalSignature,keyAgreement']),
    signByCa('client', ['-ext', 'EKU=clientAuth', '-ext', 'KU=digitalSignature,keyAgreement']),
  ])
  const [brokerKey, brokerCert, caCert] = await Promise.all(
    ['broker-key.pem', 'broker.pem', 'ca.pem'].map((n) => readFile(file(n), 'utf8')),
  )
  await writeFile(file('broker-keystore.pem'), `${brokerKey}${brokerCert}${caCert}`, { mode: 0o600 })
  // Nothing else needs the CA's key or the stores: leaving them would only invite reuse.
  await Promise.all(
    ['ca.p12', 'other-ca.p12', 'broker.p12', 'client.p12', 'broker.csr', 'client.csr'].map((name) => rm(file(name))),
  )
  return {
    dir,
    caPem: file('ca.pem'),
    brokerKeystore: file('broker-keystore.pem'),
    brokerCertPem: file('broker.pem'),
    brokerKeyPem: file('broker-key.pem'),
    clientCertPem: file('client.pem'),
    clientKeyPem: file('client-key.pem'),
    otherCaPem: file('other-ca.pem'),
    ms: Date.now() - t0,
  }
}

/**
 * Broker properties for SSL-based listeners using these files: for all of them, or, with `listener` (lower case), for
 * that one only. Client authentication is off unless `clientAuth` says otherwise.
 * @param {TlsFiles} files
 * @param {{ listener?: string, clientAuth?: 'none' | 'requested' | 'required' }} [opts]
 * @returns {string[]}
 */
export function brokerSslProperties(files, { listener, clientAuth } = {}) {
  const prefix = listener ? `listener.name.${listener}.` : ''
  const lines = [
    `${prefix}ssl.keystore.type=PEM`,
    `${prefix}ssl.keystore.location=${files.brokerKeystore}`,
    `${prefix}ssl.truststore.type=PEM`,
    `${prefix}ssl.truststore.location=${files.caPem}`,
  ]
  if (clientAuth) lines.push(`${prefix}ssl.client.auth=${clientAuth}`)
  return lines
}
