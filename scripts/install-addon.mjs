#!/usr/bin/env node
// kafkit's install step: builds the native addon (producer data path, transactions, Admin).
// It compiles against librdkafka's headers from node-rdkafka's bundled sources, which npm has extracted before any
// install script runs, and does not link librdkafka: the addon loads node-rdkafka's librdkafka.so.1 at run time.
// So it builds in the same `npm install`, whether npm runs node-rdkafka's own build before or after this step.
import { spawnSync } from 'node:child_process'

function log(line) {
  process.stderr.write(`kafkit: ${line}\n`)
}

const gyp = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' })
if (gyp.status !== 0) {
  log(
    'the native addon failed to build (see above): it needs a C compiler, make and python3. Producer, Consumer ' +
      'and Admin need it; fix the toolchain and run `npm rebuild kafkit`.',
  )
  process.exit(gyp.status ?? 1)
}
