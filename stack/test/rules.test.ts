/**
 * Prometheus and Loki rules: promtool check + unit tests, conventions (severity, priority, runbook),
 * the static PromQL check of every rule expression, and that every alert is unit-tested both firing
 * and silent.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  extractRuleQueries,
  lokiRuleFiles,
  prometheusRuleFiles,
  prometheusRuleTestFiles,
  readRules,
  REPO_ROOT,
  type ExtractedQuery,
  type RuleEntry,
} from './queries';
import { checkPromQL } from './queries/checks';
import { runPromtool } from './queries/tools';

const promFiles = prometheusRuleFiles();
const testFiles = prometheusRuleTestFiles();
const promRules = promFiles.flatMap(readRules);
const lokiRules = lokiRuleFiles().flatMap(readRules);
const alerts = [...promRules, ...lokiRules].filter((r) => r.alert);
const rel = (f: string) => relative(REPO_ROOT, f);

/** Anchors of docs/runbook.md headings, GitHub style. */
function runbookAnchors(): Set<string> {
  const md = readFileSync(join(REPO_ROOT, 'docs', 'runbook.md'), 'utf8');
  const anchors = new Set<string>();
  for (const m of md.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

describe('rule files', () => {
  it('exist: alerts, recording rules, unit tests, Loki rules', () => {
    expect(promFiles.map((f) => basename(f))).toEqual(['oauth-alerts.yml', 'oauth-meta.yml', 'oauth-recording.yml', 'oauth-server-alerts.yml']);
    expect(testFiles.length).toBeGreaterThanOrEqual(4);
    expect(lokiRuleFiles().map((f) => basename(f))).toEqual(['oauth-security.yml']);
  });

  it('promtool check rules passes', () => {
    const r = runPromtool(['check', 'rules', ...promFiles.map(rel)]);
    expect(r.output).not.toMatch(/FAILED|error/i);
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes', () => {
    const r = runPromtool(['test', 'rules', ...testFiles.map(rel)]);
    expect(r.output).not.toContain('FAILED');
    expect(r.code).toBe(0);
  }, 120_000);

  it('has the alerts of the issue and the SLO recording rules', () => {
    expect([...new Set(promRules.filter((r) => r.alert).map((r) => r.alert))].sort()).toEqual(
      [
        'OAuthActivePkceStatesHigh',
        'OAuthActiveTokensHigh',
        'OAuthAuthorizationServerDrift',
        'OAuthCodeInjectionAttempt',
        'OAuthDpopBoundTokenWithoutKey',
        'OAuthDpopNonceChurn',
        'OAuthDpopProofFailures',
        'OAuthDpopProofReplay',
        'OAuthFlowSuccessRateLow',
        'OAuthIntegrityViolations',
        'OAuthMetricsCardinalityOverflow',
        'OAuthReauthorizationLoop',
        'OAuthSecurityEventRateHigh',
        'OAuthServerInternalErrors',
        'OAuthServerRefreshTokenReuse',
        'OAuthServerTokenErrorRateHigh',
        'OAuthTelemetryDropping',
        'OAuthTokenRefreshFailureSpike',
        'OAuthTokenRefreshSlow',
        'OAuthTokenReuseDetected',
        // issue 14
        'OAuthTokenInUrl',
        'OAuthResourceMetadataSpoofing',
        'OAuthConnectionContextMismatch',
        'OAuthServerRegistrationAbuse',
        'OAuthServerAudienceInjection',
        'OAuthServerRegistrationRateHigh',
        // MCP authorization 2026-07-28
        'OAuthIssuerMissing',
        'OAuthStepUpLoop',
        'OAuthDynamicClientRegistrationInUse',
        // meta-monitoring (oauth-meta.yml)
        'OAuthTargetDown',
        'OAuthTargetMissing',
        'OAuthCollectorExportFailing',
        'OAuthCollectorQueueFilling',
      ].sort(),
    );
    const records = promRules.filter((r) => r.record).map((r) => r.record);
    for (const name of [
      'oauth:flow_success_rate:5m',
      'oauth:refresh_success_rate:5m',
      'oauth:pkce_success_rate:5m',
      'oauth:flow_duration_seconds:p95',
      'oauth:flow_duration_seconds:p99',
      'oauth:refresh_duration_seconds:p95',
      'oauth:refresh_duration_seconds:p99',
      'oauth:security_events_critical:rate5m',
    ]) {
      expect(records).toContain(name);
    }
  });
});

describe.each(alerts.map((a) => [`${basename(a.file)} ${a.alert}`, a] as [string, RuleEntry]))('alert %s', (_n, a) => {
  it('has severity critical|warning|info matching its priority P0-P3', () => {
    expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
    expect(['P0', 'P1', 'P2', 'P3']).toContain(a.labels.priority);
    const expected = { P0: 'critical', P1: 'critical', P2: 'warning', P3: 'info' }[a.labels.priority!];
    expect(a.labels.severity).toBe(expected);
  });

  it('has summary, description and a runbook_url: the configurable base + a section of docs/runbook.md', () => {
    expect(a.annotations.summary).toBeTruthy();
    expect(a.annotations.description).toBeTruthy();
    // The external label oauth_runbook (OAUTH_RUNBOOK_URL in compose) makes the link absolute.
    const m = /^\{\{ or \$externalLabels\.oauth_runbook "docs\/runbook\.md" \}\}#([a-z0-9-]+)$/.exec(a.annotations.runbook_url ?? '');
    expect(m).not.toBeNull();
    expect(runbookAnchors()).toContain(m![1]);
  });

  it('names its detector and its detection; its runbook section is its own (metrics) or its detection (logs)', () => {
    const logs = a.file.includes(`${'/'}loki${'/'}`);
    expect(a.labels.detected_by).toBe(logs ? 'logs' : 'metrics');
    expect(a.labels.oauth_detection).toMatch(/^OAuth[A-Za-z0-9]+$/);
    // a detection is always the name of a Prometheus alert, or of the logs-only alert itself
    expect([a.alert, ...promRules.filter((r) => r.alert).map((r) => r.alert)]).toContain(a.labels.oauth_detection);
    expect(a.annotations.runbook_url!.split('#')[1]).toBe((logs ? a.labels.oauth_detection! : a.alert!).toLowerCase());
    // Alertmanager groups and inhibits on (oauth_detection, service, environment): the Loki alerts
    // must carry the same target labels as the Prometheus ones.
    if (logs) {
      expect(a.labels.service).toBe('{{ $labels.service_name }}');
      expect(a.labels.environment).toBe('{{ $labels.deployment_environment_name }}');
    }
  });
});

describe('every Prometheus alert is unit-tested firing and silent', () => {
  const tests = testFiles.flatMap((f) => {
    const doc = parseYaml(readFileSync(f, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    };
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
  it.each(promRules.filter((r) => r.alert).map((r) => [r.alert!]))('%s', (name) => {
    const mine = tests.filter((t) => t.alertname === name);
    expect(mine.some((t) => (t.exp_alerts ?? []).length > 0)).toBe(true);
    expect(mine.some((t) => (t.exp_alerts ?? []).length === 0)).toBe(true);
  });
});

describe('PromQL of the rules (static check against the catalog)', () => {
  const queries: ExtractedQuery[] = promFiles.flatMap((f) => extractRuleQueries(f, 'promql'));
  it.each(queries.map((q) => [q.source, q]))('%s', (_s, q) => {
    expect(checkPromQL(q)).toEqual([]);
  });

  it('no alert compares a raw counter (every counter read sits in increase()/rate() or an unless-offset new-series guard)', () => {
    for (const r of promRules.filter((x) => x.alert)) {
      // the seed's latching form: <counter>{...} > 0 at the top level
      expect([r.alert, /^\s*oauth_[a-z_]+_total(\{[^}]*\})?\s*>/.test(r.expr)]).toEqual([r.alert, false]);
    }
  });

  it('ratio alerts have a minimum-traffic guard', () => {
    const ratio = promRules.filter((r) => r.alert && /success_rate/.test(r.expr));
    expect(ratio.length).toBeGreaterThan(0);
    for (const r of ratio) expect([r.alert, /and\s+on\s*\([^)]*\)\s*\(?\s*sum/.test(r.expr) && />=\s*\d+/.test(r.expr)]).toEqual([r.alert, true]);
  });
});

describe('twins: a Prometheus alert and its Loki-ruler counterpart', () => {
  const byDetection = new Map<string, RuleEntry[]>();
  for (const a of alerts) byDetection.set(a.labels.oauth_detection!, [...(byDetection.get(a.labels.oauth_detection!) ?? []), a]);

  it('share oauth_detection, both detectors, with the same priority; a logs-only alert names itself', () => {
    const twins = [...byDetection.entries()].filter(([, list]) => new Set(list.map((a) => a.alert)).size > 1);
    expect(twins.map(([d]) => d).sort()).toEqual(
      ['OAuthCodeInjectionAttempt', 'OAuthConnectionContextMismatch', 'OAuthFlowSuccessRateLow', 'OAuthIntegrityViolations', 'OAuthTokenRefreshFailureSpike', 'OAuthTokenReuseDetected'].sort(),
    );
    for (const [detection, list] of twins) {
      const names = [...new Set(list.map((a) => a.alert))];
      expect({ detection, detectors: [...new Set(names.map((n) => list.find((a) => a.alert === n)!.labels.detected_by))].sort() }).toEqual({
        detection,
        detectors: ['logs', 'metrics'],
      });
      expect({ detection, priorities: [...new Set(list.map((a) => a.labels.priority))] }).toEqual({ detection, priorities: [list[0]!.labels.priority] });
      // the metrics alert is the one named like the detection (it is the source of the inhibition)
      expect(list.find((a) => a.alert === detection)?.labels.detected_by).toBe('metrics');
    }
    for (const a of lokiRules.filter((r) => r.alert && byDetection.get(r.labels.oauth_detection!)!.length === 1)) {
      expect(a.labels.oauth_detection).toBe(a.alert);
    }
    // The AS logs refresh-token reuse as the same event as a client: its metrics alert shares the
    // client's detection, so the AS's Loki twin is grouped with it and muted under it too.
    expect(byDetection.get('OAuthTokenReuseDetected')!.map((a) => a.alert).sort()).toEqual(
      ['OAuthLogTokenReuseDetected', 'OAuthServerRefreshTokenReuse', 'OAuthTokenReuseDetected'].sort(),
    );
  });
});

describe('meta-monitoring: every scrape job of stack/prometheus/prometheus.yml has an absent() alert', () => {
  const prom = parseYaml(readFileSync(join(REPO_ROOT, 'stack', 'prometheus', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { labels?: Record<string, string> }[] }[];
  };
  const missing = promRules.filter((r) => r.alert === 'OAuthTargetMissing').map((r) => r.expr.trim());
  it.each(prom.scrape_configs.map((j) => [j.job_name, j] as const))('%s', (job, j) => {
    for (const sc of j.static_configs) {
      const { service, environment } = sc.labels ?? {};
      expect(missing).toContain(`absent(up{job="${job}", service="${service}", environment="${environment}"})`);
    }
  });
  it('and no rule for a job that is not scraped', () => {
    expect(missing.length).toBe(prom.scrape_configs.reduce((n, j) => n + j.static_configs.length, 0));
  });
});
