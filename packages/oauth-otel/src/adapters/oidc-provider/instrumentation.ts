/**
 * The listeners' logic: turns oidc-provider events into the package's recording calls (the
 * `server*` calls for `oauth_server_*` metrics, the security calls for security events). It
 * reads every value through tolerant readers: any shape, getters that throw, proxies.
 */
import {
  authorizationCodeReplayDetected,
  clientMismatch,
  pkceDowngradeDetected,
  pkceVerificationFailed,
  redirectUriMismatch,
  refreshTokenReuseDetected,
  type SecurityContext,
} from '../../api/security';
import { audienceInjection, tokenInUrl } from '../../api/threats';
import { secretQueryParameters } from '../../redaction/query-names';
import { RegistrationChecks, type ResolvedRegistrationPolicy } from './registration';
import { dpopRejected } from '../../api/dpop';
import { countServerTokenIssued, serverClientRegistered, serverError as recordServerError, serverGrantRevoked, serverTokenIssuedEvent } from '../../api/server';
import type { DpopCheck, GrantRevocationReason, ReuseClassification, ServerEndpoint } from '../../catalog/vocabularies';
import type { OidcProviderLike } from './types';
import { RotationLedger } from './rotations';
import { readClient, readClientAssertion, readClientId, readCurrentCtx, readGrantType, readIp, readIssuer, readJti, readOidc, readParams, readQuerystring, readReq, readUrl } from './read';
import { DETAIL_REASON, DPOP_DESCRIPTION_CHECK, DPOP_DETAIL_CHECK, PKCE_MISSING_CHALLENGE, PKCE_UNSUPPORTED_METHOD, ROUTE_ENDPOINT } from './tables';

export interface ResolvedOptions {
  raceWindowMs: number;
  raceRequiresSameIp: boolean;
  maxTracked: number;
  providerName: string | undefined;
  registration: ResolvedRegistrationPolicy;
}

export class Instrumentation {
  private readonly rotations: RotationLedger;
  /** Requests whose grant was revoked on the token endpoint, waiting for their grant.error. */
  private pendingRevocation = new WeakSet<object>();
  /**
   * How many revocations may be pending (an upper bound: a ctx collected while pending is never
   * deleted). At 0 every grant.success skips the WeakSet lookup (which hashes the ctx) of a set
   * that is nearly always empty.
   */
  private pendingCount = 0;
  private readonly registrations: RegistrationChecks;

  constructor(
    private readonly provider: OidcProviderLike,
    private readonly cfg: ResolvedOptions,
  ) {
    this.registrations = new RegistrationChecks(cfg.registration);
    this.rotations = new RotationLedger(cfg.raceWindowMs, cfg.maxTracked);
  }

  clear(): void {
    this.registrations.clear();
    this.rotations.clear();
    this.pendingRevocation = new WeakSet();
    this.pendingCount = 0;
  }

  private providerName(): string | undefined {
    if (this.cfg.providerName !== undefined) return this.cfg.providerName;
    return str(readIssuer(this.provider));
  }

  /** A model event: the token was rotated (consumed) by a successful refresh. */
  refreshTokenConsumed(model: unknown): void {
    const jti = str(readJti(model));
    if (jti === undefined) return;
    // The client IP is read only when the race rule compares it, and kept as is: it never leaves
    // the process from here, so hashing it on every rotation would buy nothing.
    const ip = this.cfg.raceRequiresSameIp ? clientIp(readCurrentCtx(this.provider)) : undefined;
    this.rotations.record(jti, ip, Date.now());
  }

  grantSuccess(ctx: unknown): void {
    // Every token response of the AS comes through here, so this path reads and calls as little
    // as it can: between two requests of a busy AS its code and data are cold (each step read from
    // memory, a few µs in the example AS against ~0.2 µs in a hot loop). Each value is read once,
    // by name (read.ts); the provider and client id only when something needs them (a security
    // check that fires, a pending registration, an event at the log level or on a recording span).
    if (this.pendingCount > 0) this.flushPendingRevocation(ctx, 'other');
    const oidc = readOidc(ctx);
    const params = readParams(oidc);
    if (hasQuery(ctx) || typeof readClientAssertion(params) === 'string') this.requestChecks(ctx, oidc, 'token', this.providerName(), clientIdOf(oidc));
    if (this.registrations.hasPending) this.registrations.tokenIssued(clientIdOf(oidc));
    const wanted = countServerTokenIssued(str(readGrantType(params)) ?? 'other');
    if (wanted !== undefined) serverTokenIssuedEvent(wanted, { provider: this.providerName(), clientId: clientIdOf(oidc) });
  }

