/**
 * {@link Bench}: the scenario runner of `npm run bench`.
 * @module
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { type BrokerGc, pausesBetween, readGcPauses } from './broker-gc.js'
import { type BenchAdmin, setProducerQuota } from './admin.js'
import { runNodeClient } from './child.js'
import { topicReplication, type BenchCluster } from './cluster.js'
import { findRdkafkaPerformance, runLimit, type LimitPaths } from './limits.js'
import type { BenchOptions } from './options.js'
import { ROOT, RUNNERS } from './paths.js'
import { planRows, SCENARIO_TITLES } from './plan.js'
import { ProgressBar } from './progress.js'
import type { ClientId, RunnerReport, RunSpec, ScenarioId } from './protocol.js'
import {
  runLatency,
  summarizeScenario,
  type RowPlan,
  type RowResult,
  type RunRecord,
  type ScenarioResult,
} from './results.js'
import { formatCount, scenarioColumns, textTable } from './table.js'
import { describeScenario } from './describe.js'
import { log } from './log.js'

/** The pause before each latency run, ms (see latencyScenario). */
const LATENCY_SETTLE_MS = 5_000

const THROTTLED_CLIENT_ID = 'kafkit-bench-throttled'
const runId = randomBytes(3).toString('hex')
let topicCounter = 0

/** A topic or group name unique to this run. */
function freshName(kind: string): string {
  return `bench-${kind}-${runId}-${++topicCounter}`
}

/**
 * Runs the scenarios on one cluster: creates and deletes topics, spawns each client's runner per round and collects
 * the rows of a {@link ScenarioResult}. {@link Bench.at} derives a bench with other settings for a sweep point.
 */
export class Bench {
  private readonly limits: LimitPaths

  /** `topics` is shared with the bench this one was derived from ({@link Bench.at}), so one cleanup finds all. */
  constructor(
    private readonly options: BenchOptions,
    private readonly cluster: BenchCluster,
    private readonly admin: BenchAdmin,
    private readonly topics = new Set<string>(),
  ) {
    this.limits = {
      rdkafkaPerformance: findRdkafkaPerformance(ROOT),
      kafkaLibs: cluster.kafkaLibs,
      java: process.env.KAFKIT_JAVA ?? 'java',
    }
  }

  /** The same bench with some settings changed: a sweep point. */
  at(overrides: Partial<BenchOptions>): Bench {
    return new Bench({ ...this.options, ...overrides }, this.cluster, this.admin, this.topics)
  }

  /** Why a client cannot run a scenario here, or undefined. */
  unavailable = (client: ClientId, scenario: ScenarioId): string | undefined => {
    if (client === 'platformatic' && !this.options.node22) return 'needs Node >= 22 (pass --node22 PATH)'
    if (client === 'kafkit' && !existsSync(join(RUNNERS, 'kafkit.js'))) return 'kafkit runner not built'
    if (client === 'c' && !this.limits.rdkafkaPerformance) return 'rdkafka_performance not built'
    if (client === 'java' && !this.limits.kafkaLibs) return "Kafka's jars not available"
    if (client === 'java' && Object.keys(this.options.security).length > 0) return 'not given SASL/SSL settings'
    if (scenario === 'avro' && !this.cluster.registryUrl) return 'no Schema Registry'
    if (scenario === 'backpressure' && !this.limits.kafkaLibs) return 'no quota tool (Kafka jars)'
    return undefined
  }

  private spec(scenario: ScenarioId, variant: string, topic: string, overrides: Partial<RunSpec> = {}): RunSpec {
    const o = this.options
    return {
      scenario,
      variant,
      brokers: this.cluster.brokers,
      security: o.security,
      topic,
      groupId: freshName('group'),
      clientId: `kafkit-bench-${runId}`,
      messages: o.messages,
      messageSize: o.messageSize,
      producer: o.producer,
      concurrency: o.concurrency,
      batchSize: o.batchSize,
      rate: o.rate,
      registryUrl: this.cluster.registryUrl,
      deadlineMs: o.deadlineSeconds * 1000,
      ...overrides,
    }
  }

  private async newTopic(kind: string): Promise<string> {
    const topic = freshName(kind)
    const replication = topicReplication(this.options.nodes)
    await this.admin.createTopic(
      topic,
      this.options.partitions,
      replication.replicationFactor,
      replication.minInsyncReplicas,
    )
    this.topics.add(topic)
    return topic
  }

