import { describe, expect, it } from 'vitest'
import { topicReplication } from '../../../bench/lib/cluster.js'
import { BROKERS_END, BROKERS_START, replaceSection, SWEEPS_START, sweepsMarkdown } from '../../../bench/lib/docs.js'
import { parseOptions, type BenchOptions } from '../../../bench/lib/options.js'
import { chartSubtitle, resultsKind, resultsSubdir } from '../../../bench/lib/output.js'
import { sweepRows } from '../../../bench/lib/plan.js'
import { SCENARIO_IDS } from '../../../bench/lib/protocol.js'
import type { RowResult } from '../../../bench/lib/results.js'
import { chooseScale, renderLineChart, yAxis } from '../../../bench/lib/svg-lines.js'
import {
  formatBytes,
  MIN_SWEEP_MESSAGES,
  parseSweepList,
  sweepClients,
  sweepMessages,
  sweepPoints,
  type SweepPoint,
  type SweepResult,
} from '../../../bench/lib/sweep.js'
import { sweepChart, sweepChartFile, sweepColumns, sweepTitle } from '../../../bench/lib/sweep-report.js'
import { markdownTable } from '../../../bench/lib/table.js'
import type { BenchResults } from '../../../bench/lib/bench-results.js'

function options(argv: string[]): BenchOptions {
  const parsed = parseOptions(argv, {})
  if (parsed === 'help') throw new Error('help')
  return parsed
}

describe('--sweep and --nodes', () => {
  it('leave the default run as it was: every scenario and client, one broker, no sweep', () => {
    const o = options([])
    expect([o.scenarios, o.clients.length, o.nodes, o.sweep, o.sweepClients]).toEqual([
      [...SCENARIO_IDS],
      8,
      1,
      [],
      undefined,
    ])
  })
  it('parse a list of axes or all, and reject unknown ones', () => {
    expect(parseSweepList('size, compression')).toEqual(['size', 'compression'])
    expect(parseSweepList('all')).toEqual(['size', 'partitions', 'compression'])
    expect(parseSweepList('size,size')).toEqual(['size'])
    expect(() => parseSweepList('latency')).toThrow(/unknown 'latency'/)
    expect(() => options(['--sweep', ''])).toThrow(/--sweep/)
  })
  it('run only the sweeps unless scenarios are named, with the byte cap from --messages', () => {
    const o = options(['--full', '--sweep', 'size'])
    expect([o.scenarios, o.sweep, o.sweepBytes, o.sweepClients]).toEqual([[], ['size'], 100_000_000, undefined])
    expect(options(['--sweep', 'size', '--scenarios', 'produce']).scenarios).toEqual(['produce'])
    expect(options(['--sweep', 'size', '--sweep-bytes', '5_000_000', '--clients', 'kafkit,c']).sweepBytes).toBe(
      5_000_000,
    )
    expect(options(['--sweep', 'size', '--clients', 'kafkit,c']).sweepClients).toEqual(['kafkit', 'c'])
  })
  it('default a multi-broker run to scenarios 1 and 3 with kafkit, raw node-rdkafka and the C tool', () => {
    const o = options(['--nodes', '3'])
    expect([o.nodes, o.scenarios, o.clients]).toEqual([3, ['produce', 'consume'], ['kafkit', 'rdkafka', 'c']])
    expect(options(['--nodes', '3', '--clients', 'kafkit']).clients).toEqual(['kafkit'])
    expect(() => options(['--nodes', '2.5'])).toThrow(/whole number/)
  })
  it('replicate topics three ways with min.insync.replicas=2 from three brokers', () => {
    expect(topicReplication(1)).toEqual({ replicationFactor: 1 })
    expect(topicReplication(2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 })
    expect(topicReplication(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 })
    expect(topicReplication(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 })
  })
  it('keep each kind of run in its own results directory', () => {
    expect([resultsKind({}), resultsSubdir({})]).toEqual(['standard', ''])
    expect([resultsKind({ nodes: 1, sweep: ['size'] }), resultsSubdir({ nodes: 1, sweep: ['size'] })]).toEqual([
      'sweeps',
      'sweeps',
    ])
    expect([resultsKind({ nodes: 3, sweep: [] }), resultsSubdir({ nodes: 3, sweep: [] })]).toEqual([
      'brokers',
      'brokers-3',
    ])
  })
})

