import { describe, expect, it } from 'vitest'
import { parseCConsumer, parseCProducer, parseJavaConsumer, parseJavaProducer } from '../../../bench/lib/limits.js'
import { parseGnuTime } from '../../../bench/lib/measure.js'
import { parseOptions } from '../../../bench/lib/options.js'
import {
  summarizeRow,
  summarizeScenario,
  runLatency,
  type RowResult,
  type ScenarioResult,
} from '../../../bench/lib/results.js'
import {
  cpuSecondsPerMillion,
  dropWarmup,
  megabytesPerSecond,
  median,
  percentileSorted,
  rate,
  ratio,
  summarizeLatency,
  summarizeRounds,
} from '../../../bench/lib/stats.js'
import { formatCount, markdownTable, scenarioColumns } from '../../../bench/lib/table.js'

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('ignores runs without a figure and refuses an empty list', () => {
    expect(median([Number.NaN, 10, 20, Number.POSITIVE_INFINITY, 30])).toBe(20)
    expect(() => median([Number.NaN])).toThrow(RangeError)
  })
  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})

describe('percentiles (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
  it('returns observed values', () => {
    expect(percentileSorted(hundred, 50)).toBe(50)
    expect(percentileSorted(hundred, 99)).toBe(99)
    expect(percentileSorted(hundred, 99.9)).toBe(100)
    expect(percentileSorted(hundred, 100)).toBe(100)
    expect(percentileSorted([7], 50)).toBe(7)
  })
  it('rejects p outside (0, 100] and empty input', () => {
    expect(() => percentileSorted(hundred, 0)).toThrow(RangeError)
    expect(() => percentileSorted(hundred, 101)).toThrow(RangeError)
    expect(() => percentileSorted([], 50)).toThrow(RangeError)
  })
  it('summarizes unsorted latency samples', () => {
    // 1000 samples: 1..1000 ms, shuffled deterministically.
    const samples = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1)
    expect(summarizeLatency(samples)).toEqual({ p50: 500, p99: 990, p999: 999, max: 1000, count: 1000 })
  })
  it('drops the warm-up from the front, keeping at least one sample', () => {
    expect(dropWarmup([100, 90, 1, 2, 3, 4, 5, 6, 7, 8], 0.2)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(dropWarmup([42], 0.5)).toEqual([42])
    expect(runLatency([1000, 1, 2, 3, 4, 5, 6, 7, 8, 9])?.max).toBe(9)
  })
})

describe('rates, ratios and CPU cost', () => {
  it('computes messages and megabytes per second', () => {
    expect(rate(1_000_000, 2000)).toBe(500_000)
    expect(rate(0, 0)).toBe(0)
    expect(rate(10, 0)).toBeNaN()
    expect(megabytesPerSecond(100_000_000, 2000)).toBe(50)
  })
  it('returns no ratio without a usable reference', () => {
    expect(ratio(900, 1000)).toBeCloseTo(0.9)
    expect(ratio(900, undefined)).toBeUndefined()
    expect(ratio(900, 0)).toBeUndefined()
    expect(ratio(Number.NaN, 1000)).toBeUndefined()
  })
  it('normalizes CPU time to a million messages', () => {
    expect(cpuSecondsPerMillion(1500, 500, 500_000)).toBe(4)
    expect(cpuSecondsPerMillion(1500, 500, 0)).toBeNaN()
  })
  it('summarizes rounds with spread', () => {
    expect(summarizeRounds([90, 110, 100])).toEqual({ median: 100, min: 90, max: 110, count: 3, spread: 0.2 })
  })
})

function report(
  messages: number,
  elapsedMs: number,
  extra: Partial<{ completed: boolean; cpuUserMs: number; peakRssBytes: number }> = {},
) {
  return {
    messages,
    bytes: messages * 100,
    elapsedMs,
    completed: extra.completed ?? true,
    errors: 0,
    peakRssBytes: extra.peakRssBytes ?? 100e6,
    cpuUserMs: extra.cpuUserMs ?? 1000,
    cpuSystemMs: 0,
  }
}

function row(client: RowResult['client'], variant: string, rates: number[]): RowResult {
  return {
    scenario: 'produce',
    client,
    variant,
    label: `${client} ${variant}`,
    runs: rates.map((perSecond, index) => ({ round: index + 1, topic: 't', report: report(perSecond, 1000) })),
  }
}

