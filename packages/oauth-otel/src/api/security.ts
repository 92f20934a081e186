import { emitEvent, PRIORITY, SECURITY_LEVEL, type EventAttributes } from './events';
import { internalError, args, flowRef, ident, metrics, provider, tokenRef } from './common';
import { Vocabulary } from '../metrics/labels';
import { ATTR_SECURITY_SEVERITY } from '../logs/schema';
import {
  SECURITY_EVENT_SEVERITY,
  SECURITY_EVENT_TYPE,
  VIOLATION_TYPE,
  type SecurityEventType,
  type ViolationType,
} from '../vocabulary';

const eventTypes = new Vocabulary<SecurityEventType>('event_type', SECURITY_EVENT_TYPE, 'integrity_violation');
const violationTypes = new Vocabulary<ViolationType>('violation_type', VIOLATION_TYPE);

/** Fields every security helper accepts. */
export interface SecurityContext {
  provider?: string;
  /** Fingerprinted before it is logged. */
  flowId?: string;
  /** OAuth client_id; logged only when the logs option `logClientId` is on. */
  clientId?: string;
  /** A token involved (fingerprinted) or your own fingerprint of it. */
  token?: string;
  tokenFingerprint?: string;
  /** Free-form, closed-vocabulary detail for the log (e.g. `user_mismatch`). Not a label. */
  reason?: string;
}

/**
 * The one path every security event takes: `oauth_security_events_total{event_type,severity}`
 * and the log record are written by the same call, so metrics and logs cannot disagree.
 */
export function recordSecurityEvent(
  type: SecurityEventType,
  event: string,
  message: string,
  ctx: SecurityContext,
  extra: EventAttributes = {},
): void {
  const t = eventTypes.normalize(type);
  const severity = SECURITY_EVENT_SEVERITY[t];
  const m = metrics();
  m.add('securityEvents', 1, m.attrs('securityEvents', t, severity));
  emitEvent({
    event,
    level: SECURITY_LEVEL[severity],
    severity,
    message,
    attributes: {
      [ATTR_SECURITY_SEVERITY]: severity,
      priority: PRIORITY[severity],
      'oauth.security_event_type': t,
      'oauth.provider': provider(ctx.provider),
      'oauth.flow_id': flowRef(ident(ctx.flowId)),
      'oauth.client_id': typeof ctx.clientId === 'string' ? ctx.clientId.slice(0, 256) : undefined,
      'oauth.token.fingerprint': tokenRef(ctx.token, ctx.tokenFingerprint),
      'oauth.reason': typeof ctx.reason === 'string' && /^[a-z0-9_]{1,64}$/.test(ctx.reason) ? ctx.reason : undefined,
      ...extra,
    },
  });
}

export interface RefreshTokenReuseInput extends SecurityContext {
  /** `benign_race` (two requests for one token within the race window) or `suspected_theft`. */
  classification?: 'benign_race' | 'suspected_theft';
  /** Time since the token was first used, in ms. */
  sinceFirstUseMs?: number;
  /** True when the token family was revoked in response (counts a `reuse_detected` revocation). */
  familyRevoked?: boolean;
  /**
   * `client` (default): the refresh attempt counts once as `status="reuse_detected"` in
   * `oauth_token_refresh_total`. `server`: an AS saw the reuse; no client refresh is counted.
   */
  side?: 'client' | 'server';
}

/** P0: a refresh token was used again. Event `oauth_refresh_token_reuse_detected`. */
export function refreshTokenReuseDetected(input: RefreshTokenReuseInput): void {
  try {
    const a = args<RefreshTokenReuseInput>(input, 'refreshTokenReuseDetected');
    const m = metrics();
    if (a.side !== 'server') m.add('tokenRefresh', 1, m.attrs('tokenRefresh', 'reuse_detected', 'reuse_detected'));
    if (a.familyRevoked === true) m.add('tokenRevocations', 1, m.attrs('tokenRevocations', 'reuse_detected'));
    const cls = a.classification === 'benign_race' || a.classification === 'suspected_theft' ? a.classification : undefined;
    const since = typeof a.sinceFirstUseMs === 'number' && Number.isFinite(a.sinceFirstUseMs) && a.sinceFirstUseMs >= 0 ? a.sinceFirstUseMs : undefined;
    recordSecurityEvent('token_reuse', 'oauth_refresh_token_reuse_detected', 'Refresh token reuse detected', a, {
      'oauth.reuse_classification': cls,
      'oauth.family_revoked': a.familyRevoked === true,
      'oauth.since_first_use_ms': since,
    });
  } catch (err) {
    internalError('refreshTokenReuseDetected', err);
  }
}

/** P0: a callback carried a code/state this user never started. Event `oauth_code_injection_attempt`. */
export function codeInjectionAttempt(input: SecurityContext): void {
  try {
    const a = args<SecurityContext>(input, 'codeInjectionAttempt');
    const m = metrics();
    m.add('codeInjectionAttempts', 1, m.attrs('codeInjectionAttempts'));
    recordSecurityEvent('code_injection', 'oauth_code_injection_attempt', 'Authorization code injection attempt', a);
  } catch (err) {
    internalError('codeInjectionAttempt', err);
  }
}

