/**
 * Real processes for the resilience tests: the instrumented app (fixtures/app.mjs), the load
 * generator (fixtures/load.mjs, autocannon at a fixed rate in its own process), the app's
 * Prometheus scrape, and the OTLP endpoint of the package's tests (a real node:http server that
 * decodes what the exporter sends and can be made absent, slow or failing).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runCommand, spawnServer, type ServerProcess } from '../support/process';
import { REPO_ROOT } from '../support/backends';
import { parseExposition, type Family } from '../../../packages/oauth-otel/test/support/prom';
import type { ReceivedLog } from '../../../packages/oauth-otel/test/support/otlp-endpoint';

export { OtlpLogsEndpoint } from '../../../packages/oauth-otel/test/support/otlp-endpoint';
export { freePort, sleep } from '../support/process';

const FIXTURES = join(__dirname, 'fixtures');

/** The repo's Node (>= 22.15, which the package needs); jest may run under another one. */
export const NODE = (() => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major > 22 || (major === 22 && minor >= 15)) return process.execPath;
  const local = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
  return existsSync(local) ? local : join(REPO_ROOT, 'node_modules', '.bin', 'node');
})();

export function requireBuild(): void {
  if (!existsSync(join(REPO_ROOT, 'packages/oauth-otel/dist/index.js'))) throw new Error('packages/oauth-otel/dist is missing: run `npm run build` first');
}

export interface App extends ServerProcess {
  url: string;
  metricsUrl: string;
  stats(): Promise<{ emitted: number; records: number; drops: Record<string, number>; memory: NodeJS.MemoryUsage }>;
}

/** Starts fixtures/app.mjs (see its header for the env it reads) and waits until it serves. */
export async function startApp(env: Record<string, string>): Promise<App> {
  const port = await freePort();
  const metricsPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await spawnServer({
    name: 'resilience-app',
    command: NODE,
    args: [join(FIXTURES, 'app.mjs')],
    cwd: FIXTURES,
    env: { NODE_OPTIONS: '', PORT: String(port), METRICS_PORT: String(metricsPort), ...env },
    readyUrl: `${url}/stats`,
  });
  return Object.assign(proc, {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    async stats() {
      return (await (await fetch(`${url}/stats`)).json()) as Awaited<ReturnType<App['stats']>>;
    },
  });
}

export interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  seconds: number;
}

/**
 * `seconds` of load at `rate` req/s on `url` from a separate process; exact latency percentiles (ms).
 * With `until`, the load stops early (SIGTERM; the generator still reports) once that settles.
 */
export async function runLoad(url: string, seconds: number, rate: number, connections = 10, until?: Promise<unknown>): Promise<LoadResult> {
  const r = await runCommand(NODE, [join(FIXTURES, 'load.mjs'), url, String(seconds), String(rate), String(connections)], {
    env: { NODE_OPTIONS: '' },
    timeoutMs: (seconds + 60) * 1000,
    onSpawn: (child) => void until?.finally(() => child.kill('SIGTERM')),
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as LoadResult;
  } catch {
    throw new Error(`load generator failed (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** One scrape of the app's /metrics, parsed. */
export async function scrapeFamilies(metricsUrl: string): Promise<Map<string, Family>> {
  const res = await fetch(metricsUrl);
  if (res.status !== 200) throw new Error(`scrape ${metricsUrl}: HTTP ${res.status}`);
  return parseExposition(await res.text());
}

/** `oauth_telemetry_dropped_total{signal="logs"}` by reason, from the app's /metrics. */
export async function logDrops(metricsUrl: string): Promise<Record<string, number>> {
  const fam = (await scrapeFamilies(metricsUrl)).get('oauth_telemetry_dropped_total');
  const out: Record<string, number> = {};
  for (const s of fam?.samples ?? []) if (s.labels.signal === 'logs' && s.labels.reason) out[s.labels.reason] = s.value;
  return out;
}

/**
 * Distinct app records among what endpoints received: the log line by its `n`, the OAuth event by
 * its flow fingerprint (a retried export may deliver a batch twice; each record counts once).
 */
export function distinctRecords(...received: ReceivedLog[][]): { total: number; lines: Set<number>; events: number } {
  const lines = new Set<number>();
  const events = new Set<string>();
  for (const list of received) {
    for (const r of list) {
      if (r.body === 'app request served' && typeof r.attributes.n === 'number') lines.add(r.attributes.n);
      else if (r.eventName === 'oauth_flow_success' || r.attributes['event.name'] === 'oauth_flow_success' || r.attributes.event === 'oauth_flow_success') events.add(String(r.attributes['oauth.flow_id']));
    }
  }
  return { total: lines.size + events.size, lines, events: events.size };
}

/** Polls `check` every 250 ms until it returns true or `timeoutMs` passes; returns the last value. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `promise`, or undefined after `ms` (the timer never outlives the race). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The latency bound the resilience tests state: misbehaving p99 ≤ 3 × healthy p99 + 20 ms. */
export const latencyBound = (healthyP99: number) => 3 * healthyP99 + 20;
