import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { failureOf } from '../../helpers/failure.js'

function expectAddonMissing(error: unknown): void {
  expect(error).toMatchObject({ name: 'KafkaError', code: 'ERR_ADDON' })
  const message = (error as Error).message
  expect(message).toContain('/nonexistent/kafkit.node is missing')
  expect(message).toContain('npm install-scripts approve kafkit node-rdkafka')
  expect(message).toContain('"allowScripts": { "kafkit": true, "node-rdkafka": true }')
  expect(message).toContain('npm rebuild kafkit')
}

describe('kafkit without a built addon (npm skipped its install script)', () => {
  // ADDON_PATH is read when the module loads: fresh copies of the modules see the stubbed path.
  beforeEach(() => {
    vi.stubEnv('KAFKIT_ADDON_PATH', '/nonexistent/kafkit.node')
    vi.resetModules()
  })
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it('loadAddon throws ERR_ADDON naming the missing file and how to let npm build it (allowScripts, npm rebuild)', async () => {
    const { loadAddon } = await import('../../../src/native/addon.js')
    expectAddonMissing(await failureOf(() => loadAddon()))
  })

  it('a Producer, a Consumer and an Admin fail with that ERR_ADDON, not as an invalid option', async () => {
    const { Admin, Consumer, Producer } = await import('../../../src/index.js')
    const brokers = '127.0.0.1:9'
    expectAddonMissing(await failureOf(() => new Producer({ brokers })))
    expectAddonMissing(await failureOf(() => new Consumer({ brokers, groupId: 'g' })))
    expectAddonMissing(await failureOf(() => new Admin({ brokers }).connect()))
  })
})
