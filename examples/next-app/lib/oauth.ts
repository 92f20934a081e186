/**
 * The OAuth 2.1 client, MCP style, on panva's oauth4webapi. oauth-otel's traffic observer (on after
 * initTelemetry(), docs/zero-code.md) records what its HTTP shows: discovery, registration, the
 * code exchange (which ends the flow continueOAuthFlow() names), refreshes with rotation and reuse,
 * revocation. The calls left here record what traffic cannot show: the flow's start and the
 * client's refusals, the PKCE state and its validation, RFC 9207 `iss` in the callback, ownership.
 *
 *   probe the MCP server (401 + WWW-Authenticate resource_metadata)      discovery www-authenticate
 *   → RFC 9728 protected-resource metadata (resource checked)             discovery rfc9728
 *   → RFC 8414 AS metadata (issuer checked, S256 required)                discovery rfc8414
 *   → RFC 7591 dynamic client registration (once per AS), or the client ID metadata document's
 *     URL as client_id (CIMD, MCP 2026-07-28: no registration)           registration route label
 *   → authorization request: PKCE S256, HMAC-bound state, RFC 8707 resource, prompt=login
 *   → callback: state (integrity, owner, expiry, replay), RFC 9207 iss, error
 *   → code exchange (with resource) → call the resource → refresh with rotation → revocation
 *   → step-up: a scoped path answers 403 insufficient_scope; re-authorize for the challenge's
 *     scope, at most STEP_UP_RETRIES times                               step-up challenges, loop
 *
 * Every request to the AS and the MCP server carries W3C trace context (oauthTraceHeaders()), so
 * the AS's server spans join the flow's trace under the span active when the request was made.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import {
  checkAuthorizationResponse,
  flowCompleted,
  flowStarted,
  oauthErrorCode,
  ownershipViolation,
  pkceDowngradeDetected,
  pkceStateCreated,
  pkceStateValidated,
  tokenRefreshed,
  type FlowFailureReason,
  type PkceValidationReason,
  continueOAuthFlow,
  oauthTraceHeaders,
} from 'oauth-otel';
import { config, server, type ServerConfig, type ServerId } from './config';
import type { Session } from './session';
import { macEquals, newNonce, newState, parseState, stateMac } from './state';
import { callScoped, scopedUrl, scopeUnion, STEP_UP_RETRIES, type StepUpPath } from './step-up';
import { store, type ActionResult, type Connection, type PendingState, type Registration, type RegistrationRoute, type StepUpContinuation } from './store';

const REQUEST_TIMEOUT_MS = 10_000;
const SCOPE_FALLBACK = 'mcp:read';
/** Bound of the in-memory state store (each pending flow holds one). */
const MAX_PENDING_STATES = 5000;

/** Options for every oauth4webapi request: plain http only for http URLs (local demo), a timeout. */
function requestOptions(url: string | URL) {
  return {
    signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    ...(new URL(url).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true as const } : {}),
  };
}

/** Provider label: the host of the issuer (oauth-otel normalizes URLs to their host). */
function providerOf(x: { issuer?: string; resource?: string; resourceUrl?: string }): string {
  return x.issuer ?? new URL(x.resource ?? x.resourceUrl ?? 'http://unknown').origin;
}

export const fingerprint = (token: string) => createHash('sha256').update(token).digest('base64url');

export class FlowError extends Error {
  constructor(
    readonly reason: FlowFailureReason,
    readonly result: Omit<ActionResult, 'at'>,
  ) {
    super(result.title);
  }
}

const errName = (err: unknown) => (err instanceof Error ? `${err.name}${'code' in err && typeof err.code === 'string' ? ` (${err.code})` : ''}` : typeof err);

// ---- discovery ------------------------------------------------------------------------------

interface Discovered {
  resource: URL;
  scope: string;
  as: oauth.AuthorizationServer;
}

/**
 * Calls the MCP server without a token. oauth4webapi parses the 401's WWW-Authenticate challenge
 * (WWWAuthenticateChallengeError); the probe carries no credentials (its fetch drops the
 * placeholder Authorization header protectedResourceRequest insists on).
 */
async function probe(resource: URL): Promise<{ resourceMetadata: URL; scope?: string }> {
  let challenges: oauth.WWWAuthenticateChallenge[];
  try {
    await oauth.protectedResourceRequest('probe', 'GET', resource, undefined, undefined, {
      ...requestOptions(resource),
      [oauth.customFetch]: (url, init) => {
        const headers = new Headers(init.headers);
        headers.delete('authorization');
        for (const [k, v] of Object.entries(oauthTraceHeaders())) headers.set(k, v);
        return fetch(url, { method: init.method, headers, redirect: init.redirect, ...(init.signal ? { signal: init.signal } : {}) });
      },
    });
    throw new Error('the MCP server answered without asking for a token');
  } catch (err) {
    if ((err as { code?: unknown }).code !== oauth.WWW_AUTHENTICATE_CHALLENGE) throw err;
    challenges = (err as oauth.WWWAuthenticateChallengeError).cause;
  }
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  const rm = bearer?.parameters.resource_metadata;
  if (!rm) throw new Error('the 401 has no Bearer challenge with resource_metadata (RFC 9728 §5.1)');
  const resourceMetadata = new URL(rm);
  // Metadata on another origin than the resource is how attacker-chosen ASes get in (vercel/ai #15963).
  if (resourceMetadata.origin !== resource.origin) throw new Error('resource_metadata is on another origin than the MCP server');
  return { resourceMetadata, ...(bearer?.parameters.scope ? { scope: bearer.parameters.scope } : {}) };
}

