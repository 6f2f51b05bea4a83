/**
 * The saga state machine: definitions, wire messages and the pure transition function the mediator applies to
 * each message of its reply topic.
 * @module
 */
import { ConfigError } from '../errors/kafka-error.js'

/** One step of a saga: a command to a participant, the reply that completes it, and how to undo it. */
export interface SagaStep<S> {
  /** The step's name, carried in commands and records. */
  readonly name: string
  /** The command that runs the step: its topic and its payload built from the saga state. */
  readonly command: {
    /** Where the command is sent (the participant's command topic). */
    readonly topic: string
    /** Builds the command's payload from the saga state. */
    build(state: S): unknown
  }
  /** The command that undoes the step once it succeeded, sent when a later step fails or times out. */
  readonly compensation?: {
    /** Where the compensation is sent. */
    readonly topic: string
    /** Builds the compensation's payload from the saga state. */
    build(state: S): unknown
  }
  /** How long the mediator waits for the reply before compensating, ms. @default no timeout */
  readonly timeoutMs?: number
  /** Folds a successful reply's data into the state. @default the state unchanged */
  onReply?(state: S, data: unknown): S
}

/** A saga: a name and its steps, run in order. */
export interface SagaDefinition<S> {
  /** The saga's name. */
  readonly name: string
  /** The steps, in order; at least one. */
  readonly steps: readonly SagaStep<S>[]
}

/** Where a saga is: running, or in one of its two terminal states. */
export type SagaStatus = 'running' | 'completed' | 'compensated'

/** A saga instance as stored in the state topic (keyed by saga id) and returned by queries. */
export interface SagaRecord<S> {
  /** The saga id. */
  readonly id: string
  /** Incremented by every transition: of two copies of a record, the higher version is the newer. */
  readonly version: number
  /** Running or terminal. */
  readonly status: SagaStatus
  /** Index of the step whose reply is awaited (running), or where it ended. */
  readonly step: number
  /** The saga state. */
  readonly state: S
  /** When the awaited step times out, ms since the epoch, or `null`. */
  readonly deadline: number | null
  /** Why it was compensated: the failing step's reason, or `timeout`. */
  readonly reason?: string
}

/** A command a mediator sends to a participant (JSON, keyed by saga id). */
export interface SagaCommand {
  readonly saga: string
  readonly sagaId: string
  readonly step: number
  readonly stepName: string
  /** `command` runs the step; `compensation` undoes it (no reply expected). */
  readonly kind: 'command' | 'compensation'
  readonly payload: unknown
}

/** What a mediator consumes from its reply topic (JSON, keyed by saga id). */
export type SagaMessage =
  | { readonly kind: 'start'; readonly sagaId: string; readonly state: unknown }
  | {
      readonly kind: 'reply'
      readonly sagaId: string
      readonly step: number
      readonly ok: boolean
      readonly data?: unknown
      readonly reason?: string
    }
  | { readonly kind: 'timeout'; readonly sagaId: string; readonly step: number }

/** What applying one message yields: the new record and the commands to send with it. */
export interface SagaTransition<S> {
  readonly record: SagaRecord<S>
  readonly commands: ReadonlyArray<{ readonly topic: string; readonly command: SagaCommand }>
}

/** Validates a saga definition and returns it, typed by its state. */
export function defineSaga<S>(definition: SagaDefinition<S>): SagaDefinition<S> {
  if (typeof definition?.name !== 'string' || definition.name === '')
    throw new ConfigError('saga.name', 'expected a non-empty string')
  if (!Array.isArray(definition.steps) || definition.steps.length === 0)
    throw new ConfigError('saga.steps', 'expected at least one step')
  definition.steps.forEach((step: SagaDefinition<S>['steps'][number], index) => {
    if (typeof step.command?.topic !== 'string' || typeof step.command.build !== 'function') {
      throw new ConfigError(`saga.steps[${index}].command`, 'expected { topic, build(state) }')
    }
    if (step.timeoutMs !== undefined && !(Number.isInteger(step.timeoutMs) && step.timeoutMs > 0)) {
      throw new ConfigError(`saga.steps[${index}].timeoutMs`, 'expected a positive integer')
    }
  })
  return definition
}

/**
 * Applies `message` to the saga's current record. Returns `undefined` for what must change nothing: a duplicate
 * start, a reply or timeout for a step no longer awaited, anything about a finished or unknown saga.
 */
export function transition<S>(
  definition: SagaDefinition<S>,
  current: SagaRecord<S> | undefined,
  message: SagaMessage,
  now: number,
): SagaTransition<S> | undefined {
  if (message.kind === 'start') {
    if (current !== undefined) return undefined
    return enter(definition, message.sagaId, message.state as S, 0, now, 1)
  }
  if (current === undefined || current.status !== 'running' || message.step !== current.step) return undefined
  if (message.kind === 'reply' && message.ok) {
    const step = definition.steps[current.step]!
    const state = step.onReply ? step.onReply(current.state, message.data) : current.state
    if (current.step + 1 === definition.steps.length) {
      return { record: ended(current, 'completed', state), commands: [] }
    }
    return enter(definition, current.id, state, current.step + 1, now, current.version + 1)
  }
  const reason =
    message.kind === 'timeout' ? 'timeout' : (message.reason ?? `step ${definition.steps[current.step]!.name} failed`)
  // Undo the steps that completed, latest first. The failed (or timed-out) step itself is compensated too when it
  // timed out: its participant may have acted without the reply arriving in time.
  const last = message.kind === 'timeout' ? current.step : current.step - 1
  const commands: Array<{ topic: string; command: SagaCommand }> = []
  for (let index = last; index >= 0; index--) {
    const step = definition.steps[index]!
    if (!step.compensation) continue
    commands.push({
      topic: step.compensation.topic,
      command: command(definition, current.id, index, 'compensation', step.compensation.build(current.state)),
    })
  }
  return { record: { ...ended(current, 'compensated', current.state), reason }, commands }
}

/** The record of a saga that ended at its current step: the next version, with no deadline. */
function ended<S>(current: SagaRecord<S>, status: 'completed' | 'compensated', state: S): SagaRecord<S> {
  return { id: current.id, version: current.version + 1, status, step: current.step, state, deadline: null }
}

function enter<S>(
  definition: SagaDefinition<S>,
  id: string,
  state: S,
  index: number,
  now: number,
  version: number,
): SagaTransition<S> {
  const step = definition.steps[index]!
  return {
    record: {
      id,
      version,
      status: 'running',
      step: index,
      state,
      deadline: step.timeoutMs === undefined ? null : now + step.timeoutMs,
    },
    commands: [
      { topic: step.command.topic, command: command(definition, id, index, 'command', step.command.build(state)) },
    ],
  }
}

function command<S>(
  definition: SagaDefinition<S>,
  sagaId: string,
  step: number,
  kind: SagaCommand['kind'],
  payload: unknown,
): SagaCommand {
  return { saga: definition.name, sagaId, step, stepName: definition.steps[step]!.name, kind, payload }
}
