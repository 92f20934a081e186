/**
 * One trace per OAuth flow, end to end on real servers: the app (initTelemetry, the one-line path)
 * sends traces and logs over OTLP to the shipped collector config, which forwards traces to Jaeger
 * v2 and logs to VictoriaLogs. The flow crosses a real HTTP hop to a token endpoint that continues
 * the W3C trace context it receives (as an AS with HTTP instrumentation does) and records through
 * the server API, which only adds events to that server span. Asserted through Jaeger's query API:
 * one trace, the expected spans in parent/child order, the AS span joined, the state absent; and
 * through LogsQL: the flow's log records carry that trace id.
 */
import { createServer, type Server } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import * as api from '../../packages/oauth-otel/src';
import { SHIPPED_COLLECTOR_CONFIG } from './support/backends';
import { startCollector, type Collector } from './support/collector';
import { startJaeger, waitForTrace, type Jaeger, type JaegerSpan } from './support/jaeger';
import { HOST } from './support/process';
import { startVictoriaLogs, waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(120_000);

const SERVICE = `oauth-trace-${process.pid}`;
let jaeger: Jaeger;
let vl: VictoriaLogs;
let collector: Collector;
let handle: api.TelemetryHandle;
let tokenServer: Server;
let tokenUrl: string;

beforeAll(async () => {
  [jaeger, vl] = await Promise.all([startJaeger(), startVictoriaLogs()]);
  collector = await startCollector({
    configPath: SHIPPED_COLLECTOR_CONFIG,
    env: { LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl, TRACES_OTLP_ENDPOINT: jaeger.otlpTracesUrl, METRICS_OTLP_ENDPOINT: `http://${HOST}:9/v1/metrics` },
  });
  handle = await api.initTelemetry({
    serviceName: SERVICE,
    metrics: false,
    traces: { endpoint: `${collector.otlpHttpUrl}/v1/traces` },
    logs: { stdout: false, level: 'debug', otlp: { endpoint: `${collector.otlpHttpUrl}/v1/logs`, scheduledDelayMillis: 100 } },
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
  await Promise.all([collector?.stop(), jaeger?.stop(), vl?.stop()]);
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
