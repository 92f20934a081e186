/**
 * Attack demos of issue 14 against the real example authorization server (oidc-provider 9, over
 * HTTP on 127.0.0.1), with both sides instrumented in one process: the AS through
 * instrumentOidcProvider(), the client through the traffic observer (`observe: true`). Each
 * attack asserts its event (exported over OTLP to a real endpoint), its metric series (scraped
 * from /metrics), and that the secret it carried reached neither.
 *
 *   token in a URL            client: a fetch with ?access_token=…; AS: ?refresh_token=… on /token
 *   registration abuse        a burst from one source, http and IP-literal redirect URIs, an abandoned client
 *   audience injection        a client_secret_jwt assertion whose aud is the token endpoint, not the issuer
 *   resource-metadata spoofing  a hostile resource server in front of the honest AS
 *   connection context        the manual call on a callback that completes another user's connection
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import * as api from '../../src';
import { instrumentOidcProvider, type OidcProviderInstrumentation } from '../../src/adapters/oidc-provider';
import { OtlpLogsEndpoint, type ReceivedLog } from '../support/otlp-endpoint';
import { parseExposition } from '../support/prom';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { authServer, oauth, type AuthServer } from '../../../../examples/auth-server/test/native';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
type Metadata = Awaited<ReturnType<typeof oauth.processDiscoveryResponse>>;
type Client = Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;

const ABANDONED_MS = 300;
const MAX_PER_SOURCE = 3;

let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
let as: AuthServer;
let md: Metadata;
let instrumentation: OidcProviderInstrumentation;
/** The hostile resource server of the spoofing demo. */
let rs: Server;
let rsOrigin: string;
let rsHandler: (path: string, res: ServerResponse) => void = (_p, res) => res.end();
const secrets = new Set<string>();
const keep = <T extends string | undefined>(s: T): T => {
  if (s) secrets.add(s);
  return s;
};

beforeAll(async () => {
  ep = await new OtlpLogsEndpoint().start();
  handle = await api.initTelemetry({
    serviceName: 'threats-demo',
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { level: 'debug', stdout: false, logClientId: true, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } },
    observe: true,
  });
  as = await authServer.createAuthServer({
    // trust X-Forwarded-For: the registration burst comes "from" one public address
    proxy: true,
    onProvider(p: AuthServer['provider']) {
      instrumentation = instrumentOidcProvider(p as never, { registration: { maxPerSource: MAX_PER_SOURCE, abandonedAfterMs: ABANDONED_MS } });
    },
  });
  const issuer = new URL(as.issuer);
  md = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  rs = createServer((req, res) => rsHandler(req.url ?? '/', res));
  await new Promise<void>((r) => rs.listen(0, '127.0.0.1', r));
  rsOrigin = `http://127.0.0.1:${(rs.address() as { port: number }).port}`;
});

afterAll(async () => {
  instrumentation?.detach();
  await as?.close();
  rs?.closeAllConnections();
  await new Promise((r) => rs?.close(r));
  await handle?.shutdown();
  await ep?.stop();
});

// ---- what the telemetry saw -----------------------------------------------------------------

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

async function series(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of parseExposition(await (await fetch(handle.metricsUrl!)).text()).values()) {
    for (const s of f.samples) if (s.name.startsWith('oauth_')) out.set(key(s.name, s.labels), s.value);
  }
  return out;
}

/** The change of every series while `fn` runs, and the records exported meanwhile. */
async function observe(fn: () => Promise<void>): Promise<{ delta: Record<string, number>; records: ReceivedLog[] }> {
  await new Promise((r) => setTimeout(r, 30));
  await handle.forceFlush();
  const before = await series();
  const n = ep.received.length;
  await fn();
  await new Promise((r) => setTimeout(r, 50));
  await handle.forceFlush();
  const after = await series();
  const delta: Record<string, number> = {};
  for (const [k, v] of after) if (v !== (before.get(k) ?? 0)) delta[k] = v - (before.get(k) ?? 0);
  return { delta, records: ep.received.slice(n) };
}

/**
 * The security series of a delta. Clients registered by earlier tests run out of time meanwhile
 * (ABANDONED_MS) and are swept on the next token: registration abuse is asserted in its own tests.
 */
const security = (delta: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(delta).filter(([k]) => (k.startsWith('oauth_security_events_total') && !k.includes('registration_abuse')) || k.startsWith('oauth_token_in_url')),
  );
