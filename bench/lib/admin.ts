/**
 * Topic set-up and checks for the orchestrator, on raw node-rdkafka (the benchmark must not depend on the
 * client it measures to prepare its own runs), plus the client quota through Kafka's Java ConfigCommand.
 * @module
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import type * as NodeRdkafka from 'node-rdkafka'

const require = createRequire(import.meta.url)
const Kafka = require('node-rdkafka') as typeof NodeRdkafka
const execFileAsync = promisify(execFile)

const TOPIC_ALREADY_EXISTS = 36

/** A connection to the cluster for set-up work. */
export class BenchAdmin {
  private readonly admin: NodeRdkafka.IAdminClient
  private readonly probe: NodeRdkafka.Producer

  private readonly config: Readonly<Record<string, string>>

  private constructor(
    admin: NodeRdkafka.IAdminClient,
    probe: NodeRdkafka.Producer,
    config: Readonly<Record<string, string>>,
  ) {
    this.admin = admin
    this.probe = probe
    this.config = config
  }

  /** Connects an admin client and a producer (used only for metadata and watermarks). */
  static async connect(brokers: string, security: Readonly<Record<string, string>>): Promise<BenchAdmin> {
    const config = { 'bootstrap.servers': brokers, 'client.id': 'kafkit-bench-admin', ...security }
    const admin = Kafka.AdminClient.create(config)
    const probe = new Kafka.Producer(config)
    await new Promise<void>((resolve, reject) => probe.connect({}, (error) => (error ? reject(error) : resolve())))
    return new BenchAdmin(admin, probe, config)
  }

  /**
   * Creates a topic and waits until its partitions all have a leader in the metadata. `minInsyncReplicas`, when
   * given, is set on the topic.
   */
  async createTopic(
    topic: string,
    partitions: number,
    replicationFactor = 1,
    minInsyncReplicas?: number,
  ): Promise<void> {
    const request: NodeRdkafka.NewTopic = { topic, num_partitions: partitions, replication_factor: replicationFactor }
    if (minInsyncReplicas !== undefined) request.config = { 'min.insync.replicas': String(minInsyncReplicas) }
    await new Promise<void>((resolve, reject) => {
      this.admin.createTopic(request, 30_000, (error) => {
        if (error && error.code !== TOPIC_ALREADY_EXISTS) reject(error)
        else resolve()
      })
    })
    const until = Date.now() + 30_000
    for (;;) {
      const metadata = await new Promise<NodeRdkafka.Metadata>((resolve, reject) => {
        this.probe.getMetadata({ topic, timeout: 5000 }, (error, data) => (error ? reject(error) : resolve(data)))
      })
      const entry = metadata.topics.find((candidate) => candidate.name === topic)
      if (
        entry &&
        entry.partitions.length === partitions &&
        entry.partitions.every((partition) => partition.leader >= 0)
      )
        return
      if (Date.now() > until) throw new Error(`topic ${topic} has no leaders after 30 s`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Deletes a topic (best effort: the benchmark's topics are disposable). */
  async deleteTopic(topic: string): Promise<void> {
    await new Promise<void>((resolve) => this.admin.deleteTopic(topic, 30_000, () => resolve()))
  }

  /**
   * The number of messages in a topic: the sum of its partitions' high watermarks (topics start at 0). With several
   * brokers the client's metadata can lag a new topic for a moment, and librdkafka then answers "Unknown partition"
   * at once: the metadata is refreshed and the question asked again, until `timeoutMs`.
   */
  async countMessages(topic: string, partitions: number, timeoutMs = 30_000): Promise<number> {
    const until = Date.now() + timeoutMs
    for (;;) {
      try {
        return await this.sumHighWatermarks(topic, partitions)
      } catch (error) {
        if (Date.now() > until) throw error
        await new Promise<void>((resolve) => {
          this.probe.getMetadata({ topic, timeout: 5000 }, () => resolve())
        })
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  private async sumHighWatermarks(topic: string, partitions: number): Promise<number> {
    const highs = await Promise.all(
      Array.from(
        { length: partitions },
        (_, partition) =>
          new Promise<number>((resolve, reject) => {
            this.probe.queryWatermarkOffsets(topic, partition, 10_000, (error, offsets) =>
              error ? reject(error) : resolve(offsets.highOffset),
            )
          }),
      ),
    )
    return highs.reduce((sum, high) => sum + high, 0)
  }

  /**
   * The number of records a `read_committed` reader finds in a topic: reads every partition from the start to its
   * end (aborted and still-open transactions' records and the transaction markers are not counted).
   */
  async countCommitted(topic: string, partitions: number, timeoutMs = 120_000): Promise<number> {
    const consumer = new Kafka.KafkaConsumer(
      {
        ...this.config,
        'group.id': `kafkit-bench-count-${topic}`,
        'isolation.level': 'read_committed',
        'enable.partition.eof': true,
        'enable.auto.commit': false,
        'fetch.queue.backoff.ms': 10,
      },
      {},
    )
    await new Promise<void>((resolve, reject) => consumer.connect({}, (error) => (error ? reject(error) : resolve())))
    try {
      consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })))
      // Both events come in the log's order from within consume()'s callback.
      const atEnd = new Set<number>()
      let count = 0
      consumer.on('data', (message) => {
        atEnd.delete(message.partition)
        count++
      })
      consumer.on('partition.eof', ({ partition }) => atEnd.add(partition))
      const until = Date.now() + timeoutMs
      while (atEnd.size < partitions) {
        if (Date.now() > until)
          throw new Error(`counting ${topic}: not at the end of every partition after ${timeoutMs} ms`)
        await new Promise<void>((resolve, reject) => {
          consumer.consume(10_000, (error) => (error ? reject(error) : resolve()))
        })
      }
      return count
    } finally {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
    }
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.admin.disconnect()
    await new Promise<void>((resolve) => this.probe.disconnect(() => resolve()))
  }
}

/**
 * Sets (or with `bytesPerSecond` undefined, removes) a produce quota on a client id through Kafka's own
 * ConfigCommand: librdkafka has no client-quota admin API.
 */
export async function setProducerQuota(
  java: string,
  kafkaLibs: string,
  brokers: string,
  clientId: string,
  bytesPerSecond: number | undefined,
): Promise<void> {
  const change =
    bytesPerSecond === undefined
      ? ['--delete-config', 'producer_byte_rate']
      : ['--add-config', `producer_byte_rate=${bytesPerSecond}`]
  await execFileAsync(
    java,
    [
      '-cp',
      `${kafkaLibs}/*`,
      'kafka.admin.ConfigCommand',
      '--bootstrap-server',
      brokers,
      '--alter',
      ...change,
      '--entity-type',
      'clients',
      '--entity-name',
      clientId,
    ],
    { timeout: 60_000 },
  )
}
