/** Bring your own SDK: the app's NodeSDK serves the OAuth catalog; oauth-otel starts no SDK. */
import * as http from 'node:http';
import { metrics } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { bindOAuthInstruments, createOAuthViews, flowCompleted, flowStarted, tokenRefreshed } from '../../src';
import { scrape, valueOf } from '../support/prom';

test('bindOAuthInstruments() + createOAuthViews() on an app-owned NodeSDK', async () => {
  const exporter = new PrometheusExporter({ port: 0, host: '127.0.0.1', withoutScopeInfo: true, preventServerStart: true });
  const sdk = new NodeSDK({
    serviceName: 'byo-sdk-app',
    metricReaders: [exporter],
    views: createOAuthViews({ cardinalityLimit: 100 }),
    traceExporter: undefined,
    spanProcessors: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  expect(bindOAuthInstruments(metrics.getMeterProvider())).toBe(true);
  expect(bindOAuthInstruments(metrics.getMeterProvider())).toBe(false); // one binding per process

  flowStarted({ provider: 'login.example.org', flowId: 'a' });
  flowCompleted({ flowId: 'a', outcome: 'success', durationMs: 3000 });
  tokenRefreshed({ outcome: 'success', durationMs: 50 });

  const server = http.createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { families } = await scrape(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`);
  expect(valueOf(families, 'oauth_flows_total', { provider: 'login.example.org', status: 'success' })).toBe(1);
  // The views gave the histogram the seed buckets (the SDK default has no le="5").
  expect(valueOf(families, 'oauth_flow_duration_seconds_bucket', { status: 'success', le: '5' })).toBe(1);
  expect(valueOf(families, 'oauth_token_refresh_duration_seconds_bucket', { status: 'success', le: '0.1' })).toBe(1);
  expect(families.get('target_info')!.samples[0]!.labels.service_name).toBe('byo-sdk-app');
  server.close();
  await sdk.shutdown();
});
