/** The OTel metrics API has no proxy: calls made before initTelemetry() are buffered and replayed. */
import * as api from '../../src';
import { scrape, valueOf } from '../support/prom';

test('measurements recorded before init show up after init', async () => {
  api.flowStarted({ provider: 'early.example' });
  api.tokenRefreshed({ outcome: 'success', durationMs: 10 });
  api.codeInjectionAttempt({});
  const h = await api.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false });
  const { families } = await scrape(h.metricsUrl!);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'early.example' })).toBe(1);
  expect(valueOf(families, 'oauth_token_refresh_duration_seconds_count', { status: 'success' })).toBe(1);
  expect(valueOf(families, 'oauth_code_injection_attempts_total')).toBe(1);
  await h.shutdown();
});

test('past the pre-init buffer, measurements are dropped and counted, not kept without bound', async () => {
  jest.resetModules();
  // A fresh process-wide state for this case.
  (require('../../src/internal/runtime') as typeof import('../../src/internal/runtime')).resetRuntimeForTests();
  const fresh = require('../../src') as typeof api;
  for (let i = 0; i < 10_500; i++) fresh.tokensRevoked({ reason: 'manual' });
  const h = await fresh.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false });
  const { families } = await scrape(h.metricsUrl!);
  expect(valueOf(families, 'oauth_token_revocations_total', { reason: 'manual' })).toBe(10_000);
  expect(valueOf(families, 'oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'pre_init_overflow' })).toBe(500);
  await h.shutdown();
});
