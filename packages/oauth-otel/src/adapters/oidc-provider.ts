/**
 * `oauth-otel/oidc-provider`: authorization-server instrumentation for node-oidc-provider 9.
 *
 *   import { instrumentOidcProvider } from 'oauth-otel/oidc-provider';
 *   const { detach } = instrumentOidcProvider(provider, { raceWindowMs: 2000 });
 *
 * It only listens to the Provider's events (`provider.on` / `provider.off`); it never imports
 * oidc-provider and never changes what the server answers. Event semantics are those observed
 * on 9.13.3 (examples/auth-server/EVENTS.md): listener arguments are `(ctx, err)` for endpoint
 * errors, `(ctx)` for grant.success, `(ctx, grantId)` for grant.revoked and `(model)` for model
 * events. Every listener is wrapped so that nothing it does can throw into the server.
 */
import { emitEvent, eventsWanted, type EventAttributes, type OAuthEventLevel } from '../api/events';
import { errorCodes, metrics, provider as providerLabel, safely } from '../api/common';
import {
  authorizationCodeReplayDetected,
  clientMismatch,
  pkceDowngradeDetected,
  pkceVerificationFailed,
  redirectUriMismatch,
  refreshTokenReuseDetected,
  type SecurityContext,
} from '../api/security';
import { OAuthTelemetryConfigError } from '../errors';
import { noticeOnce } from '../internal/diag';
import { fingerprint } from '../internal/fingerprint';
import { Vocabulary } from '../metrics/labels';
import {
  GRANT_TYPE,
  SERVER_REGISTRATION_ERROR,
  type GrantRevocationReason,
  type GrantType,
  type OAuthErrorCode,
  type ReuseClassification,
  type ServerEndpoint,
  type ServerRegistrationError,
} from '../vocabulary';

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

type Listener = (...args: unknown[]) => void;

const DEFAULT_RACE_WINDOW_MS = 2000;
const DEFAULT_MAX_TRACKED = 10_000;

/** Endpoint error events (`(ctx, err)`) and the endpoint each stands for. */
const ERROR_EVENTS: Readonly<Record<string, ServerEndpoint>> = Object.freeze({
  'authorization.error': 'authorization',
  'grant.error': 'token',
  'registration_create.error': 'registration',
  'registration_read.error': 'registration',
  'registration_update.error': 'registration',
  'registration_delete.error': 'registration',
  'revocation.error': 'revocation',
  'introspection.error': 'introspection',
  'userinfo.error': 'userinfo',
  'pushed_authorization_request.error': 'pushed_authorization_request',
  'device_authorization.error': 'device_authorization',
  'code_verification.error': 'device_verification',
  'device_resume.error': 'device_verification',
  'backchannel_authentication.error': 'backchannel_authentication',
  'end_session.error': 'end_session',
  'end_session_confirm.error': 'end_session',
  'end_session_success.error': 'end_session',
  'jwks.error': 'jwks',
  'discovery.error': 'discovery',
  'credential.error': 'credential',
  'openid_credential_issuer.error': 'credential',
  'challenge.error': 'other',
});

/** `ctx.oidc.route` → endpoint, for `server_error` (which has no endpoint in its name). */
const ROUTE_ENDPOINT: Readonly<Record<string, ServerEndpoint>> = Object.freeze({
  authorization: 'authorization',
  resume: 'authorization',
  token: 'token',
  registration: 'registration',
  client: 'registration',
  client_update: 'registration',
  client_delete: 'registration',
  revocation: 'revocation',
  introspection: 'introspection',
  userinfo: 'userinfo',
  pushed_authorization_request: 'pushed_authorization_request',
  device_authorization: 'device_authorization',
  code_verification: 'device_verification',
  device_resume: 'device_verification',
  backchannel_authentication: 'backchannel_authentication',
  end_session: 'end_session',
  end_session_confirm: 'end_session',
  end_session_success: 'end_session',
  jwks: 'jwks',
  discovery: 'discovery',
  credential: 'credential',
  openid_credential_issuer: 'credential',
});

/**
 * `err.error_detail` (oidc-provider's internal reason, never sent to the client) → the closed
 * `oauth.reason` of the `oauth_server_error` log record. Anything else is logged without a reason.
 */
