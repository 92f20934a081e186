#!/usr/bin/env node
// The authorization server's telemetry CPU per token request, resolved below a microsecond:
// oidc-provider's real event sequence for one client_credentials and one refresh_token request
// (bench/fixtures/as-token-events.json, recorded from the example AS by
// bench/lib/capture-as-events.mjs) is emitted on a real oidc-provider Provider inside its
// AsyncLocalStorage request context (what `Provider.ctx` reads), in-process, round-robin:
//   plain, plain (A/A)             no listener attached: oidc-provider's own emit cost
//   instrumented                   instrumentOidcProvider() after the example's startTelemetry()
//                                  at LOG_LEVEL=info (what the example AS runs in production)
//   ..., in a recording server span   the same inside an active, recording server span (an SDK
//                                  TracerProvider, the package's RedactingSpanProcessor, a batch
//                                  processor with a no-op exporter): each server event becomes a
//                                  span event; plain and instrumented alike (see replayer())
//   ..., span per request, ended   a fresh span per request, ended: adds the redaction of the
//                                  adapter's span events at span end
// The adapter's cost per request = instrumented − plain of the same mode; the A/A pair is the
// noise floor. Timed in CPU time (process.cpuUsage), rotating rounds. Beside it, the AS's own CPU
// per request: the plain example AS (child process) under closed-loop load (not with --replay-only).
//   npm run build && node bench/as-replay.mjs [--smoke] [--grants refresh_token] [--replay-only]
//       [--profile-only [--span [--ended]]]   (only the instrumented replay, no AS load, inside a recording
//                                    server span with --span: run it under node --cpu-prof)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { compare, report, SMOKE } from './lib/harness.mjs';
import { ROOT, freePort, startServer, tokenLoad, topUpPool, median } from './lib/e2e.mjs';

const require = createRequire(import.meta.url);
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const fixture = JSON.parse(readFileSync(join(ROOT, 'bench/fixtures/as-token-events.json'), 'utf8'));
const { default: Provider } = await import('oidc-provider');
// The same module instance oidc-provider reads `Provider.ctx` from.
const { default: als } = await import(pathToFileURL(join(ROOT, 'node_modules/oidc-provider/lib/helpers/als.js')).href);

process.env.LOG_LEVEL = 'info';
const { startTelemetry } = await import('../examples/auth-server/src/telemetry.mjs');
const started = await startTelemetry({ env: { LOG_LEVEL: 'info', OTEL_SERVICE_NAME: 'as-replay' }, metricsPort: await freePort() });

