/**
 * The consume-transform-produce scenario's shared parts: the transform every client applies and the output topic.
 * Runners count with `ConsumeTracker`: `started()` at the first input, `batch()` once inputs are carried through
 * (outputs acknowledged, or committed with the inputs' offsets).
 * @module
 */
import type { RunSpec } from '../lib/protocol.js'

/** The transform: a new value holding the input's bytes in reverse order (the same work for every client). */
export function transform(value: Buffer | null | undefined): Buffer {
  return value ? Buffer.from(value).reverse() : Buffer.alloc(0)
}

/** The output topic of a pipeline run, or an error naming what the orchestrator forgot. */
export function outputTopic(spec: RunSpec): string {
  if (!spec.outputTopic) throw new Error('the pipeline scenario needs spec.outputTopic')
  return spec.outputTopic
}