const DETAIL_REASON: Readonly<Record<string, string>> = Object.freeze({
  'refresh token already used': 'refresh_token_reuse',
  'authorization code already consumed': 'code_replay',
  'code_verifier does not match code_challenge': 'pkce_mismatch',
  'code_verifier must be provided': 'pkce_missing_verifier',
  'unsupported code_challenge_method': 'pkce_unsupported_method',
  'authorization code redirect_uri mismatch': 'redirect_uri_mismatch',
  'client mismatch': 'client_mismatch',
  'refresh token not found': 'refresh_token_not_found',
  'refresh token is expired': 'refresh_token_expired',
  'authorization code not found': 'code_not_found',
  'authorization code is expired': 'code_expired',
  'grant not found': 'grant_not_found',
  'grant is expired': 'grant_expired',
  'accountId mismatch': 'account_mismatch',
  'invalid secret provided': 'invalid_client_secret',
  'client not found': 'client_not_found',
  'failed x5t#S256 verification': 'sender_constraint_failed',
  'failed jkt verification': 'sender_constraint_failed',
  'missing DPoP proof JWT': 'sender_constraint_failed',
  'DPoP proof key thumbprint does not match dpop_jkt': 'sender_constraint_failed',
});

/** `error_description` of the authorization endpoint's PKCE refusals (exposed, so stable text). */
const PKCE_MISSING_CHALLENGE = 'Authorization Server policy requires PKCE to be used for this request';
const PKCE_UNSUPPORTED_METHOD = 'not supported value of code_challenge_method';

const grantTypes = new Vocabulary<GrantType>('grant_type', GRANT_TYPE);
const registrationErrors = new Vocabulary<ServerRegistrationError>('error', SERVER_REGISTRATION_ERROR);

const attached = new WeakSet<object>();

/**
 * Instruments an oidc-provider `Provider`: AS metrics (`oauth_server_*`), security events through
 * the package API (refresh-token reuse, code replay, PKCE, redirect_uri and client mismatch) and
 * `oauth_server_*` log records. Call it before the provider serves requests (for the example
 * AS: in `onProvider`). Returns `{ detach }`.
 */
export function instrumentOidcProvider(
  provider: OidcProviderLike,
  options: OidcProviderInstrumentationOptions = {},
): OidcProviderInstrumentation {
  if (provider === null || typeof provider !== 'object' || typeof (provider as { on?: unknown }).on !== 'function') {
    throw new OAuthTelemetryConfigError('provider', 'an oidc-provider Provider (an EventEmitter with on/off)', provider === null ? 'null' : `a ${typeof provider}`);
  }
  const cfg = resolveOptions(options);
  if (attached.has(provider)) {
    noticeOnce('oidc-provider-twice', 'instrumentOidcProvider() was called again for the same provider; the second call adds nothing');
    return { detach() {} };
  }
  attached.add(provider);
  const inst = new Instrumentation(provider, cfg);
  const added: [string, Listener][] = [];
  const on = (event: string, body: (...args: unknown[]) => void) => {
    const listener: Listener = (...args) => safely(`oidc-provider:${event}`, () => body(...args));
    provider.on(event, listener);
    added.push([event, listener]);
  };

  for (const [event, endpoint] of Object.entries(ERROR_EVENTS)) on(event, (a, b) => inst.endpointError(event, endpoint, a, b));
  on('server_error', (a, b) => inst.endpointError('server_error', undefined, a, b));
  on('grant.success', (ctx) => inst.grantSuccess(ctx));
  on('grant.revoked', (ctx, grantId) => inst.grantRevoked(ctx, grantId));
  on('registration_create.success', (ctx, client) => inst.registrationSuccess(ctx, client));
  on('refresh_token.consumed', (model) => inst.refreshTokenConsumed(model));
  // authorization.success is deliberately not observed: its `out` argument carries the code.

  let detached = false;
  return {
    detach() {
      if (detached) return;
      detached = true;
      for (const [event, listener] of added) {
        try {
          if (typeof provider.off === 'function') provider.off(event, listener);
          else if (typeof provider.removeListener === 'function') provider.removeListener(event, listener);
        } catch {
          /* a provider that cannot remove listeners: nothing else to do */
        }
      }
      added.length = 0;
      inst.clear();
      attached.delete(provider);
    },
  };
}

interface ResolvedOptions {
  raceWindowMs: number;
  raceRequiresSameIp: boolean;
  maxTracked: number;
  providerName: string | undefined;
}