async function discover(s: ServerConfig): Promise<Discovered> {
  const resource = new URL(s.resourceUrl);
  // The observer records the three discoveries (the 401 challenge, RFC 9728, RFC 8414).
  const challenge = await probe(resource);
  const response = await fetch(challenge.resourceMetadata, {
    headers: { accept: 'application/json', ...oauthTraceHeaders() },
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  // checks `resource` equals the MCP server we asked about (RFC 9728 §3.3)
  const prm = await oauth.processResourceDiscoveryResponse(resource, response);
  const issuerUrl = prm.authorization_servers?.[0];
  if (!issuerUrl) throw new FlowError('discovery_failed', { kind: 'warn', title: 'Discovery failed', detail: 'The protected-resource metadata lists no authorization server.' });
  const issuer = new URL(issuerUrl);
  let as: oauth.AuthorizationServer;
  try {
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...requestOptions(issuer), headers: oauthTraceHeaders() }));
  } catch (err) {
    // The observer saw the document name another issuer (issuer_mismatch, stage metadata).
    if ((err as { code?: unknown }).code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      throw new FlowError('issuer_mismatch', {
        kind: 'alert',
        title: 'Mix-up defence: AS metadata names another issuer',
        detail: 'RFC 8414 §3.3: the metadata issuer must equal the issuer it was discovered from. Flow aborted.',
        signals: ['oauth_security_events_total{event_type="issuer_mismatch"}', 'oauth_issuer_mismatch (P1)'],
      });
    }
    throw err;
  }
  // The token endpoint must be on the issuer's origin (vercel/ai #15966): codes and refresh tokens
  // go there. The observer saw it in the metadata (issuer_mismatch, stage token_endpoint).
  if (!as.token_endpoint || new URL(as.token_endpoint).origin !== issuer.origin) {
    throw new FlowError('issuer_mismatch', { kind: 'alert', title: 'Mix-up defence: token endpoint on another origin', detail: 'Flow aborted before any code was requested.' });
  }
  const scope = challenge.scope ?? (Array.isArray(prm.scopes_supported) ? prm.scopes_supported.join(' ') : SCOPE_FALLBACK);
  return { resource, scope, as };
}

// ---- registration ---------------------------------------------------------------------------

const registrationKey = (issuer: string, route: RegistrationRoute) => `${issuer}\n${config().redirectUri}\n${route}`;

async function register(as: oauth.AuthorizationServer, route: RegistrationRoute): Promise<Registration> {
  const { redirectUri, cimdClientId } = config();
  const key = registrationKey(as.issuer, route);
  const s = store();
  const existing = s.registrations.get(key);
  if (existing) {
    existing.as = as; // keep the freshest metadata
    return existing;
  }
  if (route === 'cimd') {
    // No registration request: the AS fetches the document at client_id (a public client).
    if (!cimdClientId) throw new FlowError('missing_config', { kind: 'warn', title: 'CIMD is not configured', detail: 'Set CIMD_CLIENT_ID (an https URL the AS can fetch /api/oauth/client-metadata from).' });
    if ((as as Record<string, unknown>).client_id_metadata_document_supported !== true) {
      throw new FlowError('registration_failed', { kind: 'warn', title: 'The AS does not support Client ID Metadata Documents', detail: 'Its metadata lacks client_id_metadata_document_supported: true.' });
    }
    const reg: Registration = { as, client: { client_id: cimdClientId, token_endpoint_auth_method: 'none' }, route, registeredAt: Date.now() };
    s.registrations.set(key, reg);
    return reg;
  }
  // The observer records the registration (the endpoint the metadata named).
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    {
      client_name: 'oauth-otel Next.js example',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    { ...requestOptions(as.issuer), headers: oauthTraceHeaders() },
  );
  const registered = await oauth.processDynamicClientRegistrationResponse(response);
  if (typeof registered.client_secret !== 'string') {
    throw new FlowError('registration_failed', { kind: 'warn', title: 'Registration returned no client secret' });
  }
  const reg: Registration = {
    as,
    client: { client_id: registered.client_id, token_endpoint_auth_method: 'client_secret_basic' },
    clientSecret: registered.client_secret,
    route,
    registeredAt: Date.now(),
  };
  s.registrations.set(key, reg);
  return reg;
}

