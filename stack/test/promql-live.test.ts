/**
 * Every PromQL expression the project ships, run against a real Prometheus that scrapes real
 * oauth-otel metrics.
 *
 * Prometheus (the compose image's 3.x release, built from source by scripts/backends) runs on a free 127.0.0.1 port with a temporary data directory, a 1 s
 * scrape and rule-evaluation interval and both rule files loaded (so recording rules and ALERTS have
 * data). It scrapes scripts/traffic/driver.mjs, a real process that drives every OAuth operation and
 * security event of the package API, labelled service="api", environment="prod" (the placeholder
 * values the docs' queries use). One more target serves a fixed `otel_metric_overflow="true"` series,
 * since the driver stays under the SDK's cardinality limit. A real collector (built from
 * stack/collector/manifest.yaml) is scraped as job otel-collector, with one log batch it fails to
 * export, so the meta-monitoring rules read its real self-telemetry names. Every other scrape job
 * of stack/prometheus/prometheus.yml gets an empty target with that job's labels, so the absent()
 * rules have their `up` series.
 *
 * For each expression (Grafana macros and variables substituted as Grafana sends them with "All"):
 *   - the expression itself runs without error (it may be empty: a quiet alert is empty);
 *   - its data form (comparisons with a number, `and`/`unless` guards and `or vector(0)` fallbacks
 *     removed, see queries/promql.ts dataForm) returns at least one series;
 *   - every vector selector in it, alone, returns at least one series.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { allPromQL, bareSelectors, dataForm, prometheusRuleFiles, REPO_ROOT, type ExtractedQuery } from './queries';
import { runnable } from './queries/checks';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  freePort,
  makeScratchDir,
  queryPrometheus,
  sendOtlpLogs,
  spawnServer,
  startCollector,
  startPrometheus,
  stopAll,
  waitFor,
  type Prometheus,
  type ScrapeTarget,
  type ServerProcess,
} from './support';

jest.setTimeout(240_000);

const DRIVER = join(REPO_ROOT, 'scripts', 'traffic', 'driver.mjs');
const PACKAGE_DIST = join(REPO_ROOT, 'packages', 'oauth-otel', 'dist', 'index.js');
const TARGET_LABELS = { service: 'api', environment: 'prod' };

const queries: ExtractedQuery[] = allPromQL();
const label = (q: ExtractedQuery) => `${q.source}: ${q.expr.replace(/\s+/g, ' ').slice(0, 110)}`;

let prom: Prometheus;
let driver: ServerProcess;
let fixture: Server;
let empty: Server;

/** The collector's self-telemetry with every exporter failing: retries off, endpoint a closed port. */
const FAILING_COLLECTOR = `
extensions:
  health_check:
    endpoint: \${env:OTELCOL_HEALTH_ENDPOINT}
receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:OTLP_HTTP_ENDPOINT}
exporters:
  otlp_http/loki:
    logs_endpoint: http://127.0.0.1:1/v1/logs
    retry_on_failure:
      enabled: false
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: \${env:OTELCOL_METRICS_HOST}
                port: \${env:OTELCOL_METRICS_PORT}
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlp_http/loki]
`;

/** Instant query, or the error text. */
async function run(expr: string): Promise<{ error?: string; series: number }> {
  try {
    return { series: (await queryPrometheus(prom.url, expr)).length };
  } catch (e) {
    return { error: (e as Error).message, series: 0 };
  }
}

