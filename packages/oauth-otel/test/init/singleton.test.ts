/**
 * Two copies of the module in one process (what Next.js does with instrumentation.ts and route
 * handlers in separate module graphs) share one MeterProvider, one registry, one handle.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { scrape, valueOf } from '../support/prom';

type Api = typeof import('../../src');

function loadCopy(): Api {
  let mod: Api | undefined;
  jest.isolateModules(() => {
    mod = require('../../src') as Api;
  });
  return mod!;
}

test('a second copy of the module gets the same handle and records into the same registry', async () => {
  const messages: string[] = [];
  diag.setLogger({ info: (m) => messages.push(m), warn: (m) => messages.push(m), error: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.INFO);
  const a = loadCopy();
  const b = loadCopy();
  expect(a.initTelemetry).not.toBe(b.initTelemetry); // really two module instances

  const ha = await a.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false });
  const hb = await b.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false });
  expect(hb).toBe(ha);
  expect(messages.filter((m) => m.includes('called again'))).toHaveLength(1);
  await b.initTelemetry();
  expect(messages.filter((m) => m.includes('called again'))).toHaveLength(1); // said once

  a.flowStarted({ provider: 'github.com' });
  b.flowStarted({ provider: 'github.com' });
  const { families } = await scrape(ha.metricsUrl!);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'github.com' })).toBe(2);
  // One registry: the family appears exactly once.
  const { text } = await scrape(ha.metricsUrl!);
  expect(text.match(/^# TYPE oauth_flows_started_total /gm)).toHaveLength(1);

  // The Web handler of copy B serves copy A's registry.
  const res = await b.createMetricsHandler({ allowUnauthenticated: true })(new Request('http://x/api/metrics'));
  expect(res.status).toBe(200);
  expect(await res.text()).toMatch(/oauth_flows_started_total\{provider="github.com"\} 2/);
  await ha.shutdown();
  diag.disable();
});
