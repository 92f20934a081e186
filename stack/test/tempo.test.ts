/**
 * Grafana Tempo (the compose stack's trace store) is AGPL and cannot be built here: its config is
 * checked as data, against the compose file, the collector's traces exporter and the Grafana
 * datasource that read and write it. The stack tests run Jaeger v2 in its place (traces.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/backends';

const load = (p: string) => parse(readFileSync(join(REPO_ROOT, p), 'utf8'));
const tempo = load('stack/tempo/tempo.yaml');
const compose = load('docker-compose.yml');
const datasources = load('stack/grafana/provisioning/datasources/datasources.yaml').datasources as { type: string; url: string }[];

test('compose mounts this file where the command reads it, with data in a named volume', () => {
  const svc = compose.services.tempo;
  const target = String(svc.command.find((a: string) => a.startsWith('-config.file='))).split('=')[1];
  expect(svc.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ source: './stack/tempo/tempo.yaml', target, read_only: true })]));
  const data = svc.volumes.find((v: { type: string }) => v.type === 'volume');
  expect(tempo.storage.trace.local.path.startsWith(data.target)).toBe(true);
  expect(tempo.storage.trace.wal.path.startsWith(data.target)).toBe(true);
  expect(svc.ports).toBeUndefined(); // read by Grafana on the internal network only
});

test('the collector writes to its OTLP/HTTP receiver and Grafana reads its HTTP port', () => {
  const receiverPort = Number(String(tempo.distributor.receivers.otlp.protocols.http.endpoint).split(':').pop());
  const written = new URL(compose.services['otel-collector'].environment.TRACES_OTLP_ENDPOINT);
  expect([written.hostname, Number(written.port), written.pathname]).toEqual(['tempo', receiverPort, '/v1/traces']);
  const ds = datasources.find((d) => d.type === 'tempo')!;
  expect(new URL(ds.url).port).toBe(String(tempo.server.http_listen_port));
});

test('retention matches the other stores (30 days) and usage reporting is off', () => {
  expect(tempo.compactor.compaction.block_retention).toBe('720h');
  expect(tempo.usage_report.reporting_enabled).toBe(false);
});