function registrationFor(issuer: string, route: RegistrationRoute): Registration | undefined {
  return store().registrations.get(registrationKey(issuer, route));
}

const clientAuth = (reg: Registration) => (reg.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(reg.clientSecret));

// ---- authorization request ------------------------------------------------------------------

export interface StartOptions {
  /** State lifetime (default PKCE_STATE_TTL_SECONDS). */
  ttlMs?: number;
  /** How to get a client_id (default dcr). */
  route?: RegistrationRoute;
  /** Scope to request instead of the discovered one (a step-up's union). */
  scope?: string;
  stepUp?: StepUpContinuation;
}

/**
 * Starts an authorization flow for `session` against server `serverId` and returns the URL to
 * send the browser to. A refusal (PKCE downgrade, mix-up, discovery or registration failure)
 * throws a FlowError after recording the flow's failure.
 */
export async function startAuthorization(session: Session, serverId: ServerId, options: StartOptions = {}): Promise<{ authorizationUrl: URL; nonce: string }> {
  const s = server(serverId);
  if (!s || s.missing) throw new FlowError('missing_config', { kind: 'warn', title: 'Server not configured', detail: s?.missing ?? `unknown server ${serverId}` });
  const flowNonce = newNonce();
  const provider = providerOf(s);
  flowStarted({ provider, flowId: flowNonce });
  try {
    let discovered: Discovered;
    try {
      discovered = await discover(s);
    } catch (err) {
      if (err instanceof FlowError) throw err;
      throw new FlowError('discovery_failed', { kind: 'warn', title: 'Discovery failed', detail: `${errName(err)}: ${safeMessage(err)}` });
    }
    const { as, resource } = discovered;
    const scope = options.scope ?? discovered.scope;
    const route = options.route ?? 'dcr';

    // RFC 9700 §4.8, MCP 2025-11-25: S256 must be advertised, else refuse to proceed.
    const methods = as.code_challenge_methods_supported;
    if (!Array.isArray(methods) || !methods.includes('S256')) {
      pkceDowngradeDetected({ provider: as.issuer, reason: Array.isArray(methods) ? 's256_not_offered' : 'pkce_metadata_missing' });
      throw new FlowError('pkce_unsupported', {
        kind: 'alert',
        title: 'PKCE downgrade: the AS does not offer S256',
        detail: `code_challenge_methods_supported = ${JSON.stringify(methods ?? null)}. The client refuses to start the flow (no code is ever requested).`,
        signals: ['oauth_security_events_total{event_type="pkce_downgrade",severity="high"}', 'oauth_flow_failures_total{reason="pkce_unsupported"}', 'oauth_pkce_downgrade_detected (P1)'],
      });
    }

    let reg: Registration;
    try {
      reg = await register(as, route);
    } catch (err) {
      if (err instanceof FlowError) throw err;
      throw new FlowError('registration_failed', { kind: 'warn', title: route === 'cimd' ? 'Client ID Metadata Document setup failed' : 'Dynamic client registration failed', detail: errName(err) });
    }

    if (store().pending.size >= MAX_PENDING_STATES) {
      throw new FlowError('other', { kind: 'warn', title: 'Too many authorization flows in progress; try again later' });
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const ttlMs = options.ttlMs ?? config().stateTtlMs;
    // the state's nonce is the flow id given to flowStarted() above
    const { nonce, state } = newState({ userId: session.user, sessionId: session.sid, serverId, codeVerifier }, flowNonce);
    const now = Date.now();
    const rec: PendingState = {
      nonce,
      userId: session.user,
      sessionId: session.sid,
      serverId,
      issuer: as.issuer,
      resource: resource.href,
      codeVerifier,
      route,
      ...(options.stepUp ? { stepUp: options.stepUp } : {}),
      createdAt: now,
      expiresAt: now + ttlMs,
    };
    store().pending.set(nonce, rec);
    pkceStateCreated({ flowId: nonce, ttlMs, provider: as.issuer });

    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: reg.client.client_id,
      response_type: 'code',
      redirect_uri: config().redirectUri,
      scope,
      resource: resource.href, // RFC 8707
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // alice and bob share one browser in the demo: the AS asks who is signing in every time
      prompt: 'login',
    }).toString();
    return { authorizationUrl: url, nonce };
  } catch (err) {
    const reason = err instanceof FlowError ? err.reason : 'exception';
    flowCompleted({ flowId: flowNonce, outcome: 'failure', reason });
    if (err instanceof FlowError) throw err;
    throw new FlowError('exception', { kind: 'warn', title: 'Could not start the flow', detail: errName(err) });
  }
}

// ---- callback -------------------------------------------------------------------------------

