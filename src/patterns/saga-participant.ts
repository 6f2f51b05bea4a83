/**
 * The participant side of a mediated saga: consumes commands, runs the local step and replies, exactly once.
 * @module
 */
import type { ClientOptions } from '../config/index.js'
import { serdes } from '../serde/index.js'
import type { TopicSerdeMap } from '../serde/types.js'
import { Processor } from './processor.js'
import type { ProcessorConsumerOptions, ProcessorContext, ProcessorProducerOptions } from './processor-options.js'
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the target of {@link} in TSDoc below
import type { ProcessorOptions } from './processor-options.js'
import type { SagaCommand, SagaMessage } from './saga-machine.js'

/** What a participant's step returns: success (with data the mediator folds into the saga state) or failure. */
export type SagaStepResult =
  { readonly ok: true; readonly data?: unknown } | { readonly ok: false; readonly reason: string }

/** Participant options. */
export interface SagaParticipantOptions<O extends TopicSerdeMap> extends Omit<ClientOptions, 'rdkafka'> {
  /** The participant's consumer group on the command topic. */
  groupId: string
  /** The participant's transactional id (one per instance). */
  transactionalId: string
  /** Where the mediator sends this participant's commands and compensations. */
  commandTopic: string
  /** The mediator's reply topic. */
  replyTopic: string
  /** Further topics the step writes to in the same transaction (its own events or ledger). @default none */
  output?: O
  /**
   * Runs a command (`kind: 'command'`, the result is the reply) or a compensation (`kind: 'compensation'`, no reply;
   * it may arrive for a step that timed out and never ran, so make it a no-op then).
   */
  handle(command: SagaCommand, ctx: ProcessorContext<O>): SagaStepResult | void | Promise<SagaStepResult | void>
  /** Consumer group session timeout, ms. @default 45000 */
  sessionTimeoutMs?: number
  /** Tuning of the participant's consumer, as {@link ProcessorOptions.consumer}. */
  consumer?: ProcessorConsumerOptions
  /** Tuning of the participant's producer, as {@link ProcessorOptions.producer}. */
  producer?: ProcessorProducerOptions
}

/**
 * Creates a participant: a {@link Processor} whose step outputs, reply and command offset commit in one
 * transaction, so a crash never charges twice nor loses a reply. Start it with `start()`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the empty TopicSerdeMap (no topic has its own serdes), not "any object"
export function sagaParticipant<O extends TopicSerdeMap = {}>(
  options: SagaParticipantOptions<O>,
): Processor<TopicSerdeMap, TopicSerdeMap> {
  // `rest` keeps the caller's `handle`; the Processor's own `handle` below replaces it and calls it as a method.
  const { commandTopic, replyTopic, output, ...rest } = options
  return new Processor<TopicSerdeMap, TopicSerdeMap>({
    ...rest,
    fromBeginning: true,
    input: { [commandTopic]: { key: serdes.string(), value: serdes.json<SagaCommand>() } },
    output: { ...(output ?? {}), [replyTopic]: { key: serdes.string(), value: serdes.json<SagaMessage>() } },
    handle: async (message, ctx) => {
      const command = message.value as unknown as SagaCommand | null
      if (command === null) return
      const result = await options.handle(command, ctx as unknown as ProcessorContext<O>)
      if (command.kind !== 'command') return
      const reply: SagaMessage =
        result === undefined || result.ok
          ? {
              kind: 'reply',
              sagaId: command.sagaId,
              step: command.step,
              ok: true,
              ...(result?.ok && result.data !== undefined ? { data: result.data } : {}),
            }
          : { kind: 'reply', sagaId: command.sagaId, step: command.step, ok: false, reason: result.reason }
      ctx.send({ topic: replyTopic, key: command.sagaId, value: reply } as never)
    },
  })
}