const events = (records: ReceivedLog[], name: string) => records.filter((r) => r.attributes.event === name);

// ---- the example's clients --------------------------------------------------------------------

async function register(metadata: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Client> {
  const response = await oauth.dynamicClientRegistrationRequest(md, { redirect_uris: ['http://127.0.0.1:9999/callback'], client_name: 'threats demo', ...metadata }, { headers, ...insecure });
  const client = await oauth.processDynamicClientRegistrationResponse(response);
  keep(client.client_secret as string | undefined);
  keep(client.registration_access_token as string | undefined);
  return client;
}

async function tokensFor(client: Client, user?: string) {
  const verifier = keep(oauth.generateRandomCodeVerifier());
  const state = oauth.generateRandomState();
  const url = new URL(md.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: (client.redirect_uris as string[])[0]!,
    scope: 'mcp:read',
    resource: as.resourceUrl,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const { callback } = await authorize(url, user ? { username: user, password: `${user}-password` } : {});
  const params = oauth.validateAuthResponse(md, client, callback, state);
  keep(params.get('code')!);
  const auth = client.token_endpoint_auth_method === 'none' ? oauth.None() : oauth.ClientSecretBasic(client.client_secret as string);
  const response = await oauth.authorizationCodeGrantRequest(md, client, auth, params, (client.redirect_uris as string[])[0]!, verifier, {
    additionalParameters: { resource: as.resourceUrl },
    ...insecure,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(md, client, response);
  keep(tokens.access_token);
  keep(tokens.refresh_token);
  return { tokens, state };
}

// ---- token in a URL (RFC 9700 §4.3.2) --------------------------------------------------------

describe('token in a URL', () => {
  test('client: a request to the protected resource with ?access_token=… (the observer reports the name, never the value)', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const { tokens } = await tokensFor(client);
    const seen = await observe(async () => {
      await (await fetch(`${as.resourceUrl}?access_token=${encodeURIComponent(tokens.access_token)}&page=2`)).arrayBuffer();
    });
    expect(security(seen.delta)).toEqual({
      [key('oauth_token_in_url_total', { side: 'client', parameter: 'access_token' })]: 1,
      [key('oauth_security_events_total', { event_type: 'token_in_url', severity: 'high' })]: 1,
    });
    const [rec] = events(seen.records, 'oauth_token_in_url');
    expect(rec!.attributes).toMatchObject({ 'oauth.reason': 'access_token_in_query', 'oauth.stage': 'client_request', 'security_rule.name': 'input_validation_fail', 'oauth.provider': '127.0.0.1' });
  });

  test('server: a refresh token sent to the token endpoint in the query', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const { tokens } = await tokensFor(client);
    const seen = await observe(async () => {
      const url = new URL(md.token_endpoint!);
      url.searchParams.set('refresh_token', tokens.refresh_token!);
      const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: tokens.refresh_token! }) });
      keep(((await res.json()) as { refresh_token?: string }).refresh_token);
    });
    // both ends saw it: the client's outgoing request and the AS's incoming one
    expect(seen.delta[key('oauth_token_in_url_total', { side: 'server', parameter: 'refresh_token' })]).toBe(1);
    expect(seen.delta[key('oauth_token_in_url_total', { side: 'client', parameter: 'refresh_token' })]).toBe(1);
    expect(seen.delta[key('oauth_security_events_total', { event_type: 'token_in_url', severity: 'high' })]).toBe(2);
    const server = events(seen.records, 'oauth_token_in_url').find((r) => r.attributes['oauth.stage'] === 'server_request')!;
    expect(server.attributes).toMatchObject({ 'oauth.endpoint': 'token', 'oauth.reason': 'refresh_token_in_query', 'oauth.client_id': client.client_id });
  });

  test('code and state in a callback-shaped URL, id_token_hint and harmless parameters are not reported', async () => {
    const seen = await observe(async () => {
      await (await fetch(`${rsOrigin}/cb?code=abc&state=xyz&id_token_hint=eyJ.x.y&page_token=2&max_tokens=5&token_type=Bearer`)).arrayBuffer();
    });
    expect(security(seen.delta)).toEqual({});
  });
});

// ---- dynamic client registration abuse (RFC 7591 §5) ------------------------------------------

