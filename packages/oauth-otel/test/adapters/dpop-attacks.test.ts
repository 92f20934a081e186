/**
 * DPoP (RFC 9449) end to end against the real example AS (oidc-provider 9.13, features.dPoP) and
 * its protected resource: an honest oauth4webapi client with a DPoP key, then the attack demo
 * (scripts/attacks/dpop.mjs): a replayed proof, a stolen DPoP-bound token used without its key,
 * a proof for another URL. Asserts the exact change of the DPoP and security series on the
 * package's /metrics (scraped over HTTP), the security records a real OTLP/HTTP endpoint
 * received, and that no token or proof reached either.
 */
import * as api from '../../src';
import { instrumentOidcProvider, type OidcProviderInstrumentation } from '../../src/adapters/oidc-provider';
import { EVENTS } from '../../src/catalog';
import { OtlpLogsEndpoint, type ReceivedLog } from '../support/otlp-endpoint';
import { parseExposition } from '../support/prom';
import { authServer, nativeRequire, type AuthServer } from '../../../../examples/auth-server/test/native';

type Outcome = { status: number; error?: string };
type Captured = {
  tokenType: string;
  resourceStatus: number;
  accessToken: string;
  refreshToken: string;
  resourceRequest: { headers: Record<string, string> };
  refreshRequest: { headers: Record<string, string>; body: string };
};
type Demo = {
  honestDpopClient(o: { issuer: string; resourceUrl: string }): Promise<Captured>;
  replayedProof(c: Captured): Promise<{ tokenEndpoint: Outcome; resource: Outcome }>;
  stolenTokenWithoutKey(c: Captured, o: { resourceUrl: string }): Promise<{ asBearer: Outcome; otherKey: Outcome; refreshWithoutProof: Outcome; refreshWithOtherKey: Outcome }>;
  misdirectedProof(c: Captured, o: { resourceUrl: string }): Promise<Outcome>;
  ignoringNonces(c: Captured, o: { resourceUrl: string; times: number }): Promise<Outcome[]>;
};
const demo = nativeRequire('../../../scripts/attacks/dpop.mjs') as Demo;

const WATCHED = /^oauth_(dpop_failures_total|security_events_total)$/;

let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
let as: AuthServer;
let instrumentation: OidcProviderInstrumentation;

beforeAll(async () => {
  ep = await new OtlpLogsEndpoint().start();
  handle = await api.initTelemetry({
    serviceName: 'dpop-attack-test',
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { level: 'debug', stdout: false, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } },
    // the test process is also the AS's client; the subject here is the server side
    observe: false,
  });
  as = await authServer.createAuthServer({
    onProvider(p: Parameters<typeof instrumentOidcProvider>[0]) {
      instrumentation = instrumentOidcProvider(p);
    },
    onResourceDpopRejected(check: api.DpopRejectedInput['check'], info: { clientId?: string; token?: string }) {
      api.dpopRejected({ side: 'resource_server', check, endpoint: 'resource', ...info });
    },
  });
});

afterAll(async () => {
  instrumentation?.detach();
  await as?.close();
  await handle?.shutdown();
  await ep?.stop();
});

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

