/**
 * The shipped otel-collector.yaml's headers towards Loki, on the real collector: with LOKI_HEADERS
 * unset it sends neither X-Scope-OrgID nor Authorization (an empty X-Scope-OrgID is refused by a
 * multi-tenant Loki, an empty Authorization by a hosted one), and with it set it sends exactly
 * those headers. The collector exports to a real VictoriaLogs through a recording pass-through on
 * 127.0.0.1 (the request is forwarded byte for byte), so the records must also arrive whole.
 * Also: the health_check extension answers 200 while the pipelines run.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SHIPPED_COLLECTOR_CONFIG } from './support/backends';
import { startCollector, type Collector } from './support/collector';
import { sendOtlpLogs } from './support/otlp';
import { HOST } from './support/process';
import { startVictoriaLogs, waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(120_000);

let vl: VictoriaLogs;
let proxy: Server;
let proxyUrl: string;
const seen: IncomingHttpHeaders[] = [];
const collectors: Collector[] = [];

beforeAll(async () => {
  vl = await startVictoriaLogs();
  const target = new URL(vl.otlpLogsUrl);
  proxy = createServer((req, res) => {
    seen.push(req.headers);
    const fwd = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', () => res.writeHead(502).end());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => proxy.listen(0, HOST, r));
  proxyUrl = `http://${HOST}:${(proxy.address() as AddressInfo).port}/insert/opentelemetry/v1/logs`;
});

afterAll(async () => {
  for (const c of collectors) await c.stop();
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  await vl?.stop();
});

/** Runs the shipped config with `headers` as LOKI_HEADERS, sends one record, returns the headers of the push. */
async function pushWith(lokiHeaders: string | undefined): Promise<IncomingHttpHeaders> {
  const service = `headers-test-${randomBytes(4).toString('hex')}`;
  const collector = await startCollector({ configPath: SHIPPED_COLLECTOR_CONFIG, env: { LOKI_OTLP_ENDPOINT: proxyUrl, LOKI_HEADERS: lokiHeaders } });
  collectors.push(collector);
  expect((await fetch(collector.healthUrl)).status).toBe(200);
  const before = seen.length;
  await sendOtlpLogs({
    url: `${collector.otlpHttpUrl}/v1/logs`,
    resource: { 'service.name': service },
    scope: { name: 'oauth-otel', version: '0.0.0-test' },
    records: [{ severityNumber: SeverityNumber.INFO, severityText: 'info', eventName: 'oauth_flow_success', body: 'flow ok', attributes: { event: 'oauth_flow_success' } }],
  });
  const rows = await waitForVictoriaLogs(vl.url, `"service.name":"${service}"`, { timeoutMs: 60_000 });
  expect(rows.map((r) => [r.event, r._msg])).toEqual([['oauth_flow_success', 'flow ok']]);
  expect(seen.length).toBeGreaterThan(before);
  return seen[seen.length - 1]!;
}

test('LOKI_HEADERS unset: no X-Scope-OrgID and no Authorization header at all', async () => {
  const h = await pushWith(undefined);
  expect(Object.keys(h).filter((k) => k === 'x-scope-orgid' || k === 'authorization')).toEqual([]);
});

test('LOKI_HEADERS empty: still no header', async () => {
  const h = await pushWith('');
  expect(Object.keys(h).filter((k) => k === 'x-scope-orgid' || k === 'authorization')).toEqual([]);
});

test('LOKI_HEADERS set: exactly the configured tenant and authorization', async () => {
  const h = await pushWith('{X-Scope-OrgID: tenant-a, Authorization: "Basic dXNlcjpwYXNz"}');
  expect([h['x-scope-orgid'], h['authorization']]).toEqual(['tenant-a', 'Basic dXNlcjpwYXNz']);
});
