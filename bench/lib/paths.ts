/**
 * Where things are, found from this file's location so the compiled bench runs from any working directory.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(start: string): string {
  let dir = start
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kafkit')
      return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no kafkit package.json above ${start}`)
    dir = parent
  }
}

/** The kafkit repository root. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
/** The bench folder. */
export const BENCH = join(ROOT, 'bench')
/** The compiled runners. */
export const RUNNERS = join(BENCH, '.build', 'runners')
