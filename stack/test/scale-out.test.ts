/**
 * Scale-out proven on real collectors (docs/scaling.md): an agent (stack/scale-out/agent.yaml) in
 * front of two gateways that run the shipped otel-collector.yaml, exporting to a real VictoriaLogs.
 * The agent's OTLP/gRPC exporter balances round-robin over every address one DNS name resolves to;
 * a small DNS server on 127.0.0.1 plays the cluster DNS of a headless Service and resolves that name
 * to the two gateways, 127.0.0.1 and 127.0.0.2 (both loopback) on one port.
 *
 * While logs stream in, one gateway is stopped (SIGTERM, as a rolling restart does) and started
 * again. Every record must arrive once, whole: the store holds exactly the sequence numbers sent,
 * each with its body and attributes; both gateways carried traffic, and the restarted one again.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO_ROOT } from './queries';
import { SHIPPED_COLLECTOR_CONFIG } from './support/backends';
import { startCollector, validateCollectorConfig, type Collector } from './support/collector';
import { startDnsServer, type DnsServer } from './support/dns';
import { freePort, waitFor } from './support/process';
import { startVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(240_000);

const AGENT_CONFIG = join(REPO_ROOT, 'stack', 'scale-out', 'agent.yaml');
const GATEWAYS_NAME = 'otel-gateway.oauth-otel.test';
const GATEWAY_IPS = ['127.0.0.1', '127.0.0.2'];
const BATCH = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let vl: VictoriaLogs;
let dns: DnsServer;
let gatewayPort: number;
const running: Collector[] = [];

const startGateway = async (ip: string) => {
  const c = await startCollector({ configPath: SHIPPED_COLLECTOR_CONFIG, env: { OTLP_GRPC_ENDPOINT: `${ip}:${gatewayPort}`, LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl } });
  running.push(c);
  return c;
};

/** Log records a collector's receiver accepted so far (its own metrics). */
async function accepted(c: Collector): Promise<number> {
  const text = await fetch(c.metricsUrl).then((r) => r.text());
  return text
    .split('\n')
    .filter((l) => l.startsWith('otelcol_receiver_accepted_log_records'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

beforeAll(async () => {
  vl = await startVictoriaLogs();
  gatewayPort = await freePort();
  dns = await startDnsServer(GATEWAYS_NAME, GATEWAY_IPS);
});

afterAll(async () => {
  for (const c of running) await c.stop();
  await dns?.stop();
  await vl?.stop();
});

test('the agent config passes `otelcol validate` with its defaults', async () => {
  expect(await validateCollectorConfig(AGENT_CONFIG, { GATEWAY_ENDPOINT: undefined })).toEqual(expect.objectContaining({ ok: true }));
});

test('agent → two gateways: logs arrive whole, once each, while one gateway restarts', async () => {
  const [g1, g2] = [await startGateway(GATEWAY_IPS[0]!), await startGateway(GATEWAY_IPS[1]!)];
  const agent = await startCollector({ configPath: AGENT_CONFIG, env: { GATEWAY_ENDPOINT: `dns://${dns.address}/${GATEWAYS_NAME}:${gatewayPort}` } });
  running.push(agent);

  const service = `scale-out-${randomBytes(4).toString('hex')}`;
  let seq = 0;
  let sending = true;
  const refused: string[] = [];
  // An application's OTLP/HTTP JSON pushes to the agent, one batch every 25 ms.
  const sender = (async () => {
    while (sending) {
      const logRecords = Array.from({ length: BATCH }, () => {
        const n = seq++;
        return {
          timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(n)),
          severityNumber: 9,
          severityText: 'info',
          body: { stringValue: `record ${n}` },
          attributes: [
            { key: 'event', value: { stringValue: 'oauth_flow_success' } },
            { key: 'seq', value: { intValue: String(n) } },
          ],
        };
      });
      const body = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ scope: { name: 'scale-out-test' }, logRecords }] }] };
      const res = await fetch(`${agent.otlpHttpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) refused.push(`${res.status} ${await res.text()}`);
      await sleep(25);
    }
  })();

  // Round robin: both gateways carry traffic.
  await waitFor('both gateways to receive records', async () => ((await accepted(g1)) > 0 && (await accepted(g2)) > 0 ? true : undefined), { timeoutMs: 30_000 });
  const g1Before = await accepted(g1);

  // Rolling restart of gateway 1, with records still streaming in.
  await g1.stop(15_000);
  const sentWhileDown = seq;
  await sleep(2_000);
  const g1Again = await startGateway(GATEWAY_IPS[0]!);
  await waitFor('the restarted gateway to receive records again', async () => ((await accepted(g1Again)) > 0 ? true : undefined), { timeoutMs: 60_000 });
  await sleep(500);
  sending = false;
  await sender;
  const total = seq;

  expect(refused).toEqual([]);
  expect(g1Before).toBeGreaterThan(0);
  expect(total).toBeGreaterThan(sentWhileDown);

  const rows = await waitFor(
    `${total} records of ${service} in the store`,
    async () => {
      const r = await vl.query(`"service.name":"${service}"`, { limit: total * 2 });
      return r.length >= total ? r : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  ).catch(async (e: Error) => {
    const got = (await vl.query(`"service.name":"${service}"`, { limit: total * 2 })).length;
    throw new Error(`${e.message}: ${got} of ${total} arrived`);
  });
  await sleep(2_000); // a late duplicate would show up here
  const final = await vl.query(`"service.name":"${service}"`, { limit: total * 2 });
  const seqs = final.map((r) => Number(r.seq)).sort((a, b) => a - b);
  expect(final.length).toBe(total);
  expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
  for (const r of rows) expect([r._msg, r.event]).toEqual([`record ${r.seq}`, 'oauth_flow_success']);
  // The DNS name was resolved (not a fixed address list in the agent).
  expect(dns.questions).toContain(`A ${GATEWAYS_NAME}`);
});
