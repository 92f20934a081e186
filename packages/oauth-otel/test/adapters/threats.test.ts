/**
 * Attack demos of issue 14 against the real example authorization server (oidc-provider 9, over
 * HTTP on 127.0.0.1), with both sides instrumented in one process: the AS through
 * instrumentOidcProvider(), the client through the traffic observer (`observe: true`). The attacks
 * are the runnable scripts under scripts/attacks/ (each also runs on its own against a running AS);
 * this test calls their steps and asserts each attack's event (exported over OTLP to a real
 * endpoint), its metric series (scraped from /metrics), and that the secret it carried reached
 * neither.
 *
 *   token-in-url.mjs                client: a fetch with ?access_token=…; AS: ?refresh_token=… on /token
 *   registration-abuse.mjs          a burst from one source, http and IP-literal redirect URIs, an abandoned client
 *   audience-injection.mjs          a client_secret_jwt assertion whose aud is the token endpoint, not the issuer
 *   resource-metadata-spoofing.mjs  a hostile resource server in front of the honest AS
 *   connection-context.mjs          the manual call on a callback that completes another user's connection
 */
import * as api from '../../src';
import { instrumentOidcProvider, type OidcProviderInstrumentation } from '../../src/adapters/oidc-provider';
import { OtlpLogsEndpoint, type ReceivedLog } from '../support/otlp-endpoint';
import { parseExposition } from '../support/prom';
import { authServer, nativeRequire, type AuthServer } from '../../../../examples/auth-server/test/native';

// ---- the scripts (plain ES modules, loaded with Node's own require) ---------------------------

type Outcome = { status: number; error?: string };
type Client = { client_id: string; client_secret?: string; redirect_uris?: string[] };
type Tokens = { access_token: string; refresh_token?: string };
type Target = { issuer: string; resourceUrl: string; resourceMetadataUrl: string; md: { token_endpoint?: string } };
type Honest = { client: Client; tokens: Tokens; state: string };
type Hostile = { origin: string; close(): Promise<void> };
const attacks = (name: string) => nativeRequire(`../../../scripts/attacks/${name}.mjs`);
const lib = attacks('lib') as {
  target(o: { issuer: string; resourceUrl: string; resourceMetadataUrl: string; keep(s: string): void }): Promise<Target>;
};
const tokenInUrl = attacks('token-in-url') as {
  honestClient(t: Target): Promise<Honest>;
  accessTokenInQuery(t: Target, h: Honest): Promise<Outcome>;
  refreshTokenInQuery(t: Target, h: Honest): Promise<Outcome>;
};
const registration = attacks('registration-abuse') as {
  BURST_SOURCE: string;
  burst(t: Target, count: number): Promise<string[]>;
  suspiciousRedirects(t: Target): Promise<void>;
  abandonedClient(t: Target, o: { waitMs: number }): Promise<string>;
};
const audience = attacks('audience-injection') as {
  assertionClient(t: Target): Promise<Client>;
  grantWithAudience(t: Target, c: Client, aud: string | string[]): Promise<number>;
  injectedAudiences(t: Target): (string | string[])[];
};
const spoofing = attacks('resource-metadata-spoofing') as {
  hostileResourceServer(t: Target): Promise<Hostile>;
  honestDiscoveries(t: Target, rs: Hostile): Promise<number[]>;
  spoofedDiscoveries(rs: Hostile): Promise<number[]>;
};
const connection = attacks('connection-context') as {
  crossUserCallback(t: Target, o: { report(i: { provider: string; userId: string; mismatch: 'user' | 'tool' }): void }): Promise<string[]>;
};

const ABANDONED_MS = 300;
const MAX_PER_SOURCE = 3;

let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
let as: AuthServer;
let t: Target;
let instrumentation: OidcProviderInstrumentation;
/** The hostile resource server of the spoofing demo. */
let rs: Hostile;
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
  t = await lib.target({ issuer: as.issuer, resourceUrl: as.resourceUrl, resourceMetadataUrl: as.resourceMetadataUrl, keep });
  rs = await spoofing.hostileResourceServer(t);
});

