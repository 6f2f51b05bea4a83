import { describe, expect, it } from 'vitest'
import { configError } from '../../helpers/config-error.js'
import {
  expectAssignment,
  expectConfigRecord,
  expectCount,
  expectItems,
  expectNames,
  expectTopic,
  rejectDuplicates,
  toOffset,
} from '../../../src/admin/validate.js'

describe('admin argument checks', () => {
  it('accepts legal topic names and names the illegal ones', () => {
    expect(expectTopic('orders.v1_eu-west', 'topics[0]')).toBe('orders.v1_eu-west')
    expect(configError(() => expectTopic('bad topic', 'topics[2]'))).toMatchObject({
      path: 'topics[2]',
      topic: 'bad topic',
    })
    expect(configError(() => expectTopic('..', 't')).message).toContain('not a legal topic name')
    expect(configError(() => expectTopic('x'.repeat(250), 't')).path).toBe('t')
    expect(configError(() => expectTopic('', 't')).message).toContain('non-empty string')
  })

  it('parses offsets from strings, safe numbers and bigints, and refuses the rest', () => {
    expect(toOffset('9223372036854775807', 'o')).toBe(9223372036854775807n)
    expect(toOffset(42, 'o')).toBe(42n)
    expect(toOffset(7n, 'o')).toBe(7n)
    expect(configError(() => toOffset(-1, 'offsets[0].offset')).path).toBe('offsets[0].offset')
    expect(configError(() => toOffset(1.5, 'o')).message).toContain('integer >= 0')
    expect(configError(() => toOffset('12abc', 'o')).message).toContain('"12abc"')
    expect(configError(() => toOffset(2 ** 60, 'o')).path).toBe('o')
    expect(configError(() => toOffset('9223372036854775808', 'o')).path).toBe('o')
  })

  it('counts must be positive integers, named with their topic', () => {
    expect(expectCount(3, 'p', 'partitions')).toBe(3)
    const error = configError(() => expectCount(-3, 'topics[1].partitions', "partitions of topic 'x'", 'x'))
    expect(error).toMatchObject({ path: 'topics[1].partitions', topic: 'x' })
    expect(error.message).toContain("partitions of topic 'x' must be an integer >= 1, got -3")
    expect(configError(() => expectCount(0, 'p', 'count')).path).toBe('p')
  })

  it('checks replica assignments and config records', () => {
    expect(expectAssignment([[1, 2], [3]], 'a')).toEqual([[1, 2], [3]])
    expect(configError(() => expectAssignment([[1, -2]], 'a')).path).toBe('a[0][1]')
    expect(configError(() => expectAssignment([[]], 'a')).path).toBe('a[0]')
    expect(expectConfigRecord({ 'retention.ms': 1000, 'cleanup.policy': 'compact', flag: true }, 'c')).toEqual([
      { name: 'retention.ms', value: '1000' },
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'flag', value: 'true' },
    ])
    expect(configError(() => expectConfigRecord({ x: null }, 'topics[0].config')).path).toBe("topics[0].config['x']")
  })

  it('refuses duplicates by the index of the second one', () => {
    const error = configError(() => rejectDuplicates(['a', 'b', 'a'], (x) => `'${x}'`, 'topics', 'topic'))
    expect(error.path).toBe('topics[2]')
    expect(error.message).toContain("topic 'a' is also item 0")
  })

  it('checks each item of an array at its own path', () => {
    expect(expectItems(['a', 'b'], 'users', (item, path) => `${path}=${String(item)}`)).toEqual([
      'users[0]=a',
      'users[1]=b',
    ])
    expect(configError(() => expectItems(['ok', 'bad topic'], 'topics', expectTopic)).path).toBe('topics[1]')
    expect(configError(() => expectItems([], 'topics', expectTopic)).message).toContain('at least one item')
  })

  it('names must be distinct', () => {
    expect(expectNames(['a', 'b'], 'topics', expectTopic, 'topic')).toEqual(['a', 'b'])
    const error = configError(() => expectNames(['a', 'b', 'a'], 'topics', expectTopic, 'topic'))
    expect(error.path).toBe('topics[2]')
    expect(error.message).toContain("topic 'a' is also item 0")
  })
})
