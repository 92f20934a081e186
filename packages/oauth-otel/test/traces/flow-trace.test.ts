/**
 * One trace per OAuth flow, on an app-owned SDK (the bring-your-own path: oauth-otel reads the
 * global TracerProvider lazily through the API's proxy). The browser redirect is simulated the way
 * it happens: the login request and the callback request are two unrelated server spans, and
 * only the flow id connects them.
 */
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { createServer } from 'node:http';
import * as api from '../../src';
import { resolveObserve, startObserver, stopObserver } from '../../src/observe';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const app = provider.getTracer('app');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

/** An inbound request's server span, as the app's HTTP instrumentation would make it. */
function request<T>(name: string, fn: () => T): T {
  return app.startActiveSpan(name, {}, ROOT_CONTEXT, (span: Span) => {
    try {
      return fn();
    } finally {
      span.end();
    }
  });
}
const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const one = (spans: ReadableSpan[], name: string) => {
  const got = byName(spans, name);
  expect(got.map((s) => s.name)).toEqual([name]);
  return got[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

test('login → redirect → callback → code exchange is one trace; the callback request is linked', async () => {
  const flowId = 'state-Zt9x81kPq0w2';
  request('GET /login', () => {
    api.pkceStateCreated({ flowId, provider: 'https://as.example.org' });
    api.flowStarted({ flowId, provider: 'https://as.example.org' });
  });
  let callbackRequest!: string;
  await request('GET /callback', async () => {
    callbackRequest = trace.getActiveSpan()!.spanContext().spanId;
    await api.continueOAuthFlow(flowId, async () => {
      api.pkceStateValidated({ flowId, reason: 'valid' });
      const carrier: Record<string, string> = {};
      await api.trackCodeExchange(async () => propagation.inject(context.active(), carrier), { flowId });
      expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      api.flowCompleted({ flowId, outcome: 'success' });
    });
  });
  const spans = exporter.getFinishedSpans();
  const login = one(spans, 'GET /login');
  const flow = one(spans, api.SPAN_OAUTH_FLOW);
  const authorize = one(spans, api.SPAN_OAUTH_AUTHORIZE);
  const callback = one(spans, api.SPAN_OAUTH_CALLBACK);
  const exchange = one(spans, api.SPAN_OAUTH_CODE_EXCHANGE);
  const traceId = login.spanContext().traceId;
  for (const s of [flow, authorize, callback, exchange]) expect(s.spanContext().traceId).toBe(traceId);
  expect(parentOf(flow)).toBe(login.spanContext().spanId);
  expect(parentOf(authorize)).toBe(flow.spanContext().spanId);
  expect(parentOf(callback)).toBe(flow.spanContext().spanId);
  expect(parentOf(exchange)).toBe(callback.spanContext().spanId);
  // The callback request lives in its own trace (no context crosses the browser redirect): linked.
  expect(callback.links.map((l) => l.context.spanId)).toEqual([callbackRequest]);
  expect(callback.attributes[api.ATTR_OAUTH_FLOW_CONTINUED]).toBe(true);
  expect(callback.events.map((e) => [e.name, e.attributes?.[api.ATTR_OAUTH_REASON]])).toEqual([[api.SPAN_EVENT_STATE_VALIDATED, 'valid']]);
  expect(flow.attributes[api.ATTR_OAUTH_OUTCOME]).toBe('success');
  expect(flow.attributes[api.ATTR_OAUTH_PROVIDER]).toBe('as.example.org');
  // Order: the flow span covers everything after it.
  expect(flow.endTime >= exchange.endTime || flow.endTime[0] >= exchange.endTime[0]).toBe(true);
  // The state (flow id) is never in telemetry: only its fingerprint.
  expect(JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]))).not.toContain(flowId);
  expect(flow.attributes[api.ATTR_OAUTH_FLOW_ID]).toMatch(/^[A-Za-z0-9_-]+$/);
});

