/**
 * An Apicurio schema registry serving HTTPS only, with a certificate signed by a test CA (scripts/tls-lib.mjs), for
 * checking kafkit's registry client over TLS. The jar comes from scripts/cluster-lib.mjs like the plain registry's;
 * Quarkus reads the PEM certificate and key itself (`quarkus.http.ssl.certificate.*`) and opens no plaintext port.
 * This helper owns the one JVM it starts (stopped by pid, never by name).
 */
import { readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { request } from 'node:https'
import { join } from 'node:path'
import {
  ensureApicurio,
  freePorts,
  REGISTRY_JAVA,
  registryArgs,
  spawnJvm,
  stopPid,
} from '../../../scripts/cluster-lib.mjs'
import type { TlsFiles } from '../../../scripts/tls-lib.mjs'

/** A running HTTPS registry. */
export interface TlsRegistry {
  /** `https://127.0.0.1:port/apis/ccompat/v7`, the Confluent-compatible API. */
  readonly url: string
  /** How long it took to serve. */
  readonly startMs: number
  /** Stops the JVM and deletes its dir. */
  stop(): Promise<void>
}

/** GET `url` trusting only `ca`: the HTTP status. */
function getStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.once('timeout', () => req.destroy(new Error('timed out')))
    req.once('error', reject)
    req.end()
  })
}

/** Starts the registry in `dir` (created; deleted by stop()) and waits until it answers over HTTPS. */
export async function startTlsRegistry(tls: TlsFiles, dir: string, timeoutMs = 120_000): Promise<TlsRegistry> {
  const started = Date.now()
  const runner = await ensureApicurio()
  const [port] = (await freePorts(1)) as [number]
  await mkdir(dir, { recursive: true })
  const logFile = join(dir, 'registry.log')
  const listener = [
    `-Dquarkus.http.ssl-port=${port}`,
    // No plaintext port at all: a client that fell back to http would find nothing.
    '-Dquarkus.http.insecure-requests=disabled',
    `-Dquarkus.http.ssl.certificate.files=${tls.brokerCertPem}`,
    `-Dquarkus.http.ssl.certificate.key-files=${tls.brokerKeyPem}`,
  ]
  const child = spawnJvm(REGISTRY_JAVA, registryArgs(dir, runner, listener), logFile, dir)
  const pid = child.pid
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  const stop = async (): Promise<void> => {
    await stopPid(pid, dir)
    await rm(dir, { recursive: true, force: true })
  }

  const url = `https://127.0.0.1:${port}/apis/ccompat/v7`
  const ca = readFileSync(tls.caPem, 'utf8')
  const deadline = Date.now() + timeoutMs
  let last: string
  for (;;) {
    if (exited) {
      const log = tail(logFile)
      await stop()
      throw new Error(`the HTTPS schema registry exited during startup:\n${log}`)
    }
    try {
      const status = await getStatus(`${url}/subjects`, ca)
      if (status === 200) return { url, startMs: Date.now() - started, stop }
      last = `HTTP ${status}`
    } catch (error) {
      last = String((error as Error).message ?? error)
    }
    if (Date.now() > deadline) {
      const log = tail(logFile)
      await stop()
      throw new Error(`the HTTPS schema registry was not ready in ${timeoutMs} ms (${last})\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