afterAll(async () => {
  instrumentation?.detach();
  await as?.close();
  await rs?.close();
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

// ---- token in a URL (RFC 9700 §4.3.2) --------------------------------------------------------

describe('token in a URL', () => {
  test('client: a request to the protected resource with ?access_token=… (the observer reports the name, never the value)', async () => {
    const honest = await tokenInUrl.honestClient(t);
    const seen = await observe(async () => {
      await tokenInUrl.accessTokenInQuery(t, honest);
    });
    expect(security(seen.delta)).toEqual({
      [key('oauth_token_in_url_total', { side: 'client', parameter: 'access_token' })]: 1,
      [key('oauth_security_events_total', { event_type: 'token_in_url', severity: 'high' })]: 1,
    });
    const [rec] = events(seen.records, 'oauth_token_in_url');
    expect(rec!.attributes).toMatchObject({ 'oauth.reason': 'access_token_in_query', 'oauth.stage': 'client_request', 'security_rule.name': 'input_validation_fail', 'oauth.provider': '127.0.0.1' });
  });

  test('server: a refresh token sent to the token endpoint in the query', async () => {
    const honest = await tokenInUrl.honestClient(t);
    const seen = await observe(async () => {
      await tokenInUrl.refreshTokenInQuery(t, honest);
    });
    // both ends saw it: the client's outgoing request and the AS's incoming one
    expect(seen.delta[key('oauth_token_in_url_total', { side: 'server', parameter: 'refresh_token' })]).toBe(1);
    expect(seen.delta[key('oauth_token_in_url_total', { side: 'client', parameter: 'refresh_token' })]).toBe(1);
    expect(seen.delta[key('oauth_security_events_total', { event_type: 'token_in_url', severity: 'high' })]).toBe(2);
    const server = events(seen.records, 'oauth_token_in_url').find((r) => r.attributes['oauth.stage'] === 'server_request')!;
    expect(server.attributes).toMatchObject({ 'oauth.endpoint': 'token', 'oauth.reason': 'refresh_token_in_query', 'oauth.client_id': honest.client.client_id });
  });

  test('code and state in a callback-shaped URL, id_token_hint and harmless parameters are not reported', async () => {
    const seen = await observe(async () => {
      await (await fetch(`${rs.origin}/cb?code=abc&state=xyz&id_token_hint=eyJ.x.y&page_token=2&max_tokens=5&token_type=Bearer`)).arrayBuffer();
    });
    expect(security(seen.delta)).toEqual({});
  });
});

// ---- dynamic client registration abuse (RFC 7591 §5) ------------------------------------------

describe('registration abuse', () => {
  test('a burst from one source is reported once per window; each registration counts by source class', async () => {
    const seen = await observe(async () => {
      await registration.burst(t, MAX_PER_SOURCE + 3);
    });
    expect(seen.delta[key('oauth_server_client_registrations_by_source_total', { source: 'public' })]).toBe(MAX_PER_SOURCE + 3);
    expect(seen.delta[key('oauth_server_registration_anomalies_total', { reason: 'rate_exceeded' })]).toBe(1);
    expect(events(seen.records, 'oauth_registration_rate_exceeded')).toHaveLength(1);
    expect(JSON.stringify(seen.records)).not.toContain(registration.BURST_SOURCE);
  });

  test('redirect URIs on suspicious hosts: http on a public name, an IP literal; loopback and private-use schemes are fine', async () => {
    const seen = await observe(async () => {
      await registration.suspiciousRedirects(t);
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
      idle = await registration.abandonedClient(t, { waitMs: ABANDONED_MS + 50 });
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

describe('audience injection', () => {
  test('an assertion whose aud is the token endpoint is accepted by the AS and reported; aud = issuer is not', async () => {
    const client = await audience.assertionClient(t);
    const honest = await observe(async () => {
      expect(await audience.grantWithAudience(t, client, as.issuer)).toBe(200);
    });
    expect(security(honest.delta)).toEqual({});

    const injected = await observe(async () => {
      for (const aud of audience.injectedAudiences(t)) expect(await audience.grantWithAudience(t, client, aud)).toBe(200);
    });
    expect(security(injected.delta)).toEqual({ [key('oauth_security_events_total', { event_type: 'audience_injection', severity: 'high' })]: 2 });
    expect(events(injected.records, 'oauth_audience_injection').map((r) => r.attributes['oauth.reason']).sort()).toEqual(['aud_array', 'aud_not_issuer']);
  });
});

// ---- protected-resource metadata spoofing (RFC 9728 §3.3) --------------------------------------

describe('resource metadata spoofing', () => {
  test("metadata that claims the honest resource, swaps authorization_servers, and a challenge naming another origin's metadata", async () => {
    const honest = await observe(async () => {
      await spoofing.honestDiscoveries(t, rs);
    });
    expect(security(honest.delta)).toEqual({});

    let statuses: number[] = [];
    const spoofed = await observe(async () => {
      statuses = await spoofing.spoofedDiscoveries(rs);
    });
    expect(statuses).toEqual([200, 200, 401]);
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
    let mismatches: string[] = [];
    const seen = await observe(async () => {
      mismatches = await connection.crossUserCallback(t, { report: (i) => api.connectionContextMismatch(i) });
    });
    expect(mismatches.sort()).toEqual(['tool', 'user']);
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
