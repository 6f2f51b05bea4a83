/**
 * Types shared by the consumer and the admin client.
 * @module
 */

/** A partition of a topic. */
export interface TopicPartition {
  /** The topic. */
  readonly topic: string
  /** The partition number. */
  readonly partition: number
}
