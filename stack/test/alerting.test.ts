/**
 * Alerts that reach someone, on the real chain:
 *
 *   traffic driver (attack on SIGUSR1, stopped on SIGUSR2)
 *     → Prometheus 3 (the compose release) with the shipped rules, external labels and alerting block
 *     → Alertmanager (the compose release) with the shipped routing tree and inhibitions
 *     → webhook receivers run by this test (the page and ticket URLs of the compose secrets).
 *
 * What is rewritten, and only that: every duration of the shipped rules is divided by SCALE (a 5m
 * window becomes 15s, so the alert resolves in seconds, not minutes); Alertmanager's group_wait /
 * group_interval become 1s / 2s; addresses become 127.0.0.1 ports and the receivers' url_file
 * paths point at files in a scratch directory. The expressions, labels, routes and inhibitions are
 * the shipped ones.
 *
 * The Loki ruler cannot run here (Loki is AGPL): its alerts are POSTed to Alertmanager's v2 API as
 * the ruler sends them, with the labels of the shipped Loki rule (templates rendered), and
 * loki-config.yaml's ruler block is checked against prometheus.yml's alerting block.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lokiRuleFiles, prometheusRuleFiles, readRules, REPO_ROOT } from './queries';
import {
  freePort,
  makeScratchDir,
  spawnServer,
  startAlertmanager,
  startPrometheus,
  stopAll,
  waitFor,
  type Alertmanager,
  type AlertmanagerAlert,
  type Prometheus,
  type ServerProcess,
} from './support';

jest.setTimeout(300_000);

const SCALE = 20;
const RUNBOOK = 'https://runbooks.test.invalid/oauth-otel/docs/runbook.md';
const TARGET = { service: 'api', environment: 'prod' };
const DRIVER = join(REPO_ROOT, 'scripts', 'traffic', 'driver.mjs');
const yaml = (p: string) => parseYaml(readFileSync(join(REPO_ROOT, p), 'utf8'));

// ---------------------------------------------------------------------------------------------
// Durations, scaled

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
function seconds(d: string): number {
  let total = 0;
  let rest = d;
  for (const m of d.matchAll(/(\d+)(ms|[smhdwy])/g)) {
    total += Number(m[1]) * UNIT_S[m[2]!]!;
    rest = rest.replace(m[0], '');
  }
  if (rest !== '' || total === 0) throw new Error(`not a Prometheus duration: ${d}`);
  return total;
}
const scaled = (d: string) => `${Math.max(1, Math.round(seconds(d) / SCALE))}s`;
/** Range selectors, subqueries and offsets of one expression, divided by SCALE. */
const scaleExpr = (expr: string) =>
  expr.replace(/\[(\w+)(:\w*)?\]/g, (_m, d: string, sub?: string) => `[${scaled(d)}${sub ? (sub === ':' ? ':' : `:${scaled(sub.slice(1))}`) : ''}]`).replace(/offset\s+(\w+)/g, (_m, d: string) => `offset ${scaled(d)}`);

interface RuleDoc {
  groups: { name: string; interval?: string; rules: { alert?: string; record?: string; expr: string; for?: string }[] }[];
}
function scaledRuleFile(file: string, dir: string): string {
  const doc = parseYaml(readFileSync(file, 'utf8')) as RuleDoc;
  for (const g of doc.groups) {
    if (g.interval) g.interval = scaled(g.interval);
    for (const r of g.rules) {
      r.expr = scaleExpr(String(r.expr));
      if (r.for) r.for = scaled(r.for);
    }
  }
  const out = join(dir, basename(file).replace(/\.ya?ml$/, '.json'));
  writeFileSync(out, JSON.stringify(doc, null, 2));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The webhook receivers

interface Notification {
  path: string;
  at: number;
  body: {
    receiver: string;
    status: 'firing' | 'resolved';
    groupKey: string;
    groupLabels: Record<string, string>;
    alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string>; endsAt: string }[];
  };
}
const received: Notification[] = [];
let webhook: Server;
let webhookPort = 0;

