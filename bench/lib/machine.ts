/**
 * What the results were measured on, saved beside them.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import os from 'node:os'

const require = createRequire(import.meta.url)

/** The machine and software versions of a run. */
export interface MachineInfo {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGb: number
  readonly os: string
  readonly node: string
  readonly librdkafka: string
  readonly confluentLibrdkafka?: string | undefined
  readonly kafka: string
  readonly java?: string | undefined
  /** 1-minute load average at the start and end: above the core count means other work shared the CPU. */
  readonly loadAverageStart: number
  loadAverageEnd?: number
}

function tryRequire<T>(name: string): T | undefined {
  try {
    return require(name) as T
  } catch {
    return undefined
  }
}

/**
 * The Confluent client's librdkafka, asked in a fresh process: built with dynamic linking, it would bind to the
 * librdkafka that node-rdkafka already loaded into this one and report that version instead of its own.
 */
function confluentLibrdkafka(): string | undefined {
  let path: string
  try {
    path = require.resolve('@confluentinc/kafka-javascript')
  } catch {
    return undefined
  }
  const result = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write(require(${JSON.stringify(path)}).librdkafkaVersion)`],
    { encoding: 'utf8' },
  )
  return result.status === 0 ? result.stdout.trim() : undefined
}

function javaVersion(java: string): string | undefined {
  // `java -version` writes to stderr.
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' })
  return (result.stderr || result.stdout || '').split('\n')[0] || undefined
}

/** Collects the machine's description. */
export function machineInfo(kafkaVersion: string, java: string): MachineInfo {
  const cpus = os.cpus()
  const rdkafka = tryRequire<{ librdkafkaVersion: string }>('node-rdkafka')
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    librdkafka: rdkafka?.librdkafkaVersion ?? 'unknown',
    confluentLibrdkafka: confluentLibrdkafka(),
    kafka: kafkaVersion,
    java: javaVersion(java),
    loadAverageStart: os.loadavg()[0] ?? Number.NaN,
  }
}