  grantRevoked(ctx: unknown, grantId: unknown): void {
    void grantId; // never logged: a grant id is an internal identifier of the token family
    const route = str(prop(prop(ctx, 'oidc'), 'route'));
    if (route === 'token' && isObject(ctx)) {
      // Reuse or replay: the grant.error on the same ctx follows and says which.
      if (!this.pendingRevocation.has(ctx)) {
        this.pendingRevocation.add(ctx);
        this.pendingCount++;
      }
      return;
    }
    this.countRevocation(route === 'revocation' ? 'revocation_endpoint' : 'other', ctx);
  }

  registrationSuccess(ctx: unknown, client: unknown): void {
    const clientId = str(prop(client, 'clientId')) ?? clientIdOf(prop(ctx, 'oidc'));
    serverClientRegistered({ provider: this.providerName(), clientId });
    this.requestChecks(ctx, prop(ctx, 'oidc'), 'registration', this.providerName(), clientIdOf(prop(ctx, 'oidc')));
    const uris = prop(client, 'redirectUris');
    const redirectUris = Array.isArray(uris) ? uris.slice(0, 32).filter((u): u is string => typeof u === 'string') : [];
    this.registrations.registered(clientIp(ctx), clientId, redirectUris, { provider: this.providerName(), clientId });
  }

  /**
   * What any request the AS reports on can show: secrets in its URL query (RFC 9700 §4.3.2;
   * names only), and a JWT client assertion whose `aud` is not exactly the issuer (audience
   * injection; the assertion's payload is decoded for `aud` alone, never verified or kept).
   */
  private requestChecks(ctx: unknown, oidc: unknown, endpoint: ServerEndpoint, provider: string | undefined, clientId: string | undefined): void {
    // The security context is built only when a check fires (the common request has neither).
    // A URL without '?' has no query: Koa's ctx.querystring (a getter chain and a URL parse, the
    // largest step of grant.success by performance.now() segments in the real AS) is read only
    // when the raw URL has one.
    const qs = hasQuery(ctx) ? str(readQuerystring(ctx)) : undefined;
    if (qs !== undefined) {
      const parameters = secretQueryParameters(qs);
      if (parameters.length > 0) tokenInUrl({ provider, clientId, side: 'server', parameters, endpoint });
    }
    const assertion = readClientAssertion(readParams(oidc));
    if (typeof assertion !== 'string') return;
    const issuer = str(readIssuer(this.provider));
    if (issuer === undefined) return;
    const aud = assertionAudience(assertion);
    if (Array.isArray(aud)) audienceInjection('aud_array', { provider, clientId });
    else if (typeof aud === 'string' && aud !== issuer) audienceInjection('aud_not_issuer', { provider, clientId });
  }

