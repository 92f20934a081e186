import { emit, type EventAttributes } from './events';
import { args, flowRef, ident, internalError, metrics, provider, recording, tokenRef } from './common';
import { fingerprint } from '../internal/fingerprint';
import { Vocabulary } from '../metrics/labels';
import { EVENTS, type SecurityEventDefinition } from '../catalog/events';
import {
  ATTR_ENDUSER_PSEUDO_ID,
  ATTR_OAUTH_CLIENT_ID,
  ATTR_OAUTH_FAMILY_REVOKED,
  ATTR_OAUTH_FLOW_ID,
  ATTR_OAUTH_PROVIDER,
  ATTR_OAUTH_REASON,
  ATTR_OAUTH_REUSE_CLASSIFICATION,
  ATTR_OAUTH_SECURITY_EVENT_TYPE,
  ATTR_OAUTH_SINCE_FIRST_USE_MS,
  ATTR_OAUTH_STAGE,
  ATTR_OAUTH_TOKEN_FINGERPRINT,
  ATTR_OAUTH_VIOLATION_TYPE,
  ATTR_PRIORITY,
  ATTR_SECURITY_RULE_NAME,
  ATTR_SECURITY_RULE_REFERENCE,
  ATTR_SECURITY_RULE_RULESET_NAME,
  ATTR_SECURITY_SEVERITY,
} from '../catalog/attributes';
import { SECURITY_RULESET, VIOLATION_TYPE, type ReuseClassification, type ViolationType } from '../catalog/vocabularies';

const violationTypes = new Vocabulary<ViolationType>('violation_type', VIOLATION_TYPE);

/** Fields every security helper accepts. */
export interface SecurityContext {
  provider?: string;
  /** Fingerprinted before it is logged. */
  flowId?: string;
  /** OAuth client_id; logged only when the logs option `logClientId` is on. */
  clientId?: string;
  /** The user (account) involved: logged only as a keyed fingerprint, `enduser.pseudo.id`. */
  userId?: string;
  /** A token involved (fingerprinted) or your own fingerprint of it. */
  token?: string;
  tokenFingerprint?: string;
  /** Free-form, closed-vocabulary detail for the log (e.g. `user_mismatch`). Not a label. */
  reason?: string;
}

/**
 * The one path every security event takes: `oauth_security_events_total{event_type,severity}`
 * and the log record are written by the same call, from the same catalog entry, so metrics and
 * logs cannot disagree. Type, severity, priority, level and `security_rule.*` all come from `def`.
 */
export function recordSecurityEvent(def: SecurityEventDefinition, ctx: SecurityContext, extra?: EventAttributes): void {
  const s = def.security;
  const m = metrics();
  m.add('securityEvents', 1, m.attrs('securityEvents', s.type, s.severity));
  const attributes: EventAttributes = {
    [ATTR_SECURITY_SEVERITY]: s.severity,
    [ATTR_PRIORITY]: s.priority,
    [ATTR_OAUTH_SECURITY_EVENT_TYPE]: s.type,
    [ATTR_SECURITY_RULE_NAME]: s.rule,
    [ATTR_SECURITY_RULE_RULESET_NAME]: SECURITY_RULESET,
    [ATTR_SECURITY_RULE_REFERENCE]: s.reference,
    [ATTR_OAUTH_PROVIDER]: provider(ctx.provider),
    [ATTR_OAUTH_FLOW_ID]: flowRef(ident(ctx.flowId)),
    [ATTR_OAUTH_CLIENT_ID]: typeof ctx.clientId === 'string' ? ctx.clientId.slice(0, 256) : undefined,
    [ATTR_ENDUSER_PSEUDO_ID]: userRef(ctx.userId),
    [ATTR_OAUTH_TOKEN_FINGERPRINT]: tokenRef(ctx.token, ctx.tokenFingerprint),
    [ATTR_OAUTH_REASON]: typeof ctx.reason === 'string' && /^[a-z0-9_]{1,64}$/.test(ctx.reason) ? ctx.reason : undefined,
  };
  if (extra !== undefined) Object.assign(attributes, extra);
  emit(def, attributes);
}

/** A user id is personal data: only its keyed fingerprint is logged. */
function userRef(id: unknown): string | undefined {
  const v = ident(id);
  return v === undefined ? undefined : fingerprint(v);
}

export interface RefreshTokenReuseInput extends SecurityContext {
  /** `benign_race` (two requests for one token within the race window) or `suspected_theft`. */
  classification?: ReuseClassification;
  /** Time since the token was first used, in ms. */
  sinceFirstUseMs?: number;
  /** True when the token family was revoked in response (counts a `reuse_detected` revocation). */
  familyRevoked?: boolean;
  /**
   * `client` (default): the refresh attempt counts once as `status="reuse_detected"` in
   * `oauth_token_refresh_total`. `server`: an AS saw the reuse; no client refresh is counted, and a
   * classified reuse counts in `oauth_server_refresh_token_reuse_total{classification}`.
   */
  side?: 'client' | 'server';
}

