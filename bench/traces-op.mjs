#!/usr/bin/env node
// What tracing costs. (1) A client flow's recording calls — flowStarted, then on the callback
// continueOAuthFlow() with state validation, a discovery step and flowCompleted — with tracing off
// (no TracerProvider: the API's no-op) and on (sdk-trace, always_on, RedactingSpanProcessor first,
// batch processor, a no-op exporter): 4 OAuth spans per flow. (2) The AS hot path: one
// serverTokenIssued() inside the request's server span, which records (the call adds a span event)
// or does not (sampled out: nothing added). Metrics bound, events to a null stdout in both.
//   npm run build && node bench/traces-op.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report, nullStream } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { AlwaysOffSampler, BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
o.bindOAuthInstruments(new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })], views: o.createOAuthViews() }));
o.enableOAuthEventLogs({ stdout: nullStream(), otel: false, level: 'info' });

const noop = { export: (_s, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const on = new TracerProvider({
  spanProcessors: [new o.RedactingSpanProcessor(o.createRedactor()), new BatchSpanProcessor({ exporter: noop, maxQueueSize: 100_000, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
  spanLimits: { eventCountLimit: 1e9 },
});
let current;
const use = (p) => { if (current !== p) { o.setOAuthTracerProvider(p); current = p; } };

const flow = (i) => {
  const id = `flow-${i}`;
  o.flowStarted({ flowId: id, provider: 'https://as.example.org' });
  o.continueOAuthFlow(id, () => {
    o.pkceStateValidated({ flowId: id, reason: 'valid' });
    o.discoveryCompleted({ method: 'rfc8414', outcome: 'success', durationMs: 12 });
    o.flowCompleted({ flowId: id, outcome: 'success' });
  });
};

const client = await compare([
  { name: 'client flow, tracing off', fn: (i) => { use(undefined); flow(i); } },
  { name: 'client flow, tracing on (4 spans)', fn: (i) => { use(on); flow(i); } },
], { ops: 5_000, yieldEvery: 100 });
report('traces-client-flow', 'One client flow (recording calls of login + callback), tracing off vs on', client, 'client flow, tracing off');

// AS: the request's server span exists either way (the app's HTTP instrumentation made it).
const tracerOn = on.getTracer('http');
const tracerSampledOut = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('http');
const recording = trace.setSpan(context.active(), tracerOn.startSpan('POST /token'));
const sampledOut = trace.setSpan(context.active(), tracerSampledOut.startSpan('POST /token'));
const token = () => o.serverTokenIssued({ grantType: 'authorization_code', provider: 'https://as.example.org', clientId: 'app' });
const as = await compare([
  { name: 'AS serverTokenIssued, server span sampled out', fn: () => context.with(sampledOut, token) },
  { name: 'AS serverTokenIssued, server span recording (+1 span event)', fn: () => context.with(recording, token) },
], { ops: 20_000, yieldEvery: 1000 });
report('traces-as-request', 'AS hot path: one server event, its request span recording or not', as, 'AS serverTokenIssued, server span sampled out');
process.exit(0);