describe('sweep points', () => {
  it('cap the bytes a run moves, with a floor on the message count', () => {
    // A full run: 1M messages, 100 MB.
    expect([10, 100, 1_000, 10_000, 100_000].map((size) => sweepMessages(size, 1_000_000, 100_000_000))).toEqual([
      1_000_000, 1_000_000, 100_000, 20_000, 20_000,
    ])
    // A short run: the floor wins at the large sizes.
    expect(sweepMessages(1_000, 100_000, 10_000_000)).toBe(MIN_SWEEP_MESSAGES)
    // Never more than asked for, even under the floor.
    expect(sweepMessages(100_000, 5_000, 100_000_000)).toBe(5_000)
  })
  it('change one setting per axis and keep the others', () => {
    const base = {
      messages: 1_000_000,
      messageSize: 100,
      partitions: 6,
      compression: 'none' as const,
      byteCap: 100_000_000,
    }
    const sizes = sweepPoints('size', base)
    expect(sizes.map((point) => point.label)).toEqual(['10 B', '100 B', '1 KB', '10 KB', '100 KB'])
    expect(sizes[4]).toMatchObject({ messageSize: 100_000, partitions: 6, compression: 'none', messages: 20_000 })
    expect(sweepPoints('partitions', base).map((point) => [point.partitions, point.messages])).toEqual([
      [1, 1e6],
      [6, 1e6],
      [32, 1e6],
      [128, 1e6],
    ])
    expect(
      sweepPoints('compression', { ...base, messageSize: 1_000 }).map((point) => [
        point.compression,
        point.messageSize,
        point.messages,
      ]),
    ).toEqual([
      ['none', 1_000, 100_000],
      ['lz4', 1_000, 100_000],
      ['zstd', 1_000, 100_000],
    ])
    expect(formatBytes(1_500)).toBe('1500 B')
  })
  it('take kafkit, raw node-rdkafka, the scenario peer and the C tool unless clients are given', () => {
    expect(sweepClients('produce', undefined)).toEqual(['kafkit', 'rdkafka', 'ckjs-rdkafka', 'c'])
    expect(sweepClients('consume', undefined)).toEqual(['kafkit', 'rdkafka', 'platformatic', 'c'])
    expect(sweepClients('consume', ['kafkit', 'c'])).toEqual(['kafkit', 'c'])
  })
  it('run one row per client: its first API, raw node-rdkafka tuned in the consumer', () => {
    const none = (): undefined => undefined
    expect(
      sweepRows('consume', ['kafkit', 'rdkafka', 'platformatic', 'c'], none).map((row) => [row.client, row.variant]),
    ).toEqual([
      ['kafkit', 'eachBatch'],
      ['rdkafka', 'consume-tuned'],
      ['platformatic', 'stream'],
      ['c', 'consume'],
    ])
    expect(sweepRows('produce', ['c', 'kafkit'], none).map((row) => row.variant)).toEqual(['send', 'produce'])
  })
})

describe('line charts', () => {
  it('use a log scale when the values span a decade', () => {
    expect(chooseScale([1_000, 9_000])).toBe('linear')
    expect(chooseScale([1_000, 10_000])).toBe('log')
    expect(chooseScale([5, Number.NaN, 0])).toBe('linear')
  })
  it('put log ticks at 1, 2 and 5 times the powers of ten around the values, at the powers only over a long span', () => {
    expect(yAxis([3_000, 40_000], 'log')).toEqual({
      min: 2_000,
      max: 50_000,
      ticks: [2_000, 5_000, 10_000, 20_000, 50_000],
    })
    expect(yAxis([100_000, 2_000_000], 'log')).toEqual({
      min: 100_000,
      max: 2_000_000,
      ticks: [100_000, 200_000, 500_000, 1_000_000, 2_000_000],
    })
    expect(yAxis([3, 40_000], 'log')).toEqual({ min: 1, max: 100_000, ticks: [1, 10, 100, 1_000, 10_000, 100_000] })
    expect(yAxis([10_000, 10_000], 'log')).toMatchObject({ min: 10_000, max: 20_000 })
    expect(yAxis([0, 420_000], 'linear')).toEqual({
      min: 0,
      max: 500_000,
      ticks: [0, 125_000, 250_000, 375_000, 500_000],
    })
  })
  it('draw a line per series, break it at a missing point and escape labels', () => {
    const svg = renderLineChart({
      title: 't',
      subtitle: 's',
      xLabel: 'x',
      yLabel: 'y',
      categories: ['a', 'b', 'c'],
      format: String,
      scale: 'linear',
      series: [
        {
          label: 'kafkit <x>',
          highlight: true,
          points: [{ value: 1 }, { value: 2, min: 1, max: 3 }, { value: 3, partial: true }],
        },
        { label: 'other', points: [{ value: 1 }, undefined, { value: 2 }] },
      ],
    })
    expect(svg.match(/<polyline /g)?.length).toBe(1) // the second series has no two neighbouring points
    expect(svg.match(/<circle /g)?.length).toBe(5)
    expect(svg).toContain('kafkit &lt;x&gt;')
    expect(svg).toContain('fill="#ffffff" stroke="#e15759"') // the timed-out point is hollow
  })
})