  private async dropTopic(topic: string): Promise<void> {
    this.topics.delete(topic)
    await this.admin.deleteTopic(topic)
  }

  /** The broker's GC pauses from `from` until now, when the benchmark started the cluster (it has the logs). */
  private brokerGcSince(from: number): BrokerGc | undefined {
    const dirs = this.cluster.gcLogDirs
    return dirs.length === 0 ? undefined : pausesBetween(readGcPauses(dirs), from, Date.now())
  }

  /** Runs one client on one spec with a progress bar; never throws (a failure is recorded in the run). */
  async runOne(
    row: RowResult,
    spec: RunSpec,
    round: number,
    label: string,
  ): Promise<{ record: RunRecord; report?: RunnerReport }> {
    const bar = new ProgressBar(label, row.client === 'c' || row.client === 'java' ? 0 : spec.messages)
    const startedAt = Date.now()
    try {
      let report: RunnerReport | undefined
      if (row.client === 'c' || row.client === 'java') {
        const ticker = setInterval(() => bar.update(0), 150)
        try {
          report = await runLimit(row.client, spec, this.limits, () => {})
        } finally {
          clearInterval(ticker)
        }
        if (!report) throw new Error(`${row.client} does not run ${spec.scenario}`)
      } else {
        const execArgv =
          this.options.profile && row.client === 'kafkit'
            ? [
                '--cpu-prof',
                `--cpu-prof-dir=${resolve(ROOT, this.options.resultsDir, 'profiles')}`,
                `--cpu-prof-name=${spec.scenario}-${spec.variant}-r${round}.cpuprofile`,
              ]
            : []
        report = await runNodeClient(row.client, spec, {
          nodePath: row.client === 'platformatic' ? this.options.node22 : undefined,
          execArgv,
          onProgress: (done) => bar.update(done),
        })
      }
      const { latencyMs, type: _type, ...figures } = report
      const brokerGc = this.brokerGcSince(startedAt)
      const record: RunRecord = { round, topic: spec.topic, report: figures, latency: runLatency(latencyMs), brokerGc }
      const rateText =
        figures.elapsedMs > 0 ? `${formatCount((figures.messages * 1000) / figures.elapsedMs)} msgs/s` : ''
      const gcText = brokerGc?.pauses
        ? `; broker GC ${brokerGc.pauses} pause${brokerGc.pauses === 1 ? '' : 's'}, max ${brokerGc.maxMs.toFixed(0)} ms`
        : ''
      bar.finish(`${formatCount(figures.messages)} msgs ${rateText}${figures.completed ? '' : ' (timed out)'}${gcText}`)
      return { record, report }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      bar.finish(`FAILED: ${message.split('\n')[0]}`)
      const detail = message.split('\n').slice(1, 9).join('\n').trim()
      if (detail) log(detail.replace(/^/gm, '    '))
      return { record: { round, topic: spec.topic, error: message } }
    }
  }

  /**
   * A row that timed out or failed in an earlier round is not run again: its figure would not change the table
   * (it is marked either way) and a slow client would otherwise take most of the suite's time.
   */
  private settled(row: RowResult): boolean {
    return row.runs.some((run) => run.error !== undefined || (run.report !== undefined && !run.report.completed))
  }

  /** Producer scenarios: a fresh topic per run, then a count of what arrived in it. */
  async producerScenario(
    scenario: ScenarioId,
    rows: RowResult[],
    rounds: number,
    overrides: Partial<RunSpec>,
  ): Promise<void> {
    for (let round = 1; round <= rounds; round++) {
      for (const row of rows) {
        if (row.unavailable || this.settled(row)) continue
        const topic = await this.newTopic(scenario)
        const spec = this.spec(scenario, row.variant, topic, overrides)
        const { record, report } = await this.runOne(row, spec, round, `${scenario} r${round}/${rounds} ${row.label}`)
        const inTopic = report
          ? await this.admin.countMessages(topic, this.options.partitions).catch(() => undefined)
          : undefined
        row.runs.push({ ...record, inTopic })
        await this.dropTopic(topic)
      }
    }
  }

