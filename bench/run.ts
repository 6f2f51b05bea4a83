/**
 * `npm run bench`: runs every scenario for every client on the same broker, clients taking turns round by
 * round, each run in its own process; prints a table per scenario and saves JSON and SVG charts.
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join, relative, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { BenchAdmin, setProducerQuota } from './lib/admin.js'
import { runNodeClient } from './lib/child.js'
import { ensureCluster, topicReplication, type BenchCluster } from './lib/cluster.js'
import { updateBenchmarksDoc } from './lib/docs.js'
import { findRdkafkaPerformance, runLimit, type LimitPaths } from './lib/limits.js'
import { machineInfo, type MachineInfo } from './lib/machine.js'
import { parseOptions, USAGE, type BenchOptions } from './lib/options.js'
import { resultsSubdir, writeCharts } from './lib/output.js'
import { ROOT, RUNNERS } from './lib/paths.js'
import { planRows, SCENARIO_TITLES, sweepRows } from './lib/plan.js'
import { ProgressBar } from './lib/progress.js'
import type { ClientId, RunnerReport, RunSpec, ScenarioId } from './lib/protocol.js'
import {
  runLatency,
  summarizeScenario,
  type RowPlan,
  type RowResult,
  type RunRecord,
  type ScenarioResult,
} from './lib/results.js'
import {
  SWEEP_AXIS_TITLES,
  SWEEP_SCENARIOS,
  sweepClients,
  sweepPoints,
  type SweepAxis,
  type SweepResult,
  type SweepScenarioId,
} from './lib/sweep.js'
import { sweepColumns, sweepTitle } from './lib/sweep-report.js'
import { evaluateTargets, type TargetCheck } from './lib/targets.js'
import { formatCount, scenarioColumns, textTable } from './lib/table.js'

/** The results file's shape. */
export interface BenchResults {
  readonly schema: 1
  readonly mode: BenchOptions['mode']
  readonly startedAt: string
  finishedAt?: string
  durationSeconds?: number
  readonly machine: MachineInfo
  readonly settings: Omit<BenchOptions, 'security' | 'resultsDir' | 'node22'> & {
    readonly secured: boolean
    readonly platformaticNode?: string | undefined
  }
  readonly scenarios: ScenarioResult[]
  /** The issue's targets checked on this run. */
  targets?: TargetCheck[]
  /** Scenarios 1 and 3 along each `--sweep` axis (absent when none was asked for). */
  sweeps?: SweepResult[]
}

const THROTTLED_CLIENT_ID = 'kafkit-bench-throttled'
const runId = randomBytes(3).toString('hex')
let topicCounter = 0

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

function freshName(kind: string): string {
  return `bench-${kind}-${runId}-${++topicCounter}`
}

class Bench {
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

