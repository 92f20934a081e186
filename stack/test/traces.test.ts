/**
 * One trace per OAuth flow, end to end on real servers: the app (initTelemetry, the one-line path)
 * sends traces and logs over OTLP to the shipped collector config, which forwards traces to Jaeger
 * v2 and logs to VictoriaLogs. The flow crosses a real HTTP hop to a token endpoint that continues
 * the W3C trace context it receives (as an AS with HTTP instrumentation does) and records through
 * the server API, which only adds events to that server span. Asserted through Jaeger's query API:
 * one trace, the expected spans in parent/child order, the AS span joined, the state absent; and
 * through LogsQL: the flow's log records carry that trace id.
 *
 * The second part runs the examples themselves: the example AS (instrumentation-http) and the built
 * Next.js client, a real flow between them, everything through the shipped collector.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import * as api from '../../packages/oauth-otel/src';
import { authorize, CookieJar } from '../../examples/auth-server/test/helpers';
import { REPO_ROOT } from './support/backends';
import type { Collector } from './support/collector';
import { waitForTrace, type Jaeger, type JaegerSpan } from './support/jaeger';
import { startTraceStack, type TraceStack } from './support/trace-stack';
import { buildNextAppIfStale, NEXT_APP_DIR, NEXT_BIN } from './support/next-app';
import { freePort, HOST, spawnServer, waitFor, type ServerProcess } from './support/process';
import { startPrometheus, type Prometheus } from './support/prometheus';
import { waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(180_000);

const SERVICE = `oauth-trace-${process.pid}`;
let stack: TraceStack;
let jaeger: Jaeger;
let vl: VictoriaLogs;
let collector: Collector;
let handle: api.TelemetryHandle;
let tokenServer: Server;
let tokenUrl: string;

beforeAll(async () => {
  stack = await startTraceStack();
  ({ jaeger, vl, collector } = stack);
  handle = await api.initTelemetry({
    serviceName: SERVICE,
    metrics: false,
    traces: { endpoint: stack.tracesUrl },
    logs: { stdout: false, level: 'debug', otlp: { endpoint: stack.logsUrl, scheduledDelayMillis: 100 } },
  });
  // The AS's token endpoint: its HTTP instrumentation would extract the traceparent and open the
  // server span; oauth-otel's server API then only adds events to it.
  const tracer = trace.getTracer('as-http');
  tokenServer = createServer((req, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    tracer.startActiveSpan('POST /token', { kind: SpanKind.SERVER }, parent, (span) => {
      api.serverTokenIssued({ grantType: 'authorization_code', provider: 'http://as.test' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"Bearer"}');
      span.end();
    });
  });
  await new Promise<void>((r) => tokenServer.listen(0, HOST, r));
  tokenUrl = `http://${HOST}:${(tokenServer.address() as { port: number }).port}/token`;
});

afterAll(async () => {
  await handle?.shutdown();
  tokenServer?.close();
  await stack?.stop();
});

const tag = (s: JaegerSpan, k: string) => s.tags.find((t) => t.key === k)?.value;

test('a flow across the browser redirect is one trace in Jaeger, AS span joined; its logs carry the trace id', async () => {
  const state = `st_${Math.random().toString(36).slice(2)}${Date.now()}`;
  const app = trace.getTracer('app-http');
  app.startActiveSpan('GET /login', { kind: SpanKind.SERVER }, ROOT_CONTEXT, (span) => {
    api.flowStarted({ flowId: state, provider: 'http://as.test' });
    span.end();
  });
  // The browser comes back on a new request: a new server span in a trace of its own.
  await app.startActiveSpan('GET /callback', { kind: SpanKind.SERVER }, ROOT_CONTEXT, async (span) => {
    await api.continueOAuthFlow(state, async () => {
      api.pkceStateValidated({ flowId: state, reason: 'valid' });
      await api.trackCodeExchange(async () => {
        // What the app does (or its fetch instrumentation): W3C trace context on the request to the AS.
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        const res = await fetch(tokenUrl, { method: 'POST', headers, body: `code=abc&state=${state}` });
        return res.json();
      }, { flowId: state });
      api.flowCompleted({ flowId: state, outcome: 'success' });
    });
    span.end();
  });
  await handle.forceFlush();

  const found = await waitForTraceOf(SERVICE, 'oauth.flow');
  const t = await waitForTrace(jaeger, found, 6);
  const byOp = new Map(t.spans.map((s) => [s.operationName, s]));
  const names = ['GET /login', 'oauth.flow', 'oauth.authorize', 'oauth.callback', 'oauth.code_exchange', 'POST /token'];
  for (const n of names) expect(byOp.has(n)).toBe(true);
  const parent = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
  const id = (n: string) => byOp.get(n)!.spanID;
  expect(parent(byOp.get('oauth.flow')!)).toBe(id('GET /login'));
  expect(parent(byOp.get('oauth.authorize')!)).toBe(id('oauth.flow'));
  expect(parent(byOp.get('oauth.callback')!)).toBe(id('oauth.flow'));
  expect(parent(byOp.get('oauth.code_exchange')!)).toBe(id('oauth.callback'));
  expect(parent(byOp.get('POST /token')!)).toBe(id('oauth.code_exchange')); // the AS side joined over HTTP
  // In order: each phase starts no earlier than the one before it.
  const starts = names.map((n) => byOp.get(n)!.startTime);
  expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  // The AS adds events to its server span, no span of its own.
  expect(byOp.get('POST /token')!.logs.some((l) => l.fields.some((f) => f.value === 'oauth.server.token.issued'))).toBe(true);
  expect(t.spans.filter((s) => s.operationName.startsWith('oauth.server'))).toEqual([]);
  expect(tag(byOp.get('oauth.flow')!, 'oauth.outcome')).toBe('success');
  // The state never reaches the trace store.
  expect(JSON.stringify(t)).not.toContain(state);

  // The flow's log records (OTLP → collector → VictoriaLogs) carry the same trace id.
  const rows = await waitForVictoriaLogs(vl.url, `trace_id:${t.traceID}`, { count: 4 });
  const events = rows.map((r) => r.event).sort();
  expect(events).toEqual(expect.arrayContaining(['oauth_flow_initiated', 'pkce_validation_success', 'oauth_server_token_issued', 'oauth_flow_success']));
  expect(JSON.stringify(rows)).not.toContain(state);
});

async function waitForTraceOf(service: string, op: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const traces = await jaeger.traces(service).catch(() => []);
    const hit = traces.find((tr) => tr.spans.some((s) => s.operationName === op));
    if (hit) return hit.traceID;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no trace with ${op} for ${service} in Jaeger`);
}

/**
 * The examples as users run them: the example AS (`node src/main.mjs`, instrumentation-http through
 * its telemetry.mjs, OTEL_TRACES_EXPORTER=otlp) and the built Next.js client (`next start`), both
 * exporting traces and logs over OTLP to the same shipped collector. A script plays the browser
 * (cookies, the AS's login and consent forms). One flow must be one trace in Jaeger holding the
 * client's phase spans and, under the phase that made each request, the AS's server spans.
 */
