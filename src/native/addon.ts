/**
 * Loads kafkit's own N-API addon (`native/*.c`, built by node-gyp into `build/Release/kafkit.node`) and, through
 * it, librdkafka: the addon is compiled against librdkafka's headers only and loads node-rdkafka's
 * `librdkafka.so.1` at run time, so the process holds one librdkafka, shared with node-rdkafka.
 * @module
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KafkaError } from '../errors/kafka-error.js'

const require = createRequire(import.meta.url)

/**
 * Where the addon is built: `<package root>/build/Release`, the nearest such directory above this module (`src/native/`
 * and sources transpiled elsewhere inside the package, or the bundle in `dist/` that holds this module), or
 * `KAFKIT_ADDON_PATH` when set.
 */
export const ADDON_PATH = ((): string => {
  // A second build (AddressSanitizer, see scripts/test-asan.mjs) can stand in for the normal one.
  if (process.env.KAFKIT_ADDON_PATH) return process.env.KAFKIT_ADDON_PATH
  const candidates = ['../', '../../', '../../../', '../../../../'].map((up) =>
    fileURLToPath(new URL(`${up}build/Release/kafkit.node`, import.meta.url)),
  )
  // Not built: name the package root as seen from src/native/ and dist/chunks/, where this module lives.
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[1]!
})()

/** Where node-rdkafka's build leaves librdkafka. */
export function librdkafkaPath(): string {
  const root = dirname(require.resolve('node-rdkafka/package.json'))
  return join(root, 'build', 'deps', process.platform === 'darwin' ? 'librdkafka.dylib' : 'librdkafka.so.1')
}

/**
 * The `ERR_ADDON` error for a build npm did not leave: `pkg`'s install script failed or was skipped, and how to let
 * npm (11.19+, package.json's `allowScripts`) run the two install scripts kafkit needs, then rebuild.
 */
function notBuilt(what: string, path: string, pkg: string, rebuildNote = ''): KafkaError {
  return new KafkaError(
    'ERR_ADDON',
    `${what} is not built (${path} is missing): ${pkg}'s install step failed or was skipped (npm --ignore-scripts, ` +
      `or ${pkg} missing from package.json's allowScripts). Both kafkit and node-rdkafka must be allowed to run ` +
      'their install scripts: `npm install-scripts approve kafkit node-rdkafka`, or ' +
      '`"allowScripts": { "kafkit": true, "node-rdkafka": true }` in package.json. ' +
      `Then run \`npm rebuild ${pkg}\`${rebuildNote}.`,
  )
}

let loaded: unknown

/**
 * Loads the addon and librdkafka once, and returns the addon typed as `T` (each role's module declares the
 * functions it uses). Throws a {@link KafkaError} (`ERR_ADDON`) that says what is missing and how to fix it.
 */
export function loadAddon<T>(): T {
  if (loaded !== undefined) return loaded as T
  if (!existsSync(ADDON_PATH)) {
    throw notBuilt("kafkit's native addon", ADDON_PATH, 'kafkit', ' (needs a C compiler, make and python3)')
  }
  const library = librdkafkaPath()
  if (!existsSync(library)) throw notBuilt('librdkafka', library, 'node-rdkafka')
  let addon: { load(path: string): string }
  try {
    addon = require(ADDON_PATH) as typeof addon
    addon.load(library)
  } catch (error) {
    throw new KafkaError(
      'ERR_ADDON',
      `kafkit's native addon failed to load: ${(error as Error).message}. ` +
        'Run `npm rebuild kafkit` after node-rdkafka was upgraded or rebuilt.',
      { cause: error },
    )
  }
  loaded = addon
  return addon as T
}
