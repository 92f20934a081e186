#!/usr/bin/env node
// One fully instrumented OAuth event — labelled counters + a labelled histogram + a redacted
// security log record — through oauth-otel, through raw OTel (same instruments, OTel Logs API,
// no redaction), and through prom-client + pino with redact paths, side by side.
//   npm run build && node bench/event-op.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report, nullStream } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { logs, SeverityNumber } = require('@opentelemetry/api');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const client = require('prom-client');
const pino = require('pino');

const noop = { export: (_r, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };

// oauth-otel, bring-your-own-SDK wiring (its real code paths), stdout to a null stream.
const pkgMeters = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })], views: o.createOAuthViews() });
o.bindOAuthInstruments(pkgMeters);
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: o.createOAuthLogRecordProcessors({ exporter: noop, batch: { maxQueueSize: 1_000_000 } }) }));
// Three configurations of the package's event output, switched per contender.
const both = () => o.enableOAuthEventLogs({ stdout: nullStream(), level: 'info' });
const otelOnly = () => o.enableOAuthEventLogs({ stdout: false, level: 'info' });
const stdoutOnly = () => o.enableOAuthEventLogs({ stdout: nullStream(), otel: false, level: 'info' });
const sinks = { both: captureSink(both), otel: captureSink(otelOnly), stdout: captureSink(stdoutOnly) };
function captureSink(setup) {
  setup();
  return globalThis[Symbol.for('oauth-otel.runtime.v1')].sink;
}
const use = (k) => { globalThis[Symbol.for('oauth-otel.runtime.v1')].sink = sinks[k]; };
const pkgEvent = (i) => o.flowCompleted({ provider: 'https://github.com/login/oauth', outcome: 'failure', reason: 'provider_error', error: 'access_denied', durationMs: 500 + (i & 1023) });

// Raw OTel: the same instruments and an OTel log record through a batch processor.
const rawMeter = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] }).getMeter('raw');
const flows = rawMeter.createCounter('oauth_flows_total');
const failures = rawMeter.createCounter('oauth_flow_failures_total');
const duration = rawMeter.createHistogram('oauth_flow_duration_seconds', { unit: 's', advice: { explicitBucketBoundaries: [0.5, 1, 2, 5, 10, 30, 60] } });
const rawLogger = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: noop, maxQueueSize: 1_000_000 })] }).getLogger('raw');

// prom-client + pino with redact.
const reg = new client.Registry();
const pFlows = new client.Counter({ name: 'oauth_flows_total', help: 'x', labelNames: ['provider', 'status'], registers: [reg] });
const pFail = new client.Counter({ name: 'oauth_flow_failures_total', help: 'x', labelNames: ['provider', 'reason', 'error'], registers: [reg] });
const pDur = new client.Histogram({ name: 'oauth_flow_duration_seconds', help: 'x', labelNames: ['provider', 'status'], buckets: [0.5, 1, 2, 5, 10, 30, 60], registers: [reg] });
const pLog = pino({ redact: ['access_token', 'refresh_token', 'code', 'state'] }, nullStream());

const results = await compare([
  { name: 'oauth-otel, stdout JSON + OTel record', fn: (i) => { use('both'); pkgEvent(i); } },
  { name: 'oauth-otel, OTel record only', fn: (i) => { use('otel'); pkgEvent(i); } },
  { name: 'oauth-otel, stdout JSON only', fn: (i) => { use('stdout'); pkgEvent(i); } },
  {
    name: 'raw OTel (metrics + OTel log, no redaction)',
    fn: (i) => {
      flows.add(1, { provider: 'github.com', status: 'failure' });
      duration.record((500 + (i & 1023)) / 1000, { provider: 'github.com', status: 'failure' });
      failures.add(1, { provider: 'github.com', reason: 'provider_error', error: 'access_denied' });
      rawLogger.emit({ eventName: 'oauth_flow_failure', severityNumber: SeverityNumber.WARN, severityText: 'warn', body: 'OAuth authorization flow failed', attributes: { 'oauth.provider': 'github.com', 'oauth.outcome': 'failure', 'oauth.reason': 'provider_error', 'oauth.error': 'access_denied', duration_ms: 500 + (i & 1023) } });
    },
  },
  {
    name: 'prom-client + pino with redact',
    fn: (i) => {
      pFlows.inc({ provider: 'github.com', status: 'failure' });
      pDur.observe({ provider: 'github.com', status: 'failure' }, (500 + (i & 1023)) / 1000);
      pFail.inc({ provider: 'github.com', reason: 'provider_error', error: 'access_denied' });
      pLog.warn({ event: 'oauth_flow_failure', provider: 'github.com', outcome: 'failure', reason: 'provider_error', error: 'access_denied', duration_ms: 500 + (i & 1023) }, 'OAuth authorization flow failed');
    },
  },
], { ops: 20_000, yieldEvery: 10 });
report('event-op', 'One instrumented OAuth event: counters + histogram + log record', results, 'raw OTel (metrics + OTel log, no redaction)');
