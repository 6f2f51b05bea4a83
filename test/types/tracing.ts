// Type-level tests of the tracing channels and kafkit/otel: checked by `tsc -p tsconfig.json --noEmit`.
// Every `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
import {
  tracingChannels,
  type ConsumerMessageContext,
  type DeliveryReport,
  type ProducerSendContext,
} from '../../src/index.js'
import { instrumentKafkit } from '../../src/otel/index.js'

export function typeTests(): void {
  tracingChannels.producerSend.subscribe({
    start(context) {
      const send: ProducerSendContext = context
      send.headers.traceparent = '00-...'
      send.headers.binary = Buffer.from([1])
      // @ts-expect-error header values are text or bytes
      send.headers.count = 3
      // @ts-expect-error the caller's records are read-only
      send.records = []
    },
    end() {},
    asyncStart() {},
    asyncEnd(context) {
      const result: DeliveryReport | DeliveryReport[] | undefined = context.result
      void result
    },
    error() {},
  })
  tracingChannels.consumerProcess.subscribe({
    start(context) {
      const message: ConsumerMessageContext = context
      const offset: string = message.offset
      const key: Buffer | null = message.key
      void offset
      void key
      // @ts-expect-error the outcome is one of three
      message.outcome = 'done'
    },
    end() {},
    asyncStart() {},
    asyncEnd() {},
    error() {},
  })
  instrumentKafkit({ injectHeaders: false, admin: false })
  // @ts-expect-error a misspelled option does not compile
  instrumentKafkit({ injectHeader: false })
}