const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const o = require('../packages/oauth-otel/dist/index.js');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const noop = { export: (_s, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const tracing = new TracerProvider({
  spanProcessors: [new o.RedactingSpanProcessor(o.createRedactor()), new BatchSpanProcessor({ exporter: noop, maxQueueSize: 100_000, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
});

const ISSUER = 'http://127.0.0.1:4000';
const plainProvider = new Provider(ISSUER, {});
const plainProvider2 = new Provider(ISSUER, {});
const instProvider = new Provider(ISSUER, {});
started.instrument(instProvider);

// Koa's ctx.ip: a delegated getter that reads X-Forwarded-For or the socket once, then caches.
const IP = Symbol('ip');
class Request {
  constructor(socket) { this.socket = socket; }
  get ip() { return (this[IP] ??= this.socket.remoteAddress || ''); }
}
class KoaCtx {
  constructor(oidc) { this.oidc = oidc; this.request = new Request({ remoteAddress: '127.0.0.1' }); }
  get ip() { return this.request.ip; }
}

// jti values are unique per request (the adapter keys its rotation map on them).
const JTIS = Array.from({ length: 8192 }, () => randomBytes(32).toString('base64url'));
const filler = (n) => 'x'.repeat(n);
function buildRequest(events, i) {
  let ctx;
  const steps = events.map(({ event, args }) => [event, args.map((a) => {
    if (a.type === 'model') {
      const m = { kind: a.kind };
      for (const [k, f] of Object.entries(a.fields)) m[k] = f.string !== undefined ? (k === 'jti' ? JTIS[i % JTIS.length] : k === 'kind' ? a.kind : filler(f.string)) : f.number ? 1 : true;
      return m;
    }
    if (a.type === 'ctx') {
      ctx ??= new KoaCtx({ route: a.route, params: { grant_type: a.grantType }, client: { clientId: a.clientId }, entities: Object.fromEntries(a.entities.map((e) => [e, {}])) });
      return ctx;
    }
    return undefined;
  })]);
  // model events before grant.success see the same request ctx through Provider.ctx
  ctx ??= new KoaCtx({ route: 'token', params: {}, entities: {} });
  return { ctx, steps };
}

// Span contenders. The HTTP instrumentation's own work (entering the span's context, starting and
// ending the span) happens with or without the adapter, so each span contender has a plain twin
// doing the same, and the adapter's traced cost is instrumented − plain within the same mode:
//   'span'       one long-lived recording span, its events cleared after each request (a real
//                server span holds one request's events, not 128 that the SDK shifts out)
//   'span-ended' a fresh span per request, ended after it: adds what ending costs per event
//                (RedactingSpanProcessor.onEnding redacts every event attribute)
const tracer = tracing.getTracer('http');
const recordingSpan = tracer.startSpan('POST /token');
const spanCtx = trace.setSpan(context.active(), recordingSpan);
const root = context.active();

function replayer(provider, events, { span = false } = {}) {
  // requests are prebuilt (building them is not the server's telemetry), 4096 at a time
  const pool = Array.from({ length: 4096 }, (_, i) => buildRequest(events, i));
  const run = (r) => als.run(r.ctx, () => { for (const [name, args] of r.steps) provider.emit(name, ...args); });
  let n = 0;
  if (span === 'span-ended') {
    return () => {
      const s = tracer.startSpan('POST /token');
      context.with(trace.setSpan(root, s), run, undefined, pool[n++ & 4095]);
      s.end();
    };
  }
  if (span) {
    return () => {
      context.with(spanCtx, run, undefined, pool[n++ & 4095]);
      recordingSpan.events.length = 0;
    };
  }
  return () => run(pool[n++ & 4095]);
}

const argv = process.argv.slice(2);
const GRANTS = argv.includes('--grants') ? argv[argv.indexOf('--grants') + 1].split(',') : Object.keys(fixture.requests);
if (argv.includes('--profile-only')) {
  for (const grant of GRANTS) {
    const fn = replayer(instProvider, fixture.requests[grant], { span: argv.includes('--span') && (argv.includes('--ended') ? 'span-ended' : true) });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 300_000; i++) fn();
    console.log(`${grant}: ${(Number(process.hrtime.bigint() - t0) / 300_000).toFixed(0)} ns per replayed request, instrumented`);
  }
  await started.shutdown();
  process.exit(0);
}

const out = {};
for (const grant of GRANTS) {
  const events = fixture.requests[grant];
  const results = await compare([
    { name: 'plain (no listener)', fn: replayer(plainProvider, events) },
    { name: 'plain (A/A)', fn: replayer(plainProvider2, events) },
    { name: 'instrumented, info', fn: replayer(instProvider, events) },
    { name: 'plain, in a recording server span', fn: replayer(plainProvider, events, { span: true }) },
    { name: 'instrumented, info, in a recording server span', fn: replayer(instProvider, events, { span: true }) },
    { name: 'plain, span per request, ended', fn: replayer(plainProvider, events, { span: 'span-ended' }) },
    { name: 'instrumented, info, span per request, ended', fn: replayer(instProvider, events, { span: 'span-ended' }) },
  ], { rounds: 11, ops: 50_000, warmup: 20_000, clock: 'cpu' });
  const ns = (name) => results.find((r) => r.name === name).medianNs;
  const base = ns('plain (no listener)');
  out[grant] = {
    events: events.map((e) => e.event),
    aaNs: ns('plain (A/A)') - base,
    adapterNs: ns('instrumented, info') - base,
    adapterWithSpanNs: ns('instrumented, info, in a recording server span') - ns('plain, in a recording server span'),
    adapterWithEndedSpanNs: ns('instrumented, info, span per request, ended') - ns('plain, span per request, ended'),
    spanContextNs: ns('plain, in a recording server span') - base,
  };
  report(`as-replay-${grant}`, `AS per-request telemetry, ${grant}: replay of ${events.map((e) => e.event).join(', ')}`, results, 'plain (no listener)', { deltas: out[grant] });
}

// Beside it: the plain example AS's own CPU per token request (child process, closed loop).
const REPLAY_ONLY = argv.includes('--replay-only');
const as = REPLAY_ONLY ? undefined : await startServer('plain');
const seconds = SMOKE ? 1 : 5;
for (const grant of REPLAY_ONLY ? [] : GRANTS) {
  const pool = [];
  const cpus = [];
  for (let r = 0; r < (SMOKE ? 1 : 3); r++) {
    if (grant === 'refresh_token') await topUpPool(as, pool, 20);
    const run = await tokenLoad(as, { grant, seconds, connections: 10, pool });
    cpus.push(run.cpuUsPerRequest);
  }
  out[grant].asCpuUsPerRequest = median(cpus);
}
await as?.stop();

console.log('\n### AS telemetry per token request (replay deltas vs the AS\'s own CPU)\n');
console.log('| grant | adapter ns/req (info) | in a recording server span | span per request, ended | A/A ns | AS CPU µs/req (plain, under load) | adapter share | target ≤ 2 µs (untraced / traced / ended) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const [grant, d] of Object.entries(out)) {
  const ok = (x) => (x <= 2000 ? 'pass' : 'short');
  console.log(`| ${grant} | ${d.adapterNs.toFixed(0)} | ${d.adapterWithSpanNs.toFixed(0)} | ${d.adapterWithEndedSpanNs.toFixed(0)} | ${d.aaNs.toFixed(0)} | ${f0(d.asCpuUsPerRequest)} | ${((d.adapterNs / 1000 / d.asCpuUsPerRequest) * 100).toFixed(2)} % | ${ok(d.adapterNs)} / ${ok(d.adapterWithSpanNs)} / ${ok(d.adapterWithEndedSpanNs)} |`);
}
if (!SMOKE && !REPLAY_ONLY) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ROOT, 'bench/results/as-replay.json'), JSON.stringify({ title: 'AS per-request telemetry (replay) beside the AS CPU per request', load: (await import('node:os')).default.loadavg(), out }, null, 2) + '\n');
}
await started.shutdown();
process.exit(0);
