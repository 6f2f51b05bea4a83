/**
 * `npm run bench`: runs every scenario for every client on the same broker, clients taking turns round by
 * round, each run in its own process; prints a table per scenario and saves JSON and SVG charts.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join, relative, resolve } from 'node:path'
import { BenchAdmin } from './lib/admin.js'
import { ensureCluster } from './lib/cluster.js'
import { updateBenchmarksDoc } from './lib/docs.js'
import { machineInfo } from './lib/machine.js'
import { parseOptions, USAGE, type BenchOptions } from './lib/options.js'
import { resultsSubdir, writeCharts } from './lib/output.js'
import { ROOT } from './lib/paths.js'
import { evaluateTargets } from './lib/targets.js'
import { Bench } from './lib/bench.js'
import type { BenchResults } from './lib/bench-results.js'
import { log } from './lib/log.js'
import { runSweeps } from './lib/sweep-runner.js'

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

/** Writes the results JSON and charts, and updates BENCHMARKS.md when asked. */
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
