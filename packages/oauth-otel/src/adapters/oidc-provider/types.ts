/** Public types of the oidc-provider instrumentation. */

/** The part of an oidc-provider `Provider` the adapter uses (an EventEmitter). */
export interface OidcProviderLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
  readonly issuer?: string;
}

export interface OidcProviderInstrumentationOptions {
  /**
   * A refresh token presented again within this many ms of its rotation, by a request from the
   * same client IP, is classified `benign_race` (duplicate or concurrent refreshes of one
   * client); anything else is `suspected_theft`. Default 2000. 0 classifies every reuse as theft.
   */
  raceWindowMs?: number;
  /** Require the same client IP (`ctx.ip`) for `benign_race`. Default true. */
  raceRequiresSameIp?: boolean;
  /** Recently rotated refresh tokens remembered (keyed fingerprints, never the token). Default 10000. */
  maxTrackedRefreshTokens?: number;
  /** `oauth.provider` of the log records. Default: the provider's issuer (its host). */
  providerName?: string;
}

export interface OidcProviderInstrumentation {
  /** Removes every listener the adapter added. Idempotent. */
  detach(): void;
}
