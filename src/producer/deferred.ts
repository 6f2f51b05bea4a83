import type { DeliveryReport } from './types.js'

/**
 * One send's promise and its settle functions. Passed to librdkafka as the message's opaque, so the delivery
 * report brings it back without any lookup.
 */
export class Deferred {
  resolve!: (report: DeliveryReport) => void
  reject!: (error: unknown) => void
  readonly promise: Promise<DeliveryReport>

  constructor() {
    this.promise = new Promise<DeliveryReport>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }
}