/** P0: a refresh token was used again. Event `oauth_refresh_token_reuse_detected`. */
export const refreshTokenReuseDetected = recording<RefreshTokenReuseInput>('refreshTokenReuseDetected', (a) => {
  const m = metrics();
  const cls = a.classification === 'benign_race' || a.classification === 'suspected_theft' ? a.classification : undefined;
  if (a.side !== 'server') m.add('tokenRefresh', 1, m.attrs('tokenRefresh', 'reuse_detected', 'reuse_detected'));
  else if (cls !== undefined) m.add('serverRefreshTokenReuse', 1, m.attrs('serverRefreshTokenReuse', cls));
  if (a.familyRevoked === true) m.add('tokenRevocations', 1, m.attrs('tokenRevocations', 'reuse_detected'));
  const since = typeof a.sinceFirstUseMs === 'number' && Number.isFinite(a.sinceFirstUseMs) && a.sinceFirstUseMs >= 0 ? a.sinceFirstUseMs : undefined;
  recordSecurityEvent(EVENTS.refreshTokenReuseDetected, a, {
    [ATTR_OAUTH_REUSE_CLASSIFICATION]: cls,
    [ATTR_OAUTH_FAMILY_REVOKED]: a.familyRevoked === true,
    [ATTR_OAUTH_SINCE_FIRST_USE_MS]: since,
  });
});

/** P0: a callback carried a code/state this user never started. Event `oauth_code_injection_attempt`. */
export const codeInjectionAttempt = recording<SecurityContext>('codeInjectionAttempt', (a) => {
  const m = metrics();
  m.add('codeInjectionAttempts', 1, m.attrs('codeInjectionAttempts'));
  recordSecurityEvent(EVENTS.codeInjectionAttempt, a);
});

export interface IntegrityViolationInput extends SecurityContext {
  violationType: ViolationType;
}

/** P1: state integrity failed (HMAC mismatch, reuse, user binding). Event `oauth_integrity_violation`. */
export const integrityViolation = recording<IntegrityViolationInput>('integrityViolation', (a) => {
  const v = violationTypes.normalize(a.violationType);
  const m = metrics();
  m.add('integrityViolations', 1, m.attrs('integrityViolations', v));
  recordSecurityEvent(EVENTS.integrityViolation, a, { [ATTR_OAUTH_VIOLATION_TYPE]: v });
});

/** P1: a PKCE state was presented a second time. Event `pkce_replay_detected`. */
export const pkceReplayDetected = recording<SecurityContext>('pkceReplayDetected', (a) => {
  const m = metrics();
  m.add('integrityViolations', 1, m.attrs('integrityViolations', 'state_reuse'));
  recordSecurityEvent(EVENTS.pkceReplayDetected, a, { [ATTR_OAUTH_VIOLATION_TYPE]: 'state_reuse' });
});

export interface IssuerMismatchInput extends SecurityContext {
  /** Where the mismatch was seen (RFC 9207 response `iss`, RFC 8414 metadata `issuer`, token endpoint origin). */
  stage: 'authorization_response' | 'metadata' | 'token_endpoint';
}

/** P1: mix-up defence tripped (RFC 9207 / RFC 8414 §3.3). Event `oauth_issuer_mismatch`. */
export const issuerMismatch = recording<IssuerMismatchInput>('issuerMismatch', (a) => {
  const stage = a.stage === 'authorization_response' || a.stage === 'metadata' || a.stage === 'token_endpoint' ? a.stage : 'other';
  recordSecurityEvent(EVENTS.issuerMismatch, a, { [ATTR_OAUTH_STAGE]: stage });
});

/** A security call whose only logic is its catalog entry. */
const securityCall = (call: string, def: SecurityEventDefinition) => recording<SecurityContext>(call, (a) => recordSecurityEvent(def, a));

/** P1: a caller acted on a server/token it does not own. Event `oauth_ownership_violation`. */
export const ownershipViolation = securityCall('ownershipViolation', EVENTS.ownershipViolation);
/** P1: PKCE S256 not offered or not used (RFC 9700 §4.8). Event `oauth_pkce_downgrade_detected`. */
export const pkceDowngradeDetected = securityCall('pkceDowngradeDetected', EVENTS.pkceDowngradeDetected);
/** P1 (AS): an authorization code was redeemed twice. Event `oauth_authorization_code_replay_detected`. */
export const authorizationCodeReplayDetected = securityCall('authorizationCodeReplayDetected', EVENTS.authorizationCodeReplayDetected);
/** P2 (AS): redirect_uri at the token endpoint differs from the authorization request. */
export const redirectUriMismatch = securityCall('redirectUriMismatch', EVENTS.redirectUriMismatch);
/** P2 (AS): a code was redeemed by another client than it was issued to. */
export const clientMismatch = securityCall('clientMismatch', EVENTS.clientMismatch);
/** P2 (AS): the code_verifier did not match the code_challenge. */
export const pkceVerificationFailed = securityCall('pkceVerificationFailed', EVENTS.pkceVerificationFailed);