const STATE_SIGNALS: Partial<Record<PkceValidationReason, string[]>> = {
  user_mismatch: ['oauth_pkce_validations_total{status="failure",reason="user_mismatch"}', 'oauth_code_injection_attempts_total', 'oauth_security_events_total{event_type="code_injection",severity="critical"}', 'pkce_state_user_mismatch (P0)'],
  invalid_hash: ['oauth_pkce_validations_total{status="failure",reason="invalid_hash"}', 'oauth_integrity_violations_total{violation_type="hash_mismatch"}', 'pkce_state_integrity_violation (P1)'],
  expired: ['oauth_pkce_validations_total{status="failure",reason="expired"}', 'oauth_security_events_total{event_type="state_expired",severity="low"}', 'pkce_state_expired (P3)'],
  replayed: ['oauth_pkce_validations_total{status="failure",reason="replayed"}', 'oauth_integrity_violations_total{violation_type="state_reuse"}', 'pkce_replay_detected (P1)'],
  not_found: ['oauth_pkce_validations_total{status="failure",reason="not_found"}'],
  missing_state: ['oauth_pkce_validations_total{status="failure",reason="missing_state"}'],
};

const STATE_TITLES: Partial<Record<PkceValidationReason, [ActionResult['kind'], string, string]>> = {
  user_mismatch: ['alert', 'Code injection blocked: the state belongs to another user', 'The callback carried a state bound to another user\'s session (RFC 9700 §4.5). The code was not redeemed.'],
  invalid_hash: ['alert', 'Tampered state: integrity check failed', 'The state\'s HMAC does not verify. The code was not redeemed.'],
  expired: ['warn', 'Expired state', 'The state outlived PKCE_STATE_TTL_SECONDS; the code was not redeemed. The cleanup job removes expired states.'],
  replayed: ['alert', 'Replayed callback: this state was already used', 'Each state is single-use. The code was not redeemed again.'],
  not_found: ['warn', 'Unknown state', 'This client never issued that state (or forgot it at a restart).'],
  other: ['warn', 'This flow belongs to another session', 'Sign in to the client app again and connect again.'],
  missing_state: ['warn', 'Callback without state', 'Rejected before anything else.'],
};

function rejectState(reason: PkceValidationReason, rec: PendingState | undefined, flowId: string | undefined): Omit<ActionResult, 'at'> {
  pkceStateValidated({ reason, ...(flowId ? { flowId } : {}), ...(rec ? { provider: rec.issuer } : {}) });
  const flowReason: FlowFailureReason = reason === 'missing_state' ? 'missing_state' : reason === 'expired' ? 'state_expired' : 'invalid_state';
  // A flow this client knows about ends here; for an unknown state there is no flow to end.
  if (rec) flowCompleted({ flowId: rec.nonce, outcome: 'failure', reason: flowReason });
  else if (reason === 'missing_state') flowCompleted({ outcome: 'failure', reason: flowReason });
  const [kind, title, detail] = STATE_TITLES[reason] ?? ['warn', `State rejected (${reason})`, ''];
  return { kind, title, detail, signals: [...(STATE_SIGNALS[reason] ?? []), `oauth_flow_failures_total{reason="${flowReason}"}`] };
}

/**
 * Handles the redirect back from the AS. Checks, in order: state present and known (or replayed),
 * not expired, its MAC (tampering), that it belongs to this user and session (code injection);
 * then oauth4webapi checks RFC 9207 `iss` before looking at `error`, and the code is exchanged.
 */
