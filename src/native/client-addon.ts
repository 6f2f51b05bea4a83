/**
 * The addon calls every client handle offers, whatever its kind (see native/client.c).
 * @module
 */
import type { RawMetadata } from './admin-addon.js'
import type { RawOAuthToken } from './producer.js'

/**
 * What kafkit's addon offers a Producer's or a Consumer's handle alike: `Kind` is the handle's kind, `Event` what
 * `clientDrainEvents` reports for it.
 */
export interface ClientCoreAddon<Kind extends string, Event> {
  clientCreate(
    kind: Kind,
    config: Record<string, string>,
    /** Called on the JS thread when something arrived; `eventsPending`: `clientDrainEvents` has events to give. */
    onWake: (eventsPending: boolean) => void,
    options: { oauthbearer: boolean },
  ): object
  clientAddBrokers(handle: object, brokers: string): number
  clientDestroy(handle: object): Promise<void>
  clientDrainEvents(handle: object): Event[]
  clientMetadata(handle: object, options: { timeoutMs: number; topic?: string }): Promise<RawMetadata>
  clientSetOAuthToken(handle: object, token: RawOAuthToken | { failure: string }): void
}