  /** Any `*.error` endpoint event, or `server_error` (endpoint from the route). */
  endpointError(event: string, eventEndpoint: ServerEndpoint | undefined, a: unknown, b: unknown): void {
    const serverError = event === 'server_error';
    // 9.x passes (ctx, err); older releases documented (err, ctx): accept both.
    const [ctx, err] = isCtx(b) && !isCtx(a) ? [b, a] : [a, b];
    const oidc = prop(ctx, 'oidc');
    const route = str(prop(oidc, 'route'));
    const endpoint: ServerEndpoint = eventEndpoint ?? (route !== undefined && Object.hasOwn(ROUTE_ENDPOINT, route) ? ROUTE_ENDPOINT[route]! : 'other');
    const code = serverError ? 'server_error' : (str(prop(err, 'error')) ?? 'other');
    const detail = str(prop(err, 'error_detail'));
    const description = str(prop(err, 'error_description'));
    const name = str(prop(err, 'name'));
    const params = prop(oidc, 'params');
    const sec: SecurityContext = { provider: this.providerName(), clientId: clientIdOf(oidc) };
    this.requestChecks(ctx, oidc, endpoint, sec.provider, sec.clientId);

    let reason = detail !== undefined && Object.hasOwn(DETAIL_REASON, detail) ? DETAIL_REASON[detail] : undefined;

    if (endpoint === 'token' && !serverError) {
      const revoked = this.pendingCount > 0 && isObject(ctx) && this.pendingRevocation.has(ctx);
      if (revoked) {
        this.pendingRevocation.delete(ctx as object);
        this.pendingCount--;
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

    if (!serverError && (endpoint === 'token' || endpoint === 'userinfo')) {
      const check = dpopCheck(code, detail, description, ctx);
      if (check !== undefined) {
        dpopRejected({ ...sec, side: 'authorization_server', check, endpoint, token: endpoint === 'token' ? str(prop(params, 'refresh_token')) : undefined });
      }
    }

    const status = num(prop(err, 'statusCode')) ?? num(prop(err, 'status'));
    recordServerError({
      provider: this.providerName(),
      clientId: clientIdOf(oidc),
      endpoint,
      error: code,
      serverError,
      // Registration requests only (read/update/delete are registration management).
      registration: event === 'registration_create.error' || (serverError && route === 'registration'),
      ...(reason !== undefined ? { reason } : {}),
      ...(endpoint === 'token' && params !== undefined ? { grantType: str(prop(params, 'grant_type')) ?? 'other' } : {}),
      ...(serverError ? { httpStatus: status !== undefined && status >= 500 ? status : 500, cause: asError(err) } : status !== undefined ? { httpStatus: status } : {}),
    });
  }

  /** `grant.error` with `refresh token already used`: classify, then the package's P0 event. */
  private refreshTokenReuse(ctx: unknown, oidc: unknown, sec: SecurityContext, familyRevoked: boolean): void {
    const token = prop(prop(oidc, 'entities'), 'RefreshToken');
    const jti = str(prop(token, 'jti'));
    const consumed = num(prop(token, 'consumed'));
    const now = Date.now();
    const seen = jti === undefined ? undefined : this.rotations.get(jti);
    const window = this.cfg.raceWindowMs;
    let classification: ReuseClassification = 'suspected_theft';
    let reason: string;
    let since: number | undefined;
    if (seen !== undefined) {
      since = now - seen.at;
      const ip = clientIp(ctx);
      if (since > window) reason = 'outside_race_window';
      else if (this.cfg.raceRequiresSameIp && seen.ip !== undefined && ip !== undefined && seen.ip !== ip) reason = 'different_client_ip';
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
    // side 'server' with a classification also counts oauth_server_refresh_token_reuse_total.
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
    if (this.pendingCount > 0 && isObject(ctx) && this.pendingRevocation.has(ctx)) {
      this.pendingRevocation.delete(ctx);
      this.pendingCount--;
      this.countRevocation(reason, ctx);
    }
  }

  private countRevocation(reason: GrantRevocationReason, ctx: unknown): void {
    serverGrantRevoked({ provider: this.providerName(), clientId: clientIdOf(prop(ctx, 'oidc')), reason });
  }
}

/** `aud` of a JWT's payload (decoded, not verified), or undefined for anything that is not a small JWT. */
function assertionAudience(jwt: string): unknown {
  if (jwt.length > 16_384) return undefined;
  const a = jwt.indexOf('.');
  const b = a === -1 ? -1 : jwt.indexOf('.', a + 1);
  if (b === -1) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(jwt.slice(a + 1, b), 'base64url').toString('utf8')) as unknown;
    return prop(payload, 'aud');
  } catch {
    return undefined;
  }
}

/** The RFC 9449 check behind a token or userinfo error, or undefined when it is not a DPoP refusal. */
function dpopCheck(code: string, detail: string | undefined, description: string | undefined, ctx: unknown): DpopCheck | undefined {
  if (code === 'use_dpop_nonce') return 'nonce_challenge';
  if (code === 'invalid_dpop_proof') return (description !== undefined && Object.hasOwn(DPOP_DESCRIPTION_CHECK, description) ? DPOP_DESCRIPTION_CHECK[description] : undefined) ?? 'proof_invalid';
  if (detail === undefined || !Object.hasOwn(DPOP_DETAIL_CHECK, detail)) return undefined;
  const check = DPOP_DETAIL_CHECK[detail]!;
  if (check !== 'jkt') return check;
  // A bound token with a proof of another key, or with no proof at all (used as a Bearer token).
  return prop(prop(ctx, 'headers'), 'dpop') !== undefined ? 'key_mismatch' : 'bearer_downgrade';
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
/** False only when the request's raw URL (`ctx.req.url`) is a string without '?': no query string then. */
function hasQuery(ctx: unknown): boolean {
  const url = readUrl(readReq(ctx));
  return typeof url !== 'string' || url.includes('?');
}

function clientIdOf(oidc: unknown): string | undefined {
  return str(readClientId(readClient(oidc)));
}

function clientIp(ctx: unknown): string | undefined {
  return str(readIp(ctx));
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
