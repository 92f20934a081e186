/**
 * The README's trace picture, from a flow's real trace: the app (initTelemetry) sends its spans over
 * OTLP to the shipped collector config, which forwards them to Jaeger v2; the picture is rendered
 * from Jaeger's `/api/traces/<id>` JSON (the Jaeger binary built here has no UI assets: its `/`
 * is a placeholder page, checked below). The AS here is a small HTTP server that continues the W3C
 * trace context into a server span for each request, as an AS with HTTP instrumentation does.
 * The same run walks docs/traces.md's "from a slow flow to its trace" over VictoriaLogs (Loki's
 * stand-in): the flow's completion record → its trace_id → the trace → the trace's log records.
 * TRACE_PICTURE=write regenerates docs/images/traces/flow-trace.svg (scripts/screenshots/flow-trace.sh).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as api from '../../packages/oauth-otel/src';
import { REPO_ROOT } from './support/backends';
import { waitForTrace, type Jaeger } from './support/jaeger';
import { startTraceStack, type TraceStack } from './support/trace-stack';
import { HOST } from './support/process';
import { waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';
import { renderWaterfall, waterfallRows } from './support/waterfall';

jest.setTimeout(120_000);

const APP = 'next-app';
const AS = 'auth-server';
let stack: TraceStack;
let jaeger: Jaeger;
let vl: VictoriaLogs;
let handle: api.TelemetryHandle;
let as: Server;
let asProvider: TracerProvider;
let asUrl: string;

beforeAll(async () => {
  stack = await startTraceStack();
  ({ jaeger, vl } = stack);
  handle = await api.initTelemetry({
    serviceName: APP,
    metrics: false,
    // The flow is recorded by the manual calls below; the traffic observer would record discovery again.
    observe: false,
    traces: { endpoint: stack.tracesUrl },
    logs: { stdout: false, level: 'info', otlp: { endpoint: stack.logsUrl, scheduledDelayMillis: 100 } },
  });
  // The AS side: its own service (a second TracerProvider with its resource), server span per request.
  asProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': AS }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: stack.tracesUrl }), scheduledDelayMillis: 100 })],
  });
  const tracer = asProvider.getTracer('as-http');
  as = createServer((req, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const route = (req.url ?? '/').split('?')[0];
    tracer.startActiveSpan(`${req.method} ${route}`, { kind: SpanKind.SERVER }, parent, (span) => {
      req.resume().on('end', () => {
        if (route === '/token') api.serverTokenIssued({ grantType: 'authorization_code', provider: 'http://as.test' });
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          span.end();
        }, 3);
      });
    });
  });
  await new Promise<void>((r) => as.listen(0, HOST, r));
  asUrl = `http://${HOST}:${(as.address() as { port: number }).port}`;
});

afterAll(async () => {
  await handle?.shutdown();
  await asProvider?.shutdown();
  as?.close();
  await stack?.stop();
});

const call = (path: string, method = 'GET') => fetch(`${asUrl}${path}`, { method, headers: api.oauthTraceHeaders(), ...(method === 'POST' ? { body: 'x' } : {}) }).then((r) => r.json());

test('the flow trace from Jaeger renders as a waterfall of names, services and durations only', async () => {
  // No UI assets in this Jaeger build: a UI screenshot is not possible, the API JSON is.
  expect(await (await fetch(`${jaeger.queryUrl}/`)).text()).toContain('This is not the Jaeger UI');

  const state = `st_${Math.random().toString(36).slice(2)}${Date.now()}`;
  const app = trace.getTracer('app-http');
  await app.startActiveSpan('GET /login', { kind: SpanKind.SERVER }, ROOT_CONTEXT, async (span) => {
    await api.trackDiscovery('rfc8414', () => call('/.well-known/oauth-authorization-server'), { provider: 'http://as.test' });
    await api.trackClientRegistration(() => call('/register', 'POST'), { provider: 'http://as.test' });
    api.flowStarted({ flowId: state, provider: 'http://as.test' });
    span.end();
  });
  await app.startActiveSpan('GET /callback', { kind: SpanKind.SERVER }, ROOT_CONTEXT, async (span) => {
    await api.continueOAuthFlow(state, async () => {
      api.pkceStateValidated({ flowId: state, reason: 'valid' });
      await api.trackCodeExchange(() => call(`/token?state=${state}`, 'POST'), { flowId: state });
      api.flowCompleted({ flowId: state, outcome: 'success' });
    });
    span.end();
  });
  await handle.forceFlush();
  await asProvider.forceFlush();

  const id = await waitFor(async () => (await jaeger.traces(APP)).find((t) => t.spans.some((s) => s.operationName === 'oauth.flow'))?.traceID);
  const t = await waitForTrace(jaeger, id, 10);
  const rows = waterfallRows(t);
  const names = rows.map((r) => `${'  '.repeat(r.depth)}${r.name} (${r.service})`);
  expect(names).toEqual([
    `GET /login (${APP})`,
    `  oauth.discovery (${APP})`,
    `    GET /.well-known/oauth-authorization-server (${AS})`,
    `  oauth.client_registration (${APP})`,
    `    POST /register (${AS})`,
    `  oauth.flow (${APP})`,
    `    oauth.authorize (${APP})`,
    `    oauth.callback (${APP})`,
    `      oauth.code_exchange (${APP})`,
    `        POST /token (${AS})`,
  ]);
  const svg = renderWaterfall(t, 'One OAuth flow, from Jaeger');
  expect(svg).not.toContain(state); // the state was in a URL; the picture has no attribute values
  expect(svg).not.toContain(t.traceID);

  // docs/traces.md "From a slow flow to its trace", on these servers: the flow's completion record
  // (found by its duration, as a LogQL `duration_ms >` filter finds it) names the trace…
  const [done] = await waitForVictoriaLogs(vl.url, `"service.name":"${APP}" AND event:oauth_flow_success AND duration_ms:>=0`, { count: 1 });
  expect(Number(done!.duration_ms)).toBeGreaterThanOrEqual(0);
  expect(done!.trace_id).toBe(t.traceID);
  // …the trace store has it (above), and the trace's id finds all the flow's records.
  const rows2 = await waitForVictoriaLogs(vl.url, `trace_id:${t.traceID}`, { count: 4 });
  expect(rows2.map((r) => r.event).sort()).toEqual(['oauth_discovery_success', 'oauth_dynamic_registration_success', 'oauth_flow_initiated', 'oauth_flow_success']);

  if (process.env.TRACE_PICTURE === 'write') {
    const dir = join(REPO_ROOT, 'docs', 'images', 'traces');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'flow-trace.svg'), svg);
  }
});

async function waitFor<T>(get: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('no flow trace in Jaeger');
}