describe('registration abuse', () => {
  test('a burst from one source is reported once per window; each registration counts by source class', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const seen = await observe(async () => {
      for (let i = 0; i < MAX_PER_SOURCE + 3; i++) await register({ token_endpoint_auth_method: 'none' }, from);
    });
    expect(seen.delta[key('oauth_server_client_registrations_by_source_total', { source: 'public' })]).toBe(MAX_PER_SOURCE + 3);
    expect(seen.delta[key('oauth_server_registration_anomalies_total', { reason: 'rate_exceeded' })]).toBe(1);
    expect(events(seen.records, 'oauth_registration_rate_exceeded')).toHaveLength(1);
    expect(JSON.stringify(seen.records)).not.toContain('203.0.113.7');
  });

  test('redirect URIs on suspicious hosts: http on a public name, an IP literal; loopback and private-use schemes are fine', async () => {
    const seen = await observe(async () => {
      await register({ redirect_uris: ['http://attacker.example/cb'], token_endpoint_auth_method: 'none' });
      await register({ redirect_uris: ['https://198.51.100.4/cb'], token_endpoint_auth_method: 'none' });
      await register({ redirect_uris: ['http://localhost:4000/cb', 'http://[::1]:5000/cb'], token_endpoint_auth_method: 'none' });
    });
    expect(seen.delta[key('oauth_server_registration_anomalies_total', { reason: 'insecure_redirect_uri' })]).toBe(1);
    expect(seen.delta[key('oauth_server_registration_anomalies_total', { reason: 'ip_literal_redirect_uri' })]).toBe(1);
    // clients of the earlier tests may be swept as abandoned meanwhile: each anomaly is one event
    const anomalies = Object.entries(seen.delta).filter(([k]) => k.startsWith('oauth_server_registration_anomalies_total')).reduce((n, [, v]) => n + v, 0);
    expect(seen.delta[key('oauth_security_events_total', { event_type: 'registration_abuse', severity: 'medium' })]).toBe(anomalies);
    expect(events(seen.records, 'oauth_registration_suspicious_redirect_uri').map((r) => r.attributes['oauth.reason']).sort()).toEqual(['insecure_redirect_uri', 'ip_literal_redirect_uri']);
  });

  test('a client that registers and never obtains a token is reported once its time is up; one that does is not', async () => {
    let idle = '';
    const seen = await observe(async () => {
      idle = (await register({ token_endpoint_auth_method: 'none' })).client_id;
      const active = await register({ token_endpoint_auth_method: 'none' });
      await tokensFor(active);
      await new Promise((r) => setTimeout(r, ABANDONED_MS + 50));
      await register({ token_endpoint_auth_method: 'none' }); // the next registration sweeps
    });
    const abandoned = events(seen.records, 'oauth_registration_abandoned').map((r) => r.attributes['oauth.client_id']);
    expect(abandoned).toContain(idle);
    expect(seen.delta[key('oauth_server_registration_anomalies_total', { reason: 'abandoned' })]).toBe(abandoned.length);
  });

  test('the policy is validated at attach with coded errors naming the option', () => {
    for (const bad of [{ maxPerSource: 0 }, { windowMs: 'x' }, { allowHttpRedirectUris: 1 }, { typo: true }, []]) {
      expect(() => instrumentOidcProvider({ on() {} } as never, { registration: bad } as never)).toThrow(expect.objectContaining({ code: 'ERR_OAUTH_OTEL_CONFIG', option: expect.stringMatching(/^options\.registration/) }));
    }
  });
});

// ---- audience injection (draft-ietf-oauth-security-topics-update; RFC 7523 §3) ----------------