test('zero-code: the observed code exchange inside continueOAuthFlow() is the callback\'s child, ends the flow, below any HTTP client span', async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/oauth-authorization-server') return res.end(JSON.stringify({ issuer: origin, token_endpoint: `${origin}/token` }));
      res.end(JSON.stringify({ access_token: 'at-zero-code', token_type: 'Bearer', refresh_token: 'rt-zero-code' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  startObserver(resolveObserve(true));
  try {
    await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
    exporter.reset();
    const flowId = 'state-zero-code-7Qx';
    request('GET /login', () => api.flowStarted({ flowId, provider: origin }));
    await request('GET /callback', () =>
      api.continueOAuthFlow(flowId, () =>
        // the app's HTTP client instrumentation (Next.js makes one per fetch) sits between
        app.startActiveSpan('POST (client)', {}, async (span: Span) => {
          await (await fetch(`${origin}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de' }) })).json();
          span.end();
        }),
      ),
    );
  } finally {
    stopObserver();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const spans = exporter.getFinishedSpans();
  const flow = one(spans, api.SPAN_OAUTH_FLOW);
  const callback = one(spans, api.SPAN_OAUTH_CALLBACK);
  const exchange = one(spans, api.SPAN_OAUTH_CODE_EXCHANGE);
  expect(parentOf(exchange)).toBe(callback.spanContext().spanId);
  expect(exchange.spanContext().traceId).toBe(flow.spanContext().traceId);
  // the exchange ended the flow: outcome on the flow span, no abandoned flow left
  expect(flow.attributes[api.ATTR_OAUTH_OUTCOME]).toBe('success');
  expect(flow.attributes[api.ATTR_OAUTH_FLOW_ABANDONED]).toBeUndefined();
  expect(JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]))).not.toMatch(/c0de|rt-zero-code|at-zero-code|state-zero-code/);
});

test('a callback whose flow context is not kept (another instance, expired) starts from the request, unlinked', async () => {
  await request('GET /callback', () => api.continueOAuthFlow('never-started', () => api.flowCompleted({ flowId: 'never-started', outcome: 'failure', reason: 'invalid_state' })));
  const spans = exporter.getFinishedSpans();
  const req = one(spans, 'GET /callback');
  const cb = one(spans, api.SPAN_OAUTH_CALLBACK);
  expect(parentOf(cb)).toBe(req.spanContext().spanId);
  expect(cb.attributes[api.ATTR_OAUTH_FLOW_CONTINUED]).toBe(false);
});

test('every phase: wrapped operations are their spans (HTTP children nest), unwrapped calls make back-dated spans', async () => {
  await request('job', async () => {
    await api.trackDiscovery('rfc9728', async () => trace.getActiveSpan()!.spanContext().spanId);
    await api.trackClientRegistration(async () => 1);
    await api.trackScheduledRefresh(async () => {
      for (const t of ['a', 'b', 'c']) await api.trackTokenRefresh(async () => t).catch(() => undefined);
      await api.trackTokenRefresh(async () => Promise.reject(Object.assign(new Error('invalid_grant: rt=SECRET'), { error: 'invalid_grant' }))).catch(() => undefined);
      return { refreshed: 3, failed: 1 };
    });
    await api.trackRevocation(async () => undefined, { reason: 'manual', count: 2 });
    api.discoveryCompleted({ method: 'rfc8414', outcome: 'success', durationMs: 250 });
  });
  const spans = exporter.getFinishedSpans();
  const job = one(spans, 'job');
  const discoveries = byName(spans, api.SPAN_OAUTH_DISCOVERY);
  expect(discoveries.map((s) => s.attributes[api.ATTR_OAUTH_DISCOVERY_METHOD]).sort()).toEqual(['rfc8414', 'rfc9728']);
  const backDated = discoveries.find((s) => s.attributes[api.ATTR_OAUTH_DISCOVERY_METHOD] === 'rfc8414')!;
  expect(backDated.duration[0] * 1e3 + backDated.duration[1] / 1e6).toBeGreaterThanOrEqual(249);
  one(spans, api.SPAN_OAUTH_REGISTRATION);
  const batch = one(spans, api.SPAN_OAUTH_SCHEDULED_REFRESH);
  expect(batch.attributes[api.ATTR_OAUTH_REFRESHED]).toBe(3);
  expect(batch.status.code).toBe(SpanStatusCode.ERROR);
  const refreshes = byName(spans, api.SPAN_OAUTH_TOKEN_REFRESH);
  expect(refreshes).toHaveLength(4); // one span per token, each the batch's child
  for (const r of refreshes) expect(parentOf(r)).toBe(batch.spanContext().spanId);
  const failed = refreshes.filter((r) => r.status.code === SpanStatusCode.ERROR);
  expect(failed.map((r) => r.attributes[api.ATTR_ERROR_TYPE])).toEqual(['invalid_grant']);
  expect(failed[0]!.status.message).toBeUndefined(); // the error text (which may hold a secret) never goes on a span
  const revoke = one(spans, api.SPAN_OAUTH_REVOCATION);
  expect(revoke.attributes[api.ATTR_OAUTH_COUNT]).toBe(2);
  for (const s of spans) if (s !== job) expect(s.spanContext().traceId).toBe(job.spanContext().traceId);
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('SECRET');
});

test('kept flows are bounded: past the cap the oldest ends, marked abandoned; nothing grows without bound', () => {
  const N = 10_000 + 50;
  for (let i = 0; i < N; i++) api.flowStarted({ flowId: `f${i}` });
  const abandoned = byName(exporter.getFinishedSpans(), api.SPAN_OAUTH_FLOW).filter((s) => s.attributes[api.ATTR_OAUTH_FLOW_ABANDONED] === true);
  expect(abandoned.length).toBe(50); // the 50 oldest
  // The newest are still kept and can complete.
  api.flowCompleted({ flowId: `f${N - 1}`, outcome: 'success' });
  expect(byName(exporter.getFinishedSpans(), api.SPAN_OAUTH_FLOW).some((s) => s.attributes[api.ATTR_OAUTH_OUTCOME] === 'success')).toBe(true);
  for (let i = 0; i < N; i++) api.flowCompleted({ flowId: `f${i}`, outcome: 'success' });
});

test('hostile inputs never throw into the app, and the handler still runs exactly once', async () => {
  const hostile = fc.oneof(
    fc.anything(),
    // Throws on every string-keyed access (symbol lookups stay answerable for fast-check's own cloning).
    fc.constant(
      new Proxy(
        {},
        {
          get: (_t, k) => { if (typeof k === 'symbol') return undefined; throw new Error('boom'); },
          has: (_t, k) => { if (typeof k === 'symbol') return false; throw new Error('boom'); },
          ownKeys: () => { throw new Error('boom'); },
        },
      ),
    ),
  );
  await fc.assert(
    fc.asyncProperty(hostile, hostile, async (id, opts) => {
      let runs = 0;
      const r = api.continueOAuthFlow(id as never, () => ++runs);
      expect(r).toBe(1);
      await expect(api.trackCodeExchange(async () => 7, opts as never)).resolves.toBe(7);
      await expect(api.trackRevocation(async () => 8, opts as never)).resolves.toBe(8);
      expect(() => api.flowStarted({ flowId: id as never })).not.toThrow();
      expect(() => api.setOAuthTracerProvider(opts as never)).not.toThrow();
      api.setOAuthTracerProvider(undefined);
      expect(runs).toBe(1);
    }),
    { numRuns: 300 },
  );
});

test('the AS hot path opens no span: server events land on the active server span, without the client id', () => {
  request('POST /token', () => {
    api.serverTokenIssued({ grantType: 'authorization_code', clientId: 'client-7Hk2', provider: 'https://as.example.org' });
    api.serverError({ endpoint: 'token', error: 'invalid_grant', httpStatus: 400 } as never);
  });
  const spans = exporter.getFinishedSpans();
  expect(spans.map((s) => s.name)).toEqual(['POST /token']);
  const events = spans[0]!.events;
  expect(events.map((e) => e.name)).toContain('oauth.server.token.issued');
  expect(events.find((e) => e.name === 'oauth.server.token.issued')!.attributes?.[api.ATTR_OAUTH_GRANT_TYPE]).toBe('authorization_code');
  expect(JSON.stringify(events)).not.toContain('client-7Hk2');
});

test('OAuth events written inside a span carry its trace_id and span_id on the stdout JSON line', () => {
  const lines: string[] = [];
  api.enableOAuthEventLogs({ stdout: { write: (l: string) => lines.push(l) } as never, otel: false, level: 'debug' });
  lines.length = 0; // events the earlier tests buffered before a sink existed
  let ids!: { traceId: string; spanId: string };
  request('GET /login', () => {
    api.flowStarted({ flowId: 'trace-in-logs', provider: 'https://as.example.org' });
  });
  request('GET /callback', () =>
    api.continueOAuthFlow('trace-in-logs', () => {
      ids = trace.getActiveSpan()!.spanContext();
      api.flowCompleted({ flowId: 'trace-in-logs', outcome: 'success' });
    }),
  );
  const done = lines.map((l) => JSON.parse(l)).find((r) => r.event === 'oauth_flow_success');
  expect({ trace_id: done.trace_id, span_id: done.span_id }).toEqual({ trace_id: ids.traceId, span_id: ids.spanId });
  const started = lines.map((l) => JSON.parse(l)).find((r) => r.event === 'oauth_flow_initiated');
  expect(started.trace_id).toBe(ids.traceId); // the login request's trace is the flow's trace
});
