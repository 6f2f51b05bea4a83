/**
 * Answers librdkafka's OAUTHBEARER refresh requests with the user's token provider. librdkafka asks when the client
 * starts and again at 80% of each token's lifetime; one request is answered at a time.
 * @module
 */
import type { OAuthBearerToken, OAuthBearerTokenProvider } from '../config/client-options.js'
import type { RawOAuthToken } from '../native/producer.js'

/** Where the answer goes: the native client's setOAuthToken. */
export type OAuthTokenSink = (token: RawOAuthToken | { failure: string }) => void

export class OAuthRefresher {
  readonly #provider: OAuthBearerTokenProvider
  readonly #sink: OAuthTokenSink
  #running = false

  constructor(provider: OAuthBearerTokenProvider, sink: OAuthTokenSink) {
    this.#provider = provider
    this.#sink = sink
  }

  /** librdkafka asked for a token; `config` is its `sasl.oauthbearer.config`. */
  refresh(config: string): void {
    if (this.#running) return
    this.#running = true
    Promise.resolve()
      .then(() => this.#provider({ config }))
      .then(
        (token) => this.#sink(toRaw(token)),
        (error: unknown) =>
          this.#sink({ failure: `tokenProvider failed: ${error instanceof Error ? error.message : String(error)}` }),
      )
      .catch((error: unknown) => {
        // The token itself was refused by librdkafka (malformed): tell it why, it retries later.
        this.#sink({ failure: error instanceof Error ? error.message : String(error) })
      })
      .finally(() => {
        this.#running = false
      })
  }
}

function toRaw(token: OAuthBearerToken): RawOAuthToken {
  if (
    typeof token?.tokenValue !== 'string' ||
    typeof token.principal !== 'string' ||
    !Number.isFinite(token.lifetimeMs)
  ) {
    throw new TypeError(
      'tokenProvider must return { tokenValue: string, lifetimeMs: number, principal: string, extensions? }',
    )
  }
  const extensions = Object.entries(token.extensions ?? {}).flat()
  // librdkafka takes the token's expiry as an absolute time in ms since the epoch.
  return {
    tokenValue: token.tokenValue,
    expiresAtMs: Date.now() + token.lifetimeMs,
    principal: token.principal,
    extensions,
  }
}