export interface ConnectionContextMismatchInput extends SecurityContext {
  /**
   * Which part of the connection's context the callback did not match: the user who started it,
   * the tool (or MCP server) it was started for, the authorization server, or the browser session.
   */
  mismatch: 'user' | 'tool' | 'server' | 'session';
}

const CONTEXT_MISMATCH: ReadonlySet<string> = new Set(['user', 'tool', 'server', 'session']);

/**
 * P0: a callback tried to complete a connection whose per-connection context it does not carry
 * (cross-tool OAuth account takeover, session fixation across users;
 * draft-ietf-oauth-security-topics-update). Traffic cannot show it: call it from the callback
 * when the state's connection and the callback's context differ. Event
 * `oauth_connection_context_mismatch`.
 */
export const connectionContextMismatch = recording<ConnectionContextMismatchInput>('connectionContextMismatch', (a) => {
  const which = typeof a.mismatch === 'string' && CONTEXT_MISMATCH.has(a.mismatch) ? a.mismatch : 'other';
  recordSecurityEvent(EVENTS.connectionContextMismatch, { ...a, reason: `${which}_mismatch` });
});
export interface AuthorizationResponseInput extends SecurityContext {
  /** The callback's query (or form_post body): a URL, a URLSearchParams, or the raw query string. */
  response: URL | URLSearchParams | string;
  /** The issuer the authorization request was sent to. */
  expectedIssuer: string;
  /**
   * Whether this issuer must send `iss` (RFC 9207 §2.4). Default true: the MCP authorization spec
   * (2026-07-28) requires it; pass the AS metadata's `authorization_response_iss_parameter_supported`
   * for plain OAuth clients.
   */
  issRequired?: boolean;
}

/**
 * What checkAuthorizationResponse() found; anything but `valid` and `not_sent` means reject the
 * response. `unreadable`: not a URL, URLSearchParams or query string (or longer than 16 KiB), or an
 * `iss` that is not valid percent-encoding.
 */
export type AuthorizationResponseVerdict = 'valid' | 'not_sent' | 'missing' | 'mismatch' | 'unreadable';

/** Longest callback query read: a real authorization response is far shorter. */
const MAX_RESPONSE_QUERY = 16 * 1024;

/**
 * RFC 9207 mix-up defence for a callback: a wrong `iss` records `oauth_issuer_mismatch`
 * (stage authorization_response), a missing one where it is required records
 * `oauth_issuer_missing`. Returns the verdict so the app rejects with the same decision.
 */
export function checkAuthorizationResponse(input: AuthorizationResponseInput): AuthorizationResponseVerdict {
  try {
    const a = args<AuthorizationResponseInput>(input, 'checkAuthorizationResponse');
    const iss = responseIss(a.response);
    if (iss === null) return 'unreadable';
    const expected = typeof a.expectedIssuer === 'string' ? a.expectedIssuer : undefined;
    const ctx = { ...pickContext(a), provider: typeof a.provider === 'string' ? a.provider : expected };
    if (iss === undefined) {
      if (a.issRequired === false) return 'not_sent';
      recordSecurityEvent(EVENTS.issuerMissing, { ...ctx, reason: 'iss_missing' }, { [ATTR_OAUTH_STAGE]: 'authorization_response' });
      return 'missing';
    }
    if (expected !== undefined && iss === expected) return 'valid';
    recordSecurityEvent(EVENTS.issuerMismatch, { ...ctx, reason: 'iss_mismatch' }, { [ATTR_OAUTH_STAGE]: 'authorization_response' });
    return 'mismatch';
  } catch (err) {
    internalError('checkAuthorizationResponse', err);
    return 'unreadable';
  }
}

/** The `iss` of a response: undefined when absent, null when the input is not a response at all. */
function responseIss(response: unknown): string | undefined | null {
  if (response instanceof URLSearchParams) return response.get('iss') ?? undefined;
  const query = response instanceof URL ? response.search : typeof response === 'string' ? response : undefined;
  if (query === undefined || query.length > MAX_RESPONSE_QUERY) return null;
  return queryParam(query, 'iss');
}

/**
 * The first value of `name` in a query string: one forward scan, nothing allocated for the other
 * parameters (a callback query is attacker-shaped). null when its value is not valid percent-encoding.
 */
function queryParam(query: string, name: string): string | undefined | null {
  const key = `${name}=`;
  for (let at = query.indexOf(key); at !== -1; at = query.indexOf(key, at + 1)) {
    const before = at === 0 ? 38 : query.charCodeAt(at - 1);
    if (before !== 38 /* & */ && before !== 63 /* ? */) continue;
    const end = query.indexOf('&', at);
    const raw = query.slice(at + key.length, end === -1 ? undefined : end);
    try {
      return decodeURIComponent(raw.indexOf('+') === -1 ? raw : raw.replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }
  return undefined;
}

/** The SecurityContext fields of a wider input, read once (getters run once, values are kept as given). */
function pickContext(a: Partial<AuthorizationResponseInput>): SecurityContext {
  return { flowId: a.flowId, clientId: a.clientId, userId: a.userId };
}
