/**
 * The Grafana dashboards: strict schema validation with grafana-foundation-sdk (stack/tools/dashboard-check),
 * the generator is in sync, the variables the issue asks for, and every PromQL query (dashboards and
 * ```promql blocks of the docs) parses and names only catalog metrics, labels and label values.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  dashboardFiles,
  extractDashboardQueries,
  extractMarkdownQueries,
  markdownFiles,
  prometheusRuleFiles,
  readDashboard,
  readRules,
  recordingRuleNames,
  REPO_ROOT,
  seriesCatalog,
  type ExtractedQuery,
} from './queries';
import { checkPromQL } from './queries/checks';
import { METRICS } from '../../packages/oauth-otel/src/catalog';
import { runDashboardCheck } from './queries/tools';

const EXPECTED = ['oauth-debugging.json', 'oauth-overview.json', 'oauth-performance.json', 'oauth-security.json'];
const files = dashboardFiles();
const label = (q: ExtractedQuery) => `${q.source}: ${q.expr.replace(/\s+/g, ' ').slice(0, 120)}`;

describe('dashboard files', () => {
  it('are the four dashboards of the issue', () => {
    expect(files.map((f) => basename(f)).sort()).toEqual(EXPECTED);
  });

  it('are what dashboards/generate.mjs produces', () => {
    expect(() => execFileSync(process.execPath, [join(REPO_ROOT, 'dashboards', 'generate.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('pass the strict grafana-foundation-sdk check (unknown fields, types, Validate, references)', () => {
    const r = runDashboardCheck(files);
    expect(r.output).not.toContain('FAIL');
    expect(r.code).toBe(0);
  }, 300_000);

  it('the checker rejects a broken dashboard (unknown field, undefined variable, wrong datasource type)', () => {
    const dash = JSON.parse(readFileSync(files[0]!, 'utf8'));
    dash.panels[0].targets[0].exprr = 'up';
    dash.panels[1].targets[0].expr += ' + on() vector($nosuchvar)';
    dash.panels[2].datasource = { type: 'loki', uid: '${datasource}' };
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(dash));
    const r = runDashboardCheck([bad]);
    expect(r.code).toBe(1);
    expect(r.output).toContain("unexpected field 'exprr'");
    expect(r.output).toContain('undefined variable $nosuchvar');
    expect(r.output).toContain('variable $datasource selects "prometheus" datasources');
  }, 300_000);

  it.each(files.map((f) => [basename(f), f]))('%s has the datasource, service, environment and provider variables', (_n, file) => {
    const vars = new Map((readDashboard(file).templating?.list ?? []).map((v) => [v.name, v] as const));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.get('loki_datasource')).toMatchObject({ type: 'datasource', query: 'loki' });
    for (const name of ['service', 'environment', 'provider']) expect(vars.get(name)).toMatchObject({ type: 'query' });
    expect(vars.get('provider')!.query).toMatch(/^label_values\(oauth_flows_started_total(\{.*\})?, provider\)$/);
  });

  it('the debugging dashboard has a trace_id textbox used by a Loki trace lookup', () => {
    const file = files.find((f) => f.endsWith('oauth-debugging.json'))!;
    const vars = readDashboard(file).templating?.list ?? [];
    expect(vars.find((v) => v.name === 'trace_id')).toMatchObject({ type: 'textbox' });
    const logql = extractDashboardQueries(file).filter((q) => q.lang === 'logql');
    expect(logql.some((q) => /\|\s*trace_id="\$trace_id"/.test(q.expr))).toBe(true);
    expect(logql.some((q) => /\|\s*severity_number >= 17/.test(q.expr))).toBe(true);
  });
});

describe('dashboard details', () => {
  const all = files.flatMap((f) => extractDashboardQueries(f));
  const logql = all.filter((q) => q.lang === 'logql' && q.kind === 'dashboard-target');
  const promql = all.filter((q) => q.lang === 'promql');
  const textboxes = files.flatMap((f) => (readDashboard(f).templating?.list ?? []).filter((v) => v.type === 'textbox').map((v) => v.name));

  it('a Loki query that filters on a textbox variable matches nothing while the box is empty', () => {
    // `field="$box"` with an empty box is `field=""`, which every record without the field matches.
    expect(textboxes.length).toBeGreaterThan(0);
    for (const q of logql) {
      for (const box of textboxes) {
        for (const m of q.expr.matchAll(new RegExp(`([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*"\\$${box}"`, 'g'))) {
          expect({ q: label(q), guarded: q.expr.includes(`${m[1]}!=""`) }).toEqual({ q: label(q), guarded: true });
        }
      }
    }
  });

  it('Loki panels count over the whole range or per minute, never per $__interval (which changes with the zoom)', () => {
    const bad = logql.filter((q) => /count_over_time\([^[]*\[\$__interval\]/.test(q.expr) || (/\[\$__interval\]/.test(q.expr) && !/\*\s*60\b/.test(q.expr)));
    expect(bad.map(label)).toEqual([]);
  });

  it('$service and $environment list only targets that export oauth-otel metrics (not the collector)', () => {
    const names = new Set<string>(Object.values(METRICS).map((m) => m.name));
    const vars = all.filter((q) => q.kind === 'dashboard-variable' && (q.name === 'service' || q.name === 'environment'));
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) {
      // The extracted expression is the selector of `label_values(selector, label)`.
      const metric = /^([a-z_:]+)/.exec(v.expr)?.[1];
      expect({ v: v.source, catalog: names.has(metric ?? '') }).toEqual({ v: v.source, catalog: true });
    }
  });

  it('every recording rule an alert compares is on a dashboard', () => {
    const records = recordingRuleNames();
    const alertExprs = prometheusRuleFiles().flatMap(readRules).filter((r) => r.alert).map((r) => r.expr);
    const used = records.filter((name) => alertExprs.some((e) => e.includes(name)));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect({ name, onDashboard: promql.some((q) => q.expr.includes(name)) }).toEqual({ name, onDashboard: true });
  });

  it('every panel of a duration histogram\'s quantiles shows its exemplars, from one target; no other target asks for them', () => {
    const panels = files.flatMap((f) => (readDashboard(f).panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]));
    const durations = Object.values(METRICS).filter((m) => m.kind === 'histogram').map((m) => `${m.name}_bucket`);
    const onHistogram = (expr = '') => /histogram_quantile\(/.test(expr) && durations.some((b) => expr.includes(b));
    const withQuantiles = panels.filter((p) => (p.targets ?? []).some((t) => onHistogram(t.expr)));
    expect(withQuantiles.length).toBeGreaterThanOrEqual(durations.length);
    for (const p of withQuantiles) {
      const asking = (p.targets ?? []).filter((t) => t.exemplar === true);
      expect({ panel: p.title, asking: asking.length, onHistogram: asking.every((t) => onHistogram(t.expr)) }).toEqual({ panel: p.title, asking: 1, onHistogram: true });
    }
    const elsewhere = panels.filter((p) => !withQuantiles.includes(p)).flatMap((p) => (p.targets ?? []).filter((t) => t.exemplar === true));
    expect(elsewhere).toEqual([]);
  });

  it("every authorization-server metric (oauth_server_*) is on a dashboard and read by an alert", () => {
    const server = Object.values(METRICS).map((m) => m.name).filter((n) => n.startsWith('oauth_server_'));
    expect(server.length).toBeGreaterThan(0);
    const alertExprs = prometheusRuleFiles().flatMap(readRules).filter((r) => r.alert).map((r) => r.expr).join('\n');
    for (const name of server) expect({ name, onDashboard: promql.some((q) => q.expr.includes(name)) }).toEqual({ name, onDashboard: true });
    expect(/oauth_server_[a-z_]+_total/.test(alertExprs)).toBe(true);
  });
});

const dashboardPromQL = files.flatMap((f) => extractDashboardQueries(f).filter((q) => q.lang === 'promql'));
const docPromQL = markdownFiles().flatMap((f) => extractMarkdownQueries(f, 'promql'));

describe('PromQL of the dashboards', () => {
  it('there are queries to check', () => {
    expect(dashboardPromQL.length).toBeGreaterThan(40);
  });

  it.each(dashboardPromQL.map((q) => [label(q), q]))('%s', (_l, q) => {
    expect(checkPromQL(q)).toEqual([]);
  });

  it('rate()/increase() in panels use $__rate_interval (or $__range for totals)', () => {
    const bad = dashboardPromQL.filter((q) => /\b(rate|irate|increase)\([^[]*\[(?!\$__rate_interval\]|\$__range\])/.test(q.expr));
    expect(bad.map(label)).toEqual([]);
  });

  it('variable queries read a label the selected metric has', () => {
    const cat = seriesCatalog();
    const vars = dashboardPromQL.length ? files.flatMap((f) => extractDashboardQueries(f).filter((q) => q.kind === 'dashboard-variable')) : [];
    expect(vars.length).toBeGreaterThanOrEqual(12);
    for (const v of vars) {
      const metric = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(v.expr)![0];
      const spec = cat.get(metric)!;
      expect([v.source, spec.labels.has(v.variableLabel!) || spec.labels.has('*')]).toEqual([v.source, true]);
    }
  });

  it('slow fractions are 1 - bucket(le)/count, not bucket(le)/count (seed defect 14)', () => {
    const le = dashboardPromQL.filter((q) => /_bucket\{le="/.test(q.expr) && /_count/.test(q.expr));
    expect(le.length).toBeGreaterThan(0);
    for (const q of le) expect([label(q), /^1 - \(/.test(q.expr)]).toEqual([label(q), true]);
  });
});

describe('PromQL of the docs (```promql blocks)', () => {
  it('docs/promql.md has queries', () => {
    expect(docPromQL.filter((q) => q.source.startsWith('docs/promql.md')).length).toBeGreaterThan(10);
  });

  it.each(docPromQL.map((q) => [label(q), q]))('%s', (_l, q) => {
    expect(checkPromQL(q)).toEqual([]);
  });
});

describe('the static PromQL check itself', () => {
  const q = (expr: string, kind: ExtractedQuery['kind'] = 'doc'): ExtractedQuery => ({ lang: 'promql', kind, expr, source: 'test' });
  it.each([
    ['unknown metric', 'rate(oauth_flows_total_typo[5m])', 'not in the catalog'],
    ['unknown label', 'sum(rate(oauth_flows_total{server_uuid="x"}[5m]))', 'has no label server_uuid'],
    ['value outside the vocabulary', 'oauth_flows_total{status="initiated"}', 'value "initiated"'],
    ['regex matching nothing', 'oauth_security_events_total{severity=~"P0|P1"}', 'matches none'],
    ['le that is not a bucket bound', 'oauth_flow_duration_seconds_bucket{le="3"}', 'value "3"'],
    // Prometheus 3 stores le="5" as le="5.0" (scrape-time normalization): the old form matches nothing
    ['le as Prometheus 2 stored it', 'oauth_flow_duration_seconds_bucket{le="5"}', 'value "5"'],
    ['rate() on a gauge', 'rate(oauth_active_tokens[5m])', 'on gauge oauth_active_tokens'],
    ['group by a label the metric lacks', 'sum by (event) (rate(oauth_security_events_total[5m]))', 'grouping/joining label event'],
    ['syntax error', 'sum(rate(oauth_flows_total[5m])', 'syntax error'],
  ])('flags %s', (_n, expr, message) => {
    expect(checkPromQL(q(expr)).join('\n')).toContain(message);
  });
  it('flags a latching alert on a raw counter (seed defect 15)', () => {
    expect(checkPromQL(q('oauth_code_injection_attempts_total > 0', 'alert-rule')).join('\n')).toContain('latch');
  });
});
