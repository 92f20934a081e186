#!/usr/bin/env node
// Regenerates docs/images/prometheus/*.png: the key OAuth series as Prometheus' own graph page
// shows them, fed by the traffic driver (a real process driving every oauth-otel operation), in
// headless Debian Chromium. Grafana cannot run here (AGPL), so this is the closest true picture.
//   npm run build && bash scripts/backends/ensure-all.sh && node scripts/screenshots/prometheus.mjs [--minutes 3]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const cache = process.env.OAUTH_OTEL_CACHE || join(homedir(), '.cache/oauth-otel');
const bins = JSON.parse(readFileSync(join(cache, 'backends.json'), 'utf8'));
const minutesArg = process.argv.indexOf('--minutes');
const warmupMs = (minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 3) * 60_000;
const out = join(root, 'docs/images/prometheus');
mkdirSync(out, { recursive: true });

const freePort = () => new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
const start = (cmd, args, env = {}) => {
  const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(c);
  return c;
};
const stopAll = () => { for (const c of children) c.kill('SIGTERM'); };
process.on('exit', stopAll);

const metricsPort = await freePort();
const promPort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'oauth-otel-shots-'));
start(process.execPath, [join(root, 'scripts/traffic/driver.mjs')], { METRICS_PORT: String(metricsPort), DRIVER_INTERVAL_MS: '50', DRIVER_MAX_SECONDS: String(Math.ceil(warmupMs / 1000) + 300) });
writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 2s\n  evaluation_interval: 2s\nrule_files:\n  - ${join(root, 'stack/rules/prometheus')}/*.yml\nscrape_configs:\n  - job_name: oauth-traffic\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n        labels: { service: oauth-traffic, environment: demo }\n`);
start(bins.prometheus, ['--log.level=warn', `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`]);

const prom = `http://127.0.0.1:${promPort}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${prom}/-/ready`)).ok) break; } catch {}
  if (i > 120) throw new Error('prometheus did not start');
  await sleep(500);
}
console.log(`prometheus on ${prom}; collecting ${warmupMs / 1000}s of traffic`);
await sleep(warmupMs);

const GRAPHS = [
  ['flow-success-ratio', 'sum by (provider) (rate(oauth_flows_total{status="success"}[1m])) / sum by (provider) (rate(oauth_flows_total[1m]))'],
  ['refresh-outcomes', 'sum by (status, reason) (rate(oauth_token_refresh_total[1m]))'],
  ['security-events', 'sum by (event_type, severity) (increase(oauth_security_events_total[1m]))'],
  ['flow-duration-p95', 'histogram_quantile(0.95, sum by (provider, le) (rate(oauth_flow_duration_seconds_bucket[1m])))'],
  ['active-pkce-states-and-tokens', 'oauth_active_pkce_states or oauth_active_tokens or oauth_tokens_expiring_soon'],
  ['token-endpoint-errors', 'sum by (grant_type, error) (rate(oauth_token_endpoint_errors_total[1m]))'],
  // The shipped alert rules, evaluated by this Prometheus over the same traffic.
  ['alerts-firing', 'sum by (alertname, severity) (ALERTS{alertstate="firing"})'],
];
const browser = await chromium.launch({
  executablePath: bins.chromium || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const range = `${Math.max(1, Math.floor(warmupMs / 60_000))}m`;
  for (const [name, expr] of GRAPHS) {
    await page.goto(`${prom}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=0&g0.range_input=${range}&g0.stacked=0`);
    await page.waitForSelector('canvas, .graph-legend, .legend', { timeout: 30_000 }).catch(() => {});
    await sleep(2000);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`docs/images/prometheus/${name}.png`);
  }
} finally {
  await browser.close();
  stopAll();
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