function resolveOptions(o: unknown): ResolvedOptions {
  if (o === undefined || o === null) o = {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new OAuthTelemetryConfigError('options', 'an object', Array.isArray(o) ? 'an array' : `a ${typeof o}`);
  const v = o as Record<string, unknown>;
  const known = ['raceWindowMs', 'raceRequiresSameIp', 'maxTrackedRefreshTokens', 'providerName'];
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new OAuthTelemetryConfigError(`options.${k}`, `one of the options ${known.join(', ')}`, 'an unknown option');
  }
  const int = (x: unknown, name: string, min: number, max: number, dflt: number) => {
    if (x === undefined) return dflt;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) throw new OAuthTelemetryConfigError(`options.${name}`, `an integer from ${min} to ${max}`, typeof x === 'number' ? String(x) : `a ${typeof x}`);
    return x;
  };
  if (v.raceRequiresSameIp !== undefined && typeof v.raceRequiresSameIp !== 'boolean') {
    throw new OAuthTelemetryConfigError('options.raceRequiresSameIp', 'true or false', `a ${typeof v.raceRequiresSameIp}`);
  }
  if (v.providerName !== undefined && (typeof v.providerName !== 'string' || v.providerName === '')) {
    throw new OAuthTelemetryConfigError('options.providerName', 'a non-empty string', `a ${typeof v.providerName}`);
  }
  return {
    raceWindowMs: int(v.raceWindowMs, 'raceWindowMs', 0, 600_000, DEFAULT_RACE_WINDOW_MS),
    raceRequiresSameIp: v.raceRequiresSameIp !== false,
    maxTracked: int(v.maxTrackedRefreshTokens, 'maxTrackedRefreshTokens', 1, 1_000_000, DEFAULT_MAX_TRACKED),
    providerName: v.providerName as string | undefined,
  };
}

/** When (and from which client IP fingerprint) a refresh token was rotated. */
interface Rotation {
  at: number;
  ip: string | undefined;
}

class Instrumentation {
  /** fingerprint(refresh token jti) → its rotation, oldest first (Map insertion order). */
  private readonly rotations = new Map<string, Rotation>();
  /** Requests whose grant was revoked on the token endpoint, waiting for their grant.error. */
  private pendingRevocation = new WeakSet<object>();

  constructor(
    private readonly provider: OidcProviderLike,
    private readonly cfg: ResolvedOptions,
  ) {}

  clear(): void {
    this.rotations.clear();
    this.pendingRevocation = new WeakSet();
  }

  private providerName(): string | undefined {
    if (this.cfg.providerName !== undefined) return this.cfg.providerName;
    return str(prop(this.provider, 'issuer'));
  }

  /** A model event: the token was rotated (consumed) by a successful refresh. */
  refreshTokenConsumed(model: unknown): void {
    const jti = str(prop(model, 'jti'));
    if (jti === undefined) return;
    const now = Date.now();
    const ip = clientIp(currentCtx(this.provider));
    const key = fingerprint(jti);
    const map = this.rotations;
    // Expired entries are at the head (insertion order is time order); keep the map bounded.
    for (const [k, r] of map) {
      if (now - r.at <= this.cfg.raceWindowMs && map.size < this.cfg.maxTracked) break;
      map.delete(k);
    }
    map.delete(key);
    map.set(key, { at: now, ip: ip === undefined ? undefined : fingerprint(ip) });
  }

  grantSuccess(ctx: unknown): void {
    this.flushPendingRevocation(ctx, 'other');
    const oidc = prop(ctx, 'oidc');
    const grantType = grantTypes.normalizeQuiet(prop(prop(oidc, 'params'), 'grant_type'));
    const m = metrics();
    m.add('serverTokensIssued', 1, m.attrs('serverTokensIssued', grantType));
    if (eventsWanted()) {
      this.emit('oauth_server_token_issued', 'debug', 'Token issued', {
        'oauth.endpoint': 'token',
        'oauth.grant_type': grantType,
        'oauth.outcome': 'success',
        'oauth.client_id': clientIdOf(oidc),
      });
    }
  }

  grantRevoked(ctx: unknown, grantId: unknown): void {
    void grantId; // never logged: a grant id is an internal identifier of the token family
    const route = str(prop(prop(ctx, 'oidc'), 'route'));
    if (route === 'token' && isObject(ctx)) {
      // Reuse or replay: the grant.error on the same ctx follows and says which.
      this.pendingRevocation.add(ctx);
      return;
    }
    this.countRevocation(route === 'revocation' ? 'revocation_endpoint' : 'other', ctx);
  }

  registrationSuccess(ctx: unknown, client: unknown): void {
    const m = metrics();
    m.add('serverClientRegistrations', 1, m.attrs('serverClientRegistrations', 'success', 'none'));
    if (eventsWanted()) {
      const id = str(prop(client, 'clientId')) ?? clientIdOf(prop(ctx, 'oidc'));
      this.emit('oauth_server_client_registered', 'info', 'OAuth client registered', {
        'oauth.endpoint': 'registration',
        'oauth.outcome': 'success',
        'oauth.client_id': id,
      });
    }
  }

