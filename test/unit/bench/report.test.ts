import { describe, expect, it } from 'vitest'
import { resultsMarkdown, RESULTS_END, RESULTS_START } from '../../../bench/lib/docs.js'
import { renderBar } from '../../../bench/lib/progress.js'
import { summarizeScenario, type ScenarioResult } from '../../../bench/lib/results.js'
import { scenarioColumns } from '../../../bench/lib/table.js'
import { niceMax, renderChart, scenarioChart } from '../../../bench/lib/svg.js'
import { summarizeProfile } from '../../../bench/profile-summary.js'
import type { BenchResults } from '../../../bench/lib/bench-results.js'

const scenario: ScenarioResult = {
  id: 'produce',
  title: '1. Producer saturation',
  description: '1M x 100 bytes',
  rows: [
    {
      scenario: 'produce',
      client: 'kafkit',
      variant: 'send',
      label: 'kafkit <send()>',
      runs: [],
      summary: {
        msgsPerSec: { median: 400_000, min: 380_000, max: 420_000, count: 3, spread: 0.1 },
        mbPerSec: 40,
        peakRssMb: 120,
        cpuSecondsPerMillion: 3,
        completedRuns: 3,
        runs: 3,
        errors: 0,
      },
    },
    {
      scenario: 'produce',
      client: 'platformatic',
      variant: 'send',
      label: '@platformatic/kafka',
      unavailable: 'needs Node >= 22',
      runs: [],
    },
  ],
}

describe('charts', () => {
  it('rounds the axis up to a readable maximum', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(420_000)).toBe(500_000)
    expect(niceMax(1_800_000)).toBe(2_000_000)
    expect(niceMax(7)).toBe(10)
  })
  it('draws a bar per row, escapes labels and writes the reason for a missing row', () => {
    const svg = renderChart(scenarioChart(scenario, 'test run'))
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('kafkit &lt;send()&gt;')
    expect(svg).toContain('needs Node &gt;= 22')
    expect(svg.match(/<rect /g)?.length).toBe(2) // background + kafkit's bar; the unavailable row has none
    expect(svg).toContain('400.0k')
  })
})

describe('progress bar', () => {
  it('fills in proportion and clamps at 100%', () => {
    expect(renderBar('x', 50, 100, 1000)).toContain(`[${'#'.repeat(14)}${'-'.repeat(14)}]  50%`)
    expect(renderBar('x', 150, 100, 1000)).toContain('100%')
  })
})

describe('BENCHMARKS.md section', () => {
  it('writes the machine, each scenario with its chart and table', () => {
    const results = {
      schema: 1,
      mode: 'full',
      startedAt: '2026-11-28T10:00:00.000Z',
      durationSeconds: 600,
      machine: {
        cpuModel: 'cpu',
        cores: 2,
        memoryGb: 24,
        os: 'Linux',
        node: 'v20',
        librdkafka: '2.12.0',
        kafka: '4.1.1',
        loadAverageStart: 1.5,
        loadAverageEnd: 2,
      },
      settings: { rounds: 3 },
      scenarios: [scenario],
    } as unknown as BenchResults
    const markdown = resultsMarkdown(results, 'bench/results/full/charts')
    expect(markdown).toContain('2 cores')
    expect(markdown).toContain('![1. Producer saturation](bench/results/full/charts/produce.svg)')
    expect(markdown).toContain('| kafkit <send()> | 400.0k | 40.0 |')
    expect(RESULTS_START).not.toBe(RESULTS_END)
  })
})

describe('profile summary', () => {
  it('attributes sampled time to functions and files', () => {
    const profile = {
      startTime: 0,
      endTime: 10_000,
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: 0 } },
        { id: 2, callFrame: { functionName: 'send', url: 'file:///repo/dist/producer/producer.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: 0 } },
      ],
      samples: [2, 2, 3, 2],
      timeDeltas: [1000, 2000, 3000, 4000],
    }
    const summary = summarizeProfile(profile)
    expect(summary.totalMs).toBe(10)
    expect(summary.functions[0]).toEqual({ name: 'send kafkit/dist/producer/producer.js:10', selfMs: 7, share: 0.7 })
    expect(summary.files.map((f) => f.file)).toEqual(['kafkit/dist/producer/producer.js', '(native / V8)'])
  })
})

describe('pipeline table', () => {
  const report = (messages: number) => ({
    messages,
    bytes: messages * 100,
    elapsedMs: 1000,
    completed: true,
    errors: 0,
    peakRssBytes: 1e8,
    cpuUserMs: 900,
    cpuSystemMs: 100,
  })
  it('shows the outputs a read_committed reader found and names duplicates and losses', () => {
    const pipeline: ScenarioResult = {
      id: 'pipeline',
      title: '7. Consume-transform-produce',
      description: '200k',
      rows: [
        {
          scenario: 'pipeline',
          client: 'kafkit',
          variant: 'processor',
          label: 'kafkit Processor',
          runs: [{ round: 1, topic: 't', report: report(200), inTopic: 200 }],
        },
        {
          scenario: 'pipeline',
          client: 'rdkafka',
          variant: 'at-least-once',
          label: 'raw',
          runs: [{ round: 1, topic: 't', report: report(200), inTopic: 203 }],
        },
        {
          scenario: 'pipeline',
          client: 'kafkajs',
          variant: 'transaction',
          label: 'KafkaJS',
          runs: [{ round: 1, topic: 't', report: report(100), inTopic: 99 }],
        },
      ],
    }
    summarizeScenario(pipeline)
    const { header, rows } = scenarioColumns(pipeline)
    const outputs = header.indexOf('outputs read_committed')
    expect(rows.map((row) => row[outputs])).toEqual(['200', '203', '99'])
    expect(rows[0]!.at(-1)).toBe('ok')
    expect(rows[1]!.at(-1)).toBe('3 duplicates in the output')
    expect(rows[2]!.at(-1)).toBe('1 lost')
    // Ratios to kafkit's row of the same variant, else its first row.
    expect(rows[2]![header.indexOf('x kafkit')]).toBe('0.50x')
  })
})
