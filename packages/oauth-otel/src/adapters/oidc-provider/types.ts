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
  /** What counts as dynamic client registration abuse (RFC 7591 §5). */
  registration?: RegistrationPolicyOptions;
}

/** The dynamic-registration policy of the adapter's abuse detectors. Every field is optional. */
export interface RegistrationPolicyOptions {
  /** Registrations one client address may make per window before it is reported. Default 20. */
  maxPerSource?: number;
  /** The window of `maxPerSource`, in ms. Default 60000. */
  windowMs?: number;
  /** Accept `http:` redirect URIs on hosts other than loopback without an event. Default false. */
  allowHttpRedirectUris?: boolean;
  /** Accept redirect URIs whose host is an IP literal other than loopback without an event. Default false. */
  allowIpLiteralRedirectUris?: boolean;
  /** Report a registered client that obtained no token within this many ms; 0 turns it off. Default 3600000. */
  abandonedAfterMs?: number;
  /** Client addresses and pending clients remembered (each). Default 10000. */
  maxTracked?: number;
}

export interface OidcProviderInstrumentation {
  /** Removes every listener the adapter added. Idempotent. */
  detach(): void;
}
