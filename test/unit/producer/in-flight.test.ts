import { describe, expect, it } from 'vitest'
import { InFlightSends } from '../../../src/producer/in-flight.js'

describe('InFlightSends', () => {
  it('finds each send by its sequence id, in any order, and forgets it once taken', () => {
    const sends = new InFlightSends<string>(4)
    for (let seq = 0; seq < 3000; seq++) sends.set(seq, `send-${seq}`)
    expect(sends.size).toBe(3000)
    expect(sends.take(2999)).toBe('send-2999')
    expect(sends.take(2999)).toBeUndefined()
    expect(sends.get(17)).toBe('send-17')
    for (let seq = 0; seq < 2999; seq++) expect(sends.take(seq)).toBe(`send-${seq}`)
    expect(sends.size).toBe(0)
  })

  it('grows when an old unreported send holds the slot of a new id, including ids skipped in between', () => {
    const sends = new InFlightSends<string>(1024)
    sends.set(5, 'stuck') // never reported while thousands of later sends come and go
    for (let seq = 6; seq < 10_000; seq++) {
      if (seq % 7 === 0) continue // ids of records librdkafka refused: used, never in flight
      sends.set(seq, `send-${seq}`)
      if (seq > 100) expect(sends.take(seq - 90)).toBe((seq - 90) % 7 === 0 ? undefined : `send-${seq - 90}`)
    }
    expect(sends.get(5)).toBe('stuck')
    expect(sends.take(5)).toBe('stuck')
  })

  it('wraps around at 2^32 and does not confuse an id with another in the same slot', () => {
    const sends = new InFlightSends<string>(1024)
    const last = 2 ** 32 - 1
    sends.set(last, 'last')
    sends.set(0, 'wrapped')
    expect(sends.take(last)).toBe('last')
    expect(sends.take(1024)).toBeUndefined()
    expect(sends.take(0)).toBe('wrapped')
  })
})
