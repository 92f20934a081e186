/**
 * The MCP authorization spec's 2026-07-28 items, against the real example AS (oidc-provider 9):
 * the one-time DCR deprecation warning, RFC 9207 `iss` missing in an authorization response,
 * issuer-keyed credentials presented to another AS, and step-up (403 insufficient_scope) with its
 * loop. No mock stands in for the AS or the resource: the example serves both.
 */
import * as http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import * as api from '../../src';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { authServer, type AuthServer } from '../../../../examples/auth-server/test/native';
import { stopObserver } from '../../src/observe';
import { STEP_UP_RETRY_LIMIT } from '../../src/observe/detectors';
import { StdoutCapture } from '../logs/capture';
import { parseExposition } from '../support/prom';
import { hostClone } from './native';

const REDIRECT = 'http://127.0.0.1:9999/callback';
const PUBLIC = { client_id: 'mcp2026-public', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };

/** One observed process against one or two example ASes: init, observer on, stdout captured. */
async function observed(): Promise<{ handle: api.TelemetryHandle; out: StdoutCapture; scrape(): Promise<Map<string, number>>; events(name: string): Record<string, unknown>[] }> {
  const out = new StdoutCapture().start();
  const handle = await api.initTelemetry({ serviceName: 'mcp2026', metrics: { port: 0, allowUnauthenticated: true }, logs: { level: 'debug', stdout: true }, observe: true });
  return {
    handle,
    out,
    async scrape() {
      const m = new Map<string, number>();
      for (const f of parseExposition(await (await fetch(handle.metricsUrl!)).text()).values()) {
        for (const s of f.samples) m.set(`${s.name}{${Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`, s.value);
      }
      return m;
    },
    events: (name) => out.lines.filter((j) => j.event === name),
  };
}

const b64url = (b: Buffer) => b.toString('base64url');

/** A code flow by hand with fetch (the observer sees the token request, as any fetch client's). */
async function codeFlow(as: AuthServer, clientId: string, scope: string): Promise<{ callback: URL; tokens: Record<string, unknown> }> {
  const verifier = b64url(randomBytes(32));
  const u = new URL('/auth', as.issuer);
  u.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope, resource: as.resourceUrl, state: b64url(randomBytes(8)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  }).toString();
  const { callback } = await authorize(u);
  const code = callback.searchParams.get('code');
  if (code === null) return { callback, tokens: {} };
  const res = await fetch(new URL('/token', as.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId, resource: as.resourceUrl }),
  });
  return { callback, tokens: (await res.json()) as Record<string, unknown> };
}

