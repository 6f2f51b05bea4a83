#!/usr/bin/env node
// Called by binding.gyp: copies librdkafka's public headers from node-rdkafka's bundled sources into
// build/rdkafka-include/librdkafka/ and prints that include directory. The sources are there as soon as npm has
// extracted node-rdkafka, before its own build has run, so kafkit's addon builds in one `npm install`; the
// library itself is loaded at run time (native/loader.c).
import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const require = createRequire(import.meta.url)
const sources = join(dirname(require.resolve('node-rdkafka/package.json')), 'deps', 'librdkafka', 'src')
const include = resolve('build', 'rdkafka-include')
mkdirSync(join(include, 'librdkafka'), { recursive: true })
for (const header of ['rdkafka.h', 'rdkafka_mock.h'])
  copyFileSync(join(sources, header), join(include, 'librdkafka', header))
process.stdout.write(include)
