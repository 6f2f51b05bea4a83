#!/usr/bin/env node
// Local real Kafka cluster (KRaft) + Apicurio schema registry for tests and benchmarks. See scripts/cluster-lib.mjs.
// Usage:
//   node scripts/cluster.mjs up [--nodes N] [--no-registry] [--tls] [--dir D]
//                                                   start, wait until ready, print addresses; --tls adds an SSL
//                                                   listener per node (certificates made by keytool in <dir>/tls)
//   node scripts/cluster.mjs down [--dir D]                             stop what `up` started, delete the data
//   node scripts/cluster.mjs status [--dir D]                           state and whether each process is alive
//   node scripts/cluster.mjs stop-node <id> [--kill] [--dir D]          SIGTERM (or SIGKILL) one node
//   node scripts/cluster.mjs start-node <id> [--dir D]                  restart it with the same ports and data
// The state dir defaults to $KAFKIT_CLUSTER_DIR, else <repo>/.cluster. `up --nodes 0` starts only the registry.
import { parseArgs } from 'node:util'
import { down, readState, startNode, status, stopNode, up } from './cluster-lib.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    nodes: { type: 'string', default: '1' },
    'no-registry': { type: 'boolean', default: false },
    tls: { type: 'boolean', default: false },
    dir: { type: 'string' },
    kill: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
const [command, arg] = positionals
const dir = values.dir

/** @param {number} ms */
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`

/** @param {string | undefined} s */
function nodeId(s) {
  const id = Number(s)
  if (!Number.isInteger(id) || id < 1) throw new Error(`expected a node id (1, 2, ...), got ${s ?? 'nothing'}`)
  return id
}

async function main() {
  switch (values.help ? 'help' : command) {
    case 'up': {
      const state = await up({ nodes: Number(values.nodes), registry: !values['no-registry'], tls: values.tls, dir })
      if (values.json) return console.log(JSON.stringify(state, null, 2))
      const t = state.timings
      if (state.nodes.length > 0) {
        console.log(`KAFKA_BROKERS=${state.bootstrap}`)
      }
      if (state.tls) {
        console.log(`KAFKA_TLS_BROKERS=${state.tls.bootstrap}`)
        console.log(`KAFKA_TLS_CA=${state.tls.caPem}`)
      }
      if (state.registry) console.log(`SCHEMA_REGISTRY_URL=${state.registry.url}`)
      console.log(`KAFKIT_CLUSTER_DIR=${state.dir}`)
      if (state.tls)
        console.log(`# mutual TLS: ssl: { ca, cert: ${state.tls.clientCertPem}, key: ${state.tls.clientKeyPem} }`)
      const parts = []
      if (state.nodes.length > 0) {
        parts.push(`Kafka ${state.kafkaVersion}, ${state.nodes.length} node(s) ready in ${secs(t.kafkaMs ?? 0)}`)
      }
      if (state.registry) parts.push(`Apicurio ${state.apicurioVersion} ready in ${secs(t.registryMs ?? 0)}`)
      parts.push(`up took ${secs(t.totalMs)} in all`)
      console.log(`# ${parts.join('; ')}`)
      return
    }
    case 'down': {
      const state = await down({ dir })
      console.log(state ? `stopped and removed the cluster in ${state.dir}` : 'no cluster state found; nothing stopped')
      return
    }
    case 'status': {
      const s = await status({ dir })
      if (!s) {
        console.log('no cluster')
        process.exitCode = 1
        return
      }
      if (values.json) return console.log(JSON.stringify(s, null, 2))
      console.log(`dir:       ${s.dir}`)
      console.log(`bootstrap: ${s.bootstrap || '(no Kafka)'}  (Kafka ${s.kafkaVersion}, started ${s.startedAt})`)
      for (const n of s.nodes) {
        console.log(
          `node ${n.id}:    port ${n.port}${n.sslPort ? `, ssl ${n.sslPort}` : ''}, controller ${n.controllerPort}, pid ${n.pid ?? '-'} ` +
            `${n.alive ? 'alive' : 'DOWN'}, log ${n.logFile}`,
        )
      }
      if (s.registry) {
        console.log(
          `registry:  ${s.registry.url}, pid ${s.registry.pid ?? '-'} ${s.registry.alive ? 'alive' : 'DOWN'}, ` +
            `log ${s.registry.logFile}`,
        )
      }
      return
    }
    case 'stop-node': {
      const id = nodeId(arg)
      await stopNode(id, { dir, kill: values.kill })
      console.log(`node ${id} stopped (${values.kill ? 'SIGKILL' : 'SIGTERM'})`)
      return
    }
    case 'start-node': {
      const id = nodeId(arg)
      const t = Date.now()
      const state = await startNode(id, { dir })
      console.log(`node ${id} back in the metadata of ${state.bootstrap} after ${secs(Date.now() - t)}`)
      return
    }
    case 'env': {
      // For `eval "$(node scripts/cluster.mjs env)"` against a running cluster.
      const state = await readState(dir)
      if (!state) throw new Error('no cluster')
      console.log(`export KAFKA_BROKERS=${state.bootstrap}`)
      if (state.tls)
        console.log(`export KAFKA_TLS_BROKERS=${state.tls.bootstrap}\nexport KAFKA_TLS_CA=${state.tls.caPem}`)
      if (state.registry) console.log(`export SCHEMA_REGISTRY_URL=${state.registry.url}`)
      console.log(`export KAFKIT_CLUSTER_DIR=${state.dir}`)
      return
    }
    default:
      console.log(
        'usage: node scripts/cluster.mjs up|down|status|env|stop-node <id>|start-node <id> ' +
          '[--nodes N] [--no-registry] [--tls] [--kill] [--dir D] [--json]',
      )
      if (!values.help) process.exitCode = 2
  }
}

main().catch((err) => {
  console.error(`cluster: ${err instanceof Error ? err.message : err}`)
  process.exitCode = 1
})