export async function handleCallback(session: Session | undefined, params: URLSearchParams): Promise<CallbackResult> {
  const s = store();
  const stateParam = params.get('state');
  if (!stateParam) return rejectState('missing_state', undefined, undefined);
  const parsed = parseState(stateParam);
  const rec = parsed ? s.pending.get(parsed.nonce) : undefined;
  if (!parsed || !rec) {
    const late = parsed ? s.expired.get(parsed.nonce) : undefined;
    // Removed by the cleanup job (the flow was ended there as state_expired): still `expired`.
    if (parsed && late) {
      pkceStateValidated({ reason: 'expired', flowId: parsed.nonce, provider: late.issuer });
      const [kind, title, detail] = STATE_TITLES.expired!;
      return { kind, title, detail, signals: STATE_SIGNALS.expired ?? [] };
    }
    const replayed = parsed !== undefined && s.consumed.has(parsed.nonce);
    return rejectState(replayed ? 'replayed' : 'not_found', undefined, parsed?.nonce);
  }
  if (rec.expiresAt <= Date.now()) {
    // Left in the store: the cleanup job removes expired states (oauth_pkce_states_cleaned_total).
    rec.rejected = true;
    return rejectState('expired', rec, rec.nonce);
  }
  // The rest continues the flow's trace (started at /connect, before the browser redirect).
  return continueOAuthFlow(rec.nonce, async (): Promise<CallbackResult> => {
    // Single use from here on, whatever the outcome.
    s.pending.delete(rec.nonce);
    s.consumed.set(rec.nonce, Date.now());
    if (!macEquals(parsed.mac, stateMac(rec.nonce, rec))) return rejectState('invalid_hash', rec, rec.nonce);
    // Another user's state in this session: code injection (RFC 9700 §4.5). No session, or the same
    // user in a later session (signed out and in again): the flow cannot be completed, but nobody's
    // account is at stake, so it is an ordinary failure, not a security event.
    if (session && session.user !== rec.userId) return rejectState('user_mismatch', rec, rec.nonce);
    if (!session || session.sid !== rec.sessionId) return rejectState('other', rec, rec.nonce);
    pkceStateValidated({ reason: 'valid', flowId: rec.nonce, provider: rec.issuer });

    const reg = registrationFor(rec.issuer, rec.route);
    if (!reg) {
      flowCompleted({ flowId: rec.nonce, outcome: 'failure', reason: 'missing_config' });
      return { kind: 'warn', title: 'No client registration for this issuer (restarted?)' };
    }

    // RFC 9207 §2.4, required by MCP 2026-07-28: `iss` is compared with the issuer recorded for this
    // flow before `error` is read. oauth-otel records a mismatch or a missing iss as a security event.
    const iss = checkAuthorizationResponse({ response: params, expectedIssuer: rec.issuer, flowId: rec.nonce });
    if (iss !== 'valid') {
      flowCompleted({ flowId: rec.nonce, outcome: 'failure', reason: 'issuer_mismatch' });
      return iss === 'missing'
        ? {
            kind: 'alert',
            title: 'Mix-up defence: the authorization response carries no iss',
            detail: 'RFC 9207 (required by the MCP authorization spec 2026-07-28): without iss the client cannot tell which AS answered. The code is not sent anywhere.',
            signals: ['oauth_security_events_total{event_type="issuer_missing"}', 'oauth_flow_failures_total{reason="issuer_mismatch"}', 'oauth_issuer_missing'],
          }
        : {
            kind: 'alert',
            title: 'Mix-up attack blocked: iss does not match the issuer of this flow',
            detail: 'RFC 9207: the authorization response names another issuer. The code is not sent anywhere and any error in the response is ignored.',
            signals: ['oauth_security_events_total{event_type="issuer_mismatch",severity="high"}', 'oauth_flow_failures_total{reason="issuer_mismatch"}', 'oauth_issuer_mismatch (P1)'],
          };
    }

    let callbackParams: URLSearchParams;
    try {
      // oauth4webapi checks iss again (and state), then reads `error`.
      callbackParams = oauth.validateAuthResponse(reg.as, reg.client, params, stateParam);
    } catch (err) {
      const e = err as { code?: string; message?: string; error?: string };
      if (e.code === oauth.AUTHORIZATION_RESPONSE_ERROR) {
        flowCompleted({ flowId: rec.nonce, outcome: 'failure', reason: 'provider_error', error: e.error ?? 'other' });
        return { kind: 'warn', title: `The AS answered ${oauthErrorCode(err) ?? 'an error'}`, detail: 'No tokens were requested.', signals: ['oauth_flow_failures_total{reason="provider_error"}'] };
      }
      flowCompleted({ flowId: rec.nonce, outcome: 'failure', reason: 'exception' });
      return { kind: 'warn', title: 'Invalid authorization response', detail: errName(err) };
    }

    let tokens: oauth.TokenEndpointResponse;
    try {
      // Inside continueOAuthFlow(): the observer records this exchange as the end of flow
      // rec.nonce (success, or token_exchange_failed with the OAuth error) and its span in the
      // flow's trace. Its W3C trace context goes to the AS, whose server span joins the trace.
      const response = await oauth.authorizationCodeGrantRequest(reg.as, reg.client, clientAuth(reg), callbackParams, config().redirectUri, rec.codeVerifier, {
        additionalParameters: { resource: rec.resource },
        ...requestOptions(rec.issuer),
        headers: oauthTraceHeaders(),
      });
      tokens = await oauth.processAuthorizationCodeResponse(reg.as, reg.client, response);
    } catch (err) {
      const error = oauthErrorCode(err);
      return { kind: 'warn', title: `Code exchange failed${error ? ` (${error})` : ''}`, signals: ['oauth_flow_failures_total{reason="token_exchange_failed"}', 'oauth_token_endpoint_errors_total'] };
    }

    if (rec.stepUp) return continueStepUp(session, rec, rec.stepUp, tokens);

    const conn: Connection = {
      id: randomBytes(9).toString('base64url'),
      userId: rec.userId,
      serverId: rec.serverId,
      issuer: rec.issuer,
      resource: rec.resource,
      route: rec.route,
      status: 'active',
      accessToken: tokens.access_token,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000,
      scope: tokens.scope ?? '',
      createdAt: Date.now(),
      generation: 0,
      rotated: new Map(),
      lock: Promise.resolve(),
    };
    s.connections.set(conn.id, conn);
    return {
      kind: 'ok',
      title: `Connected to ${server(rec.serverId)?.name ?? rec.serverId}${rec.route === 'cimd' ? ' (CIMD)' : ''}`,
      detail: `Access token for ${rec.resource} (scope "${conn.scope}"), expires in ${tokens.expires_in ?? '?'} s${conn.refreshToken ? ', with a refresh token' : ''}.`,
      signals: ['oauth_flows_total{status="success"}', 'oauth_flow_duration_seconds', 'oauth_pkce_validations_total{reason="valid"}', 'oauth_flow_success'],
    };
  });
}

