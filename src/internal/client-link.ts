/**
 * What a Producer and a Consumer do alike around their native client: connect (ended early by a hopeless error,
 * and naming refused credentials as the reason), route the client's events (log lines, OAUTHBEARER refreshes,
 * errors), publish its statistics (on its diagnostics channel and as `stats` events), and hand errors to the `error`
 * listeners or, without any, to a rate-limited warning.
 * @module
 */
import { tokenProviderOf } from '../config/index.js'
import { AuthenticationError, ConnectionError, KafkaError } from '../errors/kafka-error.js'
import {
  authenticationFailed,
  authFailureReported,
  configErrorFrom,
  fromRdkafkaError,
  hopelessConnect,
} from '../errors/map.js'
import type { ConsumerStats } from '../consumer/types.js'
import { type DiagnosticsChannel, diagnosticsChannels as channels } from '../diagnostics/channels.js'
import type { RawClientEvent, RawOAuthToken } from '../native/producer.js'
import type { RdkafkaStats } from '../producer/types.js'
import { ConnectGuard } from './connect-guard.js'
import { LogRouter, type Logger } from './log.js'
import { OAuthRefresher } from './oauth.js'
import { UnheardErrors } from './unheard.js'

/** The statistics each kind of client publishes. */
interface StatsOf {
  readonly Producer: RdkafkaStats
  readonly Consumer: ConsumerStats
}

/** The kinds of client a link serves. */
export type ClientKind = keyof StatsOf

/** Where each kind of client publishes its statistics. */
const STATS_CHANNELS: { readonly [K in ClientKind]: DiagnosticsChannel<StatsOf[K]> } = {
  Producer: channels.producerStats,
  Consumer: channels.consumerStats,
}

/**
 * The name a client's log lines carry: its kind, then `name` (its client id or group) when that is a string, e.g.
 * `producer my-client-id`.
 */
export function logNameOf(kind: 'producer' | 'consumer', name: unknown): string {
  return `${kind} ${typeof name === 'string' ? name : ''}`.trim()
}

/** A client's native handle, as far as its link is concerned: where OAUTHBEARER tokens go. */
export interface NativeTokenSink {
  setOAuthToken(token: RawOAuthToken | { failure: string }): void
}

/** A client that emits its errors and its statistics (`S`): a Producer or a Consumer. */
export interface ClientEmitter<S> {
  listenerCount(event: 'error'): number
  emit(event: 'error', error: KafkaError): boolean
  emit(event: 'stats', stats: S): boolean
}

/**
 * One client's connection concerns: its connect guard, log, OAUTHBEARER refresher, statistics and unheard-error
 * warnings.
 */
export class ClientLink<K extends ClientKind> {
  readonly #client: K
  readonly #emitter: ClientEmitter<StatsOf[K]>
  readonly #guard = new ConnectGuard()
  readonly #unheard: UnheardErrors
  readonly #log: LogRouter
  readonly #oauth: OAuthRefresher | undefined
  /** The native handle {@link ClientLink.createNative} created (tokens go there). */
  #native: NativeTokenSink | undefined
  /** The last authentication failure librdkafka reported, for connect() to name as its reason. */
  #authFailure: AuthenticationError | undefined

  /**
   * @param client - the client's kind, for error messages and the channel of its statistics
   * @param emitter - the client itself, which emits its errors and statistics
   * @param options - the client's options as given: its OAUTHBEARER token provider, if any, is asked for the tokens
   *   of the native handle {@link ClientLink.createNative} creates
   * @param logger - where its log lines go, named by its kind and `name` (see {@link logNameOf})
   * @param name - its client id or group
   */
  constructor(
    client: K,
    emitter: ClientEmitter<StatsOf[K]>,
    options: unknown,
    logger: Logger | undefined,
    name: unknown,
  ) {
    this.#client = client
    this.#emitter = emitter
    this.#unheard = new UnheardErrors(`kafkit ${client}`)
    this.#log = new LogRouter(logger, logNameOf(client === 'Producer' ? 'producer' : 'consumer', name))
    const tokenProvider = tokenProviderOf(options)
    this.#oauth = tokenProvider
      ? new OAuthRefresher(tokenProvider, (token) => this.#native?.setOAuthToken(token))
      : undefined
  }

  /**
   * Runs the connect `steps` (each awaited through the guard, so that a hopeless client error ends it at once). On
   * failure, calls `closeQuietly` and throws the reason: refused credentials when librdkafka reported them, else
   * the failure itself, marked as not worth retrying when it is.
   */
  async connect(steps: (guard: ConnectGuard) => Promise<void>, closeQuietly: () => void): Promise<void> {
    this.#authFailure = undefined
    try {
      await steps(this.#guard)
    } catch (error) {
      const failure =
        error instanceof KafkaError ? error : fromRdkafkaError(error, { operation: `${this.#client}.connect` })
      // librdkafka reports refused credentials as a client error and the connect itself only as a transport failure
      // or a timeout; the client error may arrive just after a fast failure.
      if (failure instanceof ConnectionError) await authFailureReported(() => this.#authFailure !== undefined)
      closeQuietly()
      if (this.#authFailure) throw authenticationFailed(this.#client, this.#authFailure)
      throw hopelessConnect(this.#client, failure)
    }
  }

  /**
   * Creates the client's native handle: `create` gets the listener for the handle's events (routed by
   * {@link ClientLink.onEvent}, client errors to `onError`) and whether OAUTHBEARER tokens come from a provider (they
   * go to the handle). librdkafka checks property values at creation and the addon names each one it refused: a
   * refusal is thrown as a ConfigError.
   */
  createNative<N extends NativeTokenSink>(
    onError: (error: unknown) => void,
    create: (onEvent: (event: RawClientEvent) => void, options: { oauthbearer: boolean }) => N,
  ): N {
    try {
      const native = create((event) => this.onEvent(event, onError), { oauthbearer: this.#oauth !== undefined })
      this.#native = native
      return native
    } catch (error) {
      // The addon missing or unloadable (ERR_ADDON) is no option's fault: it says itself how to fix the install.
      if (error instanceof KafkaError) throw error
      throw configErrorFrom(error)
    }
  }

  /**
   * Routes a client event: client errors (raw, not mapped yet) to `onError`, log lines to the logger, token refreshes
   * to the refresher, statistics (parsed) to the client's diagnostics channel, then to its `stats` listeners.
   */
  onEvent(event: RawClientEvent, onError: (error: unknown) => void): void {
    if (event.kind === 'error') onError(event)
    else if (event.kind === 'log') this.#log.log(event.level, event.facility, event.message)
    else if (event.kind === 'stats') this.#publishStats(event.json)
    else this.#oauth?.refresh(event.config)
  }

  #publishStats(json: string): void {
    const stats = JSON.parse(json) as StatsOf[K]
    const channel = STATS_CHANNELS[this.#client]
    if (channel.hasSubscribers) channel.publish(stats)
    this.#emitter.emit('stats', stats)
  }

  /** Maps a client error, remembers an authentication failure and lets a hopeless one end the connect in progress. */
  clientError(error: unknown): KafkaError {
    const mapped = fromRdkafkaError(error, { operation: this.#client })
    if (mapped instanceof AuthenticationError) this.#authFailure = mapped
    this.#guard.report(mapped)
    return mapped
  }

  /** Emits `error` on the client when someone listens, else warns (rate-limited) that nobody does. */
  emitError(error: KafkaError): void {
    if (this.#emitter.listenerCount('error') > 0) this.#emitter.emit('error', error)
    else this.#unheard.warn(error)
  }
}
