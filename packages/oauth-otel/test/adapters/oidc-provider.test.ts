/**
 * instrumentOidcProvider() against the real example authorization server (oidc-provider 9.13)
 * over HTTP: real grants and real attacks, then the package's own /metrics (scraped over HTTP)
 * and the records a real OTLP/HTTP endpoint received. Every step asserts the exact change of
 * every AS-side series and the exact log records it produced.
 *
 * oidc-provider, oauth4webapi and the example are ESM-only: they are loaded with Node's own
 * require() in the host realm (examples/auth-server/test/native.ts); the package under test is
 * the TypeScript source in jest's sandbox.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { instrumentOidcProvider, type OidcProviderInstrumentation } from '../../src/adapters/oidc-provider';
import { fingerprint } from '../../src/internal/fingerprint';
import { EVENT_NAME_BY_FLAT, EVENT_NAMES, OPERATION_EVENTS } from '../../src/catalog';
import { LOG_KEYS } from '../../src/catalog';
import { METRIC_DEFINITIONS } from '../../src/catalog';
import { OtlpLogsEndpoint, type ReceivedLog } from '../support/otlp-endpoint';
import { parseExposition, type Family } from '../support/prom';
import { hostile, hostileOptions } from '../support/hostile';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { authServer, oauth, type AuthServer } from '../../../../examples/auth-server/test/native';

const RACE_WINDOW_MS = 1000;
const insecure = { [oauth.allowInsecureRequests]: true } as const;
/** Series whose changes every step asserts exactly. */
const WATCHED = /^oauth_(server_\w+|security_events_total|token_revocations_total|token_refresh_total|client_registrations_total|token_endpoint_errors_total|code_injection_attempts_total)$/;

type Provider = AuthServer['provider'] & {
  emit(name: string, ...args: unknown[]): boolean;
  off(name: string, fn: (...args: unknown[]) => void): void;
  listenerCount(name: string): number;
  Grant: { find: (...args: unknown[]) => Promise<unknown> };
};
type Client = Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;
type Metadata = Awaited<ReturnType<typeof oauth.processDiscoveryResponse>>;

let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
let as: AuthServer;
let provider: Provider;
let md: Metadata;
let instrumentation: OidcProviderInstrumentation;
/** Listener counts of every event before the adapter was attached. */
const baseline = new Map<string, number>();
/** Every secret the test saw: none of these bytes may reach the exposition or a log record. */
const secrets = new Set<string>();
const keep = (s: string | undefined) => {
  if (s) secrets.add(s);
  return s;
};

beforeAll(async () => {
  ep = await new OtlpLogsEndpoint().start();
  handle = await api.initTelemetry({
    serviceName: 'as-adapter-test',
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { level: 'debug', stdout: false, logClientId: true, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } },
    // This process is also the AS's client: the traffic observer would add the client-side series
    // of the same requests; the subject here is the server adapter alone.
    observe: false,
  });
  as = await authServer.createAuthServer({
    // trust X-Forwarded-For, so a test can present a token "from another IP"
    proxy: true,
    onProvider(p: Provider) {
      for (const name of [...authServer.PROVIDER_EVENTS, 'server_error']) baseline.set(name, p.listenerCount(name));
      instrumentation = instrumentOidcProvider(p, { raceWindowMs: RACE_WINDOW_MS });
    },
  });
  provider = as.provider as Provider;
  const issuer = new URL(as.issuer);
  md = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  keep(as.clients.benchmark.client_secret);
});

afterAll(async () => {
  instrumentation?.detach();
  await as?.close();
  await handle?.shutdown();
  await ep?.stop();
});

// ---- client side (oauth4webapi) ---------------------------------------------------------------

async function register(metadata: Record<string, unknown>): Promise<Client> {
  const response = await oauth.dynamicClientRegistrationRequest(md, { redirect_uris: ['http://127.0.0.1:9999/callback'], client_name: 'adapter test', ...metadata }, insecure);
  const client = await oauth.processDynamicClientRegistrationResponse(response);
  keep(client.client_secret as string | undefined);
  keep(client.registration_access_token as string | undefined);
  return client;
}

const clientAuth = (c: Client) => (c.token_endpoint_auth_method === 'none' ? oauth.None() : oauth.ClientSecretBasic(c.client_secret as string));

type Flow = { params: URLSearchParams; redirectUri: string; verifier: string; code: string };