function clientSecretJwt(client: Client, aud: string | string[]): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: client.client_id, sub: client.client_id, aud, jti: randomBytes(12).toString('hex'), iat: now, exp: now + 60 })}`;
  return keep(`${input}.${createHmac('sha256', client.client_secret as string).update(input).digest('base64url')}`);
}

describe('audience injection', () => {
  test('an assertion whose aud is the token endpoint is accepted by the AS and reported; aud = issuer is not', async () => {
    const client = await register({ token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
    const grant = async (aud: string | string[]) => {
      const res = await fetch(md.token_endpoint!, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: as.resourceUrl,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientSecretJwt(client, aud),
        }),
      });
      const body = (await res.json()) as { access_token?: string };
      keep(body.access_token);
      return res.status;
    };
    const honest = await observe(async () => {
      expect(await grant(as.issuer)).toBe(200);
    });
    expect(security(honest.delta)).toEqual({});

    const injected = await observe(async () => {
      expect(await grant(md.token_endpoint!)).toBe(200);
      expect(await grant([as.issuer, 'https://other-as.example/'])).toBe(200);
    });
    expect(security(injected.delta)).toEqual({ [key('oauth_security_events_total', { event_type: 'audience_injection', severity: 'high' })]: 2 });
    expect(events(injected.records, 'oauth_audience_injection').map((r) => r.attributes['oauth.reason']).sort()).toEqual(['aud_array', 'aud_not_issuer']);
  });
});

// ---- protected-resource metadata spoofing (RFC 9728 §3.3) --------------------------------------

describe('resource metadata spoofing', () => {
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  test("metadata that claims the honest resource, swaps authorization_servers, and a challenge naming another origin's metadata", async () => {
    let servers = [as.issuer];
    rsHandler = (path, res) => {
      // claims to be the example AS's resource (it is not: it is served from another origin)
      if (path === '/.well-known/oauth-protected-resource/claims') return json(res, 200, { resource: as.resourceUrl, authorization_servers: [as.issuer] });
      if (path === '/.well-known/oauth-protected-resource/mcp') return json(res, 200, { resource: `${rsOrigin}/mcp`, authorization_servers: servers });
      // the challenge sends the client to the honest AS's resource metadata
      if (path === '/mcp') return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${as.resourceMetadataUrl}"` });
      return json(res, 404, {});
    };
    const get = async (path: string) => (await fetch(`${rsOrigin}${path}`)).arrayBuffer();

    const honest = await observe(async () => {
      await get('/.well-known/oauth-protected-resource/mcp');
      await get('/.well-known/oauth-protected-resource/mcp'); // same servers again: no change
      await (await fetch(as.resourceMetadataUrl)).arrayBuffer(); // the honest resource's own metadata
    });
    expect(security(honest.delta)).toEqual({});

    const spoofed = await observe(async () => {
      await get('/.well-known/oauth-protected-resource/claims');
      servers = ['http://127.0.0.1:1/attacker-as'];
      await get('/.well-known/oauth-protected-resource/mcp');
      await get('/mcp');
    });
    expect(security(spoofed.delta)).toEqual({ [key('oauth_security_events_total', { event_type: 'resource_metadata_spoofing', severity: 'high' })]: 3 });
    expect(events(spoofed.records, 'oauth_resource_metadata_spoofing').map((r) => r.attributes['oauth.reason']).sort()).toEqual([
      'authorization_servers_changed',
      'cross_origin_resource_metadata',
      'resource_mismatch',
    ]);
  });
});

// ---- a callback that completes another connection (manual API) ------------------------------

describe('connection context mismatch', () => {
  test("bob's callback delivered into alice's connection: the app's check reports it", async () => {
    // Each connection keeps its context (user, tool) under its state, as the example app does.
    const connections = new Map<string, { user: string; tool: string }>();
    const client = await register({ token_endpoint_auth_method: 'none' });
    const seen = await observe(async () => {
      const { state } = await tokensFor(client, 'bob');
      connections.set(state, { user: 'bob', tool: 'calendar' });
      // The callback arrives in alice's session for her "mail" tool, carrying bob's state.
      const arriving = { user: 'alice', tool: 'mail' };
      const started = connections.get(state)!;
      if (started.user !== arriving.user) api.connectionContextMismatch({ provider: as.issuer, userId: arriving.user, mismatch: 'user' });
      if (started.tool !== arriving.tool) api.connectionContextMismatch({ provider: as.issuer, userId: arriving.user, mismatch: 'tool' });
    });
    expect(seen.delta[key('oauth_security_events_total', { event_type: 'connection_context_mismatch', severity: 'critical' })]).toBe(2);
    const recs = events(seen.records, 'oauth_connection_context_mismatch');
    expect(recs.map((r) => r.attributes['oauth.reason']).sort()).toEqual(['tool_mismatch', 'user_mismatch']);
    expect(recs[0]!.severityText).toBe('fatal');
    expect(JSON.stringify(recs)).not.toContain('alice');
  });
});

test('no token, code, verifier, assertion or client secret reached the exposition or any exported record', async () => {
  await handle.forceFlush();
  const exported = (await (await fetch(handle.metricsUrl!)).text()) + JSON.stringify(ep.received);
  expect(secrets.size).toBeGreaterThan(10);
  for (const s of secrets) expect(exported).not.toContain(s);
});
