/**
 * Installs kafkit the way a user does: `npm pack`, then `npm install <tarball>` into an empty project (npm's
 * defaults, plus the install-script approvals README asks for where npm supports them), then produces, reads back and
 * uses Admin from that project. No `npm rebuild` in between: kafkit's addon must build in the same install, whichever
 * order npm runs the install scripts in.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { brokers, uniqueName } from './helpers/kafka.js'

const ROOT = resolve(import.meta.dirname, '..', '..')

describe('npm install kafkit', () => {
  const project = mkdtempSync(join(tmpdir(), 'kafkit-install-'))
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('gives a working Producer, Consumer and Admin in one step from the packed tarball', () => {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    const tarball = join(project, packed.trim().split('\n').pop()!)
    const app = { name: 'app', version: '1.0.0', type: 'module', private: true }
    writeFileSync(join(project, 'package.json'), JSON.stringify(app))
    // npm 11.19+ lists in package.json's allowScripts which dependencies may run install scripts, and with
    // --strict-allow-scripts refuses to install while one is not listed. README says kafkit needs exactly two: its
    // addon's build and node-rdkafka's build of librdkafka. Where npm has the option, the install proves that: refused
    // first, naming those two, then done with them listed (a tarball is listed by its `file:` spec, a registry
    // install by name). An older npm runs every install script; the install is then npm's plain one.
    const strict = spawnSync('npm', ['config', 'get', 'strict-allow-scripts'], { encoding: 'utf8' }).stdout.trim()
    const strictFlags = strict === 'false' || strict === 'true' ? ['--strict-allow-scripts'] : []
    console.log(`[install test] npm ${strictFlags.length > 0 ? 'with' : 'without'} --strict-allow-scripts`)
    if (strictFlags.length > 0) {
      const refused = spawnSync('npm', ['install', '--no-audit', '--no-fund', ...strictFlags, tarball], {
        cwd: project,
        encoding: 'utf8',
      })
      expect(refused.status, refused.stderr).not.toBe(0)
      const unapproved = [...refused.stderr.matchAll(/^npm error\s+(@?[^@\s]+)@\S+ \(/gm)].map((match) => match[1])
      expect(unapproved.sort()).toEqual(['kafkit', 'node-rdkafka'])
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ ...app, allowScripts: { [`file:${tarball}`]: true, 'node-rdkafka': true } }),
      )
    }
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', ...strictFlags, tarball], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(install.status, install.stderr).toBe(0)

    const topic = uniqueName('install')
    writeFileSync(
      join(project, 'app.js'),
      `
      import { Admin, Consumer, Producer } from 'kafkit'
      const brokers = process.env.KAFKA_BROKERS
      const admin = new Admin({ brokers })
      await admin.connect()
      await admin.createTopics([{ topic: ${JSON.stringify(topic)}, partitions: 1 }])
      const producer = new Producer({ brokers })
      await producer.connect()
      const report = await producer.send({ topic: ${JSON.stringify(topic)}, value: 'hello from a fresh install' })
      await producer.disconnect()
      const consumer = new Consumer({ brokers, groupId: 'install-' + Date.now(), fromBeginning: true })
      await consumer.connect()
      await consumer.subscribe({ topics: [${JSON.stringify(topic)}] })
      for await (const message of consumer) {
        console.log(JSON.stringify({ offset: report.offset, value: message.value.toString() }))
        break
      }
      await consumer.disconnect()
      await admin.disconnect()
    `,
    )
    const run = spawnSync(process.execPath, ['app.js'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, KAFKA_BROKERS: brokers() },
      timeout: 60_000,
    })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({
      offset: '0',
      value: 'hello from a fresh install',
    })
  }, 600_000)

  it('installs no schema registry library (an optional peer); using a registry says which package to install', () => {
    // Runs in the project the first test installed into, with npm's defaults: optional peers are not installed.
    expect(existsSync(join(project, 'node_modules', '@confluentinc', 'schemaregistry'))).toBe(false)
    expect(existsSync(join(project, 'node_modules', '@aws-sdk'))).toBe(false)
    expect(existsSync(join(project, 'node_modules', '@azure'))).toBe(false)
    writeFileSync(
      join(project, 'registry.mjs'),
      `
      import { SchemaRegistry, serdes } from 'kafkit'
      const registry = new SchemaRegistry({ url: 'http://127.0.0.1:9/apis/ccompat/v7' })
      const failed = (promise) => promise.then(() => undefined, (error) => ({ code: error.code, message: error.message }))
      console.log(JSON.stringify({
        registry: await failed(registry.listSubjects()),
        avro: await failed(serdes.avro({ registry, schema: { type: 'string' } }).serialize('x', { topic: 't', field: 'value' })),
        jsonSchema: await failed(serdes.jsonSchema({ registry, schema: { type: 'string' } }).serialize('x', { topic: 't', field: 'value' })),
      }))
    `,
    )
    const run = spawnSync(process.execPath, ['registry.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 })
    expect(run.status, run.stderr).toBe(0)
    const seen = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, { code: string; message: string }>
    for (const failure of Object.values(seen)) {
      expect(failure.code).toBe('ERR_MISSING_DEPENDENCY')
      expect(failure.message).toContain('npm install @confluentinc/schemaregistry@')
    }
  }, 120_000)

  it('works from CommonJS: require() of kafkit and kafkit/testing in the same install', () => {
    // Runs after the test above, in the project it installed into; Node >= 20.19 and >= 22.12 require() ES modules.
    const topic = uniqueName('install-cjs')
    writeFileSync(
      join(project, 'app.cjs'),
      `
      const { Admin, Consumer, Producer, serdes } = require('kafkit')
      const { MockCluster } = require('kafkit/testing')
      async function main() {
        const brokers = process.env.KAFKA_BROKERS
        const admin = new Admin({ brokers })
        await admin.connect()
        await admin.createTopics([{ topic: ${JSON.stringify(topic)}, partitions: 1 }])
        const producer = new Producer({ brokers, value: serdes.string() })
        await producer.connect()
        await producer.send({ topic: ${JSON.stringify(topic)}, value: 'hello from CommonJS' })
        await producer.disconnect()
        const consumer = new Consumer({ brokers, groupId: 'install-cjs-' + Date.now(), fromBeginning: true, value: serdes.string() })
        await consumer.connect()
        await consumer.subscribe({ topics: [${JSON.stringify(topic)}] })
        for await (const message of consumer) {
          console.log(JSON.stringify({ value: message.value, mock: typeof MockCluster.start }))
          break
        }
        await consumer.disconnect()
        await admin.disconnect()
      }
      main().catch((error) => { console.error(error); process.exit(1) })
    `,
    )
    const run = spawnSync(process.execPath, ['app.cjs'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, KAFKA_BROKERS: brokers() },
      timeout: 60_000,
    })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ value: 'hello from CommonJS', mock: 'function' })
  }, 120_000)

  it('kafkit/otel needs the optional peer @opentelemetry/api, which the install above did not bring', () => {
    // Runs after the tests above, in the project they installed into.
    writeFileSync(
      join(project, 'otel.cjs'),
      `
      require('kafkit')
      let missing = 'loaded'
      try { require('kafkit/otel') } catch (error) { missing = error.code + ' ' + (String(error.message).includes('@opentelemetry/api')) }
      console.log(missing)
    `,
    )
    const without = spawnSync(process.execPath, ['otel.cjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 })
    expect(without.status, without.stderr).toBe(0)
    expect(without.stdout.trim()).toMatch(/^ERR_MODULE_NOT_FOUND true$|^MODULE_NOT_FOUND true$/)

    const peer = spawnSync('npm', ['install', '--no-audit', '--no-fund', '@opentelemetry/api@1.9.1'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(peer.status, peer.stderr).toBe(0)
    writeFileSync(
      join(project, 'otel.mjs'),
      `
      import { instrumentKafkit } from 'kafkit/otel'
      const { instrumentKafkit: required } = (await import('node:module')).createRequire(import.meta.url)('kafkit/otel')
      instrumentKafkit().disable()
      console.log(typeof instrumentKafkit, required === instrumentKafkit)
    `,
    )
    const withPeer = spawnSync(process.execPath, ['otel.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 })
    expect(withPeer.status, withPeer.stderr).toBe(0)
    expect(withPeer.stdout.trim()).toBe('function true')
  }, 120_000)
})
