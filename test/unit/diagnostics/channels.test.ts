import diagnostics from 'node:diagnostics_channel'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  DIAGNOSTICS_CHANNEL_NAMES,
  type DiagnosticsChannelPayloads,
  diagnosticsChannel,
  diagnosticsChannels,
} from '../../../src/diagnostics/index.js'
import type { KafkaError } from '../../../src/errors/index.js'
import { patternChannels, sagaTransitionChannel } from '../../../src/patterns/index.js'

const root = new URL('../../../', import.meta.url).pathname

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

describe('diagnostics channel registry', () => {
  it('keeps the public channel names', () => {
    expect(Object.values(DIAGNOSTICS_CHANNEL_NAMES).sort()).toEqual([
      'kafkit:admin:error',
      'kafkit:admin:log',
      'kafkit:admin:request',
      'kafkit:consumer:commit',
      'kafkit:consumer:error',
      'kafkit:consumer:message',
      'kafkit:consumer:rebalance',
      'kafkit:consumer:stats',
      'kafkit:processor:error',
      'kafkit:processor:transaction',
      'kafkit:producer:delivery',
      'kafkit:producer:error',
      'kafkit:producer:stats',
      'kafkit:router:event',
      'kafkit:saga:transition',
    ])
  })

  it('hands out the channels diagnostics_channel has under those names', () => {
    for (const [key, name] of Object.entries(DIAGNOSTICS_CHANNEL_NAMES)) {
      expect(diagnosticsChannels[key as keyof typeof DIAGNOSTICS_CHANNEL_NAMES]).toBe(diagnostics.channel(name))
      expect(diagnosticsChannel(name)).toBe(diagnostics.channel(name))
    }
    expect(patternChannels.processorTransaction).toBe(diagnostics.channel('kafkit:processor:transaction'))
    expect(patternChannels.routerEvent).toBe(diagnostics.channel('kafkit:router:event'))
    expect(sagaTransitionChannel).toBe(diagnostics.channel('kafkit:saga:transition'))
  })

  it('delivers a published message to a subscriber by name', () => {
    const seen: unknown[] = []
    const listener = (message: unknown): void => void seen.push(message)
    diagnostics.subscribe('kafkit:admin:log', listener)
    diagnosticsChannels.adminLog.publish({ level: 7, facility: 'TEST', message: 'hello' })
    diagnostics.unsubscribe('kafkit:admin:log', listener)
    expect(seen).toEqual([{ level: 7, facility: 'TEST', message: 'hello' }])
  })

  it('types each channel by its payload', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its type is read, it is never called
    expectTypeOf(diagnosticsChannels.consumerCommit.publish)
      .parameter(0)
      .toEqualTypeOf<DiagnosticsChannelPayloads['kafkit:consumer:commit']>()
    expectTypeOf<DiagnosticsChannelPayloads['kafkit:admin:error']['error']>().toEqualTypeOf<KafkaError>()
  })

  it('is the only place that creates a kafkit diagnostics channel', () => {
    const creators = files(join(root, 'src'))
      .filter((file) => file.endsWith('.ts') && !file.includes('/src/diagnostics/') && !file.includes('/src/tracing/'))
      .filter((file) => /\.channel\(/.test(readFileSync(file, 'utf8')))
    expect(creators.map((file) => file.slice(root.length))).toEqual([])
  })

  it('is documented: every channel name appears in the guides', () => {
    const docs = files(join(root, 'docs'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    expect(Object.values(DIAGNOSTICS_CHANNEL_NAMES).filter((name) => !docs.includes(`\`${name}\``))).toEqual([])
  })
})