describe('the example client against the example AS, through the shipped collector', () => {
  const AS_SERVICE = `auth-server-${process.pid}`;
  const APP_SERVICE = `next-app-${process.pid}`;
  const METRICS_TOKEN = `tok-${process.pid}-${Date.now()}-exemplars`;
  let as: ServerProcess;
  let app: ServerProcess;
  let prom: Prometheus;
  let issuer: string;
  let appUrl: string;

  beforeAll(async () => {
    buildNextAppIfStale();
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200', LOG_LEVEL: 'debug', NODE_OPTIONS: '' };
    const [asPort, appPort] = [await freePort(), await freePort()];
    issuer = `http://${HOST}:${asPort}`;
    appUrl = `http://${HOST}:${appPort}`;
    as = await spawnServer({
      name: 'example-as',
      command: process.execPath,
      args: [join(REPO_ROOT, 'examples', 'auth-server', 'src', 'main.mjs')],
      env: { ...otlp, PORT: String(asPort), HOST, METRICS_PORT: '0', OTEL_SERVICE_NAME: AS_SERVICE },
      readyUrl: `${issuer}/.well-known/oauth-authorization-server`,
    });
    app = await spawnServer({
      name: 'example-next-app',
      command: process.execPath,
      args: [NEXT_BIN, 'start', NEXT_APP_DIR, '-p', String(appPort), '-H', HOST],
      cwd: NEXT_APP_DIR,
      env: { ...otlp, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', APP_URL: appUrl, AUTH_SERVER_ISSUER: issuer, OTEL_SERVICE_NAME: APP_SERVICE, METRICS_TOKEN, SCHEDULED_REFRESH_INTERVAL_SECONDS: '3600' },
      readyUrl: `${appUrl}/api/state`,
      readyTimeoutMs: 60_000,
    });
    // Prometheus 3 asks for OpenMetrics first; with exemplar storage it keeps the buckets' exemplars.
    prom = await startPrometheus({ exemplars: true, scrapeTargets: [{ target: `${HOST}:${appPort}`, job: 'next-app', metricsPath: '/api/metrics', bearerToken: METRICS_TOKEN }] });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([app?.stop(), as?.stop(), prom?.stop()]);
  });

  test('one flow is one trace: client phases in order, the AS server spans joined under them, its logs (both services) carry the trace id', async () => {
    // The browser: sign in to the client app, connect, log in and consent at the AS, come back.
    const jar = new CookieJar();
    const post = async (path: string, form: Record<string, string>) => {
      const url = new URL(path, appUrl);
      const cookie = jar.header(url);
      const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(form) });
      jar.store(url, res);
      return { status: res.status, body: (await res.json()) as { ok: boolean; authorizationUrl?: string; result?: { title?: string } } };
    };
    expect((await post('/api/session', { user: 'alice' })).status).toBe(200);
    const connect = await post('/api/connect', { server: 'main' });
    expect(connect.body).toMatchObject({ ok: true });
    const { callback } = await authorize(new URL(connect.body.authorizationUrl!));
    expect(callback.origin).toBe(appUrl);
    const cb = await fetch(callback, { headers: { accept: 'application/json', cookie: jar.header(callback) ?? '' } });
    const cbBody = (await cb.json()) as { ok: boolean; result: { kind: string; title: string } };
    expect([cb.status, cbBody.result.kind]).toEqual([200, 'ok']);
    const secrets = ['code', 'state'].map((k) => callback.searchParams.get(k)!);

    // Jaeger: the client's flow trace holds the AS's spans (another service) as well.
    const traceId = await waitForTraceOf(APP_SERVICE, 'oauth.code_exchange');
    const t = await waitFor(`the AS's token span joined trace ${traceId}`, async () => {
      const tr = await jaeger.trace(traceId);
      return tr && tr.spans.some((s) => s.logs.some((l) => l.fields.some((f) => f.value === 'oauth.server.token.issued'))) ? tr : undefined;
    });
    const service = (s: JaegerSpan) => t.processes[s.processID]!.serviceName;
    const byId = new Map(t.spans.map((s) => [s.spanID, s]));
    const parentOf = (s: JaegerSpan) => byId.get(s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
    const ancestors = (s: JaegerSpan): JaegerSpan[] => {
      const out: JaegerSpan[] = [];
      for (let p = parentOf(s); p !== undefined && out.length < 50; p = parentOf(p)) out.push(p);
      return out;
    };
    const client = t.spans.filter((s) => service(s) === APP_SERVICE);
    const server = t.spans.filter((s) => service(s) === AS_SERVICE);
    const one = (name: string, method?: string) => {
      const hits = client.filter((s) => s.operationName === name && (method === undefined || tag(s, 'oauth.discovery_method') === method));
      expect(hits.map((s) => s.operationName)).toEqual([name]);
      return hits[0]!;
    };
    const flow = one('oauth.flow');
    const phases = [
      one('oauth.discovery', 'www-authenticate'),
      one('oauth.discovery', 'rfc9728'),
      one('oauth.discovery', 'rfc8414'),
      one('oauth.client_registration'),
      one('oauth.authorize'),
      one('oauth.callback'),
      one('oauth.code_exchange'),
    ];
    // All in this one trace (the /connect request's): discovery and registration are recorded by the
    // traffic observer under the app's request span, beside the flow span; the flow's own phases
    // (the redirect, and the callback request after it) descend from the flow span.
    for (const p of phases.slice(4)) expect(ancestors(p)).toContain(flow);
    for (const p of phases.slice(0, 4)) expect(ancestors(p)).toContain(ancestors(flow).at(-1));
    // In order: each phase starts no earlier than the one before it (oauth.authorize is the instant
    // span flowStarted() opens with the flow, so it comes first of the flow's phases, not after registration).
    const starts = phases.filter((p) => p.operationName !== 'oauth.authorize').map((p) => p.startTime);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(phases[4]!.startTime).toBeGreaterThanOrEqual(flow.startTime);
    expect(phases[4]!.startTime).toBeLessThanOrEqual(phases[5]!.startTime);
    expect(tag(flow, 'oauth.outcome')).toBe('success');

    // The AS side: one server span per request the client made to it (the 401 probe, RFC 9728,
    // RFC 8414, registration, the code exchange), each a child of a client span (the span active when
    // the request was made: the /connect route's for the four of the first request, the callback
    // for the code exchange); the AS opened no span of its own (oauth.server.* are span events).
    expect(server).toHaveLength(5);
    for (const s of server) expect(service(parentOf(s)!)).toBe(APP_SERVICE);
    const root = ancestors(flow).at(-1)!;
    const [tokenSpans, connectSpans] = [server.filter((s) => ancestors(s).includes(phases[5]!)), server.filter((s) => !ancestors(s).includes(phases[5]!))];
    expect(tokenSpans).toHaveLength(1);
    for (const s of connectSpans) expect(ancestors(s)).toContain(root);
    expect(t.spans.filter((s) => s.operationName.startsWith('oauth.server'))).toEqual([]);
    const events = (s: JaegerSpan) => s.logs.flatMap((l) => l.fields.map((f) => f.value));
    expect(events(tokenSpans[0]!)).toContain('oauth.server.token.issued');
    expect(connectSpans.filter((s) => events(s).includes('oauth.server.client.registered'))).toHaveLength(1);
    // Neither the code nor the state reaches the trace store (the span processor and the collector scrub URLs).
    const stored = JSON.stringify(t);
    for (const v of secrets) expect(stored).not.toContain(v);

    // VictoriaLogs: the flow's records from both processes carry the trace id.
    const rows = await waitFor(`the flow's records of both services with trace_id ${traceId}`, async () => {
      const r = await vl.query(`trace_id:${traceId}`);
      const events = new Set(r.map((x) => x.event));
      return events.has('oauth_server_token_issued') && events.has('oauth_flow_success') ? r : undefined;
    });
    const services = new Set(rows.map((r) => r['service.name']));
    expect([...services].sort()).toEqual([APP_SERVICE, AS_SERVICE].sort());
    expect(rows.map((r) => r.event)).toEqual(expect.arrayContaining(['oauth_flow_initiated', 'pkce_validation_success', 'oauth_server_token_issued', 'oauth_flow_success']));
    const logs = JSON.stringify(rows);
    for (const v of secrets) expect(logs).not.toContain(v);

    // Prometheus (OpenMetrics scrape, exemplar storage): the flow's duration bucket and the discovery
    // buckets lead to this trace.
    type Exemplars = { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[];
    const exemplarsOf = async (metric: string) => {
      const q = new URLSearchParams({ query: metric, start: String(Date.now() / 1000 - 600), end: String(Date.now() / 1000 + 60) });
      const body = (await (await fetch(`${prom.url}/api/v1/query_exemplars?${q}`)).json()) as { status: string; data: Exemplars };
      return body.data.flatMap((d) => d.exemplars.map((e) => ({ trace_id: e.labels.trace_id, span_id: e.labels.span_id, le: d.seriesLabels.le, value: Number(e.value) })));
    };
    const flowExemplars = await waitFor('the flow duration exemplar in Prometheus', async () => {
      const ex = await exemplarsOf('oauth_flow_duration_seconds_bucket');
      return ex.some((e) => e.trace_id === traceId) ? ex : undefined;
    });
    const ours = flowExemplars.find((e) => e.trace_id === traceId)!;
    // The span active when the duration was recorded (the observer records at the token response).
    const spanIds = new Set(t.spans.map((s) => s.spanID));
    expect(spanIds.has(ours.span_id!)).toBe(true);
    expect(ours.value).toBeLessThanOrEqual(ours.le === '+Inf' ? Infinity : Number(ours.le));
    const discovery = (await exemplarsOf('oauth_discovery_duration_seconds_bucket')).filter((e) => e.trace_id === traceId);
    expect(discovery).toHaveLength(3); // one series per method, each with this flow's exemplar
    for (const e of discovery) expect(spanIds.has(e.span_id!)).toBe(true);
  });
});
