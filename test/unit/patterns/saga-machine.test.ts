import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/index.js'
import { defineSaga, type SagaRecord, transition } from '../../../src/patterns/saga-machine.js'

interface S {
  n: number
  paid?: boolean
}
const saga = defineSaga<S>({
  name: 'order',
  steps: [
    {
      name: 'pay',
      command: { topic: 'pay', build: (s) => ({ n: s.n }) },
      compensation: { topic: 'pay', build: (s) => ({ refund: s.n }) },
      onReply: (s) => ({ ...s, paid: true }),
    },
    { name: 'ship', command: { topic: 'ship', build: (s) => ({ ship: s.n }) }, timeoutMs: 1_000 },
  ],
})

describe('saga transition', () => {
  it('starts once, sends the first command and sets no deadline for a step without timeout', () => {
    const started = transition(saga, undefined, { kind: 'start', sagaId: 'a', state: { n: 1 } }, 100)!
    expect(started.record).toEqual({ id: 'a', version: 1, status: 'running', step: 0, state: { n: 1 }, deadline: null })
    expect(started.commands).toEqual([
      {
        topic: 'pay',
        command: { saga: 'order', sagaId: 'a', step: 0, stepName: 'pay', kind: 'command', payload: { n: 1 } },
      },
    ])
    expect(transition(saga, started.record, { kind: 'start', sagaId: 'a', state: { n: 2 } }, 100)).toBeUndefined()
  })

  it('advances on success, folding the reply, with the next step deadline; completes after the last', () => {
    const running: SagaRecord<S> = { id: 'a', version: 1, status: 'running', step: 0, state: { n: 1 }, deadline: null }
    const next = transition(saga, running, { kind: 'reply', sagaId: 'a', step: 0, ok: true }, 100)!
    expect(next.record).toMatchObject({
      version: 2,
      status: 'running',
      step: 1,
      state: { n: 1, paid: true },
      deadline: 1_100,
    })
    expect(next.commands.map((c) => c.topic)).toEqual(['ship'])
    const done = transition(saga, next.record, { kind: 'reply', sagaId: 'a', step: 1, ok: true }, 200)!
    expect(done.record.status).toBe('completed')
    expect(done.commands).toEqual([])
  })

  it('ignores duplicate and stale replies and timeouts', () => {
    const atShip: SagaRecord<S> = { id: 'a', version: 2, status: 'running', step: 1, state: { n: 1 }, deadline: 5 }
    expect(transition(saga, atShip, { kind: 'reply', sagaId: 'a', step: 0, ok: true }, 0)).toBeUndefined()
    expect(transition(saga, atShip, { kind: 'timeout', sagaId: 'a', step: 0 }, 0)).toBeUndefined()
    expect(
      transition(saga, { ...atShip, status: 'completed' }, { kind: 'reply', sagaId: 'a', step: 1, ok: false }, 0),
    ).toBeUndefined()
    expect(transition(saga, undefined, { kind: 'reply', sagaId: 'b', step: 0, ok: true }, 0)).toBeUndefined()
  })

  it('compensates completed steps on failure, and the timed-out step too on timeout', () => {
    const atShip: SagaRecord<S> = { id: 'a', version: 2, status: 'running', step: 1, state: { n: 7 }, deadline: 5 }
    const failed = transition(saga, atShip, { kind: 'reply', sagaId: 'a', step: 1, ok: false, reason: 'no truck' }, 0)!
    expect(failed.record).toMatchObject({ status: 'compensated', reason: 'no truck' })
    expect(failed.commands.map((c) => [c.topic, c.command.kind, c.command.payload])).toEqual([
      ['pay', 'compensation', { refund: 7 }],
    ])
    const atPay: SagaRecord<S> = { id: 'a', version: 1, status: 'running', step: 0, state: { n: 7 }, deadline: null }
    expect(transition(saga, atPay, { kind: 'reply', sagaId: 'a', step: 0, ok: false }, 0)!.commands).toEqual([])
    expect(transition(saga, atPay, { kind: 'timeout', sagaId: 'a', step: 0 }, 0)!.commands).toHaveLength(1)
  })

  it('rejects malformed definitions', () => {
    expect(() => defineSaga({ name: 'x', steps: [] })).toThrow(ConfigError)
    expect(() =>
      defineSaga({ name: 'x', steps: [{ name: 'a', command: { topic: 't', build: () => 1 }, timeoutMs: -1 }] }),
    ).toThrow(/timeoutMs/)
  })
})
