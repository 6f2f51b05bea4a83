/**
 * A short run of `npm run soak` (scripts/soak/): a producer and a consumer in this process at a steady rate, with
 * memory, file descriptors, threads and libuv handles sampled. After warm-up nothing may grow beyond the checks'
 * limits, and every record sent is acknowledged and consumed.
 */
import { describe, expect, it } from 'vitest'
import { renderSoak, runSoak } from '../../scripts/soak/run.mjs'
import * as kafkit from '../../src/index.js'
import { brokers } from './helpers/kafka.js'

describe('soak: a producer and a consumer running steadily', () => {
  it('keeps RSS, file descriptors, threads and libuv handles steady and loses nothing', async () => {
    const result = await runSoak({
      brokers: brokers(),
      kafkit,
      durationS: 45,
      rate: 10_000,
      sampleEveryS: 3,
      warmupShare: 0.3,
    })
    console.log(renderSoak(result))
    expect(result.counts.sent).toBeGreaterThan(400_000)
    for (const check of result.checks)
      expect({ check: check.name, value: check.value, ok: check.ok }).toEqual({
        check: check.name,
        value: check.value,
        ok: true,
      })
  })
})
