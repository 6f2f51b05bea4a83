/**
 * `node bench/.build/render.js [results.json] [--update-docs]`: redraws a saved run's tables and SVG charts (and,
 * with `--update-docs`, the BENCHMARKS.md section of that kind of run: results, sweeps or three brokers) without
 * running anything, e.g. after a change to how results are presented. Defaults to `bench/results/full/latest.json`.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { updateBenchmarksDoc } from './lib/docs.js'
import { writeCharts } from './lib/output.js'
import { ROOT } from './lib/paths.js'
import { summarizeScenario } from './lib/results.js'
import { summarizeSweep, sweepColumns } from './lib/sweep-report.js'
import { scenarioColumns, textTable } from './lib/table.js'
import { evaluateTargets } from './lib/targets.js'
import type { BenchResults } from './lib/bench-results.js'

const args = process.argv.slice(2)
const file = resolve(ROOT, args.find((arg) => !arg.startsWith('--')) ?? 'bench/results/full/latest.json')
const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults
// Summaries are recomputed from the stored runs, so a fix to the statistics applies to old results too.
for (const scenario of results.scenarios) summarizeScenario(scenario)
for (const sweep of results.sweeps ?? []) summarizeSweep(sweep)
results.targets = evaluateTargets(results.scenarios)
const charts = join(dirname(file), 'charts')
for (const scenario of results.scenarios)
  process.stdout.write(`\n${scenario.title}\n${textTable(scenarioColumns(scenario))}\n`)
for (const sweep of results.sweeps ?? []) process.stdout.write(`\n${sweep.title}\n${textTable(sweepColumns(sweep))}\n`)
await writeCharts(results, charts)
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
if (args.includes('--update-docs'))
  await updateBenchmarksDoc(join(ROOT, 'BENCHMARKS.md'), results, relative(ROOT, charts))