/** A callback's outcome; `redirect` when a step-up re-authorizes again (the browser goes to the AS). */
export type CallbackResult = Omit<ActionResult, 'at'> & { redirect?: URL };

// ---- step-up (RFC 6750 §3.1, MCP authorization) --------------------------------------------

/**
 * Calls a scoped path of the connection's MCP server. On 403 insufficient_scope the client
 * re-authorizes for the challenge's scope (held ∪ needed) and, back at the callback, calls again;
 * after STEP_UP_RETRIES re-authorizations it gives up (the observer records the loop).
 */
export async function stepUp(session: Session, conn: Connection, path: StepUpPath): Promise<CallbackResult> {
  if (conn.status !== 'active' || !conn.accessToken) return { kind: 'warn', title: `Connection is ${conn.status.replace(/_/g, ' ')}` };
  return stepUpAttempt(session, conn, { connectionId: conn.id, path, attempt: 0 });
}

async function stepUpAttempt(session: Session, conn: Connection, next: StepUpContinuation): Promise<CallbackResult> {
  const url = scopedUrl(conn.resource, next.path as StepUpPath);
  const r = await callScoped(conn.accessToken!, url, REQUEST_TIMEOUT_MS);
  if (r.kind === 'ok') {
    return {
      kind: 'ok',
      title: next.attempt === 0 ? `Scoped call /${next.path} answered ${r.status} (no step-up needed)` : `Step-up succeeded: /${next.path} answered ${r.status} after ${next.attempt} re-authorization(s)`,
      detail: `scope "${conn.scope}"`,
      signals: next.attempt === 0 ? [] : ['oauth_step_up_challenges_total'],
    };
  }
  if (r.kind === 'failed') return { kind: 'warn', title: `Scoped call /${next.path} failed${r.status ? ` (${r.status}${r.error ? ` ${r.error}` : ''})` : ''}` };
  if (next.attempt >= STEP_UP_RETRIES) {
    return {
      kind: 'alert',
      title: `Step-up loop: /${next.path} still answers 403 insufficient_scope after ${next.attempt} re-authorizations`,
      detail: `The AS does not grant "${r.scope}" (or the resource refuses it anyway). The client stops retrying.`,
      signals: ['oauth_step_up_challenges_total', 'oauth_security_events_total{event_type="step_up_loop"}', 'oauth_step_up_loop (P2)'],
    };
  }
  const scope = scopeUnion(conn.scope, r.scope);
  const { authorizationUrl } = await startAuthorization(session, conn.serverId, { route: conn.route, scope, stepUp: { ...next, attempt: next.attempt + 1 } });
  return { kind: 'info', title: `Step-up: re-authorizing for "${scope}" (${next.attempt + 1} of ${STEP_UP_RETRIES})`, redirect: authorizationUrl };
}

/** Back from a step-up re-authorization: the connection takes the new tokens, then calls again. */
async function continueStepUp(session: Session, rec: PendingState, next: StepUpContinuation, tokens: oauth.TokenEndpointResponse): Promise<CallbackResult> {
  const conn = store().connections.get(next.connectionId);
  if (!conn || conn.userId !== rec.userId) return { kind: 'warn', title: 'The connection of this step-up is gone' };
  conn.status = 'active';
  conn.accessToken = tokens.access_token;
  if (tokens.refresh_token) conn.refreshToken = tokens.refresh_token;
  conn.expiresAt = Date.now() + (tokens.expires_in ?? 3600) * 1000;
  if (tokens.scope !== undefined) conn.scope = tokens.scope;
  try {
    return await stepUpAttempt(session, conn, next);
  } catch (err) {
    return err instanceof FlowError ? err.result : { kind: 'warn', title: 'Step-up failed', detail: errName(err) };
  }
}

// ---- connections: ownership, resource call, refresh, revocation -----------------------------

export type ConnectionAction = 'call' | 'refresh' | 'revoke';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly result: Omit<ActionResult, 'at'>,
  ) {
    super(result.title);
  }
}

/** The connection, if `session` owns it; otherwise an ownership violation is recorded (403). */
export function ownedConnection(session: Session, id: string, action: ConnectionAction): Connection {
  const conn = store().connections.get(id);
  if (!conn) throw new HttpError(404, { kind: 'warn', title: 'No such connection' });
  if (conn.userId !== session.user) {
    ownershipViolation({ provider: conn.issuer, reason: `${action}_not_owner` });
    if (action === 'refresh') tokenRefreshed({ outcome: 'failure', reason: 'ownership_failed', provider: conn.issuer });
    throw new HttpError(403, {
      kind: 'alert',
      title: `Ownership violation: ${session.user} tried to ${action === 'call' ? 'use' : action} ${conn.userId}'s connection`,
      detail: 'Refused before any token was touched.',
      signals: ['oauth_security_events_total{event_type="ownership_violation",severity="high"}', 'oauth_ownership_violation (P1)', ...(action === 'refresh' ? ['oauth_token_refresh_total{status="failure",reason="ownership_failed"}'] : [])],
    });
  }
  return conn;
}

