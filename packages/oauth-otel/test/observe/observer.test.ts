/**
 * The observer against a hostile authorization server of our own (a real node:http server on
 * 127.0.0.1 whose answers each test sets): what it records, what it detects, and that nothing it
 * meets (junk bodies, bombs, hostile headers, malformed channel messages) reaches the app.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import diagnosticsChannel from 'node:diagnostics_channel';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as api from '../../src';
import { currentObserver, resolveObserve } from '../../src/observe';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';
import { parseExposition } from '../support/prom';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let origin: string;
let handler: Handler = (_q, _b, res) => res.end();
let handle: api.TelemetryHandle;
let ep: OtlpLogsEndpoint;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  ep = await new OtlpLogsEndpoint().start();
  handle = await api.initTelemetry({
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { level: 'debug', stdout: false, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } },
    observe: { issuers: [origin, `${origin}/b`] },
  });
});

afterAll(async () => {
  await handle.shutdown();
  await ep.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
};

function metadata(extra: Record<string, unknown> = {}) {
  return {
    issuer: origin,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/reg`,
    revocation_endpoint: `${origin}/revoke`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    ...extra,
  };
}

async function series(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of parseExposition(await (await fetch(handle.metricsUrl!)).text()).values()) {
    for (const s of f.samples) {
      if (!s.name.startsWith('oauth_') || s.name.endsWith('_bucket') || s.name.endsWith('_sum')) continue;
      out.set(`${s.name}{${Object.entries(s.labels).sort().map(([k, v]) => `${k}="${v}"`).join(',')}}`, s.value);
    }
  }
  return out;
}

/** The change of every OAuth series while `run` runs. */
async function delta(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await series();
  await run();
  const after = await series();
  const d: Record<string, number> = {};
  for (const [k, v] of after) if (v !== (before.get(k) ?? 0)) d[k] = v - (before.get(k) ?? 0);
  return d;
}

const discover = async () => (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

describe('configuration', () => {
  /** The option as code sets it, the env as the operator sets it: the model of who wins. */
  const option = fc.oneof(
    fc.constant(undefined),
    fc.boolean(),
    fc.record({ enabled: fc.boolean(), issuers: fc.constantFrom(['https://as.example/'], ['http://127.0.0.1:4000/a', 'https://b.example']) }, { requiredKeys: [] }),
  );
  const casing = (w: string) => fc.tuple(fc.constantFrom('', ' ', '\t'), fc.boolean()).map(([pad, up]) => `${pad}${up ? w.toUpperCase() : w}${pad}`);
  const env = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', '  '),
    fc.constantFrom('on', 'true', '1').chain(casing),
    fc.constantFrom('off', 'false', '0').chain(casing),
  );
  const wanted = (v: unknown): boolean => (typeof v === 'boolean' ? v : ((v as { enabled?: boolean } | undefined)?.enabled ?? true));

  function withEnv<T>(value: string | undefined, fn: () => T): T {
    const saved = process.env.OAUTH_OTEL_OBSERVE;
    if (value === undefined) delete process.env.OAUTH_OTEL_OBSERVE;
    else process.env.OAUTH_OTEL_OBSERVE = value;
    try {
      return fn();
    } finally {
      if (saved === undefined) delete process.env.OAUTH_OTEL_OBSERVE;
      else process.env.OAUTH_OTEL_OBSERVE = saved;
    }
  }

  test('on unless the code says false or the operator says off (the operator switch wins)', () => {
    fc.assert(
      fc.property(option, env, (v, e) => {
        const off = e !== undefined && ['off', 'false', '0'].includes(e.trim().toLowerCase());
        const r = withEnv(e, () => resolveObserve(v));
        expect(r.enabled).toBe(!off && wanted(v));
        const list = typeof v === 'object' ? v.issuers : undefined;
        expect(r.issuers === undefined ? undefined : [...r.issuers]).toEqual(list?.map((u) => new URL(u).href.replace(/\/$/, '')));
      }),
    );
  });

  test('bad values of the option or the variable reject with a coded error naming them', () => {
    const badOption = fc.oneof(
      fc.record({ enabled: fc.string() }),
      fc.record({ issuers: fc.array(fc.constantFrom('not a url', 'ftp://x', 'mailto:a@b'), { minLength: 1 }) }),
      fc.record({ issuers: fc.webUrl() }),
      fc.string({ minLength: 1 }).filter((k) => k !== 'enabled' && k !== 'issuers' && k !== '__proto__').map((k) => ({ [k]: true })),
      fc.oneof(fc.integer(), fc.constant(null), fc.string()),
    );
    fc.assert(
      fc.property(badOption, (bad) => {
        expect(() => withEnv(undefined, () => resolveObserve(bad))).toThrow(expect.objectContaining({ code: 'ERR_OAUTH_OTEL_CONFIG', option: expect.stringMatching(/^observe/) }));
      }),
    );
    const badEnv = fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && !['on', 'off', 'true', 'false', '1', '0'].includes(s.trim().toLowerCase()));
    fc.assert(
      fc.property(option, badEnv, (v, e) => {
        expect(() => withEnv(e, () => resolveObserve(v))).toThrow(expect.objectContaining({ code: 'ERR_OAUTH_OTEL_CONFIG', option: 'OAUTH_OTEL_OBSERVE' }));
      }),
    );
  });
});

