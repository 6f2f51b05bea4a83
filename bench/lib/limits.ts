/**
 * The limits: librdkafka's C `rdkafka_performance` and Kafka's Java `ProducerPerformance` /
 * `ConsumerPerformance`, run on the same broker with the same settings, measured from outside.
 * @module
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RunnerReport, RunSpec } from './protocol.js'
import { runMeasured } from './measure.js'

/** The figures a tool printed. */
export interface ToolFigures {
  readonly messages: number
  readonly bytes: number
  readonly elapsedMs: number
}

/** Where the tools are. */
export interface LimitPaths {
  /** `rdkafka_performance`, if built. */
  readonly rdkafkaPerformance?: string | undefined
  /** Kafka's libs dir (`<dir>/*` is the classpath), if present. */
  readonly kafkaLibs?: string | undefined
  /** `java`. */
  readonly java: string
}

/** Finds the C tool under a node-rdkafka install. */
export function findRdkafkaPerformance(root: string): string | undefined {
  const path = join(root, 'node_modules/node-rdkafka/deps/librdkafka/examples/rdkafka_performance')
  return existsSync(path) ? path : undefined
}

/** Reads `rdkafka_performance -P`'s final summary line (the last one wins: it prints one per interval). */
export function parseCProducer(output: string): ToolFigures | undefined {
  const matches = [...output.matchAll(/% (\d+) messages produced \((\d+) bytes\), (\d+) delivered .*? in (\d+)ms/g)]
  const last = matches.at(-1)
  if (!last) return undefined
  const produced = Number(last[1])
  const delivered = Number(last[3])
  const bytesPerMessage = produced > 0 ? Number(last[2]) / produced : 0
  return { messages: delivered, bytes: delivered * bytesPerMessage, elapsedMs: Number(last[4]) }
}

/** Reads `rdkafka_performance -C`'s summary line. */
export function parseCConsumer(output: string): ToolFigures | undefined {
  const last = [...output.matchAll(/% (\d+) messages \((\d+) bytes\) consumed in (\d+)ms/g)].at(-1)
  if (!last) return undefined
  return { messages: Number(last[1]), bytes: Number(last[2]), elapsedMs: Number(last[3]) }
}

/** Reads ProducerPerformance's final line, `N records sent, R records/sec (...)`. */
export function parseJavaProducer(output: string, messageSize: number): ToolFigures | undefined {
  const last = [...output.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec/gm)].at(-1)
  if (!last) return undefined
  const messages = Number(last[1])
  const perSecond = Number(last[2])
  return {
    messages,
    bytes: messages * messageSize,
    elapsedMs: perSecond > 0 ? (messages / perSecond) * 1000 : Number.NaN,
  }
}

/**
 * Reads ConsumerPerformance's CSV line. Its `fetch.time.ms` leaves out the group join, like the Node runners'
 * first-message-to-last window.
 */
export function parseJavaConsumer(output: string): ToolFigures | undefined {
  const lines = output.split('\n')
  const header = lines.findIndex((line) => line.startsWith('start.time,'))
  if (header < 0) return undefined
  const names = lines[header]!.split(',').map((name) => name.trim())
  const values = (lines[header + 1] ?? '').split(',').map((value) => value.trim())
  const field = (name: string): number => Number(values[names.indexOf(name)])
  const messages = field('data.consumed.in.nMsg')
  const megabytes = field('data.consumed.in.MB')
  if (!Number.isFinite(messages)) return undefined
  return { messages, bytes: megabytes * 1024 * 1024, elapsedMs: field('fetch.time.ms') }
}

function javaAcks(acks: RunSpec['producer']['acks']): string {
  return acks === -1 ? 'all' : String(acks)
}

/** Runs one scenario with a limit tool; `undefined` when the tool does not do that scenario. */
export async function runLimit(
  tool: 'c' | 'java',
  spec: RunSpec,
  paths: LimitPaths,
  onOutput: (chunk: string) => void,
): Promise<RunnerReport | undefined> {
  const producing = spec.scenario === 'produce'
  if (!producing && spec.scenario !== 'consume') return undefined
  const timeoutMs = spec.deadlineMs + 30_000
  let command: string
  let args: string[]
  let parse: (output: string) => ToolFigures | undefined
  if (tool === 'c') {
    if (!paths.rdkafkaPerformance) throw new Error('rdkafka_performance is not built (node-rdkafka install)')
    command = paths.rdkafkaPerformance
    const security = Object.entries(spec.security).flatMap(([key, value]) => ['-X', `${key}=${value}`])
    args = producing
      ? [
          '-P',
          '-t',
          spec.topic,
          '-b',
          spec.brokers,
          '-s',
          String(spec.messageSize),
          '-c',
          String(spec.messages),
          '-a',
          String(spec.producer.acks),
          '-z',
          spec.producer.compression,
          '-X',
          `enable.idempotence=${spec.producer.idempotent}`,
          '-X',
          `linger.ms=${spec.producer.lingerMs}`,
          '-X',
          `client.id=${spec.clientId}`,
          ...security,
        ]
      : [
          '-C',
          '-G',
          spec.groupId,
          '-t',
          spec.topic,
          '-b',
          spec.brokers,
          '-c',
          String(spec.messages),
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          `client.id=${spec.clientId}`,
          ...security,
        ]
    parse = producing ? parseCProducer : parseCConsumer
  } else {
    if (!paths.kafkaLibs) throw new Error("Kafka's libs are not cached (the cluster script resolves them)")
    if (Object.keys(spec.security).length > 0) throw new Error('the Java tools are not given SASL/SSL settings')
    command = paths.java
    const classpath = ['-cp', `${paths.kafkaLibs}/*`]
    args = producing
      ? [
          ...classpath,
          'org.apache.kafka.tools.ProducerPerformance',
          '--topic',
          spec.topic,
          '--num-records',
          String(spec.messages),
          '--record-size',
          String(spec.messageSize),
          '--throughput',
          '-1',
          '--producer-props',
          `bootstrap.servers=${spec.brokers}`,
          `acks=${javaAcks(spec.producer.acks)}`,
          `enable.idempotence=${spec.producer.idempotent}`,
          `compression.type=${spec.producer.compression}`,
          `linger.ms=${spec.producer.lingerMs}`,
          `client.id=${spec.clientId}`,
          // librdkafka's default batch size; Java's 16 KB default would measure a smaller batch, not the client.
          'batch.size=1000000',
        ]
      : [
          ...classpath,
          'org.apache.kafka.tools.ConsumerPerformance',
          '--bootstrap-server',
          spec.brokers,
          '--topic',
          spec.topic,
          '--messages',
          String(spec.messages),
          '--group',
          spec.groupId,
          '--timeout',
          String(spec.deadlineMs),
        ]
    parse = producing ? (output) => parseJavaProducer(output, spec.messageSize) : parseJavaConsumer
  }
  const run = await runMeasured(command, args, { timeoutMs, onOutput })
  const figures = parse(run.stdout + run.stderr)
  if (!figures) {
    const tail = (run.stdout + run.stderr).trim().split('\n').slice(-5).join('\n')
    throw new Error(
      `${tool} ${spec.scenario}: no figures in the output (exit ${run.exitCode}${run.killed ? ', killed at its time limit' : ''}):\n${tail}`,
    )
  }
  return {
    type: 'result',
    ...figures,
    completed: figures.messages >= spec.messages,
    errors: 0,
    peakRssBytes: run.peakRssBytes,
    cpuUserMs: run.cpuUserMs,
    cpuSystemMs: run.cpuSystemMs,
  }
}
