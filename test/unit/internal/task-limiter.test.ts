import { describe, expect, it } from 'vitest'
import { TaskLimiter } from '../../../src/internal/task-limiter.js'

/** A task that runs until `finish` is called, recording when it starts. */
function gate(log: string[], name: string): { task: () => Promise<void>; finish: (error?: Error) => void } {
  let settle: (error?: Error) => void = () => {}
  return {
    task: () => {
      log.push(`start ${name}`)
      return new Promise<void>((resolve, reject) => {
        settle = (error) => (error ? reject(error) : resolve())
      })
    },
    finish: (error) => settle(error),
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('TaskLimiter', () => {
  it('starts a task inside add() while a slot is free, and the rest in order as slots free', async () => {
    const log: string[] = []
    const limiter = new TaskLimiter(2)
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => gate(log, name))
    for (const g of [a, b, c, d]) limiter.add(g!.task, () => {})
    expect(log).toEqual(['start a', 'start b'])
    expect([limiter.running, limiter.waiting]).toEqual([2, 2])
    b!.finish()
    await flush()
    expect(log).toEqual(['start a', 'start b', 'start c'])
    a!.finish()
    await flush()
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d'])
    expect([limiter.running, limiter.waiting]).toEqual([2, 0])
  })

  it('hands rejections and synchronous throws to onError and frees their slots', async () => {
    const limiter = new TaskLimiter(1)
    const errors: unknown[] = []
    const log: string[] = []
    const failing = gate(log, 'failing')
    limiter.add(failing.task, (error) => errors.push(error))
    limiter.add(
      () => {
        throw new Error('thrown')
      },
      (error) => errors.push(error),
    )
    const last = gate(log, 'last')
    limiter.add(last.task, (error) => errors.push(error))
    failing.finish(new Error('rejected'))
    await flush()
    expect(errors.map((error) => (error as Error).message)).toEqual(['rejected', 'thrown'])
    expect(log).toEqual(['start failing', 'start last'])
    expect(limiter.running).toBe(1)
  })

  it('resolves onIdle at once when idle, else once every running and waiting task settled', async () => {
    const limiter = new TaskLimiter(1)
    await expect(limiter.onIdle()).resolves.toBeUndefined()
    const log: string[] = []
    const first = gate(log, 'first')
    const second = gate(log, 'second')
    limiter.add(first.task, () => {})
    limiter.add(second.task, () => {})
    let idle = false
    void limiter.onIdle().then(() => (idle = true))
    first.finish()
    await flush()
    expect(idle).toBe(false) // the second task started and still runs
    second.finish()
    await flush()
    expect(idle).toBe(true)
  })

  it('refuses a concurrency below 1', () => {
    expect(() => new TaskLimiter(0)).toThrow(RangeError)
    expect(() => new TaskLimiter(Number.NaN)).toThrow(/concurrency must be at least 1/)
  })
})
