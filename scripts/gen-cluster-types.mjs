#!/usr/bin/env node
// Generates the TypeScript declarations of the cluster library (scripts/cluster-lib.d.mts and scripts/cluster/*.d.mts)
// from the JSDoc in its .mjs files, so TypeScript tests, the global setup and the benchmark type-check against what
// the code says. The sources are copied to a temporary dir first: next to existing .d.mts files TypeScript would
// read those instead of the code. `--out DIR` writes under DIR instead of scripts/; `--check [DIR]` writes nothing and
// exits 1 naming the files under scripts/ (or DIR) that are missing or out of date (a unit test runs it).
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCRIPTS = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/**
 * The declarations, by path relative to scripts/.
 * @returns {Map<string, string>}
 */
export function generate() {
  const work = mkdtempSync(join(tmpdir(), 'kafkit-cluster-types-'))
  try {
    const sources = [
      'cluster-lib.mjs',
      'tls-lib.mjs',
      'tls-lib.d.mts',
      ...readdirSync(join(SCRIPTS, 'cluster'))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => join('cluster', f)),
    ]
    for (const file of sources) {
      mkdirSync(dirname(join(work, 'src', file)), { recursive: true })
      cpSync(join(SCRIPTS, file), join(work, 'src', file))
    }
    execFileSync(
      process.execPath,
      [
        require.resolve('typescript/bin/tsc'),
        '--allowJs',
        '--declaration',
        '--emitDeclarationOnly',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--skipLibCheck',
        '--rootDir',
        join(work, 'src'),
        '--outDir',
        join(work, 'out'),
        join(work, 'src', 'cluster-lib.mjs'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    /** @type {Map<string, string>} */
    const result = new Map()
    const header =
      '// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.\n'
    const walk = (/** @type {string} */ dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.d.mts') && entry.name !== 'tls-lib.d.mts') {
          result.set(relative(join(work, 'out'), path), header + readFileSync(path, 'utf8'))
        }
      }
    }
    walk(join(work, 'out'))
    return result
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * The generated files whose committed copy under `dir` differs or is missing.
 * @param {string} [dir]
 * @returns {string[]}
 */
export function outdated(dir = SCRIPTS) {
  return [...generate()]
    .filter(([file, text]) => !existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8') !== text)
    .map(([file]) => file)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (/** @type {string} */ name) => {
    const value = process.argv[process.argv.indexOf(name) + 1]
    return value && !value.startsWith('--') ? value : undefined
  }
  if (process.argv.includes('--check')) {
    const stale = outdated(option('--check'))
    if (stale.length) {
      console.error(`out of date (run node scripts/gen-cluster-types.mjs): ${stale.join(', ')}`)
      process.exit(1)
    }
  } else {
    const out = (process.argv.includes('--out') && option('--out')) || SCRIPTS
    for (const [file, text] of generate()) {
      mkdirSync(dirname(join(out, file)), { recursive: true })
      writeFileSync(join(out, file), text)
    }
  }
}
