import { emitEvent, eventsWanted } from './events';
import { internalError, args, count, durationMs, errorCodes, ident, metrics, provider, seconds, tokenRef } from './common';
import { Vocabulary } from '../metrics/labels';
import type { GaugeKey, GaugeSource } from '../metrics/recorder';
import { reportDrop } from '../internal/diag';
import {
  REFRESH_REASON,
  REVOCATION_REASON,
  type OAuthErrorCode,
  type RefreshReason,
  type RevocationReason,
} from '../vocabulary';

const refreshReasons = new Vocabulary<RefreshReason>('reason', REFRESH_REASON);
const revocationReasons = new Vocabulary<RevocationReason>('reason', REVOCATION_REASON);

export interface TokenRefreshedInput {
  outcome: 'success' | 'failure';
  /** Defaults to `normal` for success and `other` for failure. */
  reason?: RefreshReason;
  durationMs?: number;
  provider?: string;
  /** OAuth `error` of a non-2xx token endpoint response (reason `endpoint_error`). */
  error?: OAuthErrorCode | string;
  /** The refresh token used (only its keyed fingerprint is logged) … */
  refreshToken?: string;
  /** … or a fingerprint you computed. */
  tokenFingerprint?: string;
}

/**
 * One token refresh attempt: `oauth_token_refresh_total{status,reason}` and its duration. A
 * reuse is reported with refreshTokenReuseDetected() instead, so it counts once.
 */
export function tokenRefreshed(input: TokenRefreshedInput): void {
  try {
    const a = args<TokenRefreshedInput>(input, 'tokenRefreshed');
    const status = a.outcome === 'success' ? 'success' : 'failure';
    if (a.outcome !== 'success' && a.outcome !== 'failure') {
      reportDrop('metrics', 'coerced_label', 'label:refresh-outcome', 'tokenRefreshed(): outcome must be success or failure; recorded as failure');
    }
    const reason = a.reason === undefined ? (status === 'success' ? 'normal' : 'other') : refreshReasons.normalize(a.reason);
    const ms = durationMs(a.durationMs, 'tokenRefreshed');
    const p = provider(a.provider);
    const m = metrics();
    m.add('tokenRefresh', 1, m.attrs('tokenRefresh', status, reason));
    if (ms !== undefined) m.record('tokenRefreshDuration', seconds(ms), m.attrs('tokenRefreshDuration', status));
    let error: OAuthErrorCode | undefined;
    if (status === 'failure' && a.error !== undefined) {
      error = errorCodes.normalizeQuiet(a.error);
      m.add('tokenEndpointErrors', 1, m.attrs('tokenEndpointErrors', p, 'refresh_token', error));
    }
    if (eventsWanted()) {
      emitEvent({
        event: status === 'success' ? 'token_refresh_success' : 'token_refresh_failure',
        level: status === 'success' ? 'info' : 'warn',
        message: status === 'success' ? 'OAuth token refreshed' : 'OAuth token refresh failed',
        attributes: {
          'oauth.provider': p,
          'oauth.outcome': status,
          'oauth.reason': reason,
          'oauth.error': error,
          'oauth.token.fingerprint': tokenRef(a.refreshToken, a.tokenFingerprint),
          duration_ms: ms,
        },
      });
    }
  } catch (err) {
    internalError('tokenRefreshed', err);
  }
}

export interface TokenRotatedInput {
  provider?: string;
  /** The new refresh token (fingerprinted) or its fingerprint. */
  refreshToken?: string;
  tokenFingerprint?: string;
  /** The previous refresh token (fingerprinted), to follow the family in logs. */
  previousRefreshToken?: string;
}

/** The AS rotated the refresh token: event `token_rotation_complete` (no metric of its own). */
export function tokenRotated(input: TokenRotatedInput): void {
  try {
    const a = args<TokenRotatedInput>(input, 'tokenRotated');
    if (!eventsWanted()) return;
    emitEvent({
      event: 'token_rotation_complete',
      level: 'info',
      message: 'Refresh token rotated',
      attributes: {
        'oauth.provider': provider(a.provider),
        'oauth.token.fingerprint': tokenRef(a.refreshToken, a.tokenFingerprint),
        'oauth.token.previous_fingerprint': tokenRef(a.previousRefreshToken, undefined),
      },
    });
  } catch (err) {
    internalError('tokenRotated', err);
  }
}

