#!/usr/bin/env node
// One recorded OAuth operation (a labelled counter + a labelled histogram): through oauth-otel,
// through raw OTel calls on the same instruments, and through prom-client, side by side.
//   npm run build && node bench/metrics-op.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const client = require('prom-client');

await o.initTelemetry({ metrics: { server: false }, logs: false });

const mp = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
const meter = mp.getMeter('raw');
const rawCounter = meter.createCounter('oauth_flows_total', { description: 'Total number of OAuth authorization flows initiated' });
const rawHist = meter.createHistogram('oauth_flow_duration_seconds', { unit: 's', advice: { explicitBucketBoundaries: [0.5, 1, 2, 5, 10, 30, 60] } });

const reg = new client.Registry();
const promCounter = new client.Counter({ name: 'oauth_flows_total', help: 'x', labelNames: ['provider', 'status'], registers: [reg] });
const promHist = new client.Histogram({ name: 'oauth_flow_duration_seconds', help: 'x', labelNames: ['provider', 'status'], buckets: [0.5, 1, 2, 5, 10, 30, 60], registers: [reg] });

// Two identical prom-client setups: the second is the A/A noise floor of this run.
const reg2 = new client.Registry();
const promCounter2 = new client.Counter({ name: 'oauth_flows_total', help: 'x', labelNames: ['provider', 'status'], registers: [reg2] });
const promHist2 = new client.Histogram({ name: 'oauth_flow_duration_seconds', help: 'x', labelNames: ['provider', 'status'], buckets: [0.5, 1, 2, 5, 10, 30, 60], registers: [reg2] });

// The floor: the package's recorder alone, labels already normalized (what is left when the API
// layer's argument checks, provider normalization and flow bookkeeping are taken away).
const rec = require('../packages/oauth-otel/dist/metrics/bind.js').oauthMetrics();
const recProvider = require('../packages/oauth-otel/dist/metrics/bind.js').providerNormalizer().normalize('https://github.com/login/oauth');

const PROVIDER_URL = 'https://github.com/login/oauth';
const results = await compare([
  // What an app writes: the issuer URL goes in, the package normalizes and bounds it.
  { name: 'oauth-otel flowCompleted()', fn: (i) => o.flowCompleted({ provider: PROVIDER_URL, outcome: 'success', durationMs: 500 + (i & 1023) }) },
  // The same two instruments, the way OTel docs show it: fresh attribute literals each call.
  { name: 'raw OTel add + record', fn: (i) => { rawCounter.add(1, { provider: 'github.com', status: 'success' }); rawHist.record((500 + (i & 1023)) / 1000, { provider: 'github.com', status: 'success' }); } },
  { name: 'prom-client inc + observe', fn: (i) => { promCounter.inc({ provider: 'github.com', status: 'success' }); promHist.observe({ provider: 'github.com', status: 'success' }, (500 + (i & 1023)) / 1000); } },
  { name: 'prom-client inc + observe (A/A)', fn: (i) => { promCounter2.inc({ provider: 'github.com', status: 'success' }); promHist2.observe({ provider: 'github.com', status: 'success' }, (500 + (i & 1023)) / 1000); } },
  { name: 'oauth-otel recorder add + record (floor)', fn: (i) => { rec.add('flows', 1, rec.attrs('flows', recProvider, 'success')); rec.record('flowDuration', (500 + (i & 1023)) / 1000, rec.attrs('flowDuration', recProvider, 'success')); } },
], { ops: 50_000 });
report('metrics-op', 'One OAuth operation: labelled counter + labelled histogram', results, 'prom-client inc + observe');
