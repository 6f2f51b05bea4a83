import { describe, expect, it } from 'vitest'
import { AuthenticationError, ConnectionError, KafkaError } from '../../../src/errors/kafka-error.js'
import { ClientLink, type ClientEmitter } from '../../../src/internal/client-link.js'
import { diagnosticsChannels } from '../../../src/diagnostics/channels.js'
import type { RdkafkaStats } from '../../../src/producer/types.js'

const AUTHENTICATION = -169
const TRANSPORT = -195

/** A client with (`listeners` > 0) or without `error` listeners, recording what it emits. */
function emitter(listeners = 1): ClientEmitter<RdkafkaStats> & { readonly emitted: unknown[][] } {
  const emitted: unknown[][] = []
  return {
    emitted,
    listenerCount: () => listeners,
    emit: (...args: unknown[]) => emitted.push(args) > 0,
  }
}

function link(logs: string[] = [], client = emitter()) {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => logs.push(message),
    error: (message: string) => logs.push(message),
  }
  return new ClientLink('Producer', client, {}, logger, 'test')
}

describe('ClientLink', () => {
  it('routes errors to the client, log lines to the logger, statistics to the channel and the stats listeners', () => {
    const errors: unknown[] = []
    const logs: string[] = []
    const published: unknown[] = []
    const listener = (stats: unknown): void => {
      published.push(stats)
    }
    const client = emitter()
    const linked = link(logs, client)
    diagnosticsChannels.producerStats.subscribe(listener)
    try {
      linked.onEvent({ kind: 'stats', json: '{"name":"p#1","msg_cnt":3}' } as never, (error) => errors.push(error))
    } finally {
      diagnosticsChannels.producerStats.unsubscribe(listener)
    }
    linked.onEvent({ kind: 'error', code: TRANSPORT, message: 'down' } as never, (error) => errors.push(error))
    linked.onEvent({ kind: 'log', level: 3, facility: 'FAIL', message: 'broker went away' } as never, (error) =>
      errors.push(error),
    )
    expect(published).toEqual([{ name: 'p#1', msg_cnt: 3 }])
    expect(client.emitted).toEqual([['stats', { name: 'p#1', msg_cnt: 3 }]])
    expect(errors).toEqual([{ kind: 'error', code: TRANSPORT, message: 'down' }])
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
    const listening = emitter(1)
    const error = new KafkaError('ERR_HANDLER', 'x')
    link([], listening).emitError(error)
    expect(listening.emitted).toEqual([['error', error]])
    const deaf = emitter(0)
    expect(() => link([], deaf).emitError(error)).not.toThrow()
    expect(deaf.emitted).toEqual([])
  })
})
