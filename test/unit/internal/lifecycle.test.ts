import { describe, expect, it } from 'vitest'
import { StateError } from '../../../src/errors/kafka-error.js'
import { Lifecycle } from '../../../src/internal/lifecycle.js'

describe('Lifecycle', () => {
  it('runs one connect and refuses a second with a StateError (as a rejection)', async () => {
    const lifecycle = new Lifecycle('Producer')
    const connected = lifecycle.connect('connect', async () => lifecycle.set('connected'))
    expect(lifecycle.state).toBe('connected')
    await connected
    await expect(lifecycle.connect('connect', async () => undefined)).rejects.toThrow(StateError)
    await expect(lifecycle.connect('connect', async () => undefined)).rejects.toThrow(
      'Producer.connect() called while connected',
    )
  })

  it('begins closing a connected client once, and closes a client that never connected without closing work', async () => {
    const lifecycle = new Lifecycle('Consumer')
    await lifecycle.connect('connect', async () => lifecycle.set('connected'))
    expect(await lifecycle.beginClose()).toBe(true)
    expect(lifecycle.state).toBe('closing')
    expect(await lifecycle.beginClose()).toBe(false)
    const idle = new Lifecycle('Consumer')
    expect(await idle.beginClose()).toBe(false)
    expect(idle.state).toBe('closed')
  })

  it('lets a connect in progress settle before closing, whichever way it ends', async () => {
    const lifecycle = new Lifecycle('Admin')
    let finish!: () => void
    void lifecycle.connect('connect', () =>
      new Promise<void>((resolve) => (finish = resolve)).then(() => lifecycle.set('connected')),
    )
    const closing = lifecycle.beginClose()
    await Promise.resolve()
    expect(lifecycle.state).toBe('connecting')
    finish()
    expect(await closing).toBe(true)
    expect(lifecycle.state).toBe('closing')

    const failing = new Lifecycle('Admin')
    void failing
      .connect('connect', () => Promise.reject(new Error('refused')).finally(() => failing.set('closed')))
      .catch(() => undefined)
    expect(await failing.beginClose()).toBe(false)
    expect(failing.state).toBe('closed')
    await failing.connectSettled()
  })
})