  /** Any `*.error` endpoint event, or `server_error` (endpoint from the route). */
  endpointError(event: string, eventEndpoint: ServerEndpoint | undefined, a: unknown, b: unknown): void {
    const serverError = event === 'server_error';
    // 9.x passes (ctx, err); older releases documented (err, ctx): accept both.
    const [ctx, err] = isCtx(b) && !isCtx(a) ? [b, a] : [a, b];
    const oidc = prop(ctx, 'oidc');
    const route = str(prop(oidc, 'route'));
    const endpoint: ServerEndpoint = eventEndpoint ?? (route !== undefined && Object.hasOwn(ROUTE_ENDPOINT, route) ? ROUTE_ENDPOINT[route]! : 'other');
    const code: OAuthErrorCode = serverError ? 'server_error' : errorCodes.normalizeQuiet(prop(err, 'error'));
    const detail = str(prop(err, 'error_detail'));
    const description = str(prop(err, 'error_description'));
    const name = str(prop(err, 'name'));
    const params = prop(oidc, 'params');
    const m = metrics();

    m.add('serverErrors', 1, m.attrs('serverErrors', endpoint, code));
    if (event === 'registration_create.error' || (serverError && route === 'registration')) {
      // Registration requests only (read/update/delete are registration management).
      m.add('serverClientRegistrations', 1, m.attrs('serverClientRegistrations', 'failure', registrationErrors.normalizeQuiet(code)));
    }

    let reason = detail !== undefined && Object.hasOwn(DETAIL_REASON, detail) ? DETAIL_REASON[detail] : undefined;
    const sec: SecurityContext = { provider: this.providerName(), clientId: clientIdOf(oidc) };

    if (endpoint === 'token' && !serverError) {
      const revoked = isObject(ctx) && this.pendingRevocation.has(ctx);
      if (revoked) {
        this.pendingRevocation.delete(ctx as object);
        this.countRevocation(reason === 'refresh_token_reuse' ? 'refresh_token_reuse' : reason === 'code_replay' ? 'code_replay' : 'other', ctx);
      }
      const code_ = str(prop(params, 'code'));
      switch (detail) {
        case 'refresh token already used':
          this.refreshTokenReuse(ctx, oidc, sec, revoked);
          break;
        case 'authorization code already consumed':
          authorizationCodeReplayDetected({ ...sec, token: code_, reason: revoked ? 'grant_revoked' : 'grant_kept' });
          break;
        case 'code_verifier does not match code_challenge':
          pkceVerificationFailed({ ...sec, token: code_, reason: 'mismatch' });
          break;
        case 'code_verifier must be provided':
          pkceVerificationFailed({ ...sec, token: code_, reason: 'missing_verifier' });
          break;
        case 'authorization code redirect_uri mismatch':
          redirectUriMismatch({ ...sec, token: code_, reason: 'token_request' });
          break;
        case 'client mismatch':
          // The code (or refresh token) of one client presented by another.
          clientMismatch({ ...sec, token: code_ ?? str(prop(params, 'refresh_token')), reason: str(prop(params, 'grant_type')) === 'refresh_token' ? 'refresh_token' : 'authorization_code' });
          break;
        default:
          break;
      }
    } else if (endpoint === 'token') {
      this.flushPendingRevocation(ctx, 'other');
    } else if (endpoint === 'authorization' && !serverError) {
      if (name === 'InvalidRedirectUri' || code === 'invalid_redirect_uri') {
        reason = 'redirect_uri_not_registered';
        redirectUriMismatch({ ...sec, reason: 'authorization_request' });
      } else if (code === 'invalid_request' && description === PKCE_MISSING_CHALLENGE) {
        reason = 'pkce_missing_challenge';
        pkceDowngradeDetected({ ...sec, reason: 'missing_challenge' });
      } else if (code === 'invalid_request' && description === PKCE_UNSUPPORTED_METHOD) {
        reason = 'pkce_unsupported_method';
        pkceDowngradeDetected({ ...sec, reason: 'unsupported_method' });
      }
    }

    if (eventsWanted()) {
      const status = num(prop(err, 'statusCode')) ?? num(prop(err, 'status'));
      this.emit(
        'oauth_server_error',
        serverError ? 'error' : 'warn',
        serverError ? 'Authorization server error' : 'Authorization server error response',
        {
          'oauth.endpoint': endpoint,
          'oauth.error': code,
          'oauth.reason': reason,
          'oauth.outcome': 'failure',
          'oauth.grant_type': endpoint === 'token' && params !== undefined ? grantTypes.normalizeQuiet(prop(params, 'grant_type')) : undefined,
          'oauth.client_id': clientIdOf(oidc),
          'http.response.status_code': serverError ? (status !== undefined && status >= 500 ? status : 500) : status,
        },
        serverError ? asError(err) : undefined,
      );
    }
  }

