import { describe, expect, it } from 'vitest'
import { AuthenticationError, ConnectionError, KafkaError } from '../../../src/errors/kafka-error.js'
import { ClientLink, type ErrorEmitter } from '../../../src/internal/client-link.js'

const AUTHENTICATION = -169
const TRANSPORT = -195

function link(logs: string[] = []) {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => logs.push(message),
    error: (message: string) => logs.push(message),
  }
  return new ClientLink('Producer', {}, logger, 'test')
}

describe('ClientLink', () => {
  it('routes errors and statistics to the client, log lines to the logger', () => {
    const seen: unknown[] = []
    const logs: string[] = []
    const client = link(logs)
    const handlers = { error: (error: unknown) => seen.push(error), stats: (json: string) => seen.push(json) }
    client.onEvent({ kind: 'stats', json: '{}' } as never, handlers)
    client.onEvent({ kind: 'error', code: TRANSPORT, message: 'down' } as never, handlers)
    client.onEvent({ kind: 'log', level: 3, facility: 'FAIL', message: 'broker went away' } as never, handlers)
    expect(seen).toEqual(['{}', { kind: 'error', code: TRANSPORT, message: 'down' }])
    expect(logs.join('\n')).toContain('broker went away')
  })

  it('ends a connect at once on a hopeless client error, naming refused credentials as the reason', async () => {
    const client = link()
    let closed = 0
    const connecting = client.connect(
      (guard) => guard.run(new Promise<void>(() => undefined)),
      () => closed++,
    )
    const mapped = client.clientError({ code: AUTHENTICATION, message: 'SASL authentication failed' })
    expect(mapped).toBeInstanceOf(AuthenticationError)
    await expect(connecting).rejects.toThrow(
      /Producer\.connect\(\) failed: the brokers refused the client's credentials/,
    )
    expect(closed).toBe(1)
  })

  it('throws the connect failure itself when no credentials were refused', async () => {
    const client = link()
    const failure = new KafkaError('ERR_TIMEOUT', 'metadata timed out')
    await expect(
      client.connect(
        async () => {
          throw failure
        },
        () => undefined,
      ),
    ).rejects.toBe(failure)
    const transport = client.connect(
      async () => {
        throw new ConnectionError('refused')
      },
      () => undefined,
    )
    await expect(transport).rejects.toBeInstanceOf(ConnectionError)
  })

  it('emits errors to listeners, and otherwise does not throw', () => {
    const client = link()
    const emitted: KafkaError[] = []
    const listening: ErrorEmitter = { listenerCount: () => 1, emit: (_event, error) => emitted.push(error) > 0 }
    const deaf: ErrorEmitter = {
      listenerCount: () => 0,
      emit: () => {
        throw new Error('must not emit')
      },
    }
    const error = new KafkaError('ERR_HANDLER', 'x')
    client.emitError(listening, error)
    expect(emitted).toEqual([error])
    expect(() => client.emitError(deaf, error)).not.toThrow()
  })
})
