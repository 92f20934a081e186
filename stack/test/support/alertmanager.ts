/**
 * Alertmanager (the release docker-compose.yml pins, built by scripts/backends/ensure-alertmanager.sh)
 * on a free 127.0.0.1 port, one instance without gossip, with the given config file.
 */
import { join } from 'node:path';
import { backendPath } from './backends';
import { freePort, HOST, makeScratchDir, spawnServer, type ServerProcess } from './process';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  status?: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface Alertmanager extends ServerProcess {
  url: string;
  /** GET /api/v2/alerts (active, silenced and inhibited alike). */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** POST /api/v2/alerts, as Prometheus and the Loki ruler do. */
  post(alerts: AlertmanagerAlert[]): Promise<void>;
}

export async function startAlertmanager(configFile: string): Promise<Alertmanager> {
  const port = await freePort();
  const dir = makeScratchDir('alertmanager');
  const url = `http://${HOST}:${port}`;
  const proc = await spawnServer({
    name: 'alertmanager',
    command: backendPath('alertmanager'),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${HOST}:${port}`,
      '--cluster.listen-address=',
    ],
    dir,
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: 30_000,
  });
  return Object.assign(proc, {
    url,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status}`);
      return (await res.json()) as AlertmanagerAlert[];
    },
    async post(alerts: AlertmanagerAlert[]) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
    },
  });
}
