import { describe, expect, it } from 'vitest'
import type { RowResult, ScenarioResult } from '../../../bench/lib/results.js'
import { evaluateTargets } from '../../../bench/lib/targets.js'

function row(
  client: RowResult['client'],
  variant: string,
  median: number | undefined,
  unavailable?: string,
): RowResult {
  return {
    scenario: 'consume',
    client,
    variant,
    label: `${client} ${variant}`,
    unavailable,
    runs: [],
    summary:
      median === undefined
        ? undefined
        : {
            msgsPerSec: { median, min: median, max: median, count: 1, spread: 0 },
            mbPerSec: 0,
            peakRssMb: 0,
            cpuSecondsPerMillion: 0,
            completedRuns: 1,
            runs: 1,
            errors: 0,
          },
  }
}

describe('targets', () => {
  const consume: ScenarioResult = {
    id: 'consume',
    title: 't',
    description: 'd',
    rows: [
      row('kafkit', 'eachBatch', 950),
      row('kafkit', 'eachMessage', 500),
      row('rdkafka', 'consume', 400),
      row('rdkafka', 'consume-tuned', 1000),
      row('kafkajs', 'eachMessage', 600),
      row('platformatic', 'stream', 900),
      row('ckjs-kafkajs', 'eachBatch', undefined),
      row('c', 'consume', 5000),
      row('java', 'consume', 100),
    ],
  }
  const checks = evaluateTargets([consume])
  const find = (text: string) => checks.find((c) => c.target === text)

  it('checks each kafkit row against 0.9x raw node-rdkafka at its best', () => {
    expect(find('kafkit eachBatch >= 0.9x rdkafka consume-tuned')).toMatchObject({ ratio: 0.95, met: true })
    expect(find('kafkit eachMessage >= 0.9x rdkafka consume-tuned')).toMatchObject({ ratio: 0.5, met: false })
    expect(checks.some((c) => c.target.endsWith('rdkafka consume'))).toBe(false)
  })
  it('compares peers with kafkit on the same API, else kafkit at its fastest', () => {
    expect(find('kafkit eachMessage ahead of kafkajs eachMessage')?.met).toBe(false)
    expect(find('kafkit eachBatch ahead of platformatic stream')).toMatchObject({ met: true })
  })
  it('cannot judge a peer without figures, and leaves the limits and raw node-rdkafka out of "ahead"', () => {
    expect(find('kafkit eachBatch ahead of ckjs-kafkajs eachBatch')).toMatchObject({ ratio: undefined, met: undefined })
    expect(
      checks.some(
        (c) =>
          c.target.includes('ahead of c ') ||
          c.target.includes('ahead of java') ||
          c.target.includes('ahead of rdkafka'),
      ),
    ).toBe(false)
  })
  it('has no raw-ratio target in the awaited scenarios', () => {
    const awaited = evaluateTargets([{ ...consume, id: 'produce-awaited' }])
    expect(awaited.some((c) => c.target.includes('>= 0.9x'))).toBe(false)
  })
})
