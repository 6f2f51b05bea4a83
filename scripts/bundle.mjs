// Bundles tsc's output in dist/ into the package's entry points (`.`, `./testing`, `./otel` and the CLI), with the
// code they share in dist/chunks/, so that loading kafkit reads a handful of files instead of about 130 ES modules:
// import takes about 50 ms of CPU instead of 165 on a 2-core machine, paid by every process that uses kafkit. The
// declaration files tsc wrote stay where they are (the package's types); the modules the bundles replace are removed,
// so that nothing can load a second copy of a class. Dependencies are not bundled: they stay the package's
// dependencies and peer dependencies, loaded from node_modules. Source maps chain back to src/.
//
// Run by `npm run build` after tsc.
import { readdir, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(ROOT, 'dist')
const ENTRY_POINTS = ['index.js', 'testing/index.js', 'otel/index.js', 'cli/index.js']

// Chunks of an earlier build would stay beside the new ones.
await rm(join(DIST, 'chunks'), { recursive: true, force: true })
const result = await build({
  entryPoints: ENTRY_POINTS.map((entry) => join(DIST, entry)),
  outdir: DIST,
  outbase: DIST,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  allowOverwrite: true,
  metafile: true,
  logLevel: 'warning',
})

const written = new Set(Object.keys(result.metafile.outputs).map((path) => join(ROOT, path)))
let removed = 0
for (const entry of await readdir(DIST, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.js(\.map)?$/.test(entry.name)) continue
  const path = join(entry.parentPath, entry.name)
  if (written.has(path)) continue
  await rm(path)
  removed++
}
const bundles = [...written].filter((path) => path.endsWith('.js')).map((path) => relative(ROOT, path))
console.log(`bundle: ${bundles.length} files (${bundles.join(', ')}); ${removed} module files replaced`)