describe('recording', () => {
  test('metadata teaches the endpoints; token, registration and revocation are then recorded', async () => {
    handler = (req, body, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata());
      if (req.url === '/reg') return json(res, 400, { error: 'invalid_redirect_uri' });
      if (req.url === '/revoke') return json(res, 200, '');
      if (req.url === '/token') {
        const f = new URLSearchParams(body);
        if (f.get('grant_type') === 'client_credentials') return json(res, 401, { error: 'invalid_client' });
        if (f.get('grant_type') === 'authorization_code') return json(res, 400, { error: 'invalid_grant', error_description: 'secret-ish text never read' });
      }
      json(res, 404, {});
    };
    const d = await delta(async () => {
      await discover();
      await (await fetch(`${origin}/reg`, { method: 'POST', body: '{}' })).text();
      await (await fetch(`${origin}/token`, form({ grant_type: 'client_credentials', client_secret: 's3cr3t-client-secret-value' }))).text();
      await (await fetch(`${origin}/token`, form({ grant_type: 'authorization_code', code: 'c0de-value-never-read' }))).text();
      await (await fetch(`${origin}/revoke`, form({ token: 't0ken-value' }))).text();
      await (await fetch(`${origin}/not-oauth`)).text();
    });
    expect(d).toEqual({
      'oauth_discovery_attempts_total{method="rfc8414",status="success"}': 1,
      'oauth_discovery_duration_seconds_count{method="rfc8414",status="success"}': 1,
      'oauth_client_registrations_total{status="failure"}': 1,
      'oauth_client_registration_duration_seconds_count{status="failure"}': 1,
      'oauth_token_endpoint_errors_total{error="invalid_client",grant_type="client_credentials",provider="127.0.0.1"}': 1,
      'oauth_token_endpoint_errors_total{error="invalid_grant",grant_type="authorization_code",provider="127.0.0.1"}': 1,
      'oauth_flows_total{provider="127.0.0.1",status="failure"}': 1,
      'oauth_flow_failures_total{error="invalid_grant",provider="127.0.0.1",reason="token_exchange_failed"}': 1,
      'oauth_token_revocations_total{reason="manual"}': 1,
    });
  });

  test('gzip bodies are read; a network failure is a failure; the http module records statuses', async () => {
    handler = (req, _b, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, gzipSync(JSON.stringify(metadata())), { 'content-encoding': 'gzip' });
      if (req.url === '/.well-known/oauth-protected-resource') return json(res, 200, { resource: origin, authorization_servers: [origin] });
      if (req.url === '/reg') return json(res, 201, { client_id: 'x', client_secret: 'never-parsed-secret' });
      json(res, 404, {});
    };
    const viaHttp = (path: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const r = httpRequest(`${origin}${path}`, { method }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        r.on('error', reject);
        r.end(method === 'POST' ? '{}' : undefined);
      });
    const d = await delta(async () => {
      await discover();
      expect(await viaHttp('/.well-known/oauth-protected-resource')).toBe(200);
      expect(await viaHttp('/reg', 'POST')).toBe(201);
      // a port nobody listens on (just freed): no HTTP answer at all
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as { port: number }).port;
      await new Promise((r) => closed.close(r));
      await expect(fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource`)).rejects.toThrow();
    });
    expect(d).toMatchObject({
      'oauth_discovery_attempts_total{method="rfc8414",status="success"}': 1,
      'oauth_discovery_attempts_total{method="rfc9728",status="success"}': 1,
      'oauth_client_registrations_total{status="success"}': 1,
      'oauth_discovery_attempts_total{method="rfc9728",status="failure"}': 1,
    });
  });

  test('a redirect, and a 404 on one well-known variant before another, are not failures', async () => {
    handler = (req, _b, res) => {
      if (req.url === '/.well-known/oauth-protected-resource') return json(res, 302, '', { location: '/.well-known/oauth-protected-resource/mcp' });
      if (req.url === '/.well-known/oauth-protected-resource/mcp') return json(res, 200, { resource: `${origin}/mcp`, authorization_servers: [origin] });
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 404, { error: 'not_found' });
      if (req.url === '/.well-known/openid-configuration') return json(res, 200, metadata());
      json(res, 404, {});
    };
    const d = await delta(async () => {
      await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json();
      expect((await fetch(`${origin}/.well-known/oauth-authorization-server`)).status).toBe(404);
      await (await fetch(`${origin}/.well-known/openid-configuration`)).json();
    });
    expect(d).toEqual({
      'oauth_discovery_attempts_total{method="rfc9728",status="success"}': 1,
      'oauth_discovery_duration_seconds_count{method="rfc9728",status="success"}': 1,
      'oauth_discovery_attempts_total{method="rfc8414",status="success"}': 1,
      'oauth_discovery_duration_seconds_count{method="rfc8414",status="success"}': 1,
    });
  });

  test('a 401 Bearer challenge naming resource metadata is a discovery; other 401s are not', async () => {
    handler = (req, _b, res) => {
      if (req.url === '/mcp') res.writeHead(401, { 'www-authenticate': `Bearer realm="x", resource_metadata="${origin}/.well-known/oauth-protected-resource"` });
      else res.writeHead(401, { 'www-authenticate': 'Basic realm="x", Bearer error="invalid_token"' });
      res.end();
    };
    const d = await delta(async () => {
      await (await fetch(`${origin}/mcp`)).text();
      await (await fetch(`${origin}/api`)).text();
    });
    expect(d).toEqual({
      'oauth_discovery_attempts_total{method="www-authenticate",status="success"}': 1,
      'oauth_discovery_duration_seconds_count{method="www-authenticate",status="success"}': 1,
    });
  });
});

describe('detectors', () => {
  test('metadata issuer and token endpoint outside the issuer: issuer_mismatch; nothing learned from a lying document', async () => {
    handler = (req, _b, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, { ...metadata(), issuer: 'https://attacker.example' });
      json(res, 404, {});
    };
    const lying = await delta(discover);
    expect(lying).toMatchObject({
      'oauth_discovery_attempts_total{method="rfc8414",status="failure"}': 1,
      'oauth_security_events_total{event_type="issuer_mismatch",severity="high"}': 1,
    });
    handler = (req, _b, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata({ token_endpoint: 'https://attacker.example/token' }));
      json(res, 404, {});
    };
    expect(await delta(discover)).toMatchObject({
      'oauth_discovery_attempts_total{method="rfc8414",status="success"}': 1,
      'oauth_security_events_total{event_type="issuer_mismatch",severity="high"}': 1,
    });
  });

  test('capability drift: S256, the iss parameter and the registration route dropped', async () => {
    let doc = metadata();
    handler = (req, _b, res) => (req.url === '/.well-known/oauth-authorization-server' ? json(res, 200, doc) : json(res, 404, {}));
    await discover();
    doc = metadata({ code_challenge_methods_supported: ['plain'], authorization_response_iss_parameter_supported: false, registration_endpoint: undefined });
    const d = await delta(discover);
    expect(d).toMatchObject({
      'oauth_security_events_total{event_type="pkce_downgrade",severity="high"}': 1,
      'oauth_security_events_total{event_type="as_capability_drift",severity="high"}': 2,
    });
    // the same (degraded) document again is no new drift
    expect(Object.keys(await delta(discover)).filter((k) => k.startsWith('oauth_security'))).toEqual([]);
  });

  test('refresh: rotation, reuse of the rotated token, scope/resource drift, invalid_grant loop', async () => {
    let n = 0;
    const rotatedAway = new Set<string>();
    handler = (req, body, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata());
      const f = new URLSearchParams(body);
      if (f.get('grant_type') === 'authorization_code') return json(res, 200, { access_token: 'at-0', refresh_token: 'rt-0-secret-value', scope: 'read' });
      const rt = f.get('refresh_token')!;
      if (rotatedAway.has(rt) || rt.startsWith('dead')) return json(res, 400, { error: 'invalid_grant' });
      rotatedAway.add(rt);
      return json(res, 200, { access_token: `at-${++n}`, refresh_token: `rt-${n}-secret-value`, scope: f.get('scope') ?? 'read' });
    };
    await discover();
    const flow = await delta(async () => {
      await (await fetch(`${origin}/token`, form({ grant_type: 'authorization_code', code: 'c', resource: 'https://rs.example/' }))).text();
      await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-0-secret-value', resource: 'https://rs.example/' }))).text();
      await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-0-secret-value' }))).text();
      // the live token, now asking for more than was granted, and for another resource
      await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-1-secret-value', scope: 'read admin' }))).text();
      await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-2-secret-value', resource: 'https://other.example/' }))).text();
    });
    expect(flow).toMatchObject({
      'oauth_flows_total{provider="127.0.0.1",status="success"}': 1,
      'oauth_token_refresh_total{reason="normal",status="success"}': 3,
      'oauth_token_refresh_total{reason="reuse_detected",status="reuse_detected"}': 1,
      'oauth_security_events_total{event_type="token_reuse",severity="critical"}': 1,
      'oauth_security_events_total{event_type="grant_drift",severity="high"}': 2,
    });
    const loop = await delta(async () => {
      for (let i = 0; i < 3; i++) await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: `dead-${i}` }))).text();
    });
    expect(loop).toMatchObject({
      'oauth_token_refresh_total{reason="endpoint_error",status="failure"}': 3,
      'oauth_security_events_total{event_type="reauthorization_loop",severity="medium"}': 1,
    });
    await handle.forceFlush();
    const logs = JSON.stringify(ep.received);
    expect(logs).toContain('oauth_grant_drift');
    for (const secret of ['rt-0-secret-value', 'rt-1-secret-value', 'c0de-value-never-read', 's3cr3t-client-secret-value', 'never-parsed-secret']) expect(logs).not.toContain(secret);
  });
});

describe('the flow a code exchange belongs to', () => {
  test('an exchange inside continueOAuthFlow() ends that flow (duration, flow id); outside it, only the outcome', async () => {
    handler = (req, body, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata());
      const code = new URLSearchParams(body).get('code') ?? '';
      if (code.startsWith('ok')) return json(res, 200, { access_token: 'at-flow', refresh_token: 'rt-flow-secret', scope: 'read' });
      return json(res, code.startsWith('5') ? 503 : 400, { error: 'invalid_grant' });
    };
    await discover();
    const exchange = (code: string) => fetch(`${origin}/token`, form({ grant_type: 'authorization_code', code })).then((r) => r.text());
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('ok', '4xx', '5xx'), fc.boolean(), async (flowId, kind, inCallback) => {
        const status = kind === 'ok' ? 'success' : 'failure';
        const code = `${kind === '5xx' ? '5' : kind}-${flowId.length}`;
        const d = await delta(async () => {
          api.flowStarted({ provider: origin, flowId });
          if (inCallback) await api.continueOAuthFlow(flowId, () => exchange(code));
          else {
            await exchange(code);
            api.flowCompleted({ flowId, outcome: 'failure', reason: 'state_expired' }); // the app ends the flow itself
          }
        });
        expect(d[`oauth_flows_started_total{provider="127.0.0.1"}`]).toBe(1);
        if (inCallback) {
          // one flow, ended once, by the exchange: its duration is measured from flowStarted()
          expect(d[`oauth_flows_total{provider="127.0.0.1",status="${status}"}`]).toBe(1);
          expect(d[`oauth_flow_duration_seconds_count{provider="127.0.0.1",status="${status}"}`]).toBe(1);
        } else {
          // the exchange is a flow outcome without a flow: no duration; the app's own end has one
          expect(d[`oauth_flow_duration_seconds_count{provider="127.0.0.1",status="${status}"}`] ?? 0).toBe(status === 'failure' ? 1 : 0);
          expect(d['oauth_flow_duration_seconds_count{provider="127.0.0.1",status="failure"}']).toBe(1);
        }
      }),
      { numRuns: 24 },
    );
    await handle.forceFlush();
    const ended = ep.received.filter((r) => r.attributes.event === 'oauth_flow_success' || r.attributes.event === 'oauth_flow_failure');
    expect(ended.some((r) => typeof r.attributes['oauth.flow_id'] === 'string' && r.attributes['duration_ms'] !== undefined)).toBe(true);
  });

  test('a refresh answered with a new refresh token is a rotation event naming both fingerprints', async () => {
    let n = 0;
    handler = (req, _body, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata());
      return json(res, 200, { access_token: 'at', refresh_token: n++ % 2 === 0 ? 'rt-rotated-secret-value' : 'rt-same-secret-value' });
    };
    await discover();
    const before = ep.received.filter((r) => r.attributes.event === 'token_rotation_complete').length;
    // the second answer keeps the presented token: not a rotation
    await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-old-secret-value' }))).text();
    await (await fetch(`${origin}/token`, form({ grant_type: 'refresh_token', refresh_token: 'rt-same-secret-value' }))).text();
    await handle.forceFlush();
    const rotations = ep.received.filter((r) => r.attributes.event === 'token_rotation_complete').slice(before);
    expect(rotations).toHaveLength(1);
    expect(rotations[0]!.attributes['oauth.token.fingerprint']).toEqual(expect.any(String));
    expect(rotations[0]!.attributes['oauth.token.previous_fingerprint']).toEqual(expect.any(String));
    expect(rotations[0]!.attributes['oauth.token.fingerprint']).not.toBe(rotations[0]!.attributes['oauth.token.previous_fingerprint']);
    expect(JSON.stringify(rotations)).not.toContain('secret-value');
  });
});

describe('issuer-keyed credentials', () => {
  test('a client_id registered at one issuer, presented to another issuer (Basic or body): an event; CIMD URLs are not', async () => {
    const b = `${origin}/b`;
    handler = (req, _body, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, 200, metadata());
      if (req.url === '/.well-known/oauth-authorization-server/b') return json(res, 200, { ...metadata(), issuer: b, token_endpoint: `${b}/token`, registration_endpoint: `${b}/reg` });
      if (req.url === '/reg') return json(res, 201, { client_id: 'cid-at-a', client_secret: 'registration-secret-value-1' });
      return json(res, 400, { error: 'invalid_client' });
    };
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const d = await delta(async () => {
      await discover();
      await (await fetch(`${origin}/.well-known/oauth-authorization-server/b`)).json();
      await (await fetch(`${origin}/reg`, { method: 'POST', body: '{}' })).json();
      // at its own issuer: nothing
      await (await fetch(`${origin}/token`, { ...form({ grant_type: 'client_credentials' }), headers: { authorization: basic('cid-at-a', 'registration-secret-value-1') } })).text();
      // at issuer b, in the Basic header and in the body
      await (await fetch(`${b}/token`, { ...form({ grant_type: 'client_credentials' }), headers: { authorization: basic('cid-at-a', 'registration-secret-value-1') } })).text();
      await (await fetch(`${b}/token`, form({ grant_type: 'client_credentials', client_id: 'cid-at-a' }))).text();
      // a Client ID Metadata Document URL is valid at every issuer
      await (await fetch(`${origin}/token`, form({ grant_type: 'client_credentials', client_id: 'https://app.example/client.json' }))).text();
      await (await fetch(`${b}/token`, form({ grant_type: 'client_credentials', client_id: 'https://app.example/client.json' }))).text();
    });
    expect(d['oauth_security_events_total{event_type="credential_issuer_mismatch",severity="high"}']).toBe(2);
    await handle.forceFlush();
    expect(JSON.stringify(ep.received)).not.toContain('registration-secret-value-1');
  });
});

describe('never into the app', () => {
  test('hostile answers reach the app byte for byte and cost the observer only its caps', async () => {
    const bomb = gzipSync(Buffer.alloc(8 << 20));
    const big = Buffer.alloc(1 << 20, 0x7b);
    const bodies: Array<[string, Buffer | string, Record<string, string>]> = [
      ['bomb', bomb, { 'content-encoding': 'gzip' }],
      ['big', big, {}],
      ['junk', '{"issuer": [', {}],
      ['proto', '{"__proto__":{"issuer":"x"},"constructor":1}', {}],
    ];
    for (const [, body, headers] of bodies) {
      handler = (_q, _b, res) => json(res, 200, body, headers);
      const res = await fetch(`${origin}/.well-known/oauth-authorization-server`, { headers: { 'accept-encoding': 'identity' } });
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.length).toBe(headers['content-encoding'] === 'gzip' ? 8 << 20 : Buffer.byteLength(body));
    }
  });

  test('malformed channel messages (Proxies, throwing getters, wrong types) never throw from publish, and are counted', async () => {
    const dropped = 'oauth_telemetry_dropped_total{reason="invalid_value",signal="metrics"}';
    const before = (await series()).get(dropped) ?? 0;
    // fast-check itself must not touch the traps: it generates a recipe, the message is built inside
    const trap = () => new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
    const part = fc.oneof(fc.constant('trap'), fc.anything(), fc.record({ origin: fc.anything(), path: fc.anything(), statusCode: fc.anything(), headers: fc.anything() }));
    const build = (p: unknown): unknown => (p === 'trap' ? trap() : p);
    const recipe = fc.oneof(
      part.map((p) => ({ whole: p })),
      fc.record({ request: part, response: part, chunk: part }),
      fc.constant({ getter: true }),
    );
    const evil = (r: Record<string, unknown>): unknown => {
      if ('whole' in r) return build(r.whole);
      if ('getter' in r) {
        return {
          request: { origin, path: '/.well-known/oauth-authorization-server', get path2() { throw new Error('getter'); } },
          response: { get statusCode() { throw new Error('getter'); }, headers: [Buffer.from('www-authenticate'), trap()] },
        };
      }
      return { request: build(r.request), response: build(r.response), chunk: build(r.chunk) };
    };
    const channels = ['undici:request:create', 'undici:request:bodyChunkSent', 'undici:request:headers', 'undici:request:bodyChunkReceived', 'undici:request:trailers', 'undici:request:error', 'http.client.request.start', 'http.client.response.finish', 'http.client.request.error'];
    expect(currentObserver()).toBeDefined();
    fc.assert(
      fc.property(fc.constantFrom(...channels), recipe, (name, r) => {
        expect(() => diagnosticsChannel.channel(name).publish(evil(r as Record<string, unknown>))).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    expect((await series()).get(dropped)).toBeGreaterThan(before);
  });
});