function withLock<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  const run = conn.lock.then(fn, fn);
  conn.lock = run.catch(() => undefined);
  return run;
}

export async function callResource(conn: Connection): Promise<Omit<ActionResult, 'at'>> {
  if (conn.status !== 'active' || !conn.accessToken) return { kind: 'warn', title: `Connection is ${conn.status.replace(/_/g, ' ')}` };
  try {
    const response = await oauth.protectedResourceRequest(conn.accessToken, 'GET', new URL(conn.resource), new Headers(oauthTraceHeaders()), undefined, requestOptions(conn.resource));
    const body = (await response.json().catch(() => ({}))) as { token?: { sub?: string; aud?: unknown; scope?: string; client_id?: string } };
    return {
      kind: response.ok ? 'ok' : 'warn',
      title: `MCP server answered ${response.status}`,
      detail: body.token ? `sub=${body.token.sub}, aud=${JSON.stringify(body.token.aud)}, scope="${body.token.scope}"` : undefined,
    };
  } catch (err) {
    if ((err as { code?: unknown }).code === oauth.WWW_AUTHENTICATE_CHALLENGE) {
      const c = (err as oauth.WWWAuthenticateChallengeError).cause.find((x) => x.scheme === 'bearer');
      return { kind: 'warn', title: `MCP server answered 401 ${c?.parameters.error ?? ''}`.trim() };
    }
    return { kind: 'warn', title: 'Call failed', detail: errName(err) };
  }
}

interface RefreshOutcome {
  ok: boolean;
  error?: string;
  errorType?: 'no_refresh_token' | 'endpoint_error' | 'reuse_detected' | 'exception';
  result: Omit<ActionResult, 'at'>;
}

async function presentRefreshToken(conn: Connection, reg: Registration, refreshToken: string): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(reg.as, reg.client, clientAuth(reg), refreshToken, {
    additionalParameters: { resource: conn.resource },
    ...requestOptions(conn.issuer),
    headers: oauthTraceHeaders(),
  });
  return oauth.processRefreshTokenResponse(reg.as, reg.client, response);
}

function dropTokens(conn: Connection, status: Connection['status']): void {
  conn.status = status;
  delete conn.accessToken;
  delete conn.refreshToken;
}

/**
 * A refresh token was rejected. If this client had already rotated that very token, the AS has
 * just seen it twice: refresh-token reuse. The observer records both cases from the token
 * response (it saw the rotation too); this only tells the user and the scheduled job which.
 */
function refreshFailed(conn: Connection, presented: string, err: unknown): RefreshOutcome {
  const error = oauthErrorCode(err);
  if (error === 'invalid_grant' && conn.rotated.has(fingerprint(presented))) {
    conn.reuseDetectedAt = Date.now();
    return {
      ok: false,
      error,
      errorType: 'reuse_detected',
      result: {
        kind: 'alert',
        title: 'Refresh-token reuse detected',
        detail: 'The AS answered invalid_grant to a refresh token this client had already rotated, and revoked the whole token family: the current refresh token is dead too (the next refresh fails).',
        signals: ['oauth_token_refresh_total{status="reuse_detected"}', 'oauth_security_events_total{event_type="token_reuse",severity="critical"}', 'oauth_token_endpoint_errors_total{grant_type="refresh_token",error="invalid_grant"}', 'oauth_refresh_token_reuse_detected (P0)', 'AS: oauth_server_refresh_token_reuse_total, oauth_server_grant_revocations_total{reason="refresh_token_reuse"}'],
      },
    };
  }
  if (error === 'invalid_grant' && presented === conn.refreshToken) dropTokens(conn, 'reauthorization_required');
  return {
    ok: false,
    ...(error ? { error } : {}),
    errorType: error ? 'endpoint_error' : 'exception',
    result: {
      kind: 'warn',
      title: `Refresh failed${error ? `: ${error}` : ''}`,
      detail: error === 'invalid_grant' ? 'The AS no longer accepts this refresh token (revoked family?). Connect again.' : errName(err),
      signals: ['oauth_token_refresh_total{status="failure"}', ...(error ? ['oauth_token_endpoint_errors_total{grant_type="refresh_token"}'] : []), 'token_refresh_failure'],
    },
  };
}

