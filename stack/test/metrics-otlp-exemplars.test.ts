/**
 * Exemplars over OTLP to a real Collector: initTelemetry() with OTEL_METRICS_EXPORTER=otlp pushes the
 * flow-duration histogram, and the duration recorded inside a sampled span arrives in the Collector
 * with that span's trace and span id as an exemplar of its data point (the Collector's file exporter
 * writes what it received). A duration recorded with no span active brings no exemplar of its own.
 * Backends: `bash scripts/backends/ensure-all.sh` first.
 */
import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { startMetricsFileCollector, label, type MetricsFileCollector } from './support/metrics-file';
import { waitFor } from './support/process';
import { resetRuntimeForTests } from '../../packages/oauth-otel/src/internal/runtime';
import * as api from '../../packages/oauth-otel/src';

jest.setTimeout(120_000);

let sink: MetricsFileCollector | undefined;
const cm = new AsyncLocalStorageContextManager();
const saved = { ...process.env };
beforeAll(async () => {
  sink = await startMetricsFileCollector('metrics-otlp-exemplars');
  cm.enable();
  context.setGlobalContextManager(cm);
});
afterAll(async () => {
  process.env = saved;
  context.disable();
  await sink?.collector.stop();
});

test('the flow duration recorded in a sampled span reaches the Collector as an exemplar with its trace id', async () => {
  resetRuntimeForTests();
  process.env.OTEL_METRICS_EXPORTER = 'otlp,prometheus';
  process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = `${sink!.collector.otlpHttpUrl}/v1/metrics`;
  process.env.OTEL_METRIC_EXPORT_INTERVAL = '3600000';
  process.env.OTEL_TRACES_EXPORTER = 'none';
  const handle = await api.initTelemetry({ metrics: { server: false }, logs: false });
  try {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    // 3 s: bucket (2, 5]; the 40 s flow without a span lands in (30, 60] and keeps none.
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => api.flowCompleted({ provider: 'https://as.example.org', outcome: 'success', durationMs: 3000 }));
    api.flowCompleted({ provider: 'https://as.example.org', outcome: 'success', durationMs: 40_000 });
    await handle.forceFlush();

    const point = await waitFor('oauth_flow_duration_seconds in the Collector output', async () =>
      sink!
        .received()
        .filter((m) => m.name === 'oauth_flow_duration_seconds')
        .flatMap((m) => m.histogram?.dataPoints ?? [])
        .find((p) => label(p, 'status') === 'success'),
    );
    expect(point.bucketCounts!.map(Number)).toEqual([0, 0, 0, 1, 0, 0, 1, 0]);
    expect(point.exemplars).toHaveLength(1);
    const e = point.exemplars![0]!;
    expect({ traceId: e.traceId, spanId: e.spanId, value: e.asDouble }).toEqual({ traceId, spanId, value: 3 });
    const ms = Number(BigInt(e.timeUnixNano!) / 1_000_000n);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  } finally {
    await handle.shutdown();
  }
});
