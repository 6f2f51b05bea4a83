/**
 * A kafkit Processor in a child process, so that a test can SIGKILL it mid-transaction. Reuses the transpiled
 * sources of consumer-child.ts; the child reports every committed transaction over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export { transpileSources } from './consumer-child.js'

/** What the child reports. */
export type ProcessorChildReport =
  { type: 'ready' } | { type: 'transaction'; outcome: 'commit' | 'abort'; partition: number; messages: number }

/** Options of the child processor. */
export interface ProcessorChildOptions {
  brokers: string
  groupId: string
  transactionalId: string
  input: string
  output: string
  /** Delay per message, ms, so that a kill lands inside open transactions. */
  delayMs: number
  maxBatchSize: number
  /** Partitions sharing one transaction (the Processor's default when absent). */
  partitionsPerTransaction?: number
  /** Longest time a partition's run of messages takes in one transaction, ms (1000 when absent). */
  maxBatchMs?: number
}

const CHILD = `
import diagnostics from 'node:diagnostics_channel'
import { Processor } from './patterns/index.js'
import { serdes } from './serde/index.js'
const options = JSON.parse(process.argv[2])
const send = (message) => new Promise((resolve) => process.send(message, () => resolve()))
diagnostics.subscribe('kafkit:processor:transaction', (event) => {
  send({ type: 'transaction', outcome: event.outcome, partition: event.partition, messages: event.messages })
})
const processor = new Processor({
  brokers: options.brokers, groupId: options.groupId, transactionalId: options.transactionalId,
  fromBeginning: true, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxBatchSize: options.maxBatchSize, maxBatchMs: options.maxBatchMs ?? 1000,
  ...(options.partitionsPerTransaction === undefined ? {} : { partitionsPerTransaction: options.partitionsPerTransaction }),
  input: { [options.input]: { value: serdes.int32() } },
  output: { [options.output]: { value: serdes.int32() } },
  handle: async (message, ctx) => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
    ctx.send({ topic: options.output, key: message.partition + ':' + message.offset, value: message.value * 10 })
  },
})
processor.on('error', () => {})
await processor.start()
await send({ type: 'ready' })
`

/** Writes the child script into the transpiled sources directory and starts it. */
export async function startChildProcessor(
  dir: string,
  options: ProcessorChildOptions,
  onReport: (report: ProcessorChildReport) => void,
): Promise<ChildProcess> {
  const script = join(dir, 'processor-child.js')
  await writeFile(script, CHILD)
  const child = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  child.on('message', (message) => onReport(message as ProcessorChildReport))
  return child
}