describe('row and scenario summaries', () => {
  it('takes the median rate of the rounds and medians of RSS and CPU cost', () => {
    const r: RowResult = {
      scenario: 'produce',
      client: 'kafkit',
      variant: 'send',
      label: 'kafkit',
      runs: [
        {
          round: 1,
          topic: 'a',
          report: report(1_000_000, 2000, { peakRssBytes: 200e6, cpuUserMs: 3000 }),
          inTopic: 1_000_000,
        },
        {
          round: 2,
          topic: 'b',
          report: report(1_000_000, 4000, { peakRssBytes: 100e6, cpuUserMs: 1000 }),
          inTopic: 999_990,
        },
        {
          round: 3,
          topic: 'c',
          report: report(1_000_000, 1000, { peakRssBytes: 300e6, cpuUserMs: 2000 }),
          inTopic: 1_000_000,
        },
        { round: 4, topic: 'd', error: 'crashed' },
      ],
    }
    const s = summarizeRow(r)!
    expect(s.msgsPerSec).toMatchObject({ median: 500_000, min: 250_000, max: 1_000_000, count: 3 })
    expect(s.mbPerSec).toBe(50)
    expect(s.peakRssMb).toBe(200)
    expect(s.cpuSecondsPerMillion).toBe(2)
    expect(s.runs).toBe(3)
    expect(s.completedRuns).toBe(3)
    expect(s.lost).toBe(10)
  })
  it('has no summary when every run failed', () => {
    expect(
      summarizeRow({ ...row('kafkajs', 'send', []), runs: [{ round: 1, topic: 't', error: 'boom' }] }),
    ).toBeUndefined()
  })
  it('relates each row to the C limit and to kafkit with the same variant', () => {
    const scenario: ScenarioResult = {
      id: 'consume',
      title: 't',
      description: 'd',
      rows: [
        row('kafkit', 'eachBatch', [800, 1000, 900]),
        row('kafkit', 'eachMessage', [400]),
        row('kafkajs', 'eachMessage', [100]),
        row('rdkafka', 'consume', [1000]),
        row('c', 'consume', [2000]),
      ],
    }
    summarizeScenario(scenario)
    const [batch, each, kafkajs, raw, c] = scenario.rows.map((r) => r.summary!)
    expect(batch!.ratioToKafkit).toBe(1)
    expect(batch!.ratioToC).toBe(0.45)
    expect(kafkajs!.ratioToKafkit).toBe(0.25) // against kafkit eachMessage, not eachBatch
    expect(raw!.ratioToKafkit).toBeCloseTo(1000 / 900) // no kafkit 'consume' variant: kafkit's first row
    expect(c!.ratioToC).toBe(1)
    expect(each!.ratioToC).toBe(0.2)
  })
})

describe('tool output parsing', () => {
  it('reads the C producer summary (the last interval line)', () => {
    const output = [
      '% Sending 500000 messages of size 100 bytes',
      '% 243769 messages produced (24376900 bytes), 181400 delivered (offset 181399, 0 failed) in 1021ms: 177540 msgs/s and 17.75 MB/s, 74 produce failures, 62375 in queue, none compression',
      '% 500000 messages produced (50000000 bytes), 500000 delivered (offset 499999, 0 failed) in 1431ms: 349351 msgs/s and 34.94 MB/s, 82 produce failures, 0 in queue, none compression',
    ].join('\n')
    expect(parseCProducer(output)).toEqual({ messages: 500_000, bytes: 50_000_000, elapsedMs: 1431 })
  })
  it('reads the C consumer summary', () => {
    expect(
      parseCConsumer('% 500000 messages (50000000 bytes) consumed in 446ms: 1118816 msgs/s (111.88 MB/s)\n'),
    ).toEqual({
      messages: 500_000,
      bytes: 50_000_000,
      elapsedMs: 446,
    })
    expect(parseCConsumer('nothing here')).toBeUndefined()
  })
  it('reads ProducerPerformance and ConsumerPerformance', () => {
    const producer =
      '300000 records sent, 150000.0 records/sec (14.31 MB/sec), 18.56 ms avg latency, 389.00 ms max latency.'
    expect(parseJavaProducer(producer, 100)).toEqual({ messages: 300_000, bytes: 30_000_000, elapsedMs: 2000 })
    const consumer = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-28 13:31:58:505, 2026-11-28 13:31:59:392, 28.6102, 32.2551, 300000, 338218.7148, 337, 550, 52.0186, 545454.5455',
    ].join('\n')
    const figures = parseJavaConsumer(consumer)!
    expect(figures.messages).toBe(300_000)
    expect(figures.elapsedMs).toBe(550)
    expect(figures.bytes).toBeCloseTo(28.6102 * 1024 * 1024)
  })
  it('reads GNU time', () => {
    expect(parseGnuTime('33788 0.26 0.23\n')).toEqual({ peakRssBytes: 33788 * 1024, cpuUserMs: 260, cpuSystemMs: 230 })
  })
})

describe('tables and options', () => {
  it('formats counts compactly', () => {
    expect(formatCount(1_234_567)).toBe('1.23M')
    expect(formatCount(45_678)).toBe('45.7k')
    expect(formatCount(Number.NaN)).toBe('-')
  })
  it('prints an unavailable row without figures', () => {
    const scenario: ScenarioResult = {
      id: 'produce',
      title: 't',
      description: 'd',
      rows: [
        {
          scenario: 'produce',
          client: 'platformatic',
          variant: 'send',
          label: 'platformatic',
          unavailable: 'needs Node >= 22',
          runs: [],
        },
      ],
    }
    summarizeScenario(scenario)
    expect(markdownTable(scenarioColumns(scenario))).toContain(
      '| platformatic | - | - | - | - | - | - | - | needs Node >= 22 |',
    )
  })
  it('defaults to the quick run and validates flags', () => {
    const quick = parseOptions([], {})
    expect(quick !== 'help' && quick.mode).toBe('quick')
    const full = parseOptions(['--full', '--messages', '2_000'], { KAFKA_BROKERS: 'h:1' })
    expect(full !== 'help' && [full.mode, full.messages, full.rounds, full.brokers]).toEqual(['full', 2000, 3, 'h:1'])
    expect(() => parseOptions(['--acks', '1'], {})).toThrow(/idempotent/)
    expect(() => parseOptions(['--clients', 'nope'], {})).toThrow(/unknown/)
    expect(() => parseOptions(['-X', 'bootstrap.servers=x'], {})).toThrow(/security property/)
  })
})
