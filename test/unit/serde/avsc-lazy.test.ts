import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..', '..')

describe('avsc is loaded on first use', () => {
  // In a fresh process on the built package (`npm test` builds first): vitest's own module graph would not tell.
  it('importing kafkit does not load avsc; the first Avro serde does', () => {
    const script = `
      import { createRequire } from 'node:module'
      const kafkit = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)})
      const cache = createRequire(${JSON.stringify(pathToFileURL(join(ROOT, 'package.json')).href)}).cache
      const loaded = () => Object.keys(cache).some((path) => path.includes('/node_modules/avsc/'))
      const before = loaded()
      const registry = new kafkit.SchemaRegistry({ url: 'http://127.0.0.1:9' })
      kafkit.serdes.avro({ registry, schema: { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] } })
      console.log(JSON.stringify({ before, after: loaded() }))`
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true })
  }, 30_000)
})
