import { describe, expect, it } from 'vitest'
import { UserPauses } from '../../../src/consumer/user-pauses.js'
import { ConfigError } from '../../../src/errors/index.js'

describe('UserPauses', () => {
  it('pauses partitions or whole topics (also partitions assigned later)', () => {
    const pauses = new UserPauses()
    pauses.pause([{ topic: 'a', partitions: [1] }, { topic: 'b' }])
    expect(pauses.has('a', 1)).toBe(true)
    expect(pauses.has('a', 0)).toBe(false)
    expect(pauses.has('b', 7)).toBe(true)
    pauses.pause([{ topic: 'a', partitions: [2] }])
    expect([pauses.has('a', 1), pauses.has('a', 2)]).toEqual([true, true])
  })

  it('resuming some partitions of a wholly paused topic keeps its other assigned partitions paused', () => {
    const pauses = new UserPauses()
    pauses.pause([{ topic: 'b' }])
    pauses.resume([{ topic: 'b', partitions: [0] }], () => [0, 1, 2])
    expect([pauses.has('b', 0), pauses.has('b', 1), pauses.has('b', 2)]).toEqual([false, true, true])
    pauses.resume([{ topic: 'b' }], () => [])
    expect(pauses.has('b', 1)).toBe(false)
  })

  it('rejects malformed lists naming the entry', () => {
    const pauses = new UserPauses()
    expect(() => pauses.pause([{ topic: '' }])).toThrow(ConfigError)
    expect(() => pauses.pause([{ topic: 'a', partitions: [-1] }])).toThrow('topics[0].partitions')
    expect(() => pauses.pause('a' as never)).toThrow(ConfigError)
  })
})