  /** Runs one client on one spec with a progress bar; never throws (a failure is recorded in the run). */
  async runOne(
    row: RowResult,
    spec: RunSpec,
    round: number,
    label: string,
  ): Promise<{ record: RunRecord; report?: RunnerReport }> {
    const bar = new ProgressBar(label, row.client === 'c' || row.client === 'java' ? 0 : spec.messages)
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
      const record: RunRecord = { round, topic: spec.topic, report: figures, latency: runLatency(latencyMs) }
      const rateText =
        figures.elapsedMs > 0 ? `${formatCount((figures.messages * 1000) / figures.elapsedMs)} msgs/s` : ''
      bar.finish(`${formatCount(figures.messages)} msgs ${rateText}${figures.completed ? '' : ' (timed out)'}`)
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

  /** Latency: one run per client on a fresh topic. */
  async latencyScenario(rows: RowResult[]): Promise<void> {
    const messages = Math.round(this.options.rate * this.options.latencySeconds)
    for (const row of rows) {
      if (row.unavailable) continue
      const topic = await this.newTopic('latency')
      const spec = this.spec('latency', row.variant, topic, {
        messages,
        deadlineMs: (this.options.latencySeconds + 30) * 1000,
      })
      const { record } = await this.runOne(row, spec, 1, `latency ${row.label}`)
      row.runs.push(record)
      await this.dropTopic(topic)
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

/**
 * Runs scenarios 1 and 3 at every point of each `--sweep` axis; within a point the clients take turns round by
 * round, as in the scenarios.
 */
async function runSweeps(bench: Bench, o: BenchOptions): Promise<SweepResult[]> {
  const sweeps: SweepResult[] = []
  const base = {
    messages: o.messages,
    messageSize: o.messageSize,
    partitions: o.partitions,
    compression: o.producer.compression,
    byteCap: o.sweepBytes,
  }
  for (const axis of o.sweep) {
    const startedAt = Date.now()
    const points = sweepPoints(axis, base)
    const ofAxis: SweepResult[] = SWEEP_SCENARIOS.map((scenario) => ({
      axis,
      scenario,
      title: sweepTitle(axis, scenario),
      description: describeSweep(axis, scenario, o),
      points: [],
    }))
    for (const settings of points) {
      log(
        `\n== sweep ${SWEEP_AXIS_TITLES[axis]}: ${settings.label} (${formatCount(settings.messages)} messages per run)`,
      )
      const point = bench.at({
        messages: settings.messages,
        messageSize: settings.messageSize,
        partitions: settings.partitions,
        producer: { ...o.producer, compression: settings.compression },
      })
      for (const sweep of ofAxis) {
        const loadAverage: { start: number; end?: number } = { start: os.loadavg()[0] ?? Number.NaN }
        const result = await point.scenario(
          sweep.scenario,
          sweepRows(sweep.scenario, sweepClients(sweep.scenario, o.sweepClients), point.unavailable),
        )
        loadAverage.end = os.loadavg()[0] ?? Number.NaN
        sweep.points.push({ ...settings, loadAverage, result })
      }
    }
    const seconds = Math.round((Date.now() - startedAt) / 1000)
    for (const sweep of ofAxis) {
      sweep.durationSeconds = seconds
      log(`\n${sweep.title} (${sweep.description})\n${textTable(sweepColumns(sweep))}`)
    }
    sweeps.push(...ofAxis)
  }
  return sweeps
}

function describeProducer(o: BenchOptions): string {
  return `${o.producer.idempotent ? 'idempotent, ' : ''}acks=${o.producer.acks === -1 ? 'all' : o.producer.acks}, ${o.producer.compression === 'none' ? 'no compression' : o.producer.compression}, linger.ms=${o.producer.lingerMs}`
}

/** Replication, when the cluster has several brokers; empty on one. */
function describeReplication(o: BenchOptions): string {
  const replication = topicReplication(o.nodes)
  if (o.nodes <= 1) return ''
  return `, ${o.nodes} brokers, replication factor ${replication.replicationFactor}${replication.minInsyncReplicas === undefined ? '' : `, min.insync.replicas=${replication.minInsyncReplicas}`}`
}

/** One line saying what stays fixed along a sweep. */
export function describeSweep(axis: SweepAxis, scenario: SweepScenarioId, o: BenchOptions): string {
  const codec = o.producer.compression === 'none' ? 'no compression' : o.producer.compression
  const fixed =
    axis === 'size'
      ? `${o.partitions} partitions, ${codec}`
      : axis === 'partitions'
        ? `${o.messageSize}-byte values, ${codec}`
        : `${o.messageSize}-byte values, ${o.partitions} partitions`
  const producer = `${o.producer.idempotent ? 'idempotent, ' : ''}acks=${o.producer.acks === -1 ? 'all' : o.producer.acks}, linger.ms=${o.producer.lingerMs}`
  return scenario === 'produce'
    ? `${fixed}${describeReplication(o)}; ${producer}; send without awaiting each, then flush`
    : `${fixed}${describeReplication(o)}; topic pre-produced by raw node-rdkafka (${producer}); fresh group from the earliest offset; first message to last`
}

/** One line saying what a scenario does with this run's parameters. */
export function describeScenario(id: ScenarioId, o: BenchOptions): string {
  const producer = describeProducer(o)
  const size = `${o.messageSize}-byte values, ${o.partitions} partitions${describeReplication(o)}`
  switch (id) {
    case 'produce':
      return `${formatCount(o.messages)} x ${size}, ${producer}; send without awaiting each, then flush`
    case 'produce-awaited':
      return `${formatCount(o.awaitedMessages)} x ${size}, ${producer}; await each send, ${o.concurrency} in flight`
    case 'produce-batch':
      return `${formatCount(o.awaitedMessages)} x ${size}, ${producer}; ${o.batchSize} messages per call, ${o.concurrency} messages in flight`
    case 'consume':
      return `${formatCount(o.messages)} pre-produced ${size}; fresh group from the earliest offset; first message to last`
    case 'avro':
      return `${formatCount(o.avroMessages)} records, Avro via Schema Registry vs raw bytes`
    case 'latency':
      return `${formatCount(o.rate)} msgs/s for ${o.latencySeconds}s, ${size}, producer and consumer in one process; first 10% dropped as warm-up`
    case 'pipeline':
      return `${formatCount(o.pipelineMessages)} pre-produced ${size} read by a fresh group, each value transformed and produced to a new topic (${producer}); first input to last output acknowledged (at-least-once) or committed (exactly-once)`
    case 'backpressure':
      return `${formatCount(o.backpressureMessages)} un-awaited sends of ${o.messageSize} bytes against a ${(o.quotaBytesPerSecond / 1e6).toFixed(0)} MB/s produce quota; lost = acknowledged but not in the topic`
  }
}

async function main(): Promise<void> {
  let options: BenchOptions | 'help'
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    log(USAGE)
    return
  }
  const startedAt = new Date()
  log(
    `kafkit bench, ${options.mode} run (${options.rounds} round${options.rounds > 1 ? 's' : ''}), results under ${options.resultsDir}`,
  )
  const cluster = await ensureCluster({
    brokers: options.brokers,
    registryUrl: options.registryUrl,
    nodes: options.nodes,
    needRegistry: options.scenarios.includes('avro'),
    log,
  })
  let admin: BenchAdmin | undefined
  let bench: Bench | undefined
  const stop = async (): Promise<void> => {
    await bench?.cleanup().catch(() => {})
    await admin?.close().catch(() => {})
    await cluster.stop()
  }
  const onSignal = (): void => {
    log('\ninterrupted: stopping the cluster')
    void stop().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    admin = await BenchAdmin.connect(cluster.brokers, options.security)
    bench = new Bench(options, cluster, admin)
    const machine = machineInfo(cluster.kafkaVersion, process.env.KAFKIT_JAVA ?? 'java')
    log(
      `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, librdkafka ${machine.librdkafka}, Kafka ${machine.kafka}, load ${machine.loadAverageStart.toFixed(2)}`,
    )
    const { security, resultsDir: _dir, node22, ...settings } = options
    const results: BenchResults = {
      schema: 1,
      mode: options.mode,
      startedAt: startedAt.toISOString(),
      machine,
      settings: { ...settings, secured: Object.keys(security).length > 0, platformaticNode: node22 },
      scenarios: [],
    }
    await bench.warmUp()
    for (const id of options.scenarios) results.scenarios.push(await bench.scenario(id))
    if (options.sweep.length > 0) results.sweeps = await runSweeps(bench, options)
    results.targets = evaluateTargets(results.scenarios)
    if (results.targets.length > 0) {
      log('\ntargets:')
      for (const target of results.targets) {
        const verdict = target.met === undefined ? 'n/a ' : target.met ? 'MET ' : 'MISS'
        log(
          `  ${verdict} ${target.scenario}: ${target.target}${target.ratio === undefined ? '' : ` (${target.ratio.toFixed(2)}x)`}`,
        )
      }
    }
    machine.loadAverageEnd = os.loadavg()[0] ?? Number.NaN
    results.finishedAt = new Date().toISOString()
    results.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000)
    await save(results, options)
    log(`\ndone in ${results.durationSeconds}s`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await stop()
  }
}

async function save(results: BenchResults, options: BenchOptions): Promise<void> {
  const dir = resolve(ROOT, options.resultsDir, options.mode, resultsSubdir(options))
  const charts = join(dir, 'charts')
  await mkdir(charts, { recursive: true })
  const stamp = results.startedAt.replaceAll(':', '').replace(/\.\d+Z$/, 'Z')
  const json = `${JSON.stringify(results, null, 2)}\n`
  await writeFile(join(dir, `results-${stamp}.json`), json)
  await writeFile(join(dir, 'latest.json'), json)
  await writeCharts(results, charts)
  log(`\nresults: ${relative(ROOT, join(dir, 'latest.json'))}, charts: ${relative(ROOT, charts)}/`)
  if (options.updateDocs) {
    const doc = join(ROOT, 'BENCHMARKS.md')
    await updateBenchmarksDoc(doc, results, relative(ROOT, charts))
    log(`updated ${relative(ROOT, doc)}`)
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