function authorizationUrl(client: Client, verifierChallenge: string, extra: Record<string, string> = {}): { url: URL; state: string } {
  const state = oauth.generateRandomState();
  const url = new URL(md.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: (client.redirect_uris as string[])[0]!,
    scope: 'mcp:read',
    resource: as.resourceUrl,
    state,
    code_challenge: verifierChallenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return { url, state };
}

async function codeFlow(client: Client): Promise<Flow> {
  const verifier = keep(oauth.generateRandomCodeVerifier())!;
  const { url, state } = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(verifier));
  const { callback } = await authorize(url);
  const params = oauth.validateAuthResponse(md, client, callback, state);
  return { params, redirectUri: (client.redirect_uris as string[])[0]!, verifier, code: keep(params.get('code')!)! };
}

async function exchange(client: Client, flow: Pick<Flow, 'params' | 'redirectUri' | 'verifier'>) {
  const response = await oauth.authorizationCodeGrantRequest(md, client, clientAuth(client), flow.params, flow.redirectUri, flow.verifier, {
    additionalParameters: { resource: as.resourceUrl },
    ...insecure,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(md, client, response);
  keep(tokens.access_token);
  keep(tokens.refresh_token);
  return tokens;
}

async function refresh(client: Client, refreshToken: string, ip?: string) {
  const response = await oauth.refreshTokenGrantRequest(md, client, clientAuth(client), refreshToken, {
    additionalParameters: { resource: as.resourceUrl },
    ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
    ...insecure,
  });
  const tokens = await oauth.processRefreshTokenResponse(md, client, response);
  keep(tokens.access_token);
  keep(tokens.refresh_token);
  return tokens;
}

/** The OAuth error of a rejected call, as plain data (errors come from the host realm). */
async function oauthError(promise: Promise<unknown>): Promise<{ error?: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { error?: string; status?: number; code?: string; cause?: { parameters: Record<string, string> }[] };
    if (e.code === oauth.WWW_AUTHENTICATE_CHALLENGE) return { error: e.cause![0]!.parameters.error, status: e.status };
    return { error: e.error, status: e.status };
  }
  throw new Error('expected the call to fail');
}

async function userWithTokens(options: Record<string, unknown> = { token_endpoint_auth_method: 'none' }) {
  const client = await register(options);
  const tokens = await exchange(client, await codeFlow(client));
  return { client, tokens };
}

// ---- what the telemetry saw -----------------------------------------------------------------

const seriesKey = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

async function exposition(): Promise<{ text: string; families: Map<string, Family> }> {
  const res = await fetch(handle.metricsUrl!);
  const text = await res.text();
  return { text, families: parseExposition(text) };
}

async function watchedSeries(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of (await exposition()).families.values()) {
    if (!WATCHED.test(f.name)) continue;
    for (const s of f.samples) out.set(seriesKey(s.name, s.labels), s.value);
  }
  return out;
}

const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * Runs `fn` and returns the exact change of every watched series (zero deltas omitted) and the
 * log records exported meanwhile.
 */
async function observe(fn: () => Promise<void>): Promise<{ delta: Record<string, number>; records: ReceivedLog[] }> {
  await settle();
  await handle.forceFlush();
  const before = await watchedSeries();
  const n = ep.received.length;
  await fn();
  await settle();
  await handle.forceFlush();
  const after = await watchedSeries();
  const delta: Record<string, number> = {};
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) delta[k] = d;
  }
  return { delta, records: ep.received.slice(n) };
}

const S = seriesKey;
/** Event names with severity numbers, sorted (concurrent requests interleave). */
const summary = (records: ReceivedLog[]) => records.map((r) => `${r.attributes.event}:${r.severityNumber}`).sort();
const one = (records: ReceivedLog[], event: string) => {
  const found = records.filter((r) => r.attributes.event === event);
  expect(found).toHaveLength(1);
  return found[0]!;
};

// ---- grants ---------------------------------------------------------------------------------

