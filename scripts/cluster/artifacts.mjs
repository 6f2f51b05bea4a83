// Kafka's jars and the Apicurio registry app, resolved by Maven through scripts/cluster/pom.xml into .cache/ once per
// version. A resolution goes to a private temp dir renamed into place, so concurrent processes never see half a copy.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { APICURIO_VERSION, CACHE, KAFKA_VERSION, POM } from './config.mjs'
import { tail } from './util.mjs'

const execFileAsync = promisify(execFile)

/**
 * Runs Maven once per version; later calls find the `.complete` marker. Resolution goes to a private temp dir that
 * is renamed into place, so a concurrent `up` in another process never sees a half-copied libs dir.
 * @returns {Promise<string>} the libs dir (for `-cp '<libs>/*'`)
 */
export async function ensureKafka(version = KAFKA_VERSION) {
  const home = join(CACHE, 'kafka', version)
  const libs = join(home, 'libs')
  if (existsSync(join(home, '.complete'))) return libs
  await mkdir(join(CACHE, 'kafka'), { recursive: true })
  const tmp = await mkdtemp(join(CACHE, 'kafka', `.${version}-`))
  try {
    await mvn([
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-Dkafka.version=${version}`,
      `-DoutputDirectory=${join(tmp, 'libs')}`,
    ])
    await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`)
    await publish(tmp, home)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  return libs
}

/**
 * The Maven artifact with classifier `all` is a tar.gz of a packaged Quarkus app, run with `java -jar`: 2.x ships
 * the "legacy-jar" layout (`apicurio-registry-app-<v>-runner.jar` + `lib/`), 3.x the "fast-jar" one
 * (`quarkus-run.jar` + `lib/ app/ quarkus/`). It is unpacked once into `.cache/apicurio/<version>`.
 * @returns {Promise<string>} path of the jar to run
 */
export async function ensureApicurio(version = APICURIO_VERSION) {
  const home = join(CACHE, 'apicurio', version)
  /** @param {string} base */
  const runnerIn = (base) =>
    [`apicurio-registry-app-${version}-runner.jar`, 'quarkus-run.jar']
      .map((name) => join(base, name))
      .find((file) => existsSync(file))
  if (existsSync(join(home, '.complete'))) {
    const runner = runnerIn(home)
    if (runner) return runner
  }
  await mkdir(join(CACHE, 'apicurio'), { recursive: true })
  const tmp = await mkdtemp(join(CACHE, 'apicurio', `.${version}-`))
  try {
    await mvn(['dependency:copy@apicurio', `-Dapicurio.version=${version}`, `-Dapicurio.outputDirectory=${tmp}`])
    const archive = join(tmp, `apicurio-registry-app-${version}-all.tar.gz`)
    await execFileAsync('tar', ['xzf', archive, '-C', tmp])
    await rm(archive)
    if (!runnerIn(tmp)) throw new Error(`apicurio-registry-app ${version}: no runner jar in the "all" archive`)
    await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`)
    await publish(tmp, home)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  return /** @type {string} */ (runnerIn(home))
}

/** @param {string[]} args */
async function mvn(args) {
  try {
    await execFileAsync('mvn', ['-q', '-B', '-f', POM, ...args], { maxBuffer: 64 << 20 })
  } catch (err) {
    const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (err)
    // eslint-disable-next-line preserve-caught-error -- the message carries the output's tail; as a cause, the whole captured output would be printed
    throw new Error(`mvn ${args[0]} failed: ${e.message}\n${tail(`${e.stdout ?? ''}${e.stderr ?? ''}`, 30)}`)
  }
}

/** @param {string} tmp @param {string} target */
async function publish(tmp, target) {
  try {
    await rename(tmp, target)
  } catch {
    // Another process won the race (target exists and is not empty): its copy is as good as ours.
    if (existsSync(join(target, '.complete'))) return
    // Renames are atomic, so a target without the marker is debris from something else: replace it.
    await rm(target, { recursive: true, force: true })
    await rename(tmp, target)
  }
}
