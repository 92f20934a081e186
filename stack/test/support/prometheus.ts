/**
 * Prometheus 3 (the release docker-compose.yml pins, built by scripts/backends/ensure-prometheus.sh)
 * on a free 127.0.0.1 port, scraping the given targets, with optional rule files. Metrics reach it
 * by scraping (or remote write when `remoteWriteReceiver` is set).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backendPath } from './backends';
import { freePort, HOST, makeScratchDir, runCommand, spawnServer, type ServerProcess } from './process';

export interface ScrapeTarget {
  /** host:port, e.g. '127.0.0.1:9464' */
  target: string;
  job?: string;
  metricsPath?: string;
  labels?: Record<string, string>;
  /** Bearer token the scrapes send (`authorization.credentials`). */
  bearerToken?: string;
}

export interface StartPrometheusOptions {
  /** 'host:port' strings (job "test") or full target descriptions. */
  scrapeTargets?: (string | ScrapeTarget)[];
  ruleFiles?: string[];
  /** Scrape and rule-evaluation interval (default '1s', so tests do not wait). */
  interval?: string;
  /** Store exemplars from OpenMetrics scrapes. */
  exemplars?: boolean;
  remoteWriteReceiver?: boolean;
  extraArgs?: string[];
  readyTimeoutMs?: number;
  /** global.external_labels (Prometheus 3 expands ${VAR} in the values from `env`). */
  externalLabels?: Record<string, string>;
  /** The `alerting:` block (alert_relabel_configs, alertmanagers), as in prometheus.yml. */
  alerting?: unknown;
  /** Extra environment of the Prometheus process. */
  env?: Record<string, string>;
}

export interface Prometheus extends ServerProcess {
  url: string;
  configFile: string;
  /** Instant query; returns `data.result`. */
  query(promql: string): Promise<PromSample[]>;
}

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<Prometheus> {
  const port = await freePort();
  const dir = makeScratchDir('prometheus');
  const url = `http://${HOST}:${port}`;
  const interval = opts.interval ?? '1s';

  const byJob = new Map<string, ScrapeTarget[]>();
  for (const t of opts.scrapeTargets ?? []) {
    const target = typeof t === 'string' ? { target: t } : t;
    const key = `${target.job ?? 'test'}\u0000${target.metricsPath ?? '/metrics'}\u0000${target.bearerToken ?? ''}`;
    byJob.set(key, [...(byJob.get(key) ?? []), target]);
  }
  const scrapeConfigs = [...byJob.entries()].map(([key, targets]) => {
    const [job, metricsPath, token] = key.split('\u0000') as [string, string, string];
    return {
      job_name: job,
      metrics_path: metricsPath,
      ...(token ? { authorization: { credentials: token } } : {}),
      static_configs: targets.map((t) => ({ targets: [t.target], labels: t.labels ?? {} })),
    };
  });
  const config = {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      scrape_timeout: interval,
      ...(opts.externalLabels ? { external_labels: opts.externalLabels } : {}),
    },
    ...(opts.alerting ? { alerting: opts.alerting } : {}),
    rule_files: (opts.ruleFiles ?? []).map((f) => resolve(f)),
    scrape_configs: scrapeConfigs,
  };
  // JSON is valid YAML.
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${HOST}:${port}`,
    '--web.enable-lifecycle',
    ...(opts.exemplars ? ['--enable-feature=exemplar-storage'] : []),
    ...(opts.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const proc = await spawnServer({
    name: 'prometheus',
    command: backendPath('prometheus'),
    args,
    dir,
    env: opts.env,
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
  });
  return Object.assign(proc, { url, configFile, query: (q: string) => queryPrometheus(url, q) });
}

export async function queryPrometheus(baseUrl: string, promql: string): Promise<PromSample[]> {
  const res = await fetch(`${baseUrl}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: promql }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${JSON.stringify(promql)} failed: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

/** `promtool <args>` (e.g. ['check', 'rules', file] or ['test', 'rules', file]). */
export function promtool(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(backendPath('promtool'), args);
}