beforeAll(async () => {
  if (!existsSync(DRIVER)) throw new Error(`${DRIVER} is missing: the traffic driver is the data source of this test`);
  if (!existsSync(PACKAGE_DIST)) {
    execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(REPO_ROOT, 'packages', 'oauth-otel', 'tsconfig.build.json')], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const metricsPort = await freePort();
  driver = await spawnServer({
    name: 'traffic-driver',
    command: process.execPath,
    args: [DRIVER],
    env: {
      METRICS_PORT: String(metricsPort),
      DRIVER_MAX_SECONDS: '600',
      DRIVER_INTERVAL_MS: '50',
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: undefined,
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    readyTimeoutMs: 60_000,
  });

  const fixturePort = await freePort();
  fixture = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      '# TYPE oauth_flows_started_total counter\n' +
        'oauth_flows_started_total{otel_metric_overflow="true"} 3\n',
    );
  });
  await new Promise<void>((r) => fixture.listen(fixturePort, '127.0.0.1', r));

  const emptyPort = await freePort();
  empty = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(''));
  await new Promise<void>((r) => empty.listen(emptyPort, '127.0.0.1', r));

  const collectorConfig = makeScratchDir('collector-failing');
  writeFileSync(join(collectorConfig, 'config.yaml'), FAILING_COLLECTOR);
  const collector = await startCollector({ configPath: join(collectorConfig, 'config.yaml') });
  // accepted by the receiver, then lost by the exporter: send_failed and the queue gauges have data
  await sendOtlpLogs({ url: `${collector.otlpHttpUrl}/v1/logs`, resource: { 'service.name': 'promql-live' }, records: [{ body: 'lost on purpose' }] });

  // The scrape jobs of the shipped prometheus.yml, with their labels: the collector for its own job,
  // an empty target for the others (only `up` is read from them).
  const shipped = parseYaml(readFileSync(join(REPO_ROOT, 'stack', 'prometheus', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { labels?: Record<string, string> }[] }[];
  };
  const stackJobs: ScrapeTarget[] = shipped.scrape_configs.flatMap((j) =>
    j.static_configs.map((sc) => ({
      target: j.job_name === 'otel-collector' ? new URL(collector.metricsUrl).host : `127.0.0.1:${emptyPort}`,
      job: j.job_name,
      labels: sc.labels ?? {},
    })),
  );

  prom = await startPrometheus({
    interval: '1s',
    ruleFiles: prometheusRuleFiles(),
    scrapeTargets: [
      { target: `127.0.0.1:${metricsPort}`, job: 'oauth-traffic', labels: TARGET_LABELS },
      { target: `127.0.0.1:${fixturePort}`, job: 'overflow-fixture', labels: { service: 'overflow-fixture', environment: 'prod' } },
      ...stackJobs,
    ],
  });

  // Wait until every series the queries read exists (and a few rule evaluations have run).
  const selectors = [...new Set(queries.flatMap((q) => bareSelectors(runnable(q))))];
  let missing: string[] = [];
  try {
    await waitFor(
      'every selector of every query to return data',
      async () => {
        missing = [];
        for (const s of selectors) if ((await run(s)).series === 0) missing.push(s);
        return missing.length === 0 ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
  } catch {
    // the per-query tests below name what is missing
  }
  // rates over [1m] need two samples a little apart
  await new Promise((r) => setTimeout(r, 5_000));
});

afterAll(async () => {
  await new Promise<void>((r) => (fixture ? fixture.close(() => r()) : r()));
  await new Promise<void>((r) => (empty ? empty.close(() => r()) : r()));
  await stopAll();
});

describe('live Prometheus', () => {
  it('scrapes the traffic driver', async () => {
    expect((await run('up{job="oauth-traffic"} == 1')).series).toBe(1);
    expect((await run('target_info{job="oauth-traffic"}')).series).toBeGreaterThan(0);
  });

  it('evaluates the rules: recording rules have data and an alert fires', async () => {
    expect((await run('oauth:flow_success_rate:5m')).series).toBeGreaterThan(0);
    expect((await run('ALERTS{alertname="OAuthTokenReuseDetected", alertstate="firing"}')).series).toBe(1);
  });

  it('there are queries from dashboards, rules and docs', () => {
    const kinds = new Set(queries.map((q) => q.kind));
    for (const k of ['dashboard-target', 'dashboard-annotation', 'dashboard-variable', 'alert-rule', 'recording-rule', 'doc']) {
      expect(kinds).toContain(k);
    }
  });
});

describe.each(queries.map((q) => [label(q), q] as [string, ExtractedQuery]))('%s', (_l, q) => {
  const expr = runnable(q);

  it('runs without error', async () => {
    expect({ expr, error: (await run(expr)).error }).toEqual({ expr, error: undefined });
  });

  it('its data form returns series', async () => {
    const data = dataForm(expr);
    const r = await run(data);
    expect({ data, error: r.error, empty: r.series === 0 }).toEqual({ data, error: undefined, empty: false });
  });

  if (q.kind === 'dashboard-variable') {
    it(`its series carry the label ${q.variableLabel}`, async () => {
      const series = await queryPrometheus(prom.url, expr);
      expect(series.some((x) => x.metric[q.variableLabel!] !== undefined && x.metric[q.variableLabel!] !== '')).toBe(true);
    });
  }

  it('every selector in it returns series', async () => {
    const empty: string[] = [];
    for (const s of bareSelectors(expr)) if ((await run(s)).series === 0) empty.push(s);
    expect(empty).toEqual([]);
  });
});
