/**
 * avsc, loaded on first use. Importing kafkit does not load it (about 40 ms of CPU at start-up) unless a program
 * uses Avro.
 * @module
 */
import { createRequire } from 'node:module'
import type * as Avsc from 'avsc'

let loaded: typeof Avsc | undefined

/** The avsc module (loaded by the first call). */
export function avsc(): typeof Avsc {
  return (loaded ??= createRequire(import.meta.url)('avsc') as typeof Avsc)
}
