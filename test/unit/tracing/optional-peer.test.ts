import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
// Static imports and re-exports (type-only ones are erased, so they do not count), dynamic imports, bare imports.
const SPECIFIER =
  /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm

/** Every module specifier reachable through relative imports from `entry`, as written. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (files.has(file)) return
    files.add(file)
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3]!
      // Code that generates code (the Avro codegen) has import lines inside template strings.
      if (specifier.includes('${')) continue
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
      else packages.add(specifier)
    }
  }
  visit(join(ROOT, entry))
  return { files, packages }
}

describe('@opentelemetry/api is an optional peer', () => {
  it('is loaded by kafkit/otel only: neither kafkit nor kafkit/testing reaches it', () => {
    for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
      const { files, packages } = reachable(entry)
      expect(
        [...packages].filter((name) => name.startsWith('@opentelemetry/')),
        entry,
      ).toEqual([])
      expect(
        [...files].filter((file) => file.includes('/src/otel/')),
        entry,
      ).toEqual([])
    }
    const otel = reachable('src/otel/index.ts')
    expect(otel.packages).toContain('@opentelemetry/api')
    // The subpath stays light: it never loads the clients or the native addon.
    expect([...otel.files].filter((file) => /\/src\/(native|producer|consumer|admin)\//.test(file))).toEqual([])
  })

  it('is declared as an optional peer dependency and exported as the kafkit/otel subpath', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
      'peerDependencies' | 'peerDependenciesMeta' | 'dependencies' | 'exports',
      Record<string, unknown>
    >
    expect(manifest.peerDependencies['@opentelemetry/api']).toBeDefined()
    expect(manifest.peerDependenciesMeta['@opentelemetry/api']).toEqual({ optional: true })
    expect(manifest.dependencies['@opentelemetry/api']).toBeUndefined()
    expect(manifest.exports['./otel']).toEqual({ types: './dist/otel/index.d.ts', default: './dist/otel/index.js' })
  })
})
