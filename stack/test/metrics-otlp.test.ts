/**
 * The OAuth metrics over OTLP to a real Collector (built from stack/collector/manifest.yaml), with a
 * cumulative and a delta reader side by side, each with its own OAuth metric producer (the
 * bring-your-own-SDK path): counters stay monotonic sums, histograms keep the seed buckets, and
 * each reader gets the temporality it asked for. The Collector writes what it received to a file.
 * Backends: `bash scripts/backends/ensure-all.sh` first.
 */
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { startMetricsFileCollector, label, type MetricsFileCollector, type OtlpPoint } from './support/metrics-file';
import { waitFor } from './support/process';
import { resetRuntimeForTests } from '../../packages/oauth-otel/src/internal/runtime';
import * as api from '../../packages/oauth-otel/src';

jest.setTimeout(120_000);

let sink: MetricsFileCollector | undefined;
beforeAll(async () => {
  sink = await startMetricsFileCollector('metrics-otlp');
});
afterAll(async () => {
  await sink?.collector.stop();
});
const received = () => sink!.received();

const DELTA = 1;
const CUMULATIVE = 2;
const success = (p: OtlpPoint) => label(p, 'status') === 'success';

test('cumulative and delta OTLP readers each get their temporality; counters are monotonic sums, histograms keep the seed buckets', async () => {
  resetRuntimeForTests();
  const readers = (['cumulative', 'delta'] as const).map((t) => {
    const exporter = new OTLPMetricExporter({
      url: `${sink!.collector.otlpHttpUrl}/v1/metrics`,
      temporalityPreference: t === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
    });
    // The documented BYO wiring: one producer per reader, told the reader's temporality via its exporter.
    return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: [api.createOAuthMetricProducer({ temporality: exporter })] });
  });
  const provider = new MeterProvider({ readers, views: api.createOAuthViews() });
  expect(api.bindOAuthInstruments(provider)).toBe(true);

  api.flowCompleted({ provider: 'https://as.example.org', outcome: 'success', durationMs: 700 });
  api.flowCompleted({ provider: 'https://as.example.org', outcome: 'success', durationMs: 3000 });
  await provider.forceFlush();
  api.flowCompleted({ provider: 'https://as.example.org', outcome: 'success', durationMs: 40_000 });
  await provider.forceFlush();

  const metrics = await waitFor('4 exports of oauth_flows_total in the Collector output', async () => {
    const m = received().filter((x) => x.name === 'oauth_flows_total');
    return m.length >= 4 ? received() : undefined;
  });
  const flows = (temporality: number) =>
    metrics.filter((m) => m.name === 'oauth_flows_total' && m.sum!.aggregationTemporality === temporality).map((m) => {
      expect(m.sum!.isMonotonic).toBe(true);
      return Number(m.sum!.dataPoints.find(success)!.asInt ?? m.sum!.dataPoints.find(success)!.asDouble);
    });
  expect(flows(CUMULATIVE)).toEqual([2, 3]);
  expect(flows(DELTA)).toEqual([2, 1]);

  const hist = (temporality: number) =>
    metrics.filter((m) => m.name === 'oauth_flow_duration_seconds' && m.histogram!.aggregationTemporality === temporality).map((m) => m.histogram!.dataPoints.find(success)!);
  const [c1, c2] = hist(CUMULATIVE);
  const [d1, d2] = hist(DELTA);
  for (const p of [c1, c2, d1, d2]) expect(p!.explicitBounds).toEqual([0.5, 1, 2, 5, 10, 30, 60]);
  expect([c1!.count, c2!.count, d1!.count, d2!.count].map(Number)).toEqual([2, 3, 2, 1]);
  expect(c2!.sum).toBeCloseTo(43.7, 9);
  expect(d2!.sum).toBeCloseTo(40, 9);
  expect(c2!.bucketCounts!.map(Number)).toEqual([0, 1, 0, 1, 0, 0, 1, 0]);
  expect(d2!.bucketCounts!.map(Number)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
  expect(label(c2!, 'provider')).toBe('as.example.org');
  await provider.shutdown();
});