async function scrape(): Promise<{ text: string; series: Map<string, number> }> {
  const text = await (await fetch(handle.metricsUrl!)).text();
  const series = new Map<string, number>();
  for (const f of parseExposition(text).values()) {
    if (!WATCHED.test(f.name)) continue;
    for (const s of f.samples) series.set(key(s.name, s.labels), s.value);
  }
  return { text, series };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

async function observe(fn: () => Promise<void>): Promise<{ delta: Record<string, number>; records: ReceivedLog[]; text: string }> {
  await settle();
  await handle.forceFlush();
  const before = (await scrape()).series;
  const n = ep.received.length;
  await fn();
  await settle();
  await handle.forceFlush();
  const { text, series } = await scrape();
  const delta: Record<string, number> = {};
  for (const [k, v] of series) if (v - (before.get(k) ?? 0) !== 0) delta[k] = v - (before.get(k) ?? 0);
  return { delta, records: ep.received.slice(n), text };
}

const F = (side: string, check: string) => key('oauth_dpop_failures_total', { side, check });
const SEC = (event_type: string, severity: string) => key('oauth_security_events_total', { event_type, severity });

test('an honest oauth4webapi client uses DPoP end to end: bound tokens, a resource call, a refresh, no DPoP signal', async () => {
  let captured!: Captured;
  const { delta } = await observe(async () => {
    captured = await demo.honestDpopClient({ issuer: as.issuer, resourceUrl: as.resourceUrl });
  });
  expect(captured.tokenType).toBe('dpop');
  expect(captured.resourceStatus).toBe(200);
  expect(captured.resourceRequest.headers.authorization).toMatch(/^DPoP /);
  expect(delta).toEqual({});
});

test('attack demo: replayed proofs, a stolen token without its key, a misdirected proof: refused, counted and logged', async () => {
  const captured = await demo.honestDpopClient({ issuer: as.issuer, resourceUrl: as.resourceUrl });
  const secrets = [captured.accessToken, captured.refreshToken, captured.resourceRequest.headers.dpop!, captured.refreshRequest.headers.dpop!];
  let replay!: Awaited<ReturnType<Demo['replayedProof']>>;
  let stolen!: Awaited<ReturnType<Demo['stolenTokenWithoutKey']>>;
  let misdirected!: Outcome;
  const { delta, records, text } = await observe(async () => {
    replay = await demo.replayedProof(captured);
    stolen = await demo.stolenTokenWithoutKey(captured, { resourceUrl: as.resourceUrl });
    misdirected = await demo.misdirectedProof(captured, { resourceUrl: as.resourceUrl });
  });
  expect(replay).toEqual({ tokenEndpoint: { status: 400, error: 'invalid_grant' }, resource: { status: 401, error: 'invalid_dpop_proof' } });
  expect(stolen).toEqual({
    asBearer: { status: 401, error: 'invalid_token' },
    otherKey: { status: 401, error: 'invalid_dpop_proof' },
    refreshWithoutProof: { status: 400, error: 'invalid_grant' },
    refreshWithOtherKey: { status: 400, error: 'invalid_grant' },
  });
  expect(misdirected).toEqual({ status: 400, error: 'invalid_dpop_proof' });

  expect(delta).toEqual({
    [F('authorization_server', 'proof_replay')]: 1,
    [F('resource_server', 'proof_replay')]: 1,
    [F('resource_server', 'bearer_downgrade')]: 1,
    [F('authorization_server', 'bearer_downgrade')]: 1,
    [F('resource_server', 'key_mismatch')]: 1,
    [F('authorization_server', 'key_mismatch')]: 1,
    [F('authorization_server', 'htu_mismatch')]: 1,
    [SEC('dpop_proof_replay', 'high')]: 2,
    [SEC('dpop_token_as_bearer', 'high')]: 2,
    [SEC('dpop_key_mismatch', 'high')]: 2,
    [SEC('dpop_proof_invalid', 'medium')]: 1,
  });

  const security = records.filter((r) => String(r.attributes.event).startsWith('oauth_dpop_'));
  expect(security.map((r) => `${r.attributes.event}:${r.attributes['oauth.reason']}:${r.attributes['oauth.endpoint']}`).sort()).toEqual([
    'oauth_dpop_bound_token_as_bearer:bearer_downgrade:resource',
    'oauth_dpop_bound_token_as_bearer:bearer_downgrade:token',
    'oauth_dpop_key_mismatch:key_mismatch:resource',
    'oauth_dpop_key_mismatch:key_mismatch:token',
    'oauth_dpop_proof_invalid:htu_mismatch:token',
    'oauth_dpop_proof_replay:proof_replay:resource',
    'oauth_dpop_proof_replay:proof_replay:token',
  ]);
  for (const r of security) {
    const def = Object.values(EVENTS).find((e) => e.name === r.attributes.event)!;
    expect(r.attributes).toMatchObject({
      'security_rule.name': def.security!.rule,
      'security_rule.reference': def.security!.reference,
      'security_rule.ruleset.name': 'OWASP Logging Vocabulary',
      'oauth.security_event_type': def.security!.type,
    });
    expect(def.security!.reference).toMatch(/^https:\/\/www\.rfc-editor\.org\/rfc\/rfc9449#section-/);
  }
  // the stolen tokens are identified only by a keyed fingerprint
  const asBearer = security.filter((r) => r.attributes.event === 'oauth_dpop_bound_token_as_bearer');
  for (const r of asBearer) expect(r.attributes['oauth.token.fingerprint']).toMatch(/^[A-Za-z0-9_-]{8,}$/);

  // the leak gate: no token and no proof in any record or in the exposition
  const exported = JSON.stringify(ep.received) + text;
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(20);
    expect(exported.includes(s)).toBe(false);
    expect(exported.includes(s.split('.')[1] ?? s)).toBe(false);
  }
});

describe('an AS that requires DPoP nonces (RFC 9449 §8)', () => {
  let nonceAs: AuthServer;
  let nonceInstrumentation: OidcProviderInstrumentation;
  beforeAll(async () => {
    nonceAs = await authServer.createAuthServer({
      dpopNonces: true,
      onProvider(p: Parameters<typeof instrumentOidcProvider>[0]) {
        nonceInstrumentation = instrumentOidcProvider(p);
      },
    });
  });
  afterAll(async () => {
    nonceInstrumentation?.detach();
    await nonceAs?.close();
  });

  test('a client that follows the nonce is challenged once; one that ignores it is challenged every time: counted, never a security event', async () => {
    let captured!: Captured;
    const honest = await observe(async () => {
      captured = await demo.honestDpopClient({ issuer: nonceAs.issuer, resourceUrl: nonceAs.resourceUrl });
    });
    expect(captured.tokenType).toBe('dpop');
    expect(captured.resourceStatus).toBe(200);
    // the first token request (no nonce yet) is challenged; the refresh reuses the nonce it got
    expect(honest.delta).toEqual({ [F('authorization_server', 'nonce_challenge')]: 1 });

    let answers!: Outcome[];
    const churn = await observe(async () => {
      answers = await demo.ignoringNonces(captured, { resourceUrl: nonceAs.resourceUrl, times: 5 });
    });
    expect(answers).toEqual(Array(5).fill({ status: 400, error: 'use_dpop_nonce' }));
    expect(churn.delta).toEqual({ [F('authorization_server', 'nonce_challenge')]: 5 });
    expect(churn.records.filter((r) => String(r.attributes.event).startsWith('oauth_dpop_'))).toEqual([]);
  });
});
