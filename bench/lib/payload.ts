/**
 * The message values every Node client sends: the same bytes for every client and run.
 * @module
 */

/** How many distinct values the pool holds: enough that compression cannot cheat on one repeated value. */
export const PAYLOAD_POOL_SIZE = 64

// mulberry32: a tiny seeded generator, so every process derives the same values without sharing files.
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:{}"'

/**
 * `PAYLOAD_POOL_SIZE` values of `size` bytes each, printable text drawn from a small alphabet (so compression
 * gains about what it gains on JSON, not the 100x of a repeated byte). Deterministic for a given size.
 */
export function payloadPool(size: number, seed = 7): Buffer[] {
  const next = generator(seed)
  const pool: Buffer[] = []
  for (let i = 0; i < PAYLOAD_POOL_SIZE; i++) {
    const value = Buffer.allocUnsafe(size)
    for (let j = 0; j < size; j++) value[j] = ALPHABET.charCodeAt(Math.floor(next() * ALPHABET.length))
    pool.push(value)
  }
  return pool
}

/** Writes the send time (ms, `performance.timeOrigin`-based) into the first 8 bytes of a copy of `value`. */
export function stampValue(value: Buffer, sentAtMs: number): Buffer {
  const copy = Buffer.from(value)
  if (copy.length >= 8) copy.writeDoubleLE(sentAtMs, 0)
  return copy
}

/** Reads the send time written by {@link stampValue}. */
export function readStamp(value: Buffer | null | undefined): number {
  return value && value.length >= 8 ? value.readDoubleLE(0) : Number.NaN
}

/** Milliseconds on a clock that all processes on this machine share (wall clock with sub-ms precision). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}
