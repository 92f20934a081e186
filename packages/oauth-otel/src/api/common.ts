import { reportDrop } from '../internal/diag';
import { fingerprint } from '../internal/fingerprint';
import { internalFailure } from '../internal/safe';
import { oauthMetrics, providerNormalizer } from '../metrics/bind';
import { Vocabulary } from '../metrics/labels';
import type { OAuthMetrics } from '../metrics/recorder';
import type { ProviderLabel } from '../catalog/metrics';
import { OAUTH_ERROR_CODE, OUTCOME, type OAuthErrorCode, type Outcome } from '../catalog/vocabularies';

/** Longest duration accepted (7 days): anything longer is a clock or unit bug, not an OAuth step. */
const MAX_DURATION_MS = 7 * 24 * 3600_000;

export const outcomes = new Vocabulary<Outcome>('status', OUTCOME, 'failure');
export const errorCodes = new Vocabulary<OAuthErrorCode>('error', OAUTH_ERROR_CODE);

export function metrics(): OAuthMetrics {
  return oauthMetrics();
}

/** The `provider` label of an issuer URL or provider name (normalized, capped). A provider string
 *  that carries a secret (a pasted URL with a token, a dumped request) never becomes a label: the
 *  normalizer refuses what the redactor would change, on its memo miss only, so the per-call cost
 *  of a known issuer is one Map lookup (scanning it on every call cost ~1-3 µs). */
export function provider(input: unknown): ProviderLabel {
  return providerNormalizer().normalize(input) as ProviderLabel;
}

/** The argument object of a recording call; anything else is reported and treated as `{}`. */
export function args<T extends object>(input: unknown, call: string): Partial<T> {
  if (input !== null && typeof input === 'object') return input as Partial<T>;
  if (input !== undefined) reportDrop('metrics', 'invalid_value', `args:${call}`, `${call}() expects an object argument`);
  return {};
}

/**
 * A duration in milliseconds, or undefined when absent or unusable (negative, NaN, infinite,
 * longer than 7 days, not a number), which is reported once and counted.
 */
export function durationMs(value: unknown, call: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_MS) return value;
  reportDrop('metrics', 'invalid_value', `duration:${call}`, `${call}(): durationMs must be a finite number between 0 and 7 days; measurement dropped`);
  return undefined;
}

/** A non-negative integer count (default 1). */
export function count(value: unknown, call: string): number {
  if (value === undefined) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER) return value;
  reportDrop('metrics', 'invalid_value', `count:${call}`, `${call}(): count must be a non-negative integer; measurement dropped`);
  return 0;
}

/** Short string identifier (flow id, token id): strings and finite numbers only, bounded length. */
export function ident(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? (value.length > 512 ? detached(value.slice(0, 512)) : value) : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * V8 keeps a slice as a view of its parent string: a kept 512-character id cut from a 1 MB input
 * would hold the whole megabyte alive. Copying through a Buffer makes an independent string.
 */
function detached(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/** Fingerprint for logs: a flow id may be the OAuth `state`, so it is never logged raw. */
export function flowRef(id: string | undefined): string | undefined {
  return id === undefined ? undefined : fingerprint(id);
}

/** Fingerprint of a token given by the caller, or the caller's own precomputed fingerprint. */
export function tokenRef(token: unknown, precomputed: unknown): string | undefined {
  if (typeof precomputed === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(precomputed)) return precomputed;
  return typeof token === 'string' && token.length > 0 ? fingerprint(token) : undefined;
}

/**
 * Every recording call wraps its body in try/catch and lands here on any failure, so nothing can
 * throw into the host app (inline try/catch: no closure allocated on the hot path).
 */
export function internalError(call: string, err: unknown): void {
  // The thrown value may itself throw when inspected: describe it only through the total reader.
  internalFailure(call, err);
}

export function seconds(ms: number): number {
  return ms / 1000;
}

/**
 * The recording skeleton every API call shares: the argument coerced to an object, the call's own
 * logic, and any failure reported through internalError() instead of thrown into the host app.
 * The wrapper is made once per API function, so a call allocates no closure.
 */
export function recording<T extends object>(call: string, body: (a: Partial<T>) => void): (input: T) => void {
  return (input) => {
    try {
      body(args<T>(input, call));
    } catch (err) {
      internalError(call, err);
    }
  };
}

/** Closure form of the same guard, for code off the hot path (adapters, listeners). */
export function safely(call: string, body: () => void): void {
  try {
    body();
  } catch (err) {
    internalError(call, err);
  }
}
