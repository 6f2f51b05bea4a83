/**
 * What each of kafkit's diagnostics channels publishes.
 * @module
 */
import type { ConsumerStats, RebalanceEvent } from '../consumer/types.js'
import type { KafkaAggregateError, KafkaError } from '../errors/kafka-error.js'
import type { SagaStatus } from '../patterns/saga-machine.js'
import type { DeliveryReport, RdkafkaStats } from '../producer/types.js'

/** `kafkit:producer:error`: a failed delivery (with its topic) or a client error librdkafka reported. */
export interface ProducerErrorPayload {
  readonly error: KafkaError
  /** The record's topic, for a failed delivery. */
  readonly topic?: string
}

/** `kafkit:consumer:message`: a message handed to a handler. */
export interface ConsumerMessagePayload {
  readonly topic: string
  readonly partition: number
  /** The message's offset, a decimal string. */
  readonly offset: string
}

/**
 * `kafkit:consumer:error`: a client error, a failed background commit or hook, or a message given up on. `action`
 * says what the consumer did about a message it gave up on: skipped it, sent it to the dead-letter topic, or stopped.
 */
export interface ConsumerErrorPayload {
  readonly error: KafkaError
  readonly action?: 'skip' | 'deadLetter' | 'stop'
}

/** `kafkit:consumer:commit`: every commit result, kafkit's and librdkafka's automatic ones. */
export interface ConsumerCommitPayload {
  /** The committed offsets; `offset` is a decimal string, `null` when librdkafka gave none. */
  readonly offsets: ReadonlyArray<{
    readonly topic: string
    readonly partition: number
    readonly offset: string | null
  }>
  /** Why the commit failed; `undefined` when it succeeded. */
  readonly error: KafkaError | undefined
}

/** `kafkit:admin:request`: one `Admin` call, after its last attempt. */
export interface AdminRequestPayload {
  /** The method, e.g. `createTopics`. */
  readonly operation: string
  /** From the call until its result, retries included, ms. */
  readonly durationMs: number
  readonly attempts: number
  /** Why it failed, when it did. */
  readonly error?: KafkaError | KafkaAggregateError
}

/** `kafkit:admin:error`: a client-level librdkafka error of an `Admin` (brokers down, authentication...). */
export interface AdminErrorPayload {
  readonly error: KafkaError
}

/** `kafkit:admin:log`: one librdkafka log line of an `Admin`. */
export interface AdminLogPayload {
  /** syslog level: 0 emergency ... 7 debug. */
  readonly level: number
  /** librdkafka's facility, e.g. `BROKER`. */
  readonly facility: string
  readonly message: string
}

/**
 * `kafkit:processor:transaction`: one message per partition of each processor transaction. `transaction` numbers
 * the processor's transactions, so messages with the same number are the partitions that committed (or aborted)
 * together.
 */
export interface ProcessorTransactionPayload {
  readonly groupId: string
  readonly transaction: number
  readonly topic: string
  readonly partition: number
  /** How many of the partition's messages the transaction carried. */
  readonly messages: number
  readonly outcome: 'commit' | 'abort'
  /** Why it aborted. */
  readonly error?: unknown
}

/** `kafkit:processor:error`: a client error of a processor's consumer or producer. */
export interface ProcessorErrorPayload {
  readonly groupId: string
  readonly error: KafkaError
}

/** `kafkit:router:event`: one routed event. */
export interface RouterEventPayload {
  /** The event's type, `null` when it has none. */
  readonly type: string | null
  readonly topic: string
  readonly partition: number
  readonly offset: string
  /** Whether a handler took it. */
  readonly handled: boolean
}

/** `kafkit:saga:transition`: a saga's committed transition. */
export interface SagaTransitionPayload {
  /** The saga definition's name. */
  readonly saga: string
  /** The saga instance's id. */
  readonly id: string
  readonly status: SagaStatus
  /** Index of the step whose reply is awaited, or where the saga ended. */
  readonly step: number
  /** Why it was compensated. */
  readonly reason: string | undefined
}

/** Each diagnostics channel's name and the type of what it publishes. */
export interface DiagnosticsChannelPayloads {
  'kafkit:producer:delivery': DeliveryReport
  'kafkit:producer:error': ProducerErrorPayload
  'kafkit:producer:stats': RdkafkaStats
  'kafkit:consumer:message': ConsumerMessagePayload
  'kafkit:consumer:error': ConsumerErrorPayload
  'kafkit:consumer:rebalance': RebalanceEvent
  'kafkit:consumer:commit': ConsumerCommitPayload
  'kafkit:consumer:stats': ConsumerStats
  'kafkit:admin:request': AdminRequestPayload
  'kafkit:admin:error': AdminErrorPayload
  'kafkit:admin:log': AdminLogPayload
  'kafkit:processor:transaction': ProcessorTransactionPayload
  'kafkit:processor:error': ProcessorErrorPayload
  'kafkit:router:event': RouterEventPayload
  'kafkit:saga:transition': SagaTransitionPayload
}

/** The name of one of kafkit's diagnostics channels. */
export type DiagnosticsChannelName = keyof DiagnosticsChannelPayloads