describe('normal traffic', () => {
  test('DCR success (public, confidential) and failure', async () => {
    let clientId = '';
    const ok = await observe(async () => {
      clientId = (await register({ token_endpoint_auth_method: 'none' })).client_id;
      await register({ token_endpoint_auth_method: 'client_secret_basic' });
    });
    expect(ok.delta).toEqual({
      [S('oauth_server_client_registrations_total', { status: 'success', error: 'none' })]: 2,
      [S('oauth_server_client_registrations_by_source_total', { source: 'loopback' })]: 2,
    });
    expect(summary(ok.records)).toEqual(['oauth_server_client_registered:9', 'oauth_server_client_registered:9']);
    expect(ok.records[0]!.attributes).toEqual({
      event: 'oauth_server_client_registered',
      'oauth.provider': '127.0.0.1',
      'oauth.endpoint': 'registration',
      'oauth.outcome': 'success',
      'oauth.client_id': clientId,
    });

    const failed = await observe(async () => {
      const response = await oauth.dynamicClientRegistrationRequest(md, { redirect_uris: ['not a url'] }, insecure);
      expect(await oauthError(oauth.processDynamicClientRegistrationResponse(response))).toMatchObject({ error: 'invalid_redirect_uri', status: 400 });
    });
    expect(failed.delta).toEqual({
      [S('oauth_server_client_registrations_total', { status: 'failure', error: 'invalid_redirect_uri' })]: 1,
      [S('oauth_server_errors_total', { endpoint: 'registration', error: 'invalid_redirect_uri' })]: 1,
    });
    expect(summary(failed.records)).toEqual(['oauth_server_error:13']);
    expect(failed.records[0]!.attributes).toMatchObject({ 'oauth.endpoint': 'registration', 'oauth.error': 'invalid_redirect_uri', 'oauth.outcome': 'failure', 'http.response.status_code': 400 });
  });

  test('authorization code + PKCE, refresh with rotation, client_credentials', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const flow = await codeFlow(client);
    const { delta, records } = await observe(async () => {
      const tokens = await exchange(client, flow);
      const rotated = await refresh(client, tokens.refresh_token!);
      expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
      const bench = as.clients.benchmark;
      const cc = await oauth.processClientCredentialsResponse(md, bench,
        await oauth.clientCredentialsGrantRequest(md, bench, oauth.ClientSecretBasic(bench.client_secret), { resource: as.resourceUrl, scope: 'mcp:read' }, insecure));
      keep(cc.access_token);
    });
    expect(delta).toEqual({
      [S('oauth_server_tokens_issued_total', { grant_type: 'authorization_code' })]: 1,
      [S('oauth_server_tokens_issued_total', { grant_type: 'refresh_token' })]: 1,
      [S('oauth_server_tokens_issued_total', { grant_type: 'client_credentials' })]: 1,
    });
    expect(records.map((r) => [r.attributes.event, r.severityNumber, r.severityText, r.attributes['oauth.grant_type']])).toEqual([
      ['oauth_server_token_issued', 5, 'debug', 'authorization_code'],
      ['oauth_server_token_issued', 5, 'debug', 'refresh_token'],
      ['oauth_server_token_issued', 5, 'debug', 'client_credentials'],
    ]);
    expect(records[0]!.attributes).toEqual({
      event: 'oauth_server_token_issued',
      'oauth.provider': '127.0.0.1',
      'oauth.endpoint': 'token',
      'oauth.grant_type': 'authorization_code',
      'oauth.outcome': 'success',
      'oauth.client_id': client.client_id,
    });
  });

  test('revocation endpoint: a refresh token revokes its grant; a JWT access token cannot be revoked', async () => {
    const { client, tokens } = await userWithTokens();
    const { delta, records } = await observe(async () => {
      const res = await oauth.revocationRequest(md, client, clientAuth(client), tokens.refresh_token!, insecure);
      await oauth.processRevocationResponse(res);
      const jwt = await oauth.revocationRequest(md, client, clientAuth(client), tokens.access_token, insecure);
      expect(jwt.status).toBe(400);
    });
    expect(delta).toEqual({
      [S('oauth_server_grant_revocations_total', { reason: 'revocation_endpoint' })]: 1,
      [S('oauth_server_errors_total', { endpoint: 'revocation', error: 'unsupported_token_type' })]: 1,
    });
    expect(summary(records)).toEqual(['oauth_server_error:13', 'oauth_server_grant_revoked:9']);
    expect(one(records, 'oauth_server_grant_revoked').attributes).toMatchObject({ 'oauth.reason': 'revocation_endpoint' });
    expect(one(records, 'oauth_server_error').attributes).toMatchObject({ 'oauth.endpoint': 'revocation', 'oauth.error': 'unsupported_token_type' });
  });

  test('consent denied: an authorization error, not a security event', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const { delta, records } = await observe(async () => {
      const { url } = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()));
      const { callback } = await authorize(url, { consent: 'deny' });
      expect(callback.searchParams.get('error')).toBe('access_denied');
    });
    expect(delta).toEqual({ [S('oauth_server_errors_total', { endpoint: 'authorization', error: 'access_denied' })]: 1 });
    expect(summary(records)).toEqual(['oauth_server_error:13']);
  });
});

