// What keeping exemplars costs on the hot path. One histogram record through the package's recorder
// (labels already normalized, the floor of metrics-op.mjs) with the active context set directly by a
// minimal context manager (so no contender pays AsyncLocalStorage): no span in it (one context
// lookup, nothing kept), a sampled span (the bucket's exemplar overwritten in place) and an
// unsampled one (looked at, not kept).
//   npm run build && node bench/exemplars-op.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { context, ROOT_CONTEXT, trace, TraceFlags } = require('@opentelemetry/api');

// initTelemetry's metrics: the Prometheus reader with the package's producer (exemplars kept).
await o.initTelemetry({ metrics: { server: false }, logs: false });
let current = ROOT_CONTEXT;
context.setGlobalContextManager({ active: () => current, with: (ctx, fn, thisArg, ...args) => fn.call(thisArg, ...args), bind: (_c, t) => t, enable() { return this; }, disable() { return this; } });
const { oauthMetrics, providerNormalizer } = require('../packages/oauth-otel/dist/metrics/bind.js');
const rec = oauthMetrics();
const provider = providerNormalizer().normalize('https://github.com/login/oauth');
const attrs = rec.attrs('flowDuration', provider, 'success');

const span = (flags) => trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: flags });
const noSpan = ROOT_CONTEXT.setValue(Symbol('unrelated'), 1);
const sampled = trace.setSpan(ROOT_CONTEXT, span(TraceFlags.SAMPLED));
const unsampled = trace.setSpan(ROOT_CONTEXT, span(TraceFlags.NONE));
const record = (i) => rec.record('flowDuration', (500 + (i & 1023)) / 1000, attrs);

const results = await compare([
  { name: 'record, no span active', fn: (i) => { current = noSpan; record(i); } },
  { name: 'record, sampled span (exemplar kept)', fn: (i) => { current = sampled; record(i); } },
  { name: 'record, unsampled span', fn: (i) => { current = unsampled; record(i); } },
], { ops: 200_000, rounds: 15 });
report('exemplars-op', 'One histogram record: exemplar kept or not', results, 'record, no span active');
