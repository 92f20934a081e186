/**
 * Shapes of the traffic observer (zero-code client telemetry). The observer watches outgoing
 * HTTP through diagnostics_channel and turns OAuth exchanges into the same recording calls the
 * manual API offers; everything else it leaves alone after one Map lookup.
 */

/** `initTelemetry({ observe })`. */
export interface ObserveOptions {
  /** Default true; `OAUTH_OTEL_OBSERVE=off` turns it off whatever the code says. */
  enabled?: boolean;
  /**
   * Only these issuers (URLs) are observed: metadata of any other issuer teaches no endpoints.
   * Protected-resource metadata and challenges are observed regardless (they carry no credentials).
   */
  issuers?: string[];
}

export interface ResolvedObserve {
  enabled: boolean;
  /** Issuer identifiers (URL href without trailing slash), or undefined for all. */
  issuers: ReadonlySet<string> | undefined;
}

/** What an outgoing request is, decided from origin + path before any byte is parsed. */
export type ExchangeKind =
  | 'resource_metadata' // RFC 9728
  | 'as_metadata' // RFC 8414 / OIDC discovery
  | 'token'
  | 'registration'
  | 'revocation';

/** A learned endpoint: its kind and the issuer whose metadata named it. */
export interface Route {
  readonly kind: ExchangeKind;
  /** The issuer this exchange belongs to (expected issuer for metadata; namer for endpoints). */
  readonly issuer: string;
}

/** Bytes kept per direction, by kind: enough for every field read, never the whole of a hostile body. */
export const BODY_CAP: Readonly<Record<ExchangeKind, { request: number; response: number }>> = Object.freeze({
  resource_metadata: { request: 0, response: 64 * 1024 },
  as_metadata: { request: 0, response: 128 * 1024 },
  token: { request: 16 * 1024, response: 32 * 1024 },
  registration: { request: 0, response: 8 * 1024 },
  revocation: { request: 0, response: 4 * 1024 },
});

/** Hard bounds of the learned state. */
export const LIMITS = Object.freeze({
  origins: 256,
  routesPerOrigin: 32,
  urlLength: 2048,
  headerValue: 8 * 1024,
});
