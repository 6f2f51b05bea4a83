/**
 * Which client runs which scenario through which API, and what the tables call it.
 * @module
 */
import type { ClientId, ScenarioId } from './protocol.js'
import type { RowPlan } from './results.js'

/** Display names of the clients. */
export const CLIENT_NAMES: Readonly<Record<ClientId, string>> = Object.freeze({
  kafkit: 'kafkit',
  rdkafka: 'node-rdkafka (raw)',
  'ckjs-rdkafka': 'confluent, rdkafka API',
  'ckjs-kafkajs': 'confluent, KafkaJS API',
  kafkajs: 'KafkaJS',
  platformatic: '@platformatic/kafka',
  c: 'librdkafka C (limit)',
  java: 'Java client (limit)',
})

/** Scenario titles. */
export const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = Object.freeze({
  produce: '1. Producer saturation',
  'produce-awaited': '2a. Producer, awaited sends, bounded concurrency',
  'produce-batch': '2b. Producer, batch sends',
  consume: '3. Consumer, fresh group from the beginning',
  avro: '4. Avro with Schema Registry vs raw bytes',
  latency: '5. End-to-end latency at a fixed rate',
  backpressure: '6. Memory under back-pressure (throttled broker)',
  pipeline: '7. Consume-transform-produce: exactly-once vs at-least-once',
})

type Entry = readonly [ClientId, string, string]

/** [client, variant, API shown in the label] per scenario, in table order. */
const ROWS: Readonly<Record<ScenarioId, readonly Entry[]>> = Object.freeze({
  produce: [
    ['kafkit', 'send', 'send()'],
    ['rdkafka', 'produce', 'produce() + poll'],
    ['ckjs-rdkafka', 'produce', 'produce() + poll'],
    ['ckjs-kafkajs', 'send', 'send()'],
    ['kafkajs', 'send', 'send()'],
    ['platformatic', 'send', 'send()'],
    ['c', 'produce', 'rdkafka_performance -P'],
    ['java', 'produce', 'ProducerPerformance'],
  ],
  'produce-awaited': [
    ['kafkit', 'send', 'await send()'],
    ['rdkafka', 'produce', 'produce() + report promise'],
    ['ckjs-rdkafka', 'produce', 'produce() + report promise'],
    ['ckjs-kafkajs', 'send', 'await send()'],
    ['kafkajs', 'send', 'await send()'],
    ['platformatic', 'send', 'await send()'],
  ],
  'produce-batch': [
    ['kafkit', 'sendBatch', 'sendBatch()'],
    ['ckjs-kafkajs', 'sendBatch', 'send(messages)'],
    ['kafkajs', 'sendBatch', 'send(messages)'],
    ['platformatic', 'sendBatch', 'send(messages)'],
  ],
  consume: [
    ['kafkit', 'eachBatch', 'eachBatch'],
    ['kafkit', 'eachMessage', 'eachMessage'],
    ['kafkit', 'iterator', 'for await'],
    ['rdkafka', 'consume', 'consume(n) loop'],
    ['rdkafka', 'consume-tuned', 'consume(n), fetch.queue.backoff.ms=10'],
    ['ckjs-rdkafka', 'consume', 'consume(n) loop'],
    ['ckjs-kafkajs', 'eachBatch', 'eachBatch'],
    ['ckjs-kafkajs', 'eachMessage', 'eachMessage'],
    ['kafkajs', 'eachBatch', 'eachBatch'],
    ['kafkajs', 'eachMessage', 'eachMessage'],
    ['platformatic', 'stream', 'stream'],
    ['c', 'consume', 'rdkafka_performance -C -G'],
    ['java', 'consume', 'ConsumerPerformance'],
  ],
  avro: [
    ['kafkit', 'avro', 'Avro serde, produce+consume'],
    ['kafkit', 'raw', 'raw bytes, produce+consume'],
    ['ckjs-kafkajs', 'avro', 'Avro serde, produce+consume'],
    ['ckjs-kafkajs', 'raw', 'raw bytes, produce+consume'],
  ],
  latency: [
    ['kafkit', 'eachMessage', 'send() -> eachMessage'],
    ['rdkafka', 'flowing', "produce() -> 'data'"],
    ['ckjs-rdkafka', 'flowing', "produce() -> 'data'"],
    ['ckjs-kafkajs', 'eachMessage', 'send() -> eachMessage'],
    ['kafkajs', 'eachMessage', 'send() -> eachMessage'],
    ['platformatic', 'stream', 'send() -> stream'],
  ],
  backpressure: [
    ['kafkit', 'send', 'send() un-awaited'],
    ['rdkafka', 'produce', 'produce() + poll on QUEUE_FULL'],
    ['ckjs-rdkafka', 'produce', 'produce() + poll on QUEUE_FULL'],
    ['ckjs-kafkajs', 'send', 'send() un-awaited'],
    ['kafkajs', 'send', 'send() un-awaited'],
    ['platformatic', 'send', 'send() un-awaited'],
  ],
  pipeline: [
    ['kafkit', 'processor', 'Processor, exactly-once'],
    ['kafkit', 'processor-per-partition', 'Processor, exactly-once, partitionsPerTransaction 1'],
    ['kafkit', 'at-least-once', 'eachBatch + sendBatch(), at-least-once'],
    ['rdkafka', 'at-least-once', 'consume(n) + produce + flush + offsetsStore, at-least-once'],
    ['ckjs-kafkajs', 'transaction', 'eachBatch + transaction, exactly-once'],
    ['kafkajs', 'transaction', 'eachBatch + transaction, exactly-once'],
  ],
})

/** The rows of a scenario for the chosen clients; `unavailable` says why a client cannot run here. */
export function planRows(
  scenario: ScenarioId,
  clients: readonly ClientId[],
  unavailable: (client: ClientId, scenario: ScenarioId) => string | undefined,
): RowPlan[] {
  return ROWS[scenario]
    .filter(([client]) => clients.includes(client))
    .map(([client, variant, api]) => ({
      scenario,
      client,
      variant,
      label: client === 'c' || client === 'java' ? CLIENT_NAMES[client] : `${CLIENT_NAMES[client]} ${api}`,
      unavailable: unavailable(client, scenario),
    }))
}

/** Which of a client's rows a sweep runs, where it is not the client's first: raw node-rdkafka's best consumer. */
const SWEEP_VARIANTS: Readonly<Partial<Record<ScenarioId, Partial<Record<ClientId, string>>>>> = Object.freeze({
  consume: { rdkafka: 'consume-tuned' },
})

/**
 * The rows of a sweep point: one row per chosen client (its first API in the scenario's table, or the one
 * {@link SWEEP_VARIANTS} names), in table order, so every chart line is one client.
 */
export function sweepRows(
  scenario: ScenarioId,
  clients: readonly ClientId[],
  unavailable: (client: ClientId, scenario: ScenarioId) => string | undefined,
): RowPlan[] {
  const rows = planRows(scenario, clients, unavailable)
  return rows.filter((row, index) => {
    const wanted = SWEEP_VARIANTS[scenario]?.[row.client]
    return wanted === undefined
      ? rows.findIndex((other) => other.client === row.client) === index
      : row.variant === wanted
  })
}
