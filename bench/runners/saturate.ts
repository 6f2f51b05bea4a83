/**
 * Saturation and awaited-send loops for promise-based producers (kafkit, KafkaJS, the Confluent KafkaJS API,
 * @platformatic/kafka), so that each client is driven by exactly the same code.
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'
import { boundedConcurrency, Stopwatch } from './common.js'
import { delay, type Outcome, type RunContext } from './runner.js'

/** Sends one value; resolves when the broker has acknowledged it. */
export type SendOne = (value: Buffer, index: number) => Promise<unknown>
/** Sends several values in one call; resolves when all are acknowledged. */
export type SendMany = (values: Buffer[]) => Promise<unknown>

// How long outstanding sends may take after the deadline before the run reports what was acknowledged.
const DRAIN_AFTER_DEADLINE_MS = 3_000
const YIELD_EVERY = 1024

/**
 * Issues `spec.messages` sends without awaiting each (yielding to the event loop every 1024 so I/O proceeds),
 * then `flush()`, then waits until every send has settled: saturation throughput.
 */
export async function saturate(
  spec: RunSpec,
  context: RunContext,
  send: SendOne,
  flush?: () => Promise<unknown>,
): Promise<Outcome> {
  let acked = 0
  let errors = 0
  let bytes = 0
  let outstanding = 0
  let firstError: unknown
  let drained: (() => void) | undefined
  const watch = new Stopwatch()
  watch.start()
  for (let issued = 0; issued < spec.messages; issued++) {
    const value = context.pool[issued % context.pool.length]!
    outstanding++
    // One then() with both callbacks: the harness adds as little as it can to each client's own per-send cost.
    send(value, issued).then(
      () => {
        acked++
        bytes += value.length
        if (--outstanding === 0) drained?.()
        if ((acked & 0xff) === 0) context.progress(acked)
      },
      (error: unknown) => {
        errors++
        firstError ??= error
        if (--outstanding === 0) drained?.()
      },
    )
    if (issued % YIELD_EVERY === YIELD_EVERY - 1) {
      await new Promise((resolve) => setImmediate(resolve))
      if (context.expired()) break
    }
  }
  if (flush) await Promise.race([flush(), context.deadline])
  if (outstanding > 0) {
    const allSettled = new Promise<void>((resolve) => {
      drained = resolve
    })
    await Promise.race([allSettled, context.deadline.then(() => delay(DRAIN_AFTER_DEADLINE_MS))])
  }
  watch.stop()
  return {
    messages: acked,
    bytes,
    elapsedMs: watch.elapsedMs(),
    completed: acked === spec.messages,
    errors,
    ...(firstError === undefined ? {} : { note: `first error: ${describe(firstError)}` }),
  }
}

/** Awaited sends with `spec.concurrency` in flight. */
export async function awaited(spec: RunSpec, context: RunContext, send: SendOne): Promise<Outcome> {
  let acked = 0
  let errors = 0
  let bytes = 0
  let firstError: unknown
  const watch = new Stopwatch()
  watch.start()
  await boundedConcurrency(
    spec.messages,
    spec.concurrency,
    async (index) => {
      const value = context.pool[index % context.pool.length]!
      try {
        await send(value, index)
        acked++
        bytes += value.length
      } catch (error) {
        errors++
        firstError ??= error
      }
      context.progress(acked)
    },
    context.expired,
  )
  watch.stop()
  return {
    messages: acked,
    bytes,
    elapsedMs: watch.elapsedMs(),
    completed: acked === spec.messages,
    errors,
    ...(firstError === undefined ? {} : { note: `first error: ${describe(firstError)}` }),
  }
}

/** Batch sends of `spec.batchSize`, with `spec.concurrency / spec.batchSize` calls in flight (same messages in flight as {@link awaited}). */
export async function batched(spec: RunSpec, context: RunContext, sendMany: SendMany): Promise<Outcome> {
  let acked = 0
  let errors = 0
  let bytes = 0
  let firstError: unknown
  const batches = Math.ceil(spec.messages / spec.batchSize)
  const watch = new Stopwatch()
  watch.start()
  await boundedConcurrency(
    batches,
    Math.max(1, Math.floor(spec.concurrency / spec.batchSize)),
    async (batch) => {
      const start = batch * spec.batchSize
      const values: Buffer[] = []
      for (let i = start; i < Math.min(spec.messages, start + spec.batchSize); i++)
        values.push(context.pool[i % context.pool.length]!)
      try {
        await sendMany(values)
        acked += values.length
        for (const value of values) bytes += value.length
      } catch (error) {
        errors += values.length
        firstError ??= error
      }
      context.progress(acked)
    },
    context.expired,
  )
  watch.stop()
  return {
    messages: acked,
    bytes,
    elapsedMs: watch.elapsedMs(),
    completed: acked === spec.messages,
    errors,
    ...(firstError === undefined ? {} : { note: `first error: ${describe(firstError)}` }),
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error).slice(0, 200)
}