  /** A new topic filled with `messages` records by raw node-rdkafka, checked by its watermarks. */
  private async filledTopic(kind: ScenarioId, messages: number): Promise<string> {
    const topic = await this.newTopic(kind)
    const fill = this.spec('produce', 'produce', topic, {
      messages,
      deadlineMs: Math.max(120_000, this.options.deadlineSeconds * 3000),
    })
    const bar = new ProgressBar(`${kind}: pre-producing the topic`, messages)
    const filled = await runNodeClient('rdkafka', fill, { onProgress: (done) => bar.update(done) }).catch(
      (error: unknown) => {
        throw new Error(`pre-producing the ${kind} topic failed: ${String(error)}`)
      },
    )
    bar.finish(`${formatCount(filled.messages)} msgs`)
    const inTopic = await this.admin.countMessages(topic, this.options.partitions)
    if (inTopic !== messages) throw new Error(`pre-produced ${inTopic} messages, expected ${messages}`)
    return topic
  }

  /** The consumer scenario: one pre-produced topic, a fresh group per run. */
  async consumerScenario(rows: RowResult[]): Promise<void> {
    const topic = await this.filledTopic('consume', this.options.messages)
    for (let round = 1; round <= this.options.rounds; round++) {
      for (const row of rows) {
        if (row.unavailable || this.settled(row)) continue
        const spec = this.spec('consume', row.variant, topic)
        const { record } = await this.runOne(row, spec, round, `consume r${round}/${this.options.rounds} ${row.label}`)
        row.runs.push(record)
      }
    }
    await this.dropTopic(topic)
  }

  /**
   * Consume-transform-produce: one pre-produced input topic; each run gets a fresh group and a fresh output topic,
   * whose records are then counted as a `read_committed` reader sees them.
   */
  async pipelineScenario(rows: RowResult[]): Promise<void> {
    const messages = this.options.pipelineMessages
    const input = await this.filledTopic('pipeline', messages)
    await this.transactionalWarmUp(input, messages)
    for (let round = 1; round <= this.options.rounds; round++) {
      for (const row of rows) {
        if (row.unavailable || this.settled(row)) continue
        const output = await this.newTopic('pipeline-out')
        const spec = this.spec('pipeline', row.variant, input, { messages, outputTopic: output })
        const { record, report } = await this.runOne(
          row,
          spec,
          round,
          `pipeline r${round}/${this.options.rounds} ${row.label}`,
        )
        const inTopic = report
          ? await this.admin.countCommitted(output, this.options.partitions).catch(() => undefined)
          : undefined
        row.runs.push({ ...record, inTopic })
        await this.dropTopic(output)
      }
    }
    await this.dropTopic(input)
  }

  /**
   * Primes the broker's transactional paths before scenario 7 measures anything: raw node-rdkafka's exactly-once
   * loop carries the whole input once, unmeasured. A fresh broker's first transactional work is slow for whichever
   * client does it (measured on fresh brokers: KafkaJS's loop first, 47k then 72k and 80k msgs/s; kafkit's
   * Processor first, 127k then 190-204k; one warm-up transaction did not close the gap), and the first row would
   * otherwise pay for it.
   */
  private async transactionalWarmUp(input: string, messages: number): Promise<void> {
    const output = await this.newTopic('pipeline-warmup')
    const bar = new ProgressBar('pipeline warm-up (raw node-rdkafka, transactions)', messages)
    try {
      await runNodeClient(
        'rdkafka',
        this.spec('pipeline', 'transaction', input, { messages, outputTopic: output, deadlineMs: 120_000 }),
        { onProgress: (done) => bar.update(done) },
      )
      bar.finish('done')
    } catch (error) {
      bar.finish(`failed (${String(error).split('\n')[0]}): continuing`)
    }
    await this.dropTopic(output)
  }

  /** Latency: one run per client on a fresh topic. */
  async latencyScenario(rows: RowResult[]): Promise<void> {
    const { rounds, rate, latencySeconds } = this.options
    const messages = Math.round(rate * latencySeconds)
    // Rounds alternate the clients, like every other scenario: a p99 is a tail, and one run's tail on a shared
    // machine says as much about the machine's other work as about the client. The summary takes each percentile's
    // median over the rounds.
    for (let round = 1; round <= rounds; round++) {
      for (const row of rows) {
        if (row.unavailable || this.settled(row)) continue
        // A quiet pause first: the previous run leaves the broker busy for a few seconds (its group leaving, its
        // topic's deletion, the garbage of clients sending one request per record), and a tail measured in that
        // aftermath belongs to the previous client. Measured without it: kafkit's p99 0.3 ms higher right after
        // KafkaJS's run than after raw node-rdkafka's.
        await new Promise((resolve) => setTimeout(resolve, LATENCY_SETTLE_MS))
        const topic = await this.newTopic('latency')
        const spec = this.spec('latency', row.variant, topic, {
          messages,
          deadlineMs: (latencySeconds + 30) * 1000,
        })
        const { record } = await this.runOne(row, spec, round, `latency r${round}/${rounds} ${row.label}`)
        row.runs.push(record)
        await this.dropTopic(topic)
      }
    }
  }

