/**
 * initTelemetry()'s own /metrics server is closed by default on every host: without a token and
 * without `allowUnauthenticated` (option or OAUTH_OTEL_METRICS_ALLOW_UNAUTHENTICATED) no method on
 * no path gets metric data, and the reason is said once through diag. The opt-in serves data; a
 * token (option or OAUTH_OTEL_METRICS_TOKEN) serves it only to the right bearer. Real servers,
 * real HTTP, loopback only.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as api from '../../src';
import { resetRuntimeForTests } from '../../src/internal/runtime';

const ENV_TOKEN = 'OAUTH_OTEL_METRICS_TOKEN';
const ENV_OPEN = 'OAUTH_OTEL_METRICS_ALLOW_UNAUTHENTICATED';
const diagLines: string[] = [];
beforeAll(() => {
  diag.setLogger({ error: (m) => diagLines.push(m), warn: (m) => diagLines.push(m), info: (m) => diagLines.push(m), debug: () => {}, verbose: () => {} }, DiagLogLevel.INFO);
});
afterEach(() => {
  delete process.env[ENV_TOKEN];
  delete process.env[ENV_OPEN];
  resetRuntimeForTests();
});

interface Reply { status: number; body: string }
function send(url: URL, method: string, path: string, auth?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method, path, headers: auth === undefined ? {} : { authorization: auth } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

/** Metric data is any exposition line: a sample or its HELP/TYPE, of our series or any other. */
const hasData = (r: Reply) => /(^|\n)(# (HELP|TYPE) |oauth_|target_info)/.test(r.body);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const endpointArb = fc.constantFrom('/metrics', '/m', '/api/metrics', '/x/y.z');
const tokenArb = fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,48}$/);
const pathArb = (endpoint: string) =>
  fc.oneof(
    fc.constant(endpoint),
    fc.constant(`${endpoint}?format=prometheus`),
    fc.constant(`${endpoint}/`),
    fc.stringMatching(/^\/[A-Za-z0-9._~/-]{0,24}$/),
  );
const authArb = fc.option(fc.oneof(fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e ]/g, '').trim()), fc.constant('Bearer '), tokenArb.map((t) => `Bearer ${t}`)), { nil: undefined });

async function start(metrics: api.MetricsOptions): Promise<{ h: api.TelemetryHandle; url: URL }> {
  const h = await api.initTelemetry({ metrics: { port: 0, ...metrics }, logs: false });
  api.flowStarted({ provider: 'github.com' }); // there is data to leak
  return { h, url: new URL(h.metricsUrl!) };
}

test('no token and no opt-in: no method on no path gets metric data, on any host, and diag says why once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        host: fc.constantFrom('127.0.0.1', 'localhost', '0.0.0.0'),
        endpoint: endpointArb,
        allow: fc.constantFrom<'omit' | 'false' | 'env-false'>('omit', 'false', 'env-false'),
        emptyEnvToken: fc.boolean(),
        withoutTargetInfo: fc.boolean(),
      }),
      fc.array(fc.tuple(fc.constantFrom(...METHODS), fc.nat(), authArb), { minLength: 1, maxLength: 8 }),
      async (c, requests) => {
        if (c.allow === 'env-false') process.env[ENV_OPEN] = 'false';
        if (c.emptyEnvToken) process.env[ENV_TOKEN] = '';
        const before = diagLines.length;
        const { h, url } = await start({ host: c.host, endpoint: c.endpoint, withoutTargetInfo: c.withoutTargetInfo, ...(c.allow === 'false' ? { allowUnauthenticated: false } : {}) });
        try {
          const target = new URL(url.href.replace('0.0.0.0', '127.0.0.1'));
          const paths = fc.sample(pathArb(c.endpoint), { numRuns: requests.length, seed: requests.length });
          for (const [i, [method, , auth]] of requests.entries()) {
            const r = await send(target, method, paths[i % paths.length]!, auth);
            expect(r.status === 401 || r.status === 403 || r.status === 404 || r.status === 405).toBe(true);
            expect(hasData(r)).toBe(false);
          }
          // The endpoint itself, as a scraper would ask: refused with the reason's status.
          expect((await send(target, 'GET', c.endpoint)).status).toBe(403);
          expect(diagLines.slice(before).filter((l) => l.includes('without a token'))).toHaveLength(1);
        } finally {
          await h.shutdown();
          delete process.env[ENV_TOKEN];
          delete process.env[ENV_OPEN];
          resetRuntimeForTests();
        }
      },
    ),
    { numRuns: 25 },
  );
});