function row(client: RowResult['client'], variant: string, median: number, size: number, completed = true): RowResult {
  return {
    scenario: 'produce',
    client,
    variant,
    label: `${client} ${variant}`,
    runs: [],
    summary: {
      msgsPerSec: { median, min: median * 0.9, max: median * 1.1, count: 3, spread: 0.2 },
      mbPerSec: (median * size) / 1e6,
      peakRssMb: 100,
      cpuSecondsPerMillion: 2,
      completedRuns: completed ? 3 : 2,
      runs: 3,
      errors: 0,
      lost: 0,
    },
  }
}

function point(size: number, kafkit: number, c: number): SweepPoint {
  return {
    value: size,
    label: formatBytes(size),
    messageSize: size,
    partitions: 6,
    compression: 'none',
    messages: 1_000,
    loadAverage: { start: 1.5, end: 1.7 },
    result: {
      id: 'produce',
      title: 'p',
      description: 'd',
      rows: [row('kafkit', 'send', kafkit, size), row('c', 'produce', c, size, size >= 1_000)],
    },
  }
}

describe('sweep reports', () => {
  const sweep: SweepResult = {
    axis: 'size',
    scenario: 'produce',
    title: sweepTitle('size', 'produce'),
    description: '6 partitions',
    points: [point(10, 900_000, 2_000_000), point(100_000, 2_000, 3_000)],
  }
  it('plot MB/s along sizes, on a log scale when it spans a decade, with the round spread scaled alike', () => {
    const chart = sweepChart(sweep, 'sub')
    expect(sweep.title).toBe('Value size: 1. Producer saturation')
    expect(sweepChartFile(sweep)).toBe('sweep-size-produce.svg')
    expect([chart.categories, chart.scale, chart.series.map((s) => s.label)]).toEqual([
      ['10 B', '100 KB'],
      'log',
      ['kafkit send', 'c produce'],
    ])
    expect(chart.series[0]!.points[1]).toMatchObject({ value: 200, min: 180, max: 220, partial: false })
    expect(chart.series[1]!.points[0]?.partial).toBe(true)
  })
  it('table a row per point and client, the point on its first row, lost counted', () => {
    const columns = sweepColumns(sweep)
    expect(columns.rows.map((cells) => cells.slice(0, 4))).toEqual([
      ['10 B', '1.00k', 'kafkit send', '900.0k'],
      ['', '', 'c produce', '2.00M'],
      ['100 KB', '1.00k', 'kafkit send', '2.00k'],
      ['', '', 'c produce', '3.00k'],
    ])
    expect(markdownTable(columns).split('\n')[1]).toMatch(/^\| --- \| ---: \| --- \| ---: /)
    expect(columns.rows[0]![columns.header.indexOf('lost')]).toBe('0')
  })
  it('write the sweeps section with the byte rule, charts, tables and load averages', () => {
    const results = {
      schema: 1,
      mode: 'full',
      startedAt: '2026-12-01T10:00:00.000Z',
      durationSeconds: 900,
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
      settings: {
        rounds: 3,
        messages: 1_000_000,
        sweepBytes: 100_000_000,
        messageSize: 100,
        partitions: 6,
        producer: { compression: 'none' },
        sweep: ['size'],
        nodes: 1,
      },
      scenarios: [],
      sweeps: [sweep],
    } as unknown as BenchResults
    const markdown = sweepsMarkdown(results, 'bench/results/full/sweeps/charts')
    expect(markdown).toContain('as many as make 100 MB of values where that is fewer, at least 20,000.')
    expect(markdown).toContain(
      '![Value size: 1. Producer saturation](bench/results/full/sweeps/charts/sweep-size-produce.svg)',
    )
    expect(markdown).toContain('| 100 KB | 1.00k | kafkit send | 2.00k |')
    expect(markdown).toContain('Load average (1 min) as each point started: 10 B 1.50, 100 KB 1.50.')
    expect(chartSubtitle({ ...results, settings: { ...results.settings, nodes: 3 } })).toContain(
      'shared by 3 brokers and client',
    )
  })
  it('replace only its own section of the document', () => {
    const doc = `# B\n\n${SWEEPS_START}\nold sweeps\n<!-- bench:sweeps:end -->\n\n${BROKERS_START}\nold\n${BROKERS_END}\n`
    const next = replaceSection(doc, BROKERS_START, BROKERS_END, 'new')
    expect(next).toContain('old sweeps')
    expect(next).toContain(`${BROKERS_START}\nnew\n${BROKERS_END}`)
    expect(replaceSection('# B\n', BROKERS_START, BROKERS_END, 'x')).toBe(
      `# B\n\n${BROKERS_START}\nx\n${BROKERS_END}\n`,
    )
  })
})
