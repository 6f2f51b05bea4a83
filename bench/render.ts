/**
 * `node bench/.build/render.js [results.json] [--update-docs]`: redraws a saved run's tables and SVG charts (and,
 * with `--update-docs`, BENCHMARKS.md's results section) without running anything, e.g. after a change to how
 * results are presented. Defaults to `bench/results/full/latest.json`.
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { updateBenchmarksDoc } from './lib/docs.js'
import { ROOT } from './lib/paths.js'
import { summarizeScenario } from './lib/results.js'
import { renderChart, scenarioChart } from './lib/svg.js'
import { scenarioColumns, textTable } from './lib/table.js'
import { evaluateTargets } from './lib/targets.js'
import type { BenchResults } from './run.js'

const args = process.argv.slice(2)
const file = resolve(ROOT, args.find((arg) => !arg.startsWith('--')) ?? 'bench/results/full/latest.json')
const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults
// Summaries are recomputed from the stored runs, so a fix to the statistics applies to old results too.
for (const scenario of results.scenarios) summarizeScenario(scenario)
results.targets = evaluateTargets(results.scenarios)
const charts = join(dirname(file), 'charts')
await mkdir(charts, { recursive: true })
const subtitle = `${results.mode} run ${results.startedAt.slice(0, 10)}, ${results.machine.cores} cores shared by broker and client, Kafka ${results.machine.kafka}`
for (const scenario of results.scenarios) {
  process.stdout.write(`\n${scenario.title}\n${textTable(scenarioColumns(scenario))}\n`)
  await writeFile(join(charts, `${scenario.id}.svg`), renderChart(scenarioChart(scenario, subtitle)))
}
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
if (args.includes('--update-docs')) await updateBenchmarksDoc(join(ROOT, 'BENCHMARKS.md'), results, relative(ROOT, charts))
