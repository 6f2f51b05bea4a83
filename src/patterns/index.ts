/**
 * Event-driven building blocks: the exactly-once `Processor`, the choreography `EventRouter` and the saga mediator.
 * @module
 */
export { patternChannels } from './diagnostics.js'
export { Processor, type ProcessorEvents } from './processor.js'
export {
  PROCESSOR_DEFAULTS,
  type ProcessorConsumerOptions,
  type ProcessorContext,
  type ProcessorHandler,
  type ProcessorInput,
  type ProcessorOptions,
  type ProcessorOutput,
  type ProcessorProducerOptions,
} from './processor-options.js'
export {
  EVENT_ROUTER_DEFAULTS,
  type EventHandler,
  EventRouter,
  type EventRouterOptions,
  type EventTypeOf,
  type EventTypeSource,
  type RoutedEvent,
  type RouterContext,
  type UnknownEventPolicy,
} from './router.js'
export { SAGA_MEDIATOR_DEFAULTS, SagaMediator, type SagaMediatorOptions, sagaTransitionChannel } from './saga.js'
export {
  defineSaga,
  type SagaCommand,
  type SagaDefinition,
  type SagaMessage,
  type SagaRecord,
  type SagaStatus,
  type SagaStep,
  type SagaTransition,
  transition as sagaTransition,
} from './saga-machine.js'
export { sagaParticipant, type SagaParticipantOptions, type SagaStepResult } from './saga-participant.js'
