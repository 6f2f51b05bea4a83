/**
 * The `--sweep` runner: scenarios 1 and 3 at every point of each axis.
 * @module
 */
import os from 'node:os'
import type { BenchOptions } from './options.js'
import { sweepRows } from './plan.js'
import { SWEEP_AXIS_TITLES, SWEEP_SCENARIOS, sweepClients, sweepPoints, type SweepResult } from './sweep.js'
import { sweepColumns, sweepTitle } from './sweep-report.js'
import { formatCount, textTable } from './table.js'
import type { Bench } from './bench.js'
import { describeSweep } from './describe.js'
import { log } from './log.js'

/**
 * Runs scenarios 1 and 3 at every point of each `--sweep` axis; within a point the clients take turns round by
 * round, as in the scenarios.
 */
export async function runSweeps(bench: Bench, o: BenchOptions): Promise<SweepResult[]> {
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