/** One refresh with rotation; the caller holds the connection's lock. */
async function refreshLocked(conn: Connection): Promise<RefreshOutcome> {
  const old = conn.refreshToken;
  if (conn.status !== 'active' || !old) {
    tokenRefreshed({ outcome: 'failure', reason: 'no_refresh_token', provider: conn.issuer });
    return { ok: false, errorType: 'no_refresh_token', result: { kind: 'warn', title: 'No refresh token', detail: `Connection is ${conn.status.replace(/_/g, ' ')}.` } };
  }
  const reg = registrationFor(conn.issuer, conn.route);
  if (!reg) {
    tokenRefreshed({ outcome: 'failure', reason: 'missing_config', provider: conn.issuer });
    return { ok: false, errorType: 'exception', result: { kind: 'warn', title: 'No client registration for this issuer' } };
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await presentRefreshToken(conn, reg, old);
  } catch (err) {
    return refreshFailed(conn, old, err);
  }
  conn.accessToken = tokens.access_token;
  conn.expiresAt = Date.now() + (tokens.expires_in ?? 3600) * 1000;
  conn.lastRefreshAt = Date.now();
  conn.generation += 1;
  if (tokens.scope) conn.scope = tokens.scope;
  // The observer recorded the refresh and, when the AS sent a new refresh token, the rotation.
  const rotated = tokens.refresh_token !== undefined && tokens.refresh_token !== old;
  if (rotated) {
    conn.refreshToken = tokens.refresh_token;
    conn.rotated.set(fingerprint(old), Date.now());
    if (conn.rotated.size > 100) conn.rotated.delete(conn.rotated.keys().next().value!);
  }
  return {
    ok: true,
    result: {
      kind: 'ok',
      title: rotated ? `Refreshed; refresh token rotated (generation ${conn.generation})` : 'Refreshed',
      detail: `New access token, expires in ${tokens.expires_in ?? '?'} s.`,
      signals: ['oauth_token_refresh_total{status="success",reason="normal"}', 'oauth_token_refresh_duration_seconds', 'token_refresh_success', ...(rotated ? ['token_rotation_complete'] : [])],
    },
  };
}

export function refreshConnection(conn: Connection): Promise<RefreshOutcome> {
  return withLock(conn, () => refreshLocked(conn));
}

/**
 * Demo of RFC 9700 §4.14.2: keep a copy of the refresh token (as a thief, or a stale second
 * instance, would), rotate it with a normal refresh, then present the copy again.
 */
export function replayRotatedRefreshToken(conn: Connection): Promise<Omit<ActionResult, 'at'>> {
  return withLock(conn, async () => {
    const copy = conn.refreshToken;
    if (conn.status !== 'active' || !copy) return { kind: 'warn', title: 'This connection has no refresh token to replay' };
    const first = await refreshLocked(conn);
    if (!first.ok) return first.result;
    const reg = registrationFor(conn.issuer, conn.route)!;
    try {
      await presentRefreshToken(conn, reg, copy);
      return { kind: 'warn', title: 'The AS accepted a rotated refresh token', detail: 'It does not enforce rotation (OAuth 2.1 requires it for public clients).' };
    } catch (err) {
      return refreshFailed(conn, copy, err).result;
    }
  });
}

export async function revokeConnection(conn: Connection): Promise<Omit<ActionResult, 'at'>> {
  return withLock(conn, async () => {
    const reg = registrationFor(conn.issuer, conn.route);
    if (conn.status !== 'active' || !reg) return { kind: 'warn', title: 'Nothing to revoke' };
    let revoked = 0;
    const notes: string[] = [];
    let failed = false;
    // The refresh token first: revoking it ends the grant at the AS (and every token of the family).
    for (const [token, hint] of [
      [conn.refreshToken, 'refresh_token'],
      [conn.accessToken, 'access_token'],
    ] as const) {
      if (!token) continue;
      try {
        const response = await oauth.revocationRequest(reg.as, reg.client, clientAuth(reg), token, {
          additionalParameters: { token_type_hint: hint },
          ...requestOptions(conn.issuer),
          headers: oauthTraceHeaders(),
        });
        await oauth.processRevocationResponse(response);
        revoked += 1;
      } catch (err) {
        const code = oauthErrorCode(err);
        // RFC 7009 §2.2.1: the AS does not revoke this kind of token (self-contained JWT access
        // tokens stay valid until they expire); not a failure of the client.
        if (code === 'unsupported_token_type') notes.push(`${hint}: the AS cannot revoke it (a JWT, valid until it expires)`);
        else {
          failed = true;
          notes.push(`${hint}: ${code ?? errName(err)}`);
        }
      }
    }
    // The observer counted each revocation the AS accepted (RFC 7009 200).
    dropTokens(conn, 'revoked');
    return {
      kind: failed ? 'warn' : 'ok',
      title: `Revoked ${revoked} token(s) at the AS (RFC 7009)`,
      ...(notes.length ? { detail: notes.join('; ') } : {}),
      signals: ['oauth_token_revocations_total{reason="manual"}', 'oauth_tokens_revoked'],
    };
  });
}

function safeMessage(err: unknown): string {
  // Messages of oauth4webapi and fetch errors carry no secrets, but URLs could: keep it short and plain.
  const m = err instanceof Error ? err.message : String(err);
  return m.replace(/https?:\/\/\S+/g, '<url>').slice(0, 200);
}
