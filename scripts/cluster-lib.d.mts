// Types for cluster-lib.mjs, so TypeScript tests and the vitest global setup can import it without allowJs.
// Keep in step with the JSDoc in cluster-lib.mjs.

export interface NodeState {
  id: number
  /** null after stopNode */
  pid: number | null
  port: number
  controllerPort: number
  /** The SSL listener's port, when `up` was given `tls`; else null. */
  sslPort: number | null
  /** Kafka's `log.dirs` (partition data). */
  dataDir: string
  /** Where the JVM's own logs go (server.log, stdout.log). */
  logDir: string
  logFile: string
}

export interface RegistryState {
  /** Base URL; the Confluent-compatible API is under `/apis/ccompat/v7`. */
  url: string
  port: number
  pid: number | null
  logFile: string
}

/** The SSL listeners of a cluster started with `tls`, and the PEM files clients need. */
export interface TlsState {
  /** `127.0.0.1:s1,127.0.0.1:s2,...`: every node's SSL listener. */
  bootstrap: string
  /** The CA that signed the brokers' certificate (it names 127.0.0.1 and localhost). */
  caPem: string
  /** A client certificate signed by the CA, for mutual TLS (offered certificates are checked, none is required). */
  clientCertPem: string
  /** Its key, unencrypted PKCS#8. */
  clientKeyPem: string
  /** How long keytool took. */
  certificatesMs: number
}

export interface ClusterState {
  dir: string
  /** `127.0.0.1:p1,127.0.0.1:p2,...`; '' when only a registry was started. */
  bootstrap: string
  clusterId: string | null
  nodes: NodeState[]
  registry: RegistryState | null
  /** null unless started with `tls`. */
  tls: TlsState | null
  kafkaVersion: string
  apicurioVersion: string | null
  startedAt: string
  timings: { totalMs: number; kafkaMs: number | null; registryMs: number | null }
}

export type ClusterStatus = Omit<ClusterState, 'nodes' | 'registry'> & {
  nodes: Array<NodeState & { alive: boolean }>
  registry: (RegistryState & { alive: boolean }) | null
}

export const ROOT: string
export const KAFKA_VERSION: string
export const APICURIO_VERSION: string
export const DEFAULT_DIR: string

export function up(opts?: { nodes?: number; registry?: boolean; tls?: boolean; dir?: string; timeoutMs?: number }): Promise<ClusterState>
export function down(opts?: { dir?: string }): Promise<ClusterState | null>
export function status(opts?: { dir?: string }): Promise<ClusterStatus | null>
export function stopNode(id: number, opts?: { dir?: string; kill?: boolean }): Promise<ClusterState>
export function startNode(id: number, opts?: { dir?: string; timeoutMs?: number }): Promise<ClusterState>
export function readState(dir?: string): Promise<ClusterState | null>
export function ensureKafka(version?: string): Promise<string>
export function ensureApicurio(version?: string): Promise<string>
export function freePorts(n: number): Promise<number[]>
export function isAlive(pid: number | null | undefined): boolean