const notificationsWith = (path: string, alertname: string, status?: 'firing' | 'resolved', service = TARGET.service) =>
  received.filter(
    (n) => n.path === path && n.body.alerts.some((a) => a.labels.alertname === alertname && a.labels.service === service && (!status || a.status === status)),
  );

// ---------------------------------------------------------------------------------------------
// The chain

const shippedAm = yaml('stack/alertmanager/alertmanager.yml') as {
  route: Record<string, unknown> & { routes?: Record<string, unknown>[] };
  inhibit_rules: unknown[];
  receivers: { name: string; webhook_configs?: { url_file?: string; url?: string; send_resolved?: boolean }[] }[];
};
const shippedProm = yaml('stack/prometheus/prometheus.yml') as {
  global: { external_labels?: Record<string, string> };
  alerting: { alert_relabel_configs?: unknown[]; alertmanagers: { static_configs: { targets: string[] }[] }[] };
};
const shippedLoki = yaml('stack/loki/loki-config.yaml') as {
  ruler: { alertmanager_url?: string; enable_alertmanager_v2?: boolean; external_labels?: Record<string, string>; alert_relabel_configs?: unknown[] };
};
const compose = yaml('docker-compose.yml') as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; secrets?: { source: string; target: string }[] }>;
};

let am: Alertmanager;
let prom: Prometheus;
let driver: ServerProcess;

beforeAll(async () => {
  const dir = makeScratchDir('alerting-chain');

  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now(), body: JSON.parse(body) as Notification['body'] });
      res.writeHead(200).end();
    });
  });
  webhookPort = await freePort();
  await new Promise<void>((r) => webhook.listen(webhookPort, '127.0.0.1', r));

  // Alertmanager: the shipped file; timers shortened, url_file paths moved into the scratch dir.
  const amConfig = structuredClone(shippedAm);
  const shorten = (route: Record<string, unknown> & { routes?: Record<string, unknown>[] }, root: boolean) => {
    if (root || 'group_wait' in route) route.group_wait = '1s';
    if (root || 'group_interval' in route) route.group_interval = '2s';
    for (const child of route.routes ?? []) shorten(child, false);
  };
  shorten(amConfig.route, true);
  for (const r of amConfig.receivers) {
    for (const w of r.webhook_configs ?? []) {
      const file = join(dir, basename(w.url_file!));
      writeFileSync(file, `http://127.0.0.1:${webhookPort}/${r.name}`);
      w.url_file = file;
    }
  }
  const amFile = join(dir, 'alertmanager.yml');
  writeFileSync(amFile, JSON.stringify(amConfig, null, 2));
  am = await startAlertmanager(amFile);

  const metricsPort = await freePort();
  driver = await spawnServer({
    name: 'traffic-driver',
    command: process.execPath,
    args: [DRIVER],
    env: {
      METRICS_PORT: String(metricsPort),
      DRIVER_MAX_SECONDS: '600',
      DRIVER_INTERVAL_MS: '100',
      DRIVER_SECURITY_EVENTS: 'attack-only',
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: undefined,
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    readyTimeoutMs: 60_000,
  });

  prom = await startPrometheus({
    interval: '1s',
    ruleFiles: prometheusRuleFiles().map((f) => scaledRuleFile(f, dir)),
    scrapeTargets: [{ target: `127.0.0.1:${metricsPort}`, job: 'oauth', labels: TARGET }],
    externalLabels: shippedProm.global.external_labels,
    alerting: { ...shippedProm.alerting, alertmanagers: [{ static_configs: [{ targets: [am.url.replace('http://', '')] }] }] },
    env: { OAUTH_RUNBOOK_URL: RUNBOOK },
  });
  // A baseline before the attack: `up offset <window>` exists, and nothing pages.
  await waitFor('the driver to be scraped', async () => ((await prom.query('up{job="oauth"} == 1')).length === 1 ? true : undefined), {
    timeoutMs: 60_000,
  });
  await new Promise((r) => setTimeout(r, seconds(scaled('5m')) * 1000 + 2_000));
});