describe('MCP 2026-07-28 detections against the example AS', () => {
  let env: Awaited<ReturnType<typeof observed>>;
  const servers: AuthServer[] = [];
  const start = async (o: Record<string, unknown> = {}) => {
    const as = await authServer.createAuthServer(hostClone({ clients: [PUBLIC], ...o }));
    servers.push(as);
    // discovery teaches the observer the token and registration endpoints, RFC 9728 the resource's AS
    await (await fetch(as.metadataUrl)).text();
    await (await fetch(as.resourceMetadataUrl)).text();
    return as;
  };
  beforeAll(async () => {
    env = await observed();
  });
  afterAll(async () => {
    env.out.stop();
    stopObserver();
    for (const as of servers) await as.close();
    await env.handle.shutdown();
  });

  test('DCR: every registration counts, the deprecation warning is written once per issuer', async () => {
    const as = await start();
    const before = env.events('oauth_dynamic_registration_deprecated').length;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(new URL('/reg', as.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: `dcr ${i}` }),
      });
      expect(res.status).toBe(201);
      await res.text();
    }
    const warnings = env.events('oauth_dynamic_registration_deprecated').slice(before);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', 'oauth.registration_route': 'dcr', 'oauth.provider': '127.0.0.1' });
  });

  test('RFC 9207: a response without iss from an AS that must send it is issuer_missing; wrong iss is issuer_mismatch', async () => {
    const key = (t: string) => `oauth_security_events_total{event_type="${t}",severity="high"}`;
    const s0 = await env.scrape();
    const verdicts: string[] = [];
    for (const variant of ['honest', 'no-iss', 'wrong-iss'] as const) {
      const as = await start({ variant });
      const { callback } = await codeFlow(as, PUBLIC.client_id, 'openid');
      verdicts.push(api.checkAuthorizationResponse({ response: callback, expectedIssuer: as.issuer }));
    }
    expect(verdicts).toEqual(['valid', 'missing', 'mismatch']);
    const s1 = await env.scrape();
    expect((s1.get(key('issuer_missing')) ?? 0) - (s0.get(key('issuer_missing')) ?? 0)).toBe(1);
    expect((s1.get(key('issuer_mismatch')) ?? 0) - (s0.get(key('issuer_mismatch')) ?? 0)).toBe(1);
    const [missing] = env.events('oauth_issuer_missing').slice(-1);
    expect(missing).toMatchObject({ 'security_rule.name': 'sequence_fail', 'security_rule.reference': 'https://www.rfc-editor.org/rfc/rfc9207#section-2.4', 'oauth.stage': 'authorization_response' });
  });

  test('issuer-keyed credentials: a client registered at one AS presented to another is credential_issuer_mismatch', async () => {
    const a = await start();
    const b = await start();
    const reg = await fetch(new URL('/reg', a.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' }),
    });
    const client = (await reg.json()) as { client_id: string; client_secret: string };
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
    const s0 = await env.scrape();
    // the AS changed (b), the client kept a's credentials: b refuses them, the observer says why
    const res = await fetch(new URL('/token', b.issuer), { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(res.status).toBe(401);
    await res.text();
    const s1 = await env.scrape();
    const key = 'oauth_security_events_total{event_type="credential_issuer_mismatch",severity="high"}';
    expect((s1.get(key) ?? 0) - (s0.get(key) ?? 0)).toBe(1);
    expect(env.out.raw.join('\n')).not.toContain(client.client_secret);
  });

  test('step-up: a 403 insufficient_scope is counted; re-authorizing for the union ends it; past the retry limit it is a loop', async () => {
    const as = await start();
    const call = async (path: string, token: unknown) => {
      const res = await fetch(`${as.resourceUrl}${path}`, { headers: { authorization: `Bearer ${String(token)}` } });
      await res.text();
      return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '' };
    };
    const s0 = await env.scrape();
    // a token for mcp:read; /write needs mcp:write: the challenge names the union
    let { tokens } = await codeFlow(as, PUBLIC.client_id, 'mcp:read');
    let r = await call('/write', tokens.access_token);
    expect(r.status).toBe(403);
    const union = /scope="([^"]*)"/.exec(r.challenge)![1]!;
    expect(union.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
    ({ tokens } = await codeFlow(as, PUBLIC.client_id, union));
    r = await call('/write', tokens.access_token);
    expect(r.status).toBe(200);
    const loop = 'oauth_security_events_total{event_type="step_up_loop",severity="medium"}';
    expect((await env.scrape()).get(loop) ?? 0).toBe(s0.get(loop) ?? 0);
    // /admin needs mcp:admin, which this AS never grants: every re-authorization comes back short
    for (let i = 0; i <= STEP_UP_RETRY_LIMIT; i++) {
      r = await call('/admin', tokens.access_token);
      expect(r.status).toBe(403);
      ({ tokens } = await codeFlow(as, PUBLIC.client_id, /scope="([^"]*)"/.exec(r.challenge)![1]!));
    }
    const s1 = await env.scrape();
    const d = (k: string) => (s1.get(k) ?? 0) - (s0.get(k) ?? 0);
    expect(d('oauth_step_up_challenges_total{provider="127.0.0.1"}')).toBe(STEP_UP_RETRY_LIMIT + 2);
    expect(d(loop)).toBe(1);
    const [event] = env.events('oauth_step_up_loop').slice(-1);
    expect(event).toMatchObject({ 'oauth.reason': 'union_not_granted', 'oauth.provider': '127.0.0.1', 'security_rule.name': 'authz_fail' });
  });

  test('RFC 8707: the code exchange names another resource than the authorization request the app redirected to: grant_drift', async () => {
    const other = 'https://other-resource.example/mcp';
    const as = await start({ extraResources: [other] });
    // the client app: its server redirects the browser to the authorization endpoint (as a Next.js route does)
    let pending: { verifier: string; url: URL } | undefined;
    const app = http.createServer((req, res) => {
      const verifier = b64url(randomBytes(32));
      const url = new URL('/auth', as.issuer);
      url.search = new URLSearchParams({
        client_id: PUBLIC.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'mcp:read', resource: as.resourceUrl, state: b64url(randomBytes(8)),
        code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
      }).toString();
      pending = { verifier, url };
      res.writeHead(302, { location: url.href }).end();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/login`;
    const exchange = async (resource: string | undefined) => {
      const login = await fetch(appUrl, { redirect: 'manual' });
      await login.text();
      expect(login.status).toBe(302);
      const { callback } = await authorize(pending!.url);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: pending!.verifier, client_id: PUBLIC.client_id });
      if (resource !== undefined) body.set('resource', resource);
      const res = await fetch(new URL('/token', as.issuer), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      await res.text();
    };
    const key = 'oauth_security_events_total{event_type="grant_drift",severity="high"}';
    try {
      const s0 = await env.scrape();
      await exchange(as.resourceUrl); // the same canonical resource: nothing
      const s1 = await env.scrape();
      expect(s1.get(key) ?? 0).toBe(s0.get(key) ?? 0);
      await exchange(other); // another resource at the token endpoint
      await exchange(undefined); // none at the token endpoint
      const s2 = await env.scrape();
      expect((s2.get(key) ?? 0) - (s1.get(key) ?? 0)).toBe(2);
      expect(env.events('oauth_grant_drift').slice(-2).map((e) => e['oauth.reason'])).toEqual(['authorization_resource_drift', 'authorization_resource_omitted']);
    } finally {
      await new Promise<void>((r) => app.close(() => r()));
    }
  });
});