  /** `grant.error` with `refresh token already used`: classify, then the package's P0 event. */
  private refreshTokenReuse(ctx: unknown, oidc: unknown, sec: SecurityContext, familyRevoked: boolean): void {
    const token = prop(prop(oidc, 'entities'), 'RefreshToken');
    const jti = str(prop(token, 'jti'));
    const consumed = num(prop(token, 'consumed'));
    const now = Date.now();
    const seen = jti === undefined ? undefined : this.rotations.get(fingerprint(jti));
    const window = this.cfg.raceWindowMs;
    let classification: ReuseClassification = 'suspected_theft';
    let reason: string;
    let since: number | undefined;
    if (seen !== undefined) {
      since = now - seen.at;
      const ip = clientIp(ctx);
      if (since > window) reason = 'outside_race_window';
      else if (this.cfg.raceRequiresSameIp && seen.ip !== undefined && ip !== undefined && seen.ip !== fingerprint(ip)) reason = 'different_client_ip';
      else {
        classification = 'benign_race';
        reason = 'within_race_window';
      }
    } else if (consumed !== undefined) {
      // Rotated by another process (or before attach): only the store's second-resolution time.
      // It overstates the age by up to 1 s, so it errs towards suspected_theft, never away from it.
      since = Math.max(0, now - consumed * 1000);
      if (since <= window && window > 0) {
        classification = 'benign_race';
        reason = 'within_race_window';
      } else reason = 'outside_race_window';
    } else {
      reason = 'rotation_unknown';
    }
    const m = metrics();
    m.add('serverRefreshTokenReuse', 1, m.attrs('serverRefreshTokenReuse', classification));
    refreshTokenReuseDetected({
      ...sec,
      side: 'server',
      classification,
      familyRevoked,
      token: jti,
      reason,
      ...(since !== undefined ? { sinceFirstUseMs: since } : {}),
    });
  }

  private flushPendingRevocation(ctx: unknown, reason: GrantRevocationReason): void {
    if (isObject(ctx) && this.pendingRevocation.has(ctx)) {
      this.pendingRevocation.delete(ctx);
      this.countRevocation(reason, ctx);
    }
  }

  private countRevocation(reason: GrantRevocationReason, ctx: unknown): void {
    const m = metrics();
    m.add('serverGrantRevocations', 1, m.attrs('serverGrantRevocations', reason));
    if (eventsWanted()) {
      const security = reason === 'refresh_token_reuse' || reason === 'code_replay';
      this.emit('oauth_server_grant_revoked', security ? 'warn' : 'info', 'Grant revoked', {
        'oauth.reason': reason,
        'oauth.client_id': clientIdOf(prop(ctx, 'oidc')),
      });
    }
  }

  private emit(event: string, level: OAuthEventLevel, message: string, attributes: EventAttributes, error?: Error): void {
    emitEvent({
      event,
      level,
      message,
      attributes: { 'oauth.provider': providerLabel(this.providerName()), ...attributes },
      ...(error !== undefined ? { error } : {}),
    });
  }
}

// ---- tolerant readers: any shape, getters that throw, proxies ------------------------------

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function prop(o: unknown, key: string): unknown {
  if (!isObject(o)) return undefined;
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? (v.length > 2048 ? v.slice(0, 2048) : v) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A Koa ctx of oidc-provider: has an `oidc` object. */
function isCtx(v: unknown): boolean {
  return isObject(prop(v, 'oidc'));
}

/** The authenticated / loaded client of the request (never the raw, attacker-chosen `client_id` parameter). */
function clientIdOf(oidc: unknown): string | undefined {
  return str(prop(prop(oidc, 'client'), 'clientId'));
}

function clientIp(ctx: unknown): string | undefined {
  return str(prop(ctx, 'ip'));
}

/** The request ctx of a model event: oidc-provider keeps it in AsyncLocalStorage (`Provider.ctx`). */
function currentCtx(provider: OidcProviderLike): unknown {
  return prop(prop(provider, 'constructor'), 'ctx');
}

/** Errors cross realms (jest, vm): accept anything Error-shaped, as the log formatter reads name/message/stack. */
function asError(err: unknown): Error | undefined {
  if (err instanceof Error) return err;
  const name = str(prop(err, 'name'));
  const message = prop(err, 'message');
  if (name === undefined || typeof message !== 'string') return undefined;
  const e = new Error(message);
  e.name = name;
  const stack = prop(err, 'stack');
  if (typeof stack === 'string') e.stack = stack;
  return e;
}
