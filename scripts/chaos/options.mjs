// What a chaos run does by default, the topics and groups it uses, and the order of its faults.
import { join } from 'node:path'
import { ROOT } from '../cluster-lib.mjs'

/** The topic the producers write and both groups read. */
export const INPUT = 'chaos-in'
/** The topic the exactly-once Processors write. */
export const OUTPUT = 'chaos-out'
/** Partitions of both topics. */
export const PARTITIONS = 6
/** The at-least-once consumer group. */
export const ALO_GROUP = 'chaos-alo'
/** The exactly-once Processors' group. */
export const EOS_GROUP = 'chaos-eos'

/** Defaults of {@link runChaos}; the CLI and the test override some. */
export const CHAOS_DEFAULTS = Object.freeze({
  /** Seconds of the fault phase (faults are spread over it; it lasts longer if the faults need more). */
  durationS: 120,
  brokerKills: 2,
  /** SIGSTOPs of a broker for `brokerStopMs`, past the brokers' and the groups' session timeouts. */
  brokerStops: 1,
  /** SIGKILLs of an at-least-once group member, each replaced. */
  consumerKills: 2,
  /** SIGKILLs of an exactly-once Processor, each replaced (same transactionalId). */
  processorKills: 2,
  /** Messages per second, all producers together. */
  rate: 200,
  producers: 2,
  /**
   * The producers' `max.in.flight.requests.per.connection`. With several requests in flight, librdkafka (through
   * 2.12 at least) answers a broker's OUT_OF_ORDER_SEQUENCE_NUMBER for a request queued behind a failed one by
   * bumping the producer epoch and re-sending, which can write a record twice after a broker crash
   * (confluentinc/librdkafka#4953). One request in flight is the setting docs/producer.md gives for no duplicates;
   * `--in-flight 5` (librdkafka's default with idempotence) reproduces the fault.
   */
  producerInFlight: 1,
  consumers: 2,
  processors: 2,
  /** How long a SIGKILLed broker stays down before it is restarted. */
  brokerDownMs: 5_000,
  brokerStopMs: 20_000,
  /** Session timeout of both groups (the brokers fence a silent broker after 9 s, Kafka's default). */
  sessionTimeoutMs: 10_000,
  autoCommitIntervalMs: 1_000,
  /** Least time between the end of one fault's recovery and the next fault (a group settles after a kill). */
  minGapMs: 15_000,
  /**
   * A liveness probe, off by default: a group member owning a partition whose committed offset has not moved for
   * `stallMs` while records wait is SIGKILLed and replaced, as a supervisor would. Every such restart is counted in
   * the table; without the probe a stalled member makes the run fail to converge.
   */
  restartStalled: false,
  stallMs: 45_000,
  /** How long the end phase waits for consumers and Processors to reach the end of the input. */
  convergeTimeoutMs: 300_000,
  /** The Processors' partitionsPerTransaction (transactions shared by partitions); `undefined` keeps its default. */
  partitionsPerTransaction: /** @type {number | undefined} */ (undefined),
  /** The kafkit module the children import. */
  kafkit: join(ROOT, 'dist', 'index.js'),
  /** Keep the run's directory (events.log, broker logs) afterwards; it is always kept when a check failed. */
  keepDir: false,
})

/**
 * The faults in order: each kind spread evenly over the run, so kinds interleave (kill a broker, kill a member,
 * stop a broker, kill a Processor, ...).
 * @param {{ brokerKills: number, brokerStops: number, consumerKills: number, processorKills: number }} opts
 */
export function planFaults(opts) {
  /** @type {Array<{ kind: string, position: number }>} */
  const all = []
  const add = (/** @type {string} */ kind, /** @type {number} */ n, /** @type {number} */ phase) => {
    for (let i = 0; i < n; i++) all.push({ kind, position: (i + phase) / n })
  }
  add('broker-kill', opts.brokerKills, 0.2)
  add('consumer-kill', opts.consumerKills, 0.4)
  add('broker-stop', opts.brokerStops, 0.6)
  add('processor-kill', opts.processorKills, 0.8)
  return all.sort((a, b) => a.position - b.position).map((f) => f.kind)
}