// ---- attacks --------------------------------------------------------------------------------

describe('refresh-token reuse', () => {
  test('replay of a rotated token after the race window: suspected_theft (P0), family revoked', async () => {
    const { client, tokens } = await userWithTokens();
    const rotated = await refresh(client, tokens.refresh_token!);
    await new Promise((r) => setTimeout(r, RACE_WINDOW_MS + 200));
    const { delta, records } = await observe(async () => {
      expect(await oauthError(refresh(client, tokens.refresh_token!))).toEqual({ error: 'invalid_grant', status: 400 });
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1,
      [S('oauth_server_refresh_token_reuse_total', { classification: 'suspected_theft' })]: 1,
      [S('oauth_server_grant_revocations_total', { reason: 'refresh_token_reuse' })]: 1,
      [S('oauth_security_events_total', { event_type: 'token_reuse', severity: 'critical' })]: 1,
      // the package's reuse helper counts the family revocation; side 'server' counts no client refresh
      [S('oauth_token_revocations_total', { reason: 'reuse_detected' })]: 1,
    });
    expect(records.map((r) => `${r.attributes.event}:${r.severityNumber}`)).toEqual([
      'oauth_server_grant_revoked:13',
      'oauth_refresh_token_reuse_detected:21',
      'oauth_server_error:13',
    ]);
    const reuse = one(records, 'oauth_refresh_token_reuse_detected');
    expect(reuse.severityText).toBe('fatal');
    expect(reuse.attributes).toMatchObject({
      'oauth.security_severity': 'critical',
      priority: 'P0',
      'oauth.security_event_type': 'token_reuse',
      'oauth.provider': '127.0.0.1',
      'oauth.client_id': client.client_id,
      'oauth.reuse_classification': 'suspected_theft',
      'oauth.reason': 'outside_race_window',
      'oauth.family_revoked': true,
      // oidc-provider's opaque refresh token is its jti: the fingerprint is that of the token itself
      'oauth.token.fingerprint': fingerprint(tokens.refresh_token!),
    });
    expect(reuse.attributes['oauth.since_first_use_ms']).toBeGreaterThanOrEqual(RACE_WINDOW_MS);
    expect(one(records, 'oauth_server_grant_revoked').attributes).toMatchObject({ 'oauth.reason': 'refresh_token_reuse' });
    expect(one(records, 'oauth_server_error').attributes).toMatchObject({ 'oauth.endpoint': 'token', 'oauth.error': 'invalid_grant', 'oauth.reason': 'refresh_token_reuse', 'oauth.grant_type': 'refresh_token', 'http.response.status_code': 400 });

    // the family's live token is gone: an ordinary invalid_grant, no second security event
    const after = await observe(async () => {
      expect(await oauthError(refresh(client, rotated.refresh_token!))).toEqual({ error: 'invalid_grant', status: 400 });
    });
    expect(after.delta).toEqual({ [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1 });
    expect(summary(after.records)).toEqual(['oauth_server_error:13']);
    expect(after.records[0]!.attributes).toMatchObject({ 'oauth.reason': 'refresh_token_not_found' });
  });

  test('two concurrent refreshes with the same token: one succeeds, the other is a benign_race', async () => {
    const { client, tokens } = await userWithTokens();
    const { delta, records } = await observe(async () => {
      const outcomes = await Promise.allSettled([refresh(client, tokens.refresh_token!), refresh(client, tokens.refresh_token!)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    });
    expect(delta).toEqual({
      [S('oauth_server_tokens_issued_total', { grant_type: 'refresh_token' })]: 1,
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1,
      [S('oauth_server_refresh_token_reuse_total', { classification: 'benign_race' })]: 1,
      [S('oauth_server_grant_revocations_total', { reason: 'refresh_token_reuse' })]: 1,
      [S('oauth_security_events_total', { event_type: 'token_reuse', severity: 'critical' })]: 1,
      [S('oauth_token_revocations_total', { reason: 'reuse_detected' })]: 1,
    });
    expect(summary(records)).toEqual([
      'oauth_refresh_token_reuse_detected:21',
      'oauth_server_error:13',
      'oauth_server_grant_revoked:13',
      'oauth_server_token_issued:5',
    ]);
    const reuse = one(records, 'oauth_refresh_token_reuse_detected');
    expect(reuse.attributes).toMatchObject({ priority: 'P0', 'oauth.reuse_classification': 'benign_race', 'oauth.reason': 'within_race_window', 'oauth.family_revoked': true });
    expect(reuse.attributes['oauth.since_first_use_ms']).toBeLessThan(RACE_WINDOW_MS);
  });

  test('the same token inside the window but from another client IP: suspected_theft', async () => {
    const { client, tokens } = await userWithTokens();
    await refresh(client, tokens.refresh_token!, '203.0.113.10');
    const { delta, records } = await observe(async () => {
      expect(await oauthError(refresh(client, tokens.refresh_token!, '198.51.100.77'))).toEqual({ error: 'invalid_grant', status: 400 });
    });
    expect(delta).toMatchObject({ [S('oauth_server_refresh_token_reuse_total', { classification: 'suspected_theft' })]: 1 });
    expect(delta[S('oauth_server_refresh_token_reuse_total', { classification: 'benign_race' })]).toBeUndefined();
    const reuse = one(records, 'oauth_refresh_token_reuse_detected');
    expect(reuse.attributes).toMatchObject({ 'oauth.reuse_classification': 'suspected_theft', 'oauth.reason': 'different_client_ip' });
    expect(reuse.attributes['oauth.since_first_use_ms']).toBeLessThan(RACE_WINDOW_MS);
  });

  test('the same client IP inside the window: benign_race', async () => {
    const { client, tokens } = await userWithTokens();
    await refresh(client, tokens.refresh_token!, '203.0.113.10');
    const { records } = await observe(async () => {
      expect(await oauthError(refresh(client, tokens.refresh_token!, '203.0.113.10'))).toMatchObject({ error: 'invalid_grant' });
    });
    // inside the window and the same IP: benign
    expect(one(records, 'oauth_refresh_token_reuse_detected').attributes).toMatchObject({ 'oauth.reuse_classification': 'benign_race' });
  });
});

describe('code and PKCE attacks', () => {
  test('authorization-code replay: P1 event, grant revoked', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const flow = await codeFlow(client);
    await exchange(client, flow);
    const { delta, records } = await observe(async () => {
      expect(await oauthError(exchange(client, flow))).toEqual({ error: 'invalid_grant', status: 400 });
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1,
      [S('oauth_server_grant_revocations_total', { reason: 'code_replay' })]: 1,
      [S('oauth_security_events_total', { event_type: 'code_replay', severity: 'high' })]: 1,
    });
    expect(records.map((r) => `${r.attributes.event}:${r.severityNumber}`)).toEqual([
      'oauth_server_grant_revoked:13',
      'oauth_authorization_code_replay_detected:17',
      'oauth_server_error:13',
    ]);
    expect(one(records, 'oauth_authorization_code_replay_detected').attributes).toMatchObject({
      'oauth.security_severity': 'high',
      priority: 'P1',
      'oauth.client_id': client.client_id,
      'oauth.token.fingerprint': fingerprint(flow.code),
      'oauth.reason': 'grant_revoked',
    });
    expect(one(records, 'oauth_server_grant_revoked').attributes).toMatchObject({ 'oauth.reason': 'code_replay' });
  });

  test('wrong and missing code_verifier: pkce_verification_failed (P2); the code stays usable', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const flow = await codeFlow(client);
    const { delta, records } = await observe(async () => {
      expect(await oauthError(exchange(client, { ...flow, verifier: keep(oauth.generateRandomCodeVerifier())! }))).toEqual({ error: 'invalid_grant', status: 400 });
      const res = await fetch(md.token_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.client_id, code: flow.code, redirect_uri: flow.redirectUri }),
      });
      expect(res.status).toBe(400);
      await exchange(client, flow);
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 2,
      [S('oauth_security_events_total', { event_type: 'pkce_verification_failed', severity: 'medium' })]: 2,
      [S('oauth_server_tokens_issued_total', { grant_type: 'authorization_code' })]: 1,
    });
    const pkce = records.filter((r) => r.attributes.event === 'oauth_pkce_verification_failed');
    expect(pkce.map((r) => [r.severityNumber, r.attributes.priority, r.attributes['oauth.reason'], r.attributes['oauth.token.fingerprint']])).toEqual([
      [13, 'P2', 'mismatch', fingerprint(flow.code)],
      [13, 'P2', 'missing_verifier', fingerprint(flow.code)],
    ]);
    expect(records.filter((r) => r.attributes.event === 'oauth_server_error').map((r) => r.attributes['oauth.reason'])).toEqual(['pkce_mismatch', 'pkce_missing_verifier']);
  });

  test('authorization request without PKCE or with plain: pkce_downgrade (P1)', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const { delta, records } = await observe(async () => {
      const none = authorizationUrl(client, 'unused');
      none.url.searchParams.delete('code_challenge');
      none.url.searchParams.delete('code_challenge_method');
      expect(new URL((await fetch(none.url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
      const plain = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), { code_challenge_method: 'plain' });
      expect(new URL((await fetch(plain.url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'authorization', error: 'invalid_request' })]: 2,
      [S('oauth_security_events_total', { event_type: 'pkce_downgrade', severity: 'high' })]: 2,
    });
    expect(records.filter((r) => r.attributes.event === 'oauth_pkce_downgrade_detected').map((r) => [r.severityNumber, r.attributes.priority, r.attributes['oauth.reason']])).toEqual([
      [17, 'P1', 'missing_challenge'],
      [17, 'P1', 'unsupported_method'],
    ]);
  });

  test('redirect_uri mismatch at the token endpoint and an unregistered redirect_uri at authorize (P2)', async () => {
    const client = await register({ token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:9999/callback', 'http://127.0.0.1:9999/other'] });
    const flow = await codeFlow(client);
    const { delta, records } = await observe(async () => {
      expect(await oauthError(exchange(client, { ...flow, redirectUri: 'http://127.0.0.1:9999/other' }))).toEqual({ error: 'invalid_grant', status: 400 });
      const bad = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), { redirect_uri: 'http://127.0.0.1:9999/evil' });
      expect((await fetch(bad.url, { redirect: 'manual', headers: { accept: 'text/html' } })).status).toBe(400);
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1,
      [S('oauth_server_errors_total', { endpoint: 'authorization', error: 'invalid_redirect_uri' })]: 1,
      [S('oauth_security_events_total', { event_type: 'redirect_uri_mismatch', severity: 'medium' })]: 2,
    });
    expect(records.filter((r) => r.attributes.event === 'oauth_redirect_uri_mismatch').map((r) => [r.severityNumber, r.attributes.priority, r.attributes['oauth.reason']])).toEqual([
      [13, 'P2', 'token_request'],
      [13, 'P2', 'authorization_request'],
    ]);
  });

  test('client mismatch: a code redeemed by another client (P2)', async () => {
    const victim = await register({ token_endpoint_auth_method: 'none' });
    const attacker = await register({ token_endpoint_auth_method: 'none' });
    const flow = await codeFlow(victim);
    const { delta, records } = await observe(async () => {
      expect(await oauthError(exchange(attacker, flow))).toEqual({ error: 'invalid_grant', status: 400 });
    });
    expect(delta).toEqual({
      [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })]: 1,
      [S('oauth_security_events_total', { event_type: 'client_mismatch', severity: 'medium' })]: 1,
    });
    expect(one(records, 'oauth_client_mismatch').attributes).toMatchObject({
      priority: 'P2',
      // the client that presented the code (the attacker), which is a registered client
      'oauth.client_id': attacker.client_id,
      'oauth.reason': 'authorization_code',
      'oauth.token.fingerprint': fingerprint(flow.code),
    });
  });

  test('invalid client secret and unknown client_id: error counter only, no security event', async () => {
    const { client, tokens } = await userWithTokens({ token_endpoint_auth_method: 'client_secret_basic' });
    const unknownId = `attacker-chosen-${Math.random().toString(36).slice(2)}`;
    keep(unknownId);
    const { delta, records } = await observe(async () => {
      expect(await oauthError(refresh({ ...client, client_secret: keep('not-the-secret') }, tokens.refresh_token!))).toEqual({ error: 'invalid_client', status: 401 });
      expect(await oauthError(refresh({ ...client, client_id: unknownId }, tokens.refresh_token!))).toEqual({ error: 'invalid_client', status: 401 });
    });
    expect(delta).toEqual({ [S('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_client' })]: 2 });
    expect(records.map((r) => [r.attributes.event, r.severityNumber, r.attributes['oauth.reason'], r.attributes['http.response.status_code']])).toEqual([
      ['oauth_server_error', 13, 'invalid_client_secret', 401],
      ['oauth_server_error', 13, 'client_not_found', 401],
    ]);
    // the unknown (attacker-chosen) client_id is never logged; a registered one may be (logClientId)
    expect(records[1]!.attributes['oauth.client_id']).toBeUndefined();
  });
});

