/**
 * Pieces every client runner shares: the librdkafka properties the settings stand for, bounded concurrency, and
 * a clock for measured windows.
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'
import type { Outcome } from './runner.js'

/** librdkafka producer properties for the run's settings (also used for the C tool's `-X` flags). */
export function rdkafkaProducerProperties(spec: RunSpec): Record<string, string | number | boolean> {
  return {
    'bootstrap.servers': spec.brokers,
    'client.id': spec.clientId,
    'enable.idempotence': spec.producer.idempotent,
    acks: spec.producer.acks,
    'compression.codec': spec.producer.compression,
    'linger.ms': spec.producer.lingerMs,
    ...spec.security,
  }
}

/** librdkafka consumer properties for a fresh group reading from the beginning. */
export function rdkafkaConsumerProperties(spec: RunSpec): Record<string, string | number | boolean> {
  return {
    'bootstrap.servers': spec.brokers,
    'client.id': spec.clientId,
    'group.id': spec.groupId,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': true,
    ...spec.security,
  }
}

/**
 * Runs `task(i)` for i in [0, total) with at most `concurrency` tasks pending, stopping early once `stop()`
 * holds. Resolves with how many tasks were started.
 */
export async function boundedConcurrency(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
  stop: () => boolean,
): Promise<number> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < total && !stop()) {
      const index = next++
      await task(index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker))
  return next
}

/** A measured window: start it at the first send or first message, read it at the end. */
export class Stopwatch {
  private startedAt: number | undefined
  private stoppedAt: number | undefined

  /** Starts the window unless it has started. */
  start(): void {
    this.startedAt ??= performance.now()
  }

  /** Ends the window (the last call wins). */
  stop(): void {
    this.stoppedAt = performance.now()
  }

  /** Milliseconds between start and stop (or now, if not stopped). */
  elapsedMs(): number {
    if (this.startedAt === undefined) return 0
    return (this.stoppedAt ?? performance.now()) - this.startedAt
  }
}

/** Collects produce-to-handler latencies, reading the send time from each value. */
export class LatencyRecorder {
  readonly samples: number[] = []

  /** Records one message's latency given its send time and now. */
  record(sentAtMs: number, receivedAtMs: number): void {
    if (Number.isFinite(sentAtMs)) this.samples.push(receivedAtMs - sentAtMs)
  }
}

/**
 * Calls `send(sentAtMs)` `total` times at `rate` per second, stamping each with the time it was scheduled for
 * (not when the timer fired), so a client that falls behind shows its delay instead of hiding it.
 */
export async function paced(
  total: number,
  rate: number,
  send: (scheduledAtMs: number) => void,
  stop: () => boolean,
): Promise<number> {
  const origin = performance.timeOrigin
  const start = performance.now()
  let sent = 0
  while (sent < total && !stop()) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000))
    while (sent < due) {
      send(origin + start + (sent * 1000) / rate)
      sent++
    }
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return sent
}

/**
 * The Avro scenario's figure: records through both halves (produce, then consume) over the two windows added up,
 * so serialization and deserialization both count.
 */
export function combineRoundTrip(produced: Outcome, consumed: Outcome): Outcome {
  const note = [produced.note, consumed.note].filter(Boolean).join('; ')
  return {
    messages: Math.min(produced.messages, consumed.messages),
    // Decoded records have no byte size: no MB/s then, rather than a misleading 0.
    bytes: consumed.bytes > 0 ? consumed.bytes : Number.NaN,
    elapsedMs: produced.elapsedMs + consumed.elapsedMs,
    completed: produced.completed && consumed.completed,
    errors: produced.errors + consumed.errors,
    ...(note ? { note } : {}),
  }
}
