import { describe, expect, it } from 'vitest'
import { firstUncommitted } from '../../../src/patterns/committed-prefix.js'

const at = (...offsets: number[]): Array<{ offset: string }> => offsets.map((offset) => ({ offset: String(offset) }))

describe('firstUncommitted (the Processor after a transaction of unknown outcome)', () => {
  const messages = at(10, 11, 12, 13, 14)

  it('skips what the transaction committed: the messages below the committed offset', () => {
    expect(firstUncommitted(messages, 0, 5, 13n)).toBe(3)
    expect(firstUncommitted(messages, 1, 5, 13n)).toBe(3)
  })

  it('runs everything again when the transaction aborted or nothing is committed', () => {
    expect(firstUncommitted(messages, 0, 5, 10n)).toBe(0)
    expect(firstUncommitted(messages, 2, 5, 9n)).toBe(2)
    expect(firstUncommitted(messages, 0, 5, -1n)).toBe(0)
  })

  it('stops at the limit when everything in range was committed, and handles offsets past 2^53', () => {
    expect(firstUncommitted(messages, 0, 4, 100n)).toBe(4)
    const big = at(0).map(() => ({ offset: '9007199254740993' }))
    expect(firstUncommitted(big, 0, 1, 9007199254740993n)).toBe(0)
    expect(firstUncommitted(big, 0, 1, 9007199254740994n)).toBe(1)
  })
})