describe('robustness', () => {
  test('server_error (a failing storage lookup) is counted and logged at error with the exception', async () => {
    const { client, tokens } = await userWithTokens();
    const original = Object.getOwnPropertyDescriptor(provider.Grant, 'find');
    provider.Grant.find = async () => {
      throw new Error('storage unavailable');
    };
    let out: Awaited<ReturnType<typeof observe>>;
    try {
      out = await observe(async () => {
        const res = await fetch(md.token_endpoint!, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id }),
        });
        expect(res.status).toBe(500);
      });
    } finally {
      if (original) Object.defineProperty(provider.Grant, 'find', original);
      else delete (provider.Grant as { find?: unknown }).find;
    }
    expect(out.delta).toEqual({ [S('oauth_server_errors_total', { endpoint: 'token', error: 'server_error' })]: 1 });
    const rec = one(out.records, 'oauth_server_error');
    expect([rec.severityNumber, rec.severityText]).toEqual([17, 'error']);
    expect(rec.attributes).toMatchObject({ 'oauth.endpoint': 'token', 'oauth.error': 'server_error', 'http.response.status_code': 500, 'exception.type': 'Error', 'exception.message': 'storage unavailable' });
    expect(rec.attributes['exception.stacktrace']).toEqual(expect.stringContaining('storage unavailable'));
    // the provider works again
    await refresh(client, tokens.refresh_token!);
  });

  test('bad event shapes never throw into the provider; labels stay bounded', async () => {
    const throwing = new Proxy({}, { get() { throw new Error('boom'); } });
    const junk: unknown[][] = [
      [], [undefined], [null, null], [42, 'x'], [throwing, throwing], [{ oidc: throwing }, { error_detail: throwing }],
      [{ oidc: { route: 'token', params: { grant_type: 'x'.repeat(100_000), code: 42 } } }, { error: 'x'.repeat(10_000), error_detail: 'refresh token already used' }],
      [{ oidc: { route: 'token', entities: { RefreshToken: { jti: {}, consumed: 'yesterday' } } } }, { error: 'invalid_grant', error_detail: 'refresh token already used' }],
    ];
    const names = ['grant.error', 'grant.success', 'grant.revoked', 'authorization.error', 'registration_create.success', 'registration_create.error', 'server_error', 'refresh_token.consumed'];
    const { delta } = await observe(async () => {
      for (const name of names) for (const args of junk) expect(() => provider.emit(name, ...args)).not.toThrow();
      // the old (err, ctx) argument order is understood too
      provider.emit('revocation.error', { error: 'invalid_request' }, { oidc: { route: 'revocation' } });
    });
    const domains = new Map(METRIC_DEFINITIONS.map((d) => [d.name, d.labels]));
    for (const key of Object.keys(delta)) {
      const [, name, labels] = /^(\w+)\{(.*)\}$/.exec(key)!;
      for (const [, l, v] of labels!.matchAll(/(\w+)="([^"]*)"/g)) {
        const dom = domains.get(name!)![l!]!;
        expect({ key, l, ok: dom === 'provider' || (dom as readonly string[]).includes(v!) }).toMatchObject({ ok: true });
      }
    }
    expect(delta[S('oauth_server_errors_total', { endpoint: 'revocation', error: 'invalid_request' })]).toBe(1);
    expect(delta[S('oauth_server_tokens_issued_total', { grant_type: 'other' })]).toBe(junk.length);
  });

  test('every event the adapter listens to, emitted with hostile arguments, never throws into the provider', async () => {
    // The events with a listener of ours: one more listener than before instrumentation.
    const listened = [...baseline.keys()].filter((n) => provider.listenerCount(n) > baseline.get(n)!);
    expect(listened.length).toBeGreaterThan(5);
    await observe(async () => {
      fc.assert(
        fc.property(fc.constantFrom(...listened), fc.array(fc.oneof(hostile, hostileOptions), { maxLength: 3 }), (name, recipes) => {
          const args = recipes.map((r) => r.build());
          let threw = false;
          try {
            provider.emit(name, ...args);
          } catch {
            threw = true;
          }
          expect({ name, threw }).toEqual({ name, threw: false });
        }),
        { numRuns: 400 },
      );
    });
  });

  test('rotation known only from the store (another process): its second-resolution time decides', async () => {
    const ctx = (consumed: number) => ({ oidc: { route: 'token', params: { grant_type: 'refresh_token' }, entities: { RefreshToken: { jti: `unseen-${consumed}`, consumed } } } });
    const err = { name: 'InvalidGrant', error: 'invalid_grant', error_detail: 'refresh token already used', statusCode: 400 };
    const { delta, records } = await observe(async () => {
      const now = Math.floor(Date.now() / 1000);
      provider.emit('grant.error', ctx(now), err);
      provider.emit('grant.error', ctx(now - 5), err);
    });
    expect(delta).toMatchObject({
      [S('oauth_server_refresh_token_reuse_total', { classification: 'benign_race' })]: 1,
      [S('oauth_server_refresh_token_reuse_total', { classification: 'suspected_theft' })]: 1,
    });
    // no grant.revoked on that ctx: the family revocation is not claimed
    expect(delta[S('oauth_server_grant_revocations_total', { reason: 'refresh_token_reuse' })]).toBeUndefined();
    expect(records.filter((r) => r.attributes.event === 'oauth_refresh_token_reuse_detected').map((r) => [r.attributes['oauth.reuse_classification'], r.attributes['oauth.family_revoked']])).toEqual([
      ['benign_race', false],
      ['suspected_theft', false],
    ]);
  });

  test('options are validated; a second attach to the same provider adds nothing', async () => {
    expect(() => instrumentOidcProvider({} as never)).toThrow(/invalid option provider/);
    expect(() => instrumentOidcProvider(provider, { raceWindowMs: -1 })).toThrow(/options\.raceWindowMs/);
    expect(() => instrumentOidcProvider(provider, { raceWindw: 5 } as never)).toThrow(/options\.raceWindw/);
    // authorization.success (whose `out` carries the code) is never listened to
    expect(provider.listenerCount('authorization.success')).toBe(baseline.get('authorization.success'));
    expect(provider.listenerCount('grant.success')).toBe(baseline.get('grant.success')! + 1);
    const before = provider.listenerCount('grant.success');
    const second = instrumentOidcProvider(provider);
    expect(provider.listenerCount('grant.success')).toBe(before);
    second.detach();
    expect(provider.listenerCount('grant.success')).toBe(before);
  });
});

