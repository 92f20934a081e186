/**
 * The OTLP path against a real local endpoint that starts late, answers 503, hangs, or
 * disappears: the app is never blocked, the queue stays bounded, every drop is counted, delivery
 * resumes, and shutdown() flushes what is queued (0 lost below the cap).
 */
import { createServer } from 'node:net';
import { logs } from '@opentelemetry/api';
import { logs as legacyLogs } from '@opentelemetry/api-logs';
import * as api from '../../src';
import { resetRuntimeForTests, runtime } from '../../src/internal/runtime';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';
import { scrape, valueOf } from '../support/prom';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const until = async (cond: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

let handle: api.TelemetryHandle | undefined;
let ep: OtlpLogsEndpoint | undefined;
afterEach(async () => {
  try {
    await ep?.stop();
    await handle?.shutdown({ timeoutMillis: 2000 });
  } finally {
    handle = undefined;
    ep = undefined;
    resetRuntimeForTests();
    // Several inits in one process (never the case in an app): forget both log registries.
    logs.disable();
    legacyLogs.disable();
  }
});

const dropped = async (reason: string) => valueOf((await scrape(handle!.metricsUrl!)).families, 'oauth_telemetry_dropped_total', { signal: 'logs', reason }) ?? 0;

async function start(port: number, otlp: Record<string, unknown> = {}) {
  handle = await api.initTelemetry({
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { stdout: false, level: 'info', flushOnExit: false, otlp: { endpoint: `http://127.0.0.1:${port}/v1/logs`, scheduledDelayMillis: 50, timeoutMillis: 1000, ...otlp } },
  });
  return handle.logger!;
}

test('endpoint absent at start: nothing blocks, failures are counted, delivery resumes when it appears', async () => {
  const port = await freePort();
  const log = await start(port);
  for (let i = 0; i < 20; i++) log.info('before endpoint', { event: 'resilience', n: i });
  await until(async () => (await dropped('export_failed')) >= 1);
  ep = await new OtlpLogsEndpoint(port).start();
  log.info('after endpoint', { event: 'resilience' });
  await ep.waitFor(1, (r) => r.body === 'after endpoint');
});

test('503 answers: retried then counted; delivery resumes when the endpoint recovers', async () => {
  ep = await new OtlpLogsEndpoint().start();
  ep.mode = 'unavailable';
  const port = Number(new URL(ep.url).port);
  const log = await start(port);
  log.info('during outage', { event: 'resilience' });
  await until(() => ep!.requests >= 2); // the exporter retries a 503
  await until(async () => (await dropped('export_failed')) >= 1, 30_000);
  ep.mode = 'ok';
  log.info('after recovery', { event: 'resilience' });
  await ep.waitFor(1, (r) => r.body === 'after recovery');
}, 45_000);

test('a hanging endpoint never blocks logging; the queue stays at its cap and overflow is counted', async () => {
  ep = await new OtlpLogsEndpoint().start();
  ep.mode = 'hang';
  const port = Number(new URL(ep.url).port);
  const log = await start(port, { maxQueueSize: 100, maxExportBatchSize: 10, timeoutMillis: 60_000 });
  log.info('first', { event: 'resilience' });
  await until(() => ep!.requests >= 1); // one export is now stuck in flight
  for (let i = 0; i < 5000; i++) log.info('while hung', { event: 'resilience', n: i });
  // All 5000 calls returned while the export is still hanging: logging did not wait on it.
  expect(ep.received).toHaveLength(0);
  expect(await dropped('queue_full')).toBeGreaterThanOrEqual(5000 - 100);
  expect(await dropped('queue_full')).toBeLessThanOrEqual(5000);
});

test('shutdown() flushes everything queued below the cap (0 lost)', async () => {
  ep = await new OtlpLogsEndpoint().start();
  const port = Number(new URL(ep.url).port);
  const log = await start(port, { scheduledDelayMillis: 60_000, maxQueueSize: 2048, maxExportBatchSize: 256 });
  for (let i = 0; i < 2000; i++) log.info('queued', { event: 'resilience', n: i });
  expect(ep.received).toHaveLength(0); // nothing exported yet: the batch delay is a minute
  const h = handle!;
  await h.shutdown();
  expect(ep.received.filter((r) => r.body === 'queued')).toHaveLength(2000);
  expect(new Set(ep.received.map((r) => r.attributes.n)).size).toBe(2000);
});

test('shutdown() is bounded by its timeout when the endpoint hangs; what is left is counted', async () => {
  ep = await new OtlpLogsEndpoint().start();
  ep.mode = 'hang';
  const log = await start(Number(new URL(ep.url).port), { timeoutMillis: 60_000, scheduledDelayMillis: 60_000 });
  for (let i = 0; i < 300; i++) log.info('stuck', { event: 'resilience' });
  const h = handle!;
  const before = Date.now();
  await h.shutdown({ timeoutMillis: 500 });
  expect(Date.now() - before).toBeLessThan(30_000); // returned on its own timeout, not the exporter's 60 s
  handle = undefined;
  expect(runtime().drops.get('logs\u0001shutdown')).toBe(300);
});

test('records emitted after shutdown are counted, not silently lost', async () => {
  ep = await new OtlpLogsEndpoint().start();
  const log = await start(Number(new URL(ep.url).port));
  await handle!.shutdown();
  log.info('too late', { event: 'resilience' });
  expect(ep.received.filter((r) => r.body === 'too late')).toHaveLength(0);
  expect(runtime().drops.get('logs\u0001shutdown')).toBe(1);
});
