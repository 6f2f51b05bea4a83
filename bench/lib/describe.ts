/**
 * One-line descriptions of what a scenario or a sweep does with a run's parameters, shown in the tables, charts and
 * BENCHMARKS.md.
 * @module
 */
import { topicReplication } from './cluster.js'
import type { BenchOptions } from './options.js'
import type { ScenarioId } from './protocol.js'
import type { SweepAxis, SweepScenarioId } from './sweep.js'
import { formatCount } from './table.js'

function describeProducer(o: BenchOptions): string {
  return `${o.producer.idempotent ? 'idempotent, ' : ''}acks=${o.producer.acks === -1 ? 'all' : o.producer.acks}, ${o.producer.compression === 'none' ? 'no compression' : o.producer.compression}, linger.ms=${o.producer.lingerMs}`
}

/** Replication, when the cluster has several brokers; empty on one. */
function describeReplication(o: BenchOptions): string {
  const replication = topicReplication(o.nodes)
  if (o.nodes <= 1) return ''
  return `, ${o.nodes} brokers, replication factor ${replication.replicationFactor}${replication.minInsyncReplicas === undefined ? '' : `, min.insync.replicas=${replication.minInsyncReplicas}`}`
}

/** One line saying what stays fixed along a sweep. */
export function describeSweep(axis: SweepAxis, scenario: SweepScenarioId, o: BenchOptions): string {
  const codec = o.producer.compression === 'none' ? 'no compression' : o.producer.compression
  const fixed =
    axis === 'size'
      ? `${o.partitions} partitions, ${codec}`
      : axis === 'partitions'
        ? `${o.messageSize}-byte values, ${codec}`
        : `${o.messageSize}-byte values, ${o.partitions} partitions`
  const producer = `${o.producer.idempotent ? 'idempotent, ' : ''}acks=${o.producer.acks === -1 ? 'all' : o.producer.acks}, linger.ms=${o.producer.lingerMs}`
  return scenario === 'produce'
    ? `${fixed}${describeReplication(o)}; ${producer}; send without awaiting each, then flush`
    : `${fixed}${describeReplication(o)}; topic pre-produced by raw node-rdkafka (${producer}); fresh group from the earliest offset; first message to last`
}

/** One line saying what a scenario does with this run's parameters. */
export function describeScenario(id: ScenarioId, o: BenchOptions): string {
  const producer = describeProducer(o)
  const size = `${o.messageSize}-byte values, ${o.partitions} partitions${describeReplication(o)}`
  switch (id) {
    case 'produce':
      return `${formatCount(o.messages)} x ${size}, ${producer}; send without awaiting each, then flush`
    case 'produce-awaited':
      return `${formatCount(o.awaitedMessages)} x ${size}, ${producer}; await each send, ${o.concurrency} in flight`
    case 'produce-batch':
      return `${formatCount(o.awaitedMessages)} x ${size}, ${producer}; ${o.batchSize} messages per call, ${o.concurrency} messages in flight`
    case 'consume':
      return `${formatCount(o.messages)} pre-produced ${size}; fresh group from the earliest offset; first message to last`
    case 'avro':
      return `${formatCount(o.avroMessages)} records, Avro via Schema Registry vs raw bytes`
    case 'latency':
      return `${formatCount(o.rate)} msgs/s for ${o.latencySeconds}s, ${size}, producer and consumer in one process; first 10% dropped as warm-up`
    case 'pipeline':
      return `${formatCount(o.pipelineMessages)} pre-produced ${size} read by a fresh group, each value transformed and produced to a new topic (${producer}); first input to last output acknowledged (at-least-once) or committed (exactly-once)`
    case 'backpressure':
      return `${formatCount(o.backpressureMessages)} un-awaited sends of ${o.messageSize} bytes against a ${(o.quotaBytesPerSecond / 1e6).toFixed(0)} MB/s produce quota; lost = acknowledged but not in the topic`
  }
}