export interface IntegrityViolationInput extends SecurityContext {
  violationType: ViolationType;
}

/** P1: state integrity failed (HMAC mismatch, reuse, user binding). Event `oauth_integrity_violation`. */
export function integrityViolation(input: IntegrityViolationInput): void {
  try {
    const a = args<IntegrityViolationInput>(input, 'integrityViolation');
    const v = violationTypes.normalize(a.violationType);
    const m = metrics();
    m.add('integrityViolations', 1, m.attrs('integrityViolations', v));
    recordSecurityEvent('integrity_violation', 'oauth_integrity_violation', 'OAuth integrity violation', a, { 'oauth.violation_type': v });
  } catch (err) {
    internalError('integrityViolation', err);
  }
}

/** P1: a caller acted on a server/token it does not own. Event `oauth_ownership_violation`. */
export function ownershipViolation(input: SecurityContext): void {
  try {
    recordSecurityEvent('ownership_violation', 'oauth_ownership_violation', 'OAuth ownership violation', args<SecurityContext>(input, 'ownershipViolation'));
  } catch (err) {
    internalError('ownershipViolation', err);
  }
}

/** P1: a PKCE state was presented a second time. Event `pkce_replay_detected`. */
export function pkceReplayDetected(input: SecurityContext): void {
  try {
    const a = args<SecurityContext>(input, 'pkceReplayDetected');
    const m = metrics();
    m.add('integrityViolations', 1, m.attrs('integrityViolations', 'state_reuse'));
    recordSecurityEvent('pkce_replay', 'pkce_replay_detected', 'PKCE state replay detected', a, { 'oauth.violation_type': 'state_reuse' });
  } catch (err) {
    internalError('pkceReplayDetected', err);
  }
}

export interface IssuerMismatchInput extends SecurityContext {
  /** Where the mismatch was seen (RFC 9207 response `iss`, RFC 8414 metadata `issuer`, token endpoint origin). */
  stage: 'authorization_response' | 'metadata' | 'token_endpoint';
}

/** P1: mix-up defence tripped (RFC 9207 / RFC 8414 §3.3). Event `oauth_issuer_mismatch`. */
export function issuerMismatch(input: IssuerMismatchInput): void {
  try {
    const a = args<IssuerMismatchInput>(input, 'issuerMismatch');
    const stage = a.stage === 'authorization_response' || a.stage === 'metadata' || a.stage === 'token_endpoint' ? a.stage : 'other';
    recordSecurityEvent('issuer_mismatch', 'oauth_issuer_mismatch', 'Issuer mismatch (possible mix-up attack)', a, { 'oauth.stage': stage });
  } catch (err) {
    internalError('issuerMismatch', err);
  }
}

/** P1: PKCE S256 not offered or not used (RFC 9700 §4.8). Event `oauth_pkce_downgrade_detected`. */
export function pkceDowngradeDetected(input: SecurityContext): void {
  try {
    recordSecurityEvent('pkce_downgrade', 'oauth_pkce_downgrade_detected', 'PKCE downgrade detected', args<SecurityContext>(input, 'pkceDowngradeDetected'));
  } catch (err) {
    internalError('pkceDowngradeDetected', err);
  }
}

/** P1 (AS): an authorization code was redeemed twice. Event `oauth_authorization_code_replay_detected`. */
export function authorizationCodeReplayDetected(input: SecurityContext): void {
  try {
    recordSecurityEvent('code_replay', 'oauth_authorization_code_replay_detected', 'Authorization code replay detected', args<SecurityContext>(input, 'authorizationCodeReplayDetected'));
  } catch (err) {
    internalError('authorizationCodeReplayDetected', err);
  }
}

/** P2 (AS): redirect_uri at the token endpoint differs from the authorization request. */
export function redirectUriMismatch(input: SecurityContext): void {
  try {
    recordSecurityEvent('redirect_uri_mismatch', 'oauth_redirect_uri_mismatch', 'redirect_uri mismatch', args<SecurityContext>(input, 'redirectUriMismatch'));
  } catch (err) {
    internalError('redirectUriMismatch', err);
  }
}

/** P2 (AS): a code was redeemed by another client than it was issued to. */
export function clientMismatch(input: SecurityContext): void {
  try {
    recordSecurityEvent('client_mismatch', 'oauth_client_mismatch', 'Client mismatch at the token endpoint', args<SecurityContext>(input, 'clientMismatch'));
  } catch (err) {
    internalError('clientMismatch', err);
  }
}

/** P2 (AS): the code_verifier did not match the code_challenge. */
export function pkceVerificationFailed(input: SecurityContext): void {
  try {
    recordSecurityEvent('pkce_verification_failed', 'oauth_pkce_verification_failed', 'PKCE verification failed', args<SecurityContext>(input, 'pkceVerificationFailed'));
  } catch (err) {
    internalError('pkceVerificationFailed', err);
  }
}