afterAll(async () => {
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  await stopAll();
});

describe('the shipped configs wire Prometheus and the Loki ruler to one Alertmanager', () => {
  test('compose runs Alertmanager; prometheus.yml and loki-config.yaml send to it, with the same runbook label handling', () => {
    expect(compose.services.alertmanager?.image).toMatch(/^prom\/alertmanager:v/);
    expect(shippedProm.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093']);
    expect(shippedLoki.ruler.alertmanager_url).toBe('http://alertmanager:9093');
    expect(shippedLoki.ruler.enable_alertmanager_v2).toBe(true);
    expect(shippedProm.global.external_labels).toEqual({ oauth_runbook: '${OAUTH_RUNBOOK_URL}' });
    expect(shippedLoki.ruler.external_labels).toEqual(shippedProm.global.external_labels);
    expect(shippedLoki.ruler.alert_relabel_configs).toEqual(shippedProm.alerting.alert_relabel_configs);
    // Loki expands ${OAUTH_RUNBOOK_URL} only with -config.expand-env; both services get the variable.
    expect(compose.services.loki!.command).toContain('-config.expand-env=true');
    for (const s of ['loki', 'prometheus']) expect(compose.services[s]!.environment?.OAUTH_RUNBOOK_URL).toMatch(/^\$\{OAUTH_RUNBOOK_URL:\?/);
  });

  test('each receiver URL file is a compose secret of the alertmanager service', () => {
    const targets = (compose.services.alertmanager!.secrets ?? []).map((s) => s.target).sort();
    const files = shippedAm.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => w.url_file)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect([...new Set(files)]).toEqual(targets);
    for (const r of shippedAm.receivers) for (const w of r.webhook_configs ?? []) expect({ r: r.name, url: w.url, resolved: w.send_resolved }).toEqual({ r: r.name, url: undefined, resolved: true });
  });
});

describe('an attack pages once, opens a ticket for its P1 side, and resolves when it stops', () => {
  let reuseFiring: Notification;

  test('nothing pages before the attack', () => {
    expect(received.filter((n) => n.path === '/oauth-page')).toEqual([]);
  });

  test('refresh-token reuse (P0) reaches the page receiver with its labels and an absolute runbook link', async () => {
    process.kill(driver.pid, 'SIGUSR1');
    reuseFiring = await waitFor('a page for OAuthTokenReuseDetected', async () => notificationsWith('/oauth-page', 'OAuthTokenReuseDetected', 'firing')[0], {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(reuseFiring.body.receiver).toBe('oauth-page');
    expect(reuseFiring.body.groupLabels).toEqual({ oauth_detection: 'OAuthTokenReuseDetected', ...TARGET });
    const alert = reuseFiring.body.alerts.find((a) => a.labels.alertname === 'OAuthTokenReuseDetected')!;
    expect(alert.labels).toEqual({
      alertname: 'OAuthTokenReuseDetected',
      severity: 'critical',
      priority: 'P0',
      detected_by: 'metrics',
      oauth_detection: 'OAuthTokenReuseDetected',
      ...TARGET,
    });
    // absolute, from the external label; the label itself is dropped before Alertmanager
    expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#oauthtokenreusedetected`);
    expect(alert.annotations.summary).toBe('Refresh-token reuse detected on api (prod)');
  });

  test('the integrity violations of the same attack (P1) open a ticket and do not page', async () => {
    const ticket = await waitFor('a ticket for OAuthIntegrityViolations', async () => notificationsWith('/oauth-ticket', 'OAuthIntegrityViolations', 'firing')[0], {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    const alert = ticket.body.alerts.find((a) => a.labels.alertname === 'OAuthIntegrityViolations')!;
    expect(alert.labels).toMatchObject({ severity: 'critical', priority: 'P1', ...TARGET });
    expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#oauthintegrityviolations`);
    expect(notificationsWith('/oauth-page', 'OAuthIntegrityViolations')).toEqual([]);
  });

  test("the Loki ruler's twin of the same attack is inhibited; the twin for another service pages", async () => {
    const rule = lokiRuleFiles()
      .flatMap(readRules)
      .find((r) => r.alert === 'OAuthLogTokenReuseDetected')!;
    const streamLabels = (service: string) => ({ service_name: service, deployment_environment_name: TARGET.environment });
    const render = (v: string, l: Record<string, string>) =>
      v
        .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, k: string) => l[k] ?? '')
        .replace(/\{\{ or \$externalLabels\.oauth_runbook "[^"]*" \}\}/, RUNBOOK);
    const twin = (service: string): AlertmanagerAlert => {
      const stream = streamLabels(service);
      const labels: Record<string, string> = { alertname: rule.alert!, ...stream };
      for (const [k, v] of Object.entries(rule.labels)) labels[k] = render(v, stream);
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = render(v, { ...stream });
      return { labels, annotations, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 120_000).toISOString() };
    };
    const same = twin(TARGET.service);
    const other = twin('other-service');
    expect(same.labels).toMatchObject({ detected_by: 'logs', oauth_detection: 'OAuthTokenReuseDetected', ...TARGET });
    await am.post([same, other]);

    const state = await waitFor(
      'the twin to be inhibited and the other one active',
      async () => {
        const alerts = await am.alerts();
        const find = (svc: string) => alerts.find((a) => a.labels.alertname === rule.alert && a.labels.service === svc);
        const s = find(TARGET.service);
        const o = find('other-service');
        return s?.status?.state === 'suppressed' && o?.status?.state === 'active' ? { s, o } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(state.s.status!.inhibitedBy.length).toBe(1);
    expect(state.o.status!.inhibitedBy).toEqual([]);
    const otherPage = await waitFor('a page for the twin of another service', async () => notificationsWith('/oauth-page', rule.alert!, 'firing', 'other-service')[0], {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect(otherPage.body.alerts[0]!.annotations.runbook_url).toBe(`${RUNBOOK}#oauthtokenreusedetected`);
    // a few group intervals later, the inhibited twin has still reached no one
    await new Promise((r) => setTimeout(r, 6_000));
    expect(notificationsWith('/oauth-page', rule.alert!, undefined, TARGET.service)).toEqual([]);
    expect(notificationsWith('/oauth-ticket', rule.alert!, undefined, TARGET.service)).toEqual([]);
    // resolve both, as the ruler does once its window has passed
    const now = new Date().toISOString();
    await am.post([{ ...same, endsAt: now }, { ...other, endsAt: now }]);
  });

  test('once the attack stops, the page receiver gets the resolution', async () => {
    process.kill(driver.pid, 'SIGUSR2');
    const resolved = await waitFor(
      'OAuthTokenReuseDetected resolved',
      async () => notificationsWith('/oauth-page', 'OAuthTokenReuseDetected', 'resolved').find((n) => n.body.groupKey === reuseFiring.body.groupKey),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.at).toBeGreaterThan(reuseFiring.at);
  });

  test('routing held throughout: pages carry only P0 alerts, tickets no P0 alert; no alert carries oauth_runbook', () => {
    const pages = received.filter((n) => n.path === '/oauth-page');
    const tickets = received.filter((n) => n.path === '/oauth-ticket');
    expect(pages.flatMap((n) => n.body.alerts.map((a) => a.labels.priority)).filter((p) => p !== 'P0')).toEqual([]);
    expect(tickets.flatMap((n) => n.body.alerts.map((a) => a.labels.priority)).filter((p) => p === 'P0')).toEqual([]);
    expect(received.flatMap((n) => n.body.alerts).filter((a) => 'oauth_runbook' in a.labels)).toEqual([]);
    // every page for this attack's metrics alert belongs to one group: one incident, not two
    const reusePages = pages.filter((n) => n.body.groupLabels.service === TARGET.service && n.body.groupLabels.oauth_detection === 'OAuthTokenReuseDetected');
    expect(reusePages.length).toBeGreaterThanOrEqual(2); // firing, resolved
    expect(new Set(reusePages.map((n) => n.body.groupKey)).size).toBe(1);
  });
});