  /** Back-pressure: a produce quota on the client id, un-awaited sends, then a count of what arrived. */
  async backpressureScenario(rows: RowResult[]): Promise<void> {
    const o = this.options
    const expectedSeconds = (o.backpressureMessages * o.messageSize) / o.quotaBytesPerSecond
    await setProducerQuota(
      this.limits.java,
      this.limits.kafkaLibs!,
      this.cluster.brokers,
      THROTTLED_CLIENT_ID,
      o.quotaBytesPerSecond,
    )
    try {
      await this.producerScenario('backpressure', rows, 1, {
        messages: o.backpressureMessages,
        clientId: THROTTLED_CLIENT_ID,
        deadlineMs: Math.ceil(expectedSeconds + o.deadlineSeconds) * 1000,
      })
    } finally {
      await setProducerQuota(
        this.limits.java,
        this.limits.kafkaLibs!,
        this.cluster.brokers,
        THROTTLED_CLIENT_ID,
        undefined,
      ).catch(() => {})
    }
  }

  /**
   * Primes the broker before anything is measured: the first idempotent producer and the first consumer group make
   * it create its producer-id block and the `__consumer_offsets` topic, which would otherwise land in the first row.
   */
  async warmUp(): Promise<void> {
    const topic = await this.newTopic('warmup')
    const messages = 20_000
    const bar = new ProgressBar('warm-up (raw node-rdkafka)', messages * 2)
    try {
      const produced = await runNodeClient(
        'rdkafka',
        this.spec('produce', 'produce', topic, { messages, deadlineMs: 60_000 }),
        { onProgress: (done) => bar.update(done) },
      )
      await runNodeClient(
        'rdkafka',
        this.spec('consume', 'consume', topic, { messages: produced.messages, deadlineMs: 60_000 }),
        {
          onProgress: (done) => bar.update(messages + done),
        },
      )
      bar.finish('done')
    } catch (error) {
      bar.finish(`failed (${String(error).split('\n')[0]}): continuing`)
    }
    await this.dropTopic(topic)
  }

  /** Runs a scenario with the rows of its table for the chosen clients, or with the `plans` given. */
  async scenario(id: ScenarioId, plans?: readonly RowPlan[]): Promise<ScenarioResult> {
    const o = this.options
    const rows: RowResult[] = (plans ?? planRows(id, o.clients, this.unavailable)).map((plan) => ({
      ...plan,
      runs: [],
    }))
    const startedAt = Date.now()
    const result: ScenarioResult = { id, title: SCENARIO_TITLES[id], description: describeScenario(id, o), rows }
    log(`\n== ${result.title}: ${result.description}`)
    switch (id) {
      case 'produce':
        await this.producerScenario(id, rows, o.rounds, {})
        break
      case 'produce-awaited':
      case 'produce-batch':
        await this.producerScenario(id, rows, o.rounds, { messages: o.awaitedMessages })
        break
      case 'consume':
        await this.consumerScenario(rows)
        break
      case 'latency':
        await this.latencyScenario(rows)
        break
      case 'backpressure':
        if (rows.some((row) => !row.unavailable)) await this.backpressureScenario(rows)
        break
      case 'avro':
        await this.producerScenario(id, rows, o.rounds, { messages: o.avroMessages })
        break
      case 'pipeline':
        await this.pipelineScenario(rows)
        break
    }
    summarizeScenario(result)
    result.durationSeconds = Math.round((Date.now() - startedAt) / 1000)
    log(`\n${result.title} (${result.description}; ${result.durationSeconds}s)\n${textTable(scenarioColumns(result))}`)
    return result
  }

  /** Deletes any topic left by an interrupted scenario. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.topics].map((topic) => this.admin.deleteTopic(topic)))
  }
}