test('the opt-in (option or environment) serves data to GET and HEAD on the endpoint', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('127.0.0.1', 'localhost'), endpointArb, fc.constantFrom('option', 'env'), authArb, async (host, endpoint, via, auth) => {
      if (via === 'env') process.env[ENV_OPEN] = 'true';
      const { h, url } = await start({ host, endpoint, ...(via === 'option' ? { allowUnauthenticated: true } : {}) });
      try {
        const r = await send(url, 'GET', endpoint, auth);
        expect(r.status).toBe(200);
        expect(r.body).toContain('oauth_flows_started_total');
        expect((await send(url, 'HEAD', endpoint, auth)).status).toBe(200);
        expect(hasData(await send(url, 'POST', endpoint, auth))).toBe(false);
      } finally {
        await h.shutdown();
        delete process.env[ENV_OPEN];
        resetRuntimeForTests();
      }
    }),
    { numRuns: 15 },
  );
});

test('with a token (option or environment, whatever the opt-in says), only the right bearer gets data', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('127.0.0.1', 'localhost'),
      endpointArb,
      tokenArb,
      fc.constantFrom('option', 'env'),
      fc.option(fc.boolean(), { nil: undefined }),
      fc.array(authArb, { minLength: 1, maxLength: 6 }),
      async (host, endpoint, token, via, allow, auths) => {
        if (via === 'env') process.env[ENV_TOKEN] = token;
        const { h, url } = await start({ host, endpoint, ...(via === 'option' ? { token } : {}), ...(allow === undefined ? {} : { allowUnauthenticated: allow }) });
        try {
          const right = await send(url, 'GET', endpoint, `Bearer ${token}`);
          expect(right.status).toBe(200);
          expect(right.body).toContain('oauth_flows_started_total');
          const wrong = [...auths.filter((a) => a === undefined || a.replace(/^Bearer\s+/i, '').trim() !== token), `Bearer ${token.slice(1)}`, token, `Basic ${token}`];
          for (const a of wrong) {
            const r = await send(url, 'GET', endpoint, a);
            expect(r.status).toBe(401);
            expect(hasData(r)).toBe(false);
          }
        } finally {
          await h.shutdown();
          delete process.env[ENV_TOKEN];
          resetRuntimeForTests();
        }
      },
    ),
    { numRuns: 15 },
  );
});

test('bad environment values fail fast with the coded config error, never echoing a token', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 12 }).filter((s) => s.trim() !== '' && !['true', 'false'].includes(s.trim().toLowerCase()) && !s.includes('\0')),
      fc.stringMatching(/^[0-9]{8,12}$/).map((s) => `tok${s}`), // under 16, distinctive enough to spot if echoed
      async (badBool, shortToken) => {
        for (const [name, value] of [[ENV_OPEN, badBool], [ENV_TOKEN, shortToken]] as const) {
          process.env[name] = value;
          const err = await api.initTelemetry({ metrics: { port: 0 }, logs: false }).then(
            async (h) => {
              await h.shutdown();
              return undefined;
            },
            (e: unknown) => e,
          );
          delete process.env[name];
          resetRuntimeForTests();
          expect(err).toBeInstanceOf(api.OAuthTelemetryConfigError);
          expect((err as api.OAuthTelemetryConfigError).option).toBe(name);
          if (name === ENV_TOKEN) expect((err as Error).message).not.toContain(value);
        }
      },
    ),
    { numRuns: 30 },
  );
});
