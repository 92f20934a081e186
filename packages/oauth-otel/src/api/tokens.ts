import { emit, eventsWanted } from './events';
import { count, durationMs, errorCodes, ident, internalError, metrics, provider, recording, seconds, tokenRef } from './common';
import { EVENTS } from '../catalog/events';
import {
  ATTR_DURATION_MS,
  ATTR_OAUTH_COUNT,
  ATTR_OAUTH_ERROR,
  ATTR_OAUTH_OUTCOME,
  ATTR_OAUTH_PROVIDER,
  ATTR_OAUTH_REASON,
  ATTR_OAUTH_TOKEN_FINGERPRINT,
  ATTR_OAUTH_TOKEN_PREVIOUS_FINGERPRINT,
} from '../catalog/attributes';
import { Vocabulary } from '../metrics/labels';
import { recordPhase } from '../traces/phase';
import { defined } from '../traces/tracer';
import { SPAN_OAUTH_REVOCATION, SPAN_OAUTH_TOKEN_REFRESH } from '../catalog/spans';
import type { GaugeKey, GaugeSource } from '../metrics/recorder';
import { reportDrop } from '../internal/diag';
import {
  REFRESH_REASON,
  REVOCATION_REASON,
  type OAuthErrorCode,
  type RefreshReason,
  type RevocationReason,
} from '../catalog/vocabularies';

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
export const tokenRefreshed = recording<TokenRefreshedInput>('tokenRefreshed', (a) => {
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
  recordPhase(
    SPAN_OAUTH_TOKEN_REFRESH,
    defined({ [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_ERROR]: error }),
    ms,
    status === 'failure' ? (error ?? reason) : undefined,
  );
  if (eventsWanted()) {
    emit(status === 'success' ? EVENTS.tokenRefreshSuccess : EVENTS.tokenRefreshFailure, {
      [ATTR_OAUTH_PROVIDER]: p,
      [ATTR_OAUTH_OUTCOME]: status,
      [ATTR_OAUTH_REASON]: reason,
      [ATTR_OAUTH_ERROR]: error,
      [ATTR_OAUTH_TOKEN_FINGERPRINT]: tokenRef(a.refreshToken, a.tokenFingerprint),
      [ATTR_DURATION_MS]: ms,
    });
  }
});

export interface TokenRotatedInput {
  provider?: string;
  /** The new refresh token (fingerprinted) or its fingerprint. */
  refreshToken?: string;
  tokenFingerprint?: string;
  /** The previous refresh token (fingerprinted), to follow the family in logs. */
  previousRefreshToken?: string;
  /** Or the previous refresh token's fingerprint. */
  previousTokenFingerprint?: string;
}

/** The AS rotated the refresh token: event `token_rotation_complete` (no metric of its own). */
export const tokenRotated = recording<TokenRotatedInput>('tokenRotated', (a) => {
  if (!eventsWanted()) return;
  emit(EVENTS.tokenRotated, {
    [ATTR_OAUTH_PROVIDER]: provider(a.provider),
    [ATTR_OAUTH_TOKEN_FINGERPRINT]: tokenRef(a.refreshToken, a.tokenFingerprint),
    [ATTR_OAUTH_TOKEN_PREVIOUS_FINGERPRINT]: tokenRef(a.previousRefreshToken, a.previousTokenFingerprint),
  });
});

export interface TokensRevokedInput {
  reason: RevocationReason;
  /** Number of tokens revoked (default 1). */
  count?: number;
  /** Ids given to tokenIssued(), removed from the active-token gauge. */
  tokenIds?: readonly string[];
  provider?: string;
}

/** Tokens were revoked: `oauth_token_revocations_total{reason}`, event `oauth_tokens_revoked`. */
export const tokensRevoked = recording<TokensRevokedInput>('tokensRevoked', (a) => {
  const reason = revocationReasons.normalize(a.reason);
  const n = count(a.count, 'tokensRevoked');
  const m = metrics();
  if (n > 0) m.add('tokenRevocations', n, m.attrs('tokenRevocations', reason));
  if (Array.isArray(a.tokenIds)) for (const id of a.tokenIds.slice(0, 10_000)) { const k = ident(id); if (k) m.tokens.delete(k); }
  recordPhase(SPAN_OAUTH_REVOCATION, { [ATTR_OAUTH_PROVIDER]: provider(a.provider), [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_COUNT]: n }, undefined, undefined);
  if (eventsWanted()) {
    emit(
      EVENTS.tokensRevoked,
      { [ATTR_OAUTH_PROVIDER]: provider(a.provider), [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_COUNT]: n },
      reason === 'reuse_detected' || reason === 'security' ? 'warn' : 'info',
    );
  }
});

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
export const tokenIssued = recording<TokenIssuedInput>('tokenIssued', (a) => {
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
});

/** A tracked token ended without revocation (replaced, deleted): leaves the active gauge. */
export const tokenRemoved = recording<{ tokenId: string }>('tokenRemoved', (a) => {
  const id = ident(a.tokenId);
  if (id !== undefined) metrics().tokens.delete(id);
});

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
