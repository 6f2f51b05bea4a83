#!/usr/bin/env node
// Builds kafkit's addon a second time with AddressSanitizer (into .cache/asan/, beside the normal build) and runs the
// tests that drive the native code with it: the addon's unit tests and the producer's integration tests on the real
// broker. Node itself is not instrumented, so libasan is preloaded into the test processes only (the broker's JVM is
// started here, without it); leak detection is off because Node's own allocations at exit are not the addon's. Any
// ASan report aborts the process and fails the run.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dir = join(root, '.cache', 'asan')

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`)
}

async function main() {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'scripts'), { recursive: true })
  cpSync(join(root, 'binding.gyp'), join(dir, 'binding.gyp'))
  cpSync(join(root, 'native'), join(dir, 'native'), { recursive: true })
  cpSync(join(root, 'scripts', 'rdkafka-headers.mjs'), join(dir, 'scripts', 'rdkafka-headers.mjs'))
  run('node-gyp', ['rebuild'], { cwd: dir, env: { ...process.env, KAFKIT_SANITIZE: '1' } })

  const libasan = spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim()
  const { up, down } = await import('./cluster-lib.mjs')
  const clusterDir = process.env.KAFKA_BROKERS ? undefined : mkdtempSync(join(tmpdir(), 'kafkit-asan-cluster-'))
  try {
    const cluster = clusterDir ? await up({ nodes: 1, registry: true, dir: clusterDir }) : undefined
    const addresses = cluster
      ? { KAFKA_BROKERS: cluster.bootstrap, SCHEMA_REGISTRY_URL: cluster.registry?.url ?? '' }
      : {}
    // The build must really be instrumented: an uninstrumented addon would pass these tests and prove nothing.
    const symbols = spawnSync('nm', ['-D', join(dir, 'build', 'Release', 'kafkit.node')], { encoding: 'utf8' }).stdout
    if (!symbols.includes('__asan_')) throw new Error('the addon in .cache/asan was built without AddressSanitizer')
    run('npx', ['vitest', 'run', ...TESTS], {
      env: {
        ...process.env,
        ...addresses,
        KAFKIT_ADDON_PATH: join(dir, 'build', 'Release', 'kafkit.node'),
        LD_PRELOAD: libasan,
        ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
      },
    })
  } finally {
    if (clusterDir) {
      await down({ dir: clusterDir })
      rmSync(clusterDir, { recursive: true, force: true })
    }
  }
}

const TESTS = [
  'test/unit/native',
  'test/unit/producer/faults.test.ts',
  'test/unit/testing',
  'test/integration/producer-delivery.test.ts',
  'test/integration/producer-transactions.test.ts',
  'test/integration/producer-lifecycle.test.ts',
  'test/integration/transaction-offsets.test.ts',
  'test/integration/consumer-delivery.test.ts',
  'test/integration/consumer-control.test.ts',
  'test/integration/consumer-observability.test.ts',
]

main().catch((error) => {
  process.stderr.write(`test-asan: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
