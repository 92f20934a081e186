/**
 * /metrics handlers fail closed: without a token every request is refused (an explicit
 * allowUnauthenticated opens them), tokens shorter than initTelemetry's minimum are a config
 * error, GET and HEAD only, concurrent scrapes share one collection, and a gauge source that
 * never settles is skipped within its budget and counted. Real exporter, real HTTP on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as api from '../../src';
import { oauthMetrics } from '../../src/metrics/bind';
import { parseExposition, valueOf } from '../support/prom';
import { collectionBudget, type MetricsEndpoint } from '../../src/metrics/handler';
import { peekShared } from '../../src/internal/registry';
import { hostile } from '../support/hostile';

const TOKEN = 'a-metrics-token-of-32-characters';
let handle: api.TelemetryHandle;
const diagLines: string[] = [];
beforeAll(async () => {
  diag.setLogger({ error: (m) => diagLines.push(m), warn: (m) => diagLines.push(m), info: (m) => diagLines.push(m), debug: () => {}, verbose: () => {} }, DiagLogLevel.INFO);
  handle = await api.initTelemetry({ metrics: { server: false }, logs: false });
});
afterAll(() => handle.shutdown());

const req = (method = 'GET', auth?: string) => new Request('http://127.0.0.1/api/metrics', { method, headers: auth === undefined ? {} : { authorization: auth } });

test('no token: every request is refused, whatever it sends, and the reason is logged once', async () => {
  const closedA = api.createMetricsHandler({ token: undefined });
  const closedB = api.createMetricsHandler();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'HEAD'), fc.option(fc.oneof(fc.string(), fc.constant(`Bearer ${TOKEN}`), fc.constant('Bearer '))), async (method, auth) => {
      for (const h of [closedA, closedB]) {
        const r = await h(req(method, auth ?? undefined));
        expect(r.status).toBe(403);
        expect(await r.text()).not.toContain('oauth_');
      }
    }),
    { numRuns: 100 },
  );
  expect(diagLines.filter((l) => l.includes('without a token'))).toHaveLength(1);
});

test('allowUnauthenticated: true opens the handler explicitly', async () => {
  const open = api.createMetricsHandler({ allowUnauthenticated: true });
  const r = await open(req());
  expect(r.status).toBe(200);
  expect(await r.text()).toMatch(/^# TYPE oauth_/m);
});

test('a token shorter than 16 characters, or a non-string, is a coded config error naming the option', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ minLength: 1, maxLength: 15 }), fc.integer(), fc.boolean(), fc.object()), (token) => {
      for (const create of [api.createMetricsHandler, api.metricsRequestListener]) {
        let err: unknown;
        try {
          create({ token: token as string });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(api.OAuthTelemetryConfigError);
        expect((err as api.OAuthTelemetryConfigError).option).toBe('options.token');
      }
    }),
  );
  expect(() => api.createMetricsHandler({ allowUnauthenticated: 'yes' as never })).toThrow(api.OAuthTelemetryConfigError);
});

test('a token that could never arrive intact in a header (spaces, CR/LF, control or non-ASCII characters) is a coded config error', () => {
  const bad = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{8,24}$/), fc.constantFrom(' ', '\t', '\r\n', '\n', '\u0000', '\u00a0', 'é', '\u2028', '🔑', '\ud800'), fc.stringMatching(/^[A-Za-z0-9]{8,24}$/), fc.constantFrom('inside', 'leading', 'trailing', 'only'))
    .map(([a, c, b, where]) => (where === 'inside' ? a + c + b : where === 'leading' ? c + a + b : where === 'trailing' ? a + b + c : c.repeat(16)));
  fc.assert(
    fc.property(bad, (token) => {
      for (const create of [api.createMetricsHandler, api.metricsRequestListener]) {
        let err: unknown;
        try {
          create({ token });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(api.OAuthTelemetryConfigError);
        expect((err as api.OAuthTelemetryConfigError).option).toBe('options.token');
        expect((err as Error).message).not.toContain(token);
      }
    }),
  );
});

test('with a token: only the right bearer token reads, only with GET or HEAD', async () => {
  const h = api.createMetricsHandler({ token: TOKEN });
  expect((await h(req('GET', `Bearer ${TOKEN}`))).status).toBe(200);
  const head = await h(req('HEAD', `Bearer ${TOKEN}`));
  expect(head.status).toBe(200);
  expect(await head.text()).toBe('');
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300 }), async (auth) => {
      fc.pre(auth.replace(/^Bearer\s+/i, '').trim() !== TOKEN);
      expect((await h(req('GET', auth))).status).toBe(401);
    }),
    { numRuns: 200 },
  );
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const r = await h(req(method, `Bearer ${TOKEN}`));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD');
  }
});

test('the node:http listener follows the same rules over real HTTP', async () => {
  const servers: Server[] = [];
  const serve = async (options: api.MetricsHandlerOptions): Promise<string> => {
    const s = createServer(api.metricsRequestListener(options));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
  };
  try {
    const closed = await serve({});
    const guarded = await serve({ token: TOKEN });
    expect((await fetch(closed, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(403);
    expect((await fetch(guarded)).status).toBe(401);
    expect((await fetch(guarded, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(guarded, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  } finally {
    for (const s of servers) await new Promise((r) => s.close(r));
  }
});

test('N concurrent scrapes cause one collection', async () => {
  const h = api.createMetricsHandler({ token: TOKEN });
  let collections = 0;
  // Each collection calls every gauge source once: the source counts collections.
  api.setGaugeSource('activeTokens', () => {
    collections++;
    return new Promise<number>((r) => setTimeout(() => r(7), 50));
  });
  try {
    const responses = await Promise.all(Array.from({ length: 50 }, () => h(req('GET', `Bearer ${TOKEN}`))));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(collections).toBe(1);
    const text = await responses[49]!.text();
    expect(valueOf(parseExposition(text), 'oauth_active_tokens')).toBe(7);
    // A later scrape collects again (sharing is for concurrent scrapes only).
    await h(req('GET', `Bearer ${TOKEN}`));
    expect(collections).toBe(2);
  } finally {
    api.setGaugeSource('activeTokens', undefined);
  }
});

test('a gauge source that never settles is skipped within its budget, counted, and not called again while it hangs', async () => {
  const h = api.createMetricsHandler({ allowUnauthenticated: true });
  const m = oauthMetrics();
  m.gaugeSourceBudgetMs = 100;
  let calls = 0;
  api.setGaugeSource('activePkceStates', () => {
    calls++;
    return new Promise<number>(() => {});
  });
  try {
    const dropped = async () => valueOf(parseExposition(await (await h(req())).text()), 'oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'timeout' }) ?? 0;
    const first = await h(req());
    expect(first.status).toBe(200);
    // The scrape answered although the source never will; the gauge keeps no value from it.
    expect(valueOf(parseExposition(await first.text()), 'oauth_active_pkce_states') ?? 0).toBe(0);
    expect(await dropped()).toBeGreaterThanOrEqual(1);
    await h(req());
    expect(calls).toBe(1);
  } finally {
    api.setGaugeSource('activePkceStates', undefined);
    m.gaugeSourceBudgetMs = 1000;
  }
});

test('an observable callback of the app that never settles does not hold the scrape: it is skipped within the budget, counted, and later scrapes answer', async () => {
  const h = api.createMetricsHandler({ token: TOKEN });
  const before = collectionBudget.ms;
  collectionBudget.ms = 150;
  let hang = true;
  const gauge = handle.meterProvider!.getMeter('app').createObservableGauge('app_hanging_gauge');
  const cb = (r: { observe(v: number): void }) => (hang ? new Promise<void>(() => {}) : r.observe(3));
  gauge.addCallback(cb as never);
  try {
    api.flowStarted({ provider: 'github.com' });
    const t0 = performance.now();
    const first = await h(req('GET', `Bearer ${TOKEN}`));
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).toContain('oauth_flows_started_total');
    expect(text).toContain('collection error');
    expect(performance.now() - t0).toBeLessThan(150 * 2 + 2000);
    expect(valueOf(parseExposition(await (await h(req('GET', `Bearer ${TOKEN}`))).text()), 'oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'timeout' })).toBeGreaterThanOrEqual(1);
    hang = false;
    const later = await h(req('GET', `Bearer ${TOKEN}`));
    expect(valueOf(parseExposition(await later.text()), 'app_hanging_gauge')).toBe(3);
  } finally {
    gauge.removeCallback(cb as never);
    collectionBudget.ms = before;
  }
});

test('a collection that never settles is answered 503 within twice the budget, and the next scrape collects afresh', async () => {
  const h = api.createMetricsHandler({ token: TOKEN });
  const e = peekShared<MetricsEndpoint>('metricsEndpoint')!;
  const before = collectionBudget.ms;
  collectionBudget.ms = 100;
  const real = e.exporter.collect.bind(e.exporter);
  // The exporter's own collection hangs once (what a stuck producer would do).
  e.exporter.collect = (() => {
    e.exporter.collect = real;
    return new Promise(() => {});
  }) as typeof e.exporter.collect;
  try {
    const stuck = await Promise.all([h(req('GET', `Bearer ${TOKEN}`)), h(req('GET', `Bearer ${TOKEN}`))]);
    expect(stuck.map((r) => r.status)).toEqual([503, 503]);
    expect(await stuck[0]!.text()).not.toContain('oauth_');
    const next = await h(req('GET', `Bearer ${TOKEN}`));
    expect(next.status).toBe(200);
  } finally {
    e.exporter.collect = real;
    collectionBudget.ms = before;
  }
});

test('hostile requests (and responses) never throw or reject out of either handler, and never get data', async () => {
  const web = api.createMetricsHandler({ token: TOKEN });
  const node = api.metricsRequestListener({ token: TOKEN });
  await fc.assert(
    fc.asyncProperty(hostile, hostile, async (reqRecipe, resRecipe) => {
      const request = reqRecipe.build();
      const settled = await Promise.resolve()
        .then(() => web(request as Request))
        .then(async (r) => ({ ok: true, status: r.status, body: await r.text() }), () => ({ ok: false, status: 0, body: '' }));
      expect({ ok: settled.ok, data: settled.body.includes('oauth_') }).toEqual({ ok: true, data: false });
      expect(() => node(request as never, resRecipe.build() as never)).not.toThrow();
    }),
    { numRuns: 300 },
  );
});