export interface TokensRevokedInput {
  reason: RevocationReason;
  /** Number of tokens revoked (default 1). */
  count?: number;
  /** Ids given to tokenIssued(), removed from the active-token gauge. */
  tokenIds?: readonly string[];
  provider?: string;
}

/** Tokens were revoked: `oauth_token_revocations_total{reason}`, event `oauth_tokens_revoked`. */
export function tokensRevoked(input: TokensRevokedInput): void {
  try {
    const a = args<TokensRevokedInput>(input, 'tokensRevoked');
    const reason = revocationReasons.normalize(a.reason);
    const n = count(a.count, 'tokensRevoked');
    const m = metrics();
    if (n > 0) m.add('tokenRevocations', n, m.attrs('tokenRevocations', reason));
    if (Array.isArray(a.tokenIds)) for (const id of a.tokenIds.slice(0, 10_000)) { const k = ident(id); if (k) m.tokens.delete(k); }
    if (eventsWanted()) {
      emitEvent({
        event: 'oauth_tokens_revoked',
        level: reason === 'reuse_detected' || reason === 'security' ? 'warn' : 'info',
        message: 'OAuth tokens revoked',
        attributes: { 'oauth.provider': provider(a.provider), 'oauth.reason': reason, 'oauth.count': n },
      });
    }
  } catch (err) {
    internalError('tokensRevoked', err);
  }
}

export interface TokenIssuedInput {
  /** A stable id for the token or grant (a row id, a fingerprint), not the token itself. */
  tokenId: string;
  /** Epoch ms when it expires … */
  expiresAt?: number;
  /** … or seconds from now (`expires_in`). */
  expiresIn?: number;
}

/**
 * A token is now active: feeds `oauth_active_tokens` and `oauth_tokens_expiring_soon` when no
 * gauge source is set. Removed by tokensRevoked({ tokenIds }), tokenExpired() or its expiry.
 */
export function tokenIssued(input: TokenIssuedInput): void {
  try {
    const a = args<TokenIssuedInput>(input, 'tokenIssued');
    const id = ident(a.tokenId);
    if (id === undefined) {
      reportDrop('metrics', 'invalid_value', 'tokenIssued:id', 'tokenIssued(): tokenId is required');
      return;
    }
    let exp: number;
    if (typeof a.expiresAt === 'number' && Number.isFinite(a.expiresAt)) exp = a.expiresAt;
    else if (typeof a.expiresIn === 'number' && Number.isFinite(a.expiresIn) && a.expiresIn >= 0) exp = Date.now() + a.expiresIn * 1000;
    else exp = Date.now() + 3600_000;
    metrics().tokens.set(id, exp);
  } catch (err) {
    internalError('tokenIssued', err);
  }
}

/** A tracked token ended without revocation (replaced, deleted): leaves the active gauge. */
export function tokenRemoved(input: { tokenId: string }): void {
  try {
    const id = ident(args<{ tokenId: string }>(input, 'tokenRemoved').tokenId);
    if (id !== undefined) metrics().tokens.delete(id);
  } catch (err) {
    internalError('tokenRemoved', err);
  }
}

/**
 * Makes a gauge read your source of truth (a DB count) at each collection instead of the
 * built-in tracker. Sources may be async; a throwing or negative source skips that collection.
 */
export function setGaugeSource(gauge: GaugeKey, source: GaugeSource | undefined): void {
  try {
    if (gauge !== 'activeTokens' && gauge !== 'activePkceStates' && gauge !== 'tokensExpiringSoon') {
      reportDrop('metrics', 'invalid_value', 'setGaugeSource:key', 'setGaugeSource(): gauge must be activeTokens, activePkceStates or tokensExpiringSoon');
      return;
    }
    if (source !== undefined && typeof source !== 'function') {
      reportDrop('metrics', 'invalid_value', 'setGaugeSource:fn', 'setGaugeSource(): source must be a function');
      return;
    }
    const m = metrics();
    if (source === undefined) delete m.sources[gauge];
    else m.sources[gauge] = source;
  } catch (err) {
    internalError('setGaugeSource', err);
  }
}
