/**
 * Exemplars on the OpenMetrics exposition: a duration recorded while a sampled span is active
 * becomes its bucket's exemplar (that span's trace and span id, the value, inside the bucket);
 * without a span, or with an unsampled one, the bucket keeps none. The format follows the scraper's
 * Accept (OpenMetrics only when preferred), and OpenMetrics output keeps its grammar: one TYPE per
 * family, counters as `_total` samples, `# EOF` last. Real exporter and handler; Prometheus 3
 * itself reads it in stack/test/traces.test.ts.
 */
import fc from 'fast-check';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import * as api from '../../src';
import { wantsOpenMetrics } from '../../src/metrics/openmetrics';
import { METRICS } from '../../src/catalog/metrics';

const OM = 'application/openmetrics-text;version=1.0.0;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
let handle: api.TelemetryHandle;
const cm = new AsyncLocalStorageContextManager();
beforeAll(async () => {
  cm.enable();
  context.setGlobalContextManager(cm);
  handle = await api.initTelemetry({ metrics: { server: false }, logs: false });
});
afterAll(async () => {
  await handle.shutdown();
  context.disable();
});

const handler = () => api.createMetricsHandler({ allowUnauthenticated: true });
const scrape = async (accept?: string) => {
  const r = await handler()(new Request('http://127.0.0.1/metrics', accept === undefined ? {} : { headers: { accept } }));
  return { type: r.headers.get('content-type') ?? '', text: await r.text() };
};
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => !/^0+$/.test(s));
const BOUNDS = METRICS.discoveryDuration.buckets as readonly number[];
const SERIES = 'oauth_discovery_duration_seconds_bucket{method="rfc8414",status="success",';

/** `le` → exemplar of one discovery-duration series. */
function exemplars(text: string): Map<string, { traceId: string; spanId: string; value: number }> {
  const out = new Map<string, { traceId: string; spanId: string; value: number }>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(SERIES)) continue;
    const m = /le="([^"]+)"\} \d+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} (\S+) \d+\.\d{3}$/.exec(line);
    if (m) out.set(m[1]!, { traceId: m[2]!, spanId: m[3]!, value: Number(m[4]) });
  }
  return out;
}

test('a duration recorded in a sampled span becomes its bucket\'s exemplar; nothing else changes them', async () => {
  await fc.assert(
    fc.asyncProperty(hex(32), hex(16), fc.double({ min: 0, max: 60_000, noNaN: true }), fc.constantFrom('sampled', 'unsampled', 'none'), async (traceId, spanId, ms, kind) => {
      const before = exemplars((await scrape(OM)).text);
      const record = () => api.discoveryCompleted({ method: 'rfc8414', outcome: 'success', durationMs: ms });
      if (kind === 'none') record();
      else {
        const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: kind === 'sampled' ? TraceFlags.SAMPLED : TraceFlags.NONE });
        context.with(trace.setSpan(ROOT_CONTEXT, span), record);
      }
      const after = exemplars((await scrape(OM)).text);
      const expected = new Map(before);
      if (kind === 'sampled') {
        const seconds = ms / 1000;
        const i = BOUNDS.findIndex((b) => seconds <= b);
        expected.set(i < 0 ? '+Inf' : String(BOUNDS[i]), { traceId, spanId, value: seconds });
      }
      expect(after).toEqual(expected);
    }),
    { numRuns: 80 },
  );
});

test('OpenMetrics only when the Accept header prefers it; its text keeps the grammar', async () => {
  const om = await scrape(OM);
  expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
  expect(om.text.endsWith('# EOF\n')).toBe(true);
  const families = [...om.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
  expect(new Set(families.map(([n]) => n)).size).toBe(families.length);
  for (const line of om.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line)![0];
    const family = families.filter(([n]) => name === n || name.startsWith(`${n}_`)).sort((a, b) => b[0].length - a[0].length)[0];
    expect(family).toBeDefined();
    const [fname, type] = family!;
    const suffix = name.slice(fname.length);
    expect({ type, suffix }).toEqual({ type, suffix: type === 'counter' ? '_total' : type === 'histogram' ? expect.stringMatching(/^_(bucket|count|sum)$/) : '' });
    if (line.includes(' # {')) expect(suffix).toBe('_bucket');
  }
  for (const accept of [undefined, 'text/plain', 'text/plain;version=0.0.4', 'application/openmetrics-text;q=0.1,text/plain;q=0.9', 'application/openmetrics-text;q=0']) {
    const r = await scrape(accept);
    expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.text).not.toContain('# EOF');
    expect(r.text).not.toContain('trace_id');
  }
});

test('wantsOpenMetrics is total and picks the higher q (ties to OpenMetrics)', () => {
  fc.assert(
    fc.property(fc.anything(), (v) => {
      expect(typeof wantsOpenMetrics(v)).toBe('boolean');
    }),
  );
  const q = fc.constantFrom(0, 0.1, 0.3, 0.5, 1);
  fc.assert(
    fc.property(fc.option(q, { nil: undefined }), fc.option(q, { nil: undefined }), fc.string({ maxLength: 40 }), (omQ, textQ, noise) => {
      const parts = [noise.replace(/[,;]/g, '')];
      if (omQ !== undefined) parts.push(`application/openmetrics-text;version=1.0.0;q=${omQ}`);
      if (textQ !== undefined) parts.push(`text/plain;version=0.0.4;q=${textQ}`);
      const expected = omQ !== undefined && omQ > 0 && omQ >= (textQ !== undefined && textQ > 0 ? textQ : -1);
      expect(wantsOpenMetrics(parts.join(','))).toBe(expected);
    }),
  );
});
