#!/usr/bin/env node
// kafkit's install step: builds the admin addon against the librdkafka that node-rdkafka built.
// In kafkit's own repository npm runs this after every dependency is built. When kafkit is installed as a dependency,
// npm may run it before node-rdkafka's own build (scripts of packages at one depth run one after another, by name),
// and waiting here would block that build. So the addon is built only when node-rdkafka's build output is there;
// otherwise the install still succeeds (producers and consumers do not need the addon) and Admin.connect() says
// to run `npm rebuild kafkit`, which then finds node-rdkafka built.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const strict = process.env.KAFKIT_ADDON_REQUIRED === '1'

function log(line) {
  process.stderr.write(`kafkit: ${line}\n`)
}

function nodeRdkafkaBuilt() {
  try {
    const root = dirname(require.resolve('node-rdkafka/package.json'))
    return ['build/Release/node-librdkafka.node', 'build/deps/librdkafka.so.1', 'build/deps/include/librdkafka/rdkafka.h']
      .every((file) => existsSync(join(root, file)))
  } catch {
    return false
  }
}

if (!nodeRdkafkaBuilt()) {
  const message = "node-rdkafka's librdkafka build is not there yet, so kafkit's admin addon was not built. Run `npm rebuild kafkit` after this install to enable Admin."
  log(strict ? message : `note: ${message}`)
  process.exit(strict ? 1 : 0)
}

const gyp = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' })
if (gyp.status !== 0) {
  const message = 'the admin addon failed to build (see above); Admin is unavailable until `npm rebuild kafkit` succeeds.'
  if (strict) {
    log(message)
    process.exit(gyp.status ?? 1)
  }
  log(`warning: ${message}`)
}