describe('what reaches the exposition and the logs', () => {
  test('no token, code, code_verifier or client secret bytes in the exposition or any exported log record', async () => {
    await settle();
    await handle.forceFlush();
    const { text } = await exposition();
    const raw = Buffer.concat(ep.rawBodies);
    const decoded = JSON.stringify(ep.received);
    expect(secrets.size).toBeGreaterThan(40);
    for (const s of secrets) {
      expect({ secret: s.slice(0, 6), inExposition: text.includes(s) }).toEqual({ secret: s.slice(0, 6), inExposition: false });
      expect({ secret: s.slice(0, 6), inOtlp: raw.includes(Buffer.from(s)) || decoded.includes(s) }).toEqual({ secret: s.slice(0, 6), inOtlp: false });
    }
  });

  test('every exported record is a catalogued event with documented keys, and each AS operation event occurred', () => {
    for (const r of ep.received) {
      const event = r.attributes.event as string;
      expect({ event, known: EVENT_NAMES.includes(event), eventName: r.eventName }).toEqual({ event, known: true, eventName: EVENT_NAME_BY_FLAT[event] });
      for (const k of Object.keys(r.attributes)) expect({ key: k, known: LOG_KEYS.has(k) }).toEqual({ key: k, known: true });
    }
    const seen = new Set(ep.received.map((r) => r.attributes.event));
    for (const d of OPERATION_EVENTS.filter((e) => e.name.startsWith('oauth_server_'))) expect({ event: d.name, seen: seen.has(d.name) }).toEqual({ event: d.name, seen: true });
  });
});

describe('detach', () => {
  test('removes every listener it added; later traffic is not recorded', async () => {
    const { client, tokens } = await userWithTokens();
    instrumentation.detach();
    instrumentation.detach(); // idempotent
    for (const [name, n] of baseline) expect({ name, listeners: provider.listenerCount(name) }).toEqual({ name, listeners: n });
    const { delta, records } = await observe(async () => {
      await refresh(client, tokens.refresh_token!);
      expect(await oauthError(refresh(client, tokens.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    });
    expect(delta).toEqual({});
    expect(records).toEqual([]);
  });
});
